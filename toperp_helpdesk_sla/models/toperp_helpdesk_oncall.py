from odoo import api, fields, models


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

    @api.depends("user_id", "date_start")
    def _compute_display_name(self):
        for shift in self:
            start = fields.Datetime.to_string(shift.date_start) or ""
            shift.display_name = f"{shift.user_id.name or ''} {start}".strip()

    @api.model
    def _on_duty(self, moment, company=None):
        """Active users on call at ``moment`` (for ``company``)."""
        domain = [("date_start", "<=", moment), ("date_end", ">", moment)]
        if company:
            domain.append(("company_id", "=", company.id))
        return self.search(domain).user_id.filtered("active")
