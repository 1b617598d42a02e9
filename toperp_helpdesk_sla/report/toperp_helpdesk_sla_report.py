from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.toperp_helpdesk_sla_status import STATES, TARGETS


class ToperpHelpdeskSlaReport(models.Model):
    _name = "toperp.helpdesk.sla.report"
    _description = "Helpdesk SLA Analysis"
    _auto = False
    _order = "date_start desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("toperp.helpdesk.ticket", string="Ticket", readonly=True)
    policy_id = fields.Many2one("toperp.helpdesk.sla.policy", string="Policy", readonly=True)
    target = fields.Selection(TARGETS, readonly=True)
    state = fields.Selection(STATES, readonly=True)
    severity_id = fields.Many2one("toperp.helpdesk.severity", string="Severity", readonly=True)
    team_id = fields.Many2one("toperp.helpdesk.team", string="Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    support_plan = fields.Selection([("standard", "Standard"), ("priority", "Priority")], readonly=True)
    date_start = fields.Datetime(string="Start", readonly=True)
    deadline = fields.Datetime(readonly=True)
    reached_date = fields.Datetime(string="Reached On", readonly=True)
    achieved_percent = fields.Float(
        string="Achievement (%)",
        aggregator="avg",
        readonly=True,
        help="Share of finished targets that were met in time (running clocks are not counted).",
    )
    met_count = fields.Integer(string="# Met", readonly=True)
    breached_count = fields.Integer(string="# Breached", readonly=True)
    first_response_hours = fields.Float(
        string="Time to First Response (h)",
        aggregator="avg",
        readonly=True,
        help="Business hours to the first agent reply, pauses excluded.",
    )
    resolution_hours = fields.Float(
        string="Time to Resolution (h)",
        aggregator="avg",
        readonly=True,
        help="Business hours to solve, pauses excluded.",
    )

    def _query(self):
        return SQL(
            """
            SELECT s.id AS id,
                   s.ticket_id AS ticket_id,
                   s.policy_id AS policy_id,
                   s.target AS target,
                   s.state AS state,
                   t.severity_id AS severity_id,
                   t.team_id AS team_id,
                   t.user_id AS user_id,
                   t.commercial_partner_id AS partner_id,
                   t.company_id AS company_id,
                   t.support_plan AS support_plan,
                   s.date_start AS date_start,
                   s.deadline AS deadline,
                   s.reached_date AS reached_date,
                   CASE s.state WHEN 'met' THEN 100.0 WHEN 'breached' THEN 0.0 END AS achieved_percent,
                   CASE s.state WHEN 'met' THEN 1 ELSE 0 END AS met_count,
                   CASE s.state WHEN 'breached' THEN 1 ELSE 0 END AS breached_count,
                   CASE WHEN s.target = 'first_response' AND s.reached_date IS NOT NULL
                        THEN s.reached_hours END AS first_response_hours,
                   CASE WHEN s.target = 'resolution' AND s.reached_date IS NOT NULL
                        THEN s.reached_hours END AS resolution_hours
              FROM toperp_helpdesk_sla_status s
              JOIN toperp_helpdesk_ticket t ON t.id = s.ticket_id
             WHERE s.state != 'cancelled' AND t.scope_reason_id IS NULL
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
