from odoo import api, fields, models, tools

SUPPORT_PLANS = [("standard", "Standard"), ("priority", "Priority")]


class ToperpHelpdeskSlaPolicy(models.Model):
    _name = "toperp.helpdesk.sla.policy"
    _inherit = ["toperp.helpdesk.cached.config"]
    _description = "Helpdesk SLA Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="The first matching policy (lowest sequence) applies.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, help="Empty: every company."
    )
    description = fields.Text(translate=True)
    severity_ids = fields.Many2many(
        "toperp.helpdesk.severity", string="Severities", help="Empty: every severity."
    )
    support_plan = fields.Selection(SUPPORT_PLANS, help="Empty: every plan.")
    service_type_ids = fields.Many2many(
        "toperp.helpdesk.service.type", string="Service Types", help="Empty: every service type."
    )
    team_ids = fields.Many2many(
        "toperp.helpdesk.team", string="Teams", check_company=True, help="Empty: every team."
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        check_company=True,
        help="Empty: every customer. A company applies to all its contacts.",
    )
    first_response_hours = fields.Float(
        help="Business hours until the first public reply of an agent (0.5 = 30 minutes). 0: no target."
    )
    resolution_hours = fields.Float(help="Business hours until the ticket is solved. 0: no target.")
    next_reply_hours = fields.Float(
        help="Business hours to answer each later customer message while the ticket waits on "
        "us. 0: no target."
    )
    warning_percent = fields.Float(
        string="Warning at (%)",
        default=80.0,
        help="The assignee is warned when this share of a target has elapsed. 0: no warning.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="Business hours the targets count in. Empty: 24/7.",
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Open Tickets")

    _sql_constraints = [
        (
            "targets_positive",
            "CHECK(first_response_hours >= 0 AND resolution_hours >= 0 AND next_reply_hours >= 0)",
            "SLA targets cannot be negative.",
        ),
        (
            "warning_percent_range",
            "CHECK(warning_percent >= 0 AND warning_percent <= 100)",
            "The warning threshold is a percentage between 0 and 100.",
        ),
    ]

    def _compute_ticket_count(self):
        counts = dict(
            self.env["toperp.helpdesk.ticket"]._read_group(
                [("sla_policy_id", "in", self.ids), ("is_closed", "=", False)],
                ["sla_policy_id"],
                ["__count"],
            )
        )
        for policy in self:
            policy.ticket_count = counts.get(policy, 0)

    def _target_hours(self, target):
        """Target of this policy in business hours (0: no target)."""
        self.ensure_one()
        return self._targets_cached(self.id)[target]

    @api.model
    @tools.ormcache("policy_id")
    def _targets_cached(self, policy_id):
        """{target: business hours, "warning_percent", "calendar_id"} of a policy, kept
        in the registry cache (cleared when a policy changes): every new ticket needs it."""
        policy = self.sudo().browse(policy_id)
        return {
            "first_response": policy.first_response_hours or 0.0,
            "resolution": policy.resolution_hours or 0.0,
            "next_reply": policy.next_reply_hours or 0.0,
            "warning_percent": policy.warning_percent,
            "calendar_id": policy.calendar_id.id,
        }

    def _criteria(self):
        """What a ticket must match for this policy: (company id, severity ids, plan,
        service type ids, team ids, partner ids); empty means any."""
        self.ensure_one()
        return (
            self.company_id.id,
            frozenset(self.severity_ids.ids),
            self.support_plan or False,
            frozenset(self.service_type_ids.ids),
            frozenset(self.team_ids.ids),
            frozenset(self.partner_ids.ids),
        )

    @staticmethod
    def _criteria_match(criteria, value):
        """Whether a ticket matches ``criteria``; ``value(fname)`` gives the id (the code
        for ``support_plan``) of the ticket's field ``fname``, asked only when needed."""
        company_id, severity_ids, plan, service_type_ids, team_ids, partner_ids = criteria
        if company_id and company_id != value("company_id"):
            return False
        if severity_ids and value("severity_id") not in severity_ids:
            return False
        if plan and plan != (value("support_plan") or "standard"):
            return False
        if service_type_ids and value("service_type_id") not in service_type_ids:
            return False
        if team_ids and value("team_id") not in team_ids:
            return False
        return not partner_ids or (
            value("partner_id") in partner_ids or value("commercial_partner_id") in partner_ids
        )

    @api.model
    @tools.ormcache()
    def _active_criteria(self):
        """(policy id, criteria) of the active policies of every company, by sequence;
        kept in the registry cache (cleared when a policy changes)."""
        return tuple((policy.id, policy._criteria()) for policy in self.sudo().search([]))

    @api.model
    def _find_for_tickets(self, tickets):
        """The policy of each ticket: {ticket: policy (possibly empty)}, first match by sequence."""
        return {
            ticket: self._find_first(
                lambda fname, t=ticket: t[fname].id if t._fields[fname].type == "many2one" else t[fname]
            )
            for ticket in tickets
        }

    @api.model
    def _find_first(self, value):
        return self.browse(next(
            (policy_id for policy_id, criteria in self._active_criteria() if self._criteria_match(criteria, value)),
            [],
        ))

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action")
        action["domain"] = [("sla_policy_id", "=", self.id)]
        return action
