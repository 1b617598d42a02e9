from odoo import fields, models


class ToperpHelpdeskTeam(models.Model):
    _inherit = "toperp.helpdesk.team"  # pylint: disable=consider-merging-classes-inherited

    dashboard_rating_avg = fields.Float(
        string="Customer Rating This Month", compute="_compute_dashboard_rating",
        help="Average of the ratings (1 to 5) customers gave this month to the team's tickets.",
    )
    dashboard_rating_count = fields.Integer(string="Ratings This Month", compute="_compute_dashboard_rating")

    def _dashboard_rating_domain(self):
        return [
            ("res_model", "=", "toperp.helpdesk.ticket"),
            ("parent_res_model", "=", self._name),
            ("parent_res_id", "in", self.ids),
            ("consumed", "=", True),
            ("rating", ">", 0),
            ("write_date", ">=", self._dashboard_month_start()),
        ]

    def _compute_dashboard_rating(self):
        rows = self.env["rating.rating"].sudo()._read_group(
            self._dashboard_rating_domain(), ["parent_res_id"], ["rating:avg", "__count"]
        )
        figures = {team_id: (avg, count) for team_id, avg, count in rows}
        for team in self:
            team.dashboard_rating_avg, team.dashboard_rating_count = figures.get(team.id, (0.0, 0))

    def action_dashboard_ratings(self):
        """This month's ratings of the team's tickets (pivot and graph)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk_portal.rating_rating_action_helpdesk")
        action["domain"] = self._dashboard_rating_domain()
        return action
