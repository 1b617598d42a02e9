from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError


class ToperpHelpdeskMaintenance(models.Model):
    _name = "toperp.helpdesk.maintenance"
    _description = "Announced Maintenance Window"
    _inherit = ["mail.thread", "toperp.helpdesk.cached.config"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # _announced_cached
    _toperp_cache_fields = frozenset({"announced_date", "date_start", "date_end", "company_id", "service_type_ids",
                                      "active"})

    name = fields.Char(required=True, translate=True, tracking=True)
    date_start = fields.Datetime(string="Start", required=True, tracking=True)
    date_end = fields.Datetime(string="End", required=True, tracking=True)
    announced_date = fields.Datetime(
        string="Announced On",
        tracking=True,
        help="When the maintenance was announced by e-mail and on the website. Only "
        "announced windows make tickets possibly out of scope and show on the portal.",
    )
    notice = fields.Html(translate=True, help="Text of the announcement, shown on the portal banner.")
    service_type_ids = fields.Many2many(
        "toperp.helpdesk.service.type", string="Service Types", help="Affected services; empty means all."
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    ticket_ids = fields.One2many("toperp.helpdesk.ticket", "maintenance_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    def _compute_ticket_count(self):
        counts = dict(
            self.env["toperp.helpdesk.ticket"]._read_group(
                [("maintenance_id", "in", self.ids)], ["maintenance_id"], ["__count"]
            )
        )
        for window in self:
            window.ticket_count = counts.get(window, 0)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for window in self:
            if window.date_end <= window.date_start:
                raise ValidationError(self.env._("A maintenance window must end after it starts."))

    @api.model
    def _find_announced(self, moment, company=None, service_type=None):
        """The announced window covering ``moment`` (UTC), if any, for the company and
        the service type (windows without service types concern every service)."""
        since, windows = self._announced_cached()
        if moment < since:
            return self._search_announced(moment, company, service_type)
        for window_id, company_id, type_ids, announced, start, end in windows:
            if not (announced <= moment and start <= moment <= end):
                continue
            if company and company_id not in (company.id, False):
                continue
            if service_type and type_ids and not type_ids.intersection(service_type.ids):
                continue
            return self.browse(window_id)
        return self.browse()

    @api.model
    def _announced_at(self, moment):
        """Whether an announced window may cover ``moment`` (UTC), any company and
        service type: a quick test before ``_find_announced``."""
        since, windows = self._announced_cached()
        return moment < since or any(
            announced <= moment and start <= moment <= end
            for _id, _company, _types, announced, start, end in windows
        )

    @api.model
    @tools.ormcache()
    def _announced_cached(self):
        """(since, windows): the announced windows not over at ``since`` (when the cache
        was filled), by start, as (id, company id, service type ids, announced date,
        start, end); kept in the registry cache, cleared when a window changes."""
        since = fields.Datetime.now()
        windows = self.sudo().with_context(active_test=True).search(
            [("announced_date", "!=", False), ("date_end", ">=", since)], order="date_start, id"
        )
        return since, tuple(
            (w.id, w.company_id.id, frozenset(w.service_type_ids.ids), w.announced_date, w.date_start, w.date_end)
            for w in windows
        )

    @api.model
    def _search_announced(self, moment, company=None, service_type=None):
        domain = [
            ("announced_date", "!=", False),
            ("announced_date", "<=", moment),
            ("date_start", "<=", moment),
            ("date_end", ">=", moment),
        ]
        if company:
            domain += [("company_id", "in", [company.id, False])]
        if service_type:
            domain += ["|", ("service_type_ids", "=", False), ("service_type_ids", "in", service_type.ids)]
        return self.search(domain, limit=1, order="date_start")

    @api.model
    def _get_banner_windows(self, moment, days_ahead=7, company=None, service_types=None):
        """Announced windows active at ``moment`` or starting within ``days_ahead`` days.
        With ``company`` and/or ``service_types`` (a customer's), only the windows that
        concern them: of every company or that company, of every service or one of
        those service types (none: only the windows of every service)."""
        domain = [
            ("announced_date", "!=", False),
            ("date_end", ">=", moment),
            ("date_start", "<=", fields.Datetime.add(moment, days=days_ahead)),
        ]
        if company is not None:
            domain += [("company_id", "in", [company.id, False])]
        if service_types is not None:
            domain += ["|", ("service_type_ids", "=", False), ("service_type_ids", "in", service_types.ids)]
        return self.search(domain, order="date_start")

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action")
        action["domain"] = [("maintenance_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action
