from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models

from .toperp_helpdesk_sla_status import DEFAULT_TZ

# "Breaching in the next hour" on the team's overview.
BREACHING_NEXT = timedelta(hours=1)


class ToperpHelpdeskTeam(models.Model):
    _inherit = "toperp.helpdesk.team"  # pylint: disable=consider-merging-classes-inherited

    dashboard_breaching_count = fields.Integer(
        string="Breaching Within an Hour", compute="_compute_dashboard_counts"
    )
    dashboard_breached_count = fields.Integer(string="SLA Breached", compute="_compute_dashboard_counts")
    dashboard_sla_achievement = fields.Float(
        string="SLA Achievement This Month", compute="_compute_dashboard_sla_achievement",
        help="Share of the SLA clocks started this month (office time zone) that were met, among those "
        "met or breached.",
    )

    def _dashboard_domains(self):
        now = fields.Datetime.now()
        domains = super()._dashboard_domains()
        domains["breaching"] = [
            ("sla_state", "in", ("on_track", "at_risk")),
            ("sla_deadline", ">", now),
            ("sla_deadline", "<=", now + BREACHING_NEXT),
        ]
        domains["breached"] = [("sla_state", "=", "breached")]
        return domains

    def _dashboard_month_start(self):
        """The first instant (UTC, naive) of this month in the office's time zone."""
        tz = pytz.timezone(DEFAULT_TZ)
        local = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start = tz.localize(datetime.combine(local.date().replace(day=1), time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _dashboard_sla_domain(self):
        return [
            ("team_id", "in", self.ids),
            ("date_start", ">=", self._dashboard_month_start()),
            ("state", "in", ("met", "breached")),
        ]

    def _compute_dashboard_sla_achievement(self):
        rows = self.env["toperp.helpdesk.sla.report"]._read_group(
            self._dashboard_sla_domain(), ["team_id"], ["met_count:sum", "breached_count:sum"]
        )
        figures = {team: (met, breached) for team, met, breached in rows}
        for team in self:
            met, breached = figures.get(team, (0, 0))
            team.dashboard_sla_achievement = 100.0 * met / (met + breached) if met + breached else 0.0

    def action_dashboard_sla(self):
        """The SLA analysis of this team's clocks started this month."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk_sla.toperp_helpdesk_sla_report_action")
        action["domain"] = self._dashboard_sla_domain()
        action["context"] = {"pivot_row_groupby": ["severity_id"], "pivot_column_groupby": ["state"]}
        return action
