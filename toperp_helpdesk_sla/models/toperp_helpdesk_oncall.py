from odoo import api, fields, models
from odoo.tools import format_datetime, format_time


class ToperpHelpdeskOncall(models.Model):
    _name = "toperp.helpdesk.oncall"
    _description = "Helpdesk On-call Shift"
    _order = "date_start desc, id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        required=True,
        check_company=True,
        domain="[('share', '=', False)]",
        index=True,
    )
    date_start = fields.Datetime(string="Start", required=True)
    date_end = fields.Datetime(string="End", required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    note = fields.Char()

    _sql_constraints = [
        ("dates_check", "CHECK(date_end > date_start)", "An on-call shift must end after it starts."),
    ]

    @api.depends("user_id", "date_start", "date_end")
    @api.depends_context("tz")
    def _compute_display_name(self):
        # The reader's wall-clock times (the calendar's titles), not raw UTC.
        tz = self.env.context.get("tz") or self.env.user.tz or "Asia/Ho_Chi_Minh"
        for shift in self:
            if not (shift.date_start and shift.date_end):
                shift.display_name = shift.user_id.name or ""
                continue
            shift.display_name = self.env._(
                "%(agent)s, %(start)s → %(end)s",
                agent=shift.user_id.name or "",
                start=format_datetime(self.env, shift.date_start, tz=tz, dt_format="short"),
                end=format_time(self.env, shift.date_end, tz=tz, time_format="short"),
            )

    @api.model
    def _on_duty(self, moment, company=None):
        """Active users on call at ``moment`` (for ``company``)."""
        domain = [("date_start", "<=", moment), ("date_end", ">", moment)]
        if company:
            domain.append(("company_id", "=", company.id))
        return self.search(domain).user_id.filtered("active")
