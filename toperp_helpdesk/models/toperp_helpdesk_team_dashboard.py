"""The team's overview card (Helpdesk > Overview): what needs the team now, each figure
a button that opens the tickets behind it. The SLA addon adds the SLA figures, the
portal addon the customers' rating."""

from odoo import api, fields, models

SEVERITY_CODES = ("critical", "high", "medium", "low")


class ToperpHelpdeskTeam(models.Model):
    _inherit = "toperp.helpdesk.team"  # pylint: disable=consider-merging-classes-inherited

    dashboard_critical_count = fields.Integer(string="Open Critical", compute="_compute_dashboard_counts")
    dashboard_high_count = fields.Integer(string="Open High", compute="_compute_dashboard_counts")
    dashboard_medium_count = fields.Integer(string="Open Medium", compute="_compute_dashboard_counts")
    dashboard_low_count = fields.Integer(string="Open Low", compute="_compute_dashboard_counts")
    dashboard_unassigned_count = fields.Integer(string="Unassigned", compute="_compute_dashboard_counts")
    dashboard_waiting_count = fields.Integer(string="Waiting on Customer", compute="_compute_dashboard_counts")

    @api.model
    def _dashboard_domains(self):
        """{figure: domain of its open tickets}; figure ``x`` is the field
        ``dashboard_x_count`` and the filter of the list its button opens."""
        domains = {code: [("severity_code", "=", code)] for code in SEVERITY_CODES}
        domains["unassigned"] = [("user_id", "=", False)]
        domains["waiting"] = [("stage_id.pauses_sla", "=", True)]
        return domains

    def _compute_dashboard_counts(self):
        """One grouped count per figure, for all the teams shown."""
        Ticket = self.env["toperp.helpdesk.ticket"]
        base = [("team_id", "in", self.ids), ("is_closed", "=", False)]
        for figure, domain in self._dashboard_domains().items():
            counts = dict(Ticket._read_group(base + domain, ["team_id"], ["__count"]))
            for team in self:
                team[f"dashboard_{figure}_count"] = counts.get(team, 0)

    def action_dashboard_tickets(self):
        """The open tickets behind one figure of the card (``toperp_dashboard`` in
        the button's context)."""
        self.ensure_one()
        figure = self.env.context.get("toperp_dashboard")
        action = self.action_view_tickets()
        domain = self._dashboard_domains().get(figure)
        if domain is not None:
            action["domain"] = [("team_id", "=", self.id), ("is_closed", "=", False)] + domain
            action["context"] = {"default_team_id": self.id}
            action["name"] = self._fields[f"dashboard_{figure}_count"].get_description(self.env)["string"]
        return action
