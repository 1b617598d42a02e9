from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..models.toperp_helpdesk_ticket import AUTOCLOSED_KEY

ACTIONS = [
    ("assign", "Assign"),
    ("stage", "Change Stage"),
    ("severity", "Set Severity"),
    ("close", "Close with a Message"),
    ("out_of_scope", "Out of Scope"),
]


class ToperpHelpdeskTicketMassWizard(models.TransientModel):
    """Mass actions of the ticket list: each one a single write on all the selected
    tickets (tracking, SLA and notifications follow the tickets' own rules)."""

    _name = "toperp.helpdesk.ticket.mass.wizard"
    _description = "Update Tickets in Bulk"

    ticket_ids = fields.Many2many(
        "toperp.helpdesk.ticket",
        string="Tickets",
        default=lambda self: self.env.context.get("active_ids") if self.env.context.get(
            "active_model") == "toperp.helpdesk.ticket" else [],
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    action = fields.Selection(ACTIONS, required=True, default="assign")
    user_id = fields.Many2one("res.users", string="Agent", domain="[('share', '=', False)]")
    team_id = fields.Many2one("toperp.helpdesk.team", string="Team")
    stage_id = fields.Many2one("toperp.helpdesk.stage", string="Stage")
    severity_id = fields.Many2one("toperp.helpdesk.severity", string="Severity")
    message = fields.Text(help="Posted on each ticket and e-mailed to its customer.")
    scope_reason_id = fields.Many2one("toperp.helpdesk.scope.reason", string="Out-of-scope Reason")

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        for wizard in self:
            wizard.ticket_count = len(wizard.ticket_ids)

    def action_apply(self):
        self.ensure_one()
        tickets = self.ticket_ids
        if not tickets:
            raise UserError(self.env._("Select at least one ticket."))
        getattr(self, f"_apply_{self.action}")(tickets)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _apply_assign(self, tickets):
        values = {}
        if self.team_id:
            values["team_id"] = self.team_id.id
        if self.user_id:
            values["user_id"] = self.user_id.id
        if not values:
            raise UserError(self.env._("Choose an agent or a team."))
        # Odoo would send the agent one "assigned to you" e-mail per ticket: one
        # notice lists them all instead.
        tickets.with_context(mail_auto_subscribe_no_notify=True).write(values)
        if self.user_id and self.user_id != self.env.user:
            self._notify_bulk_assignment(tickets)

    def _notify_bulk_assignment(self, tickets):
        """One inbox notice to the agent, in their language, listing the tickets."""
        user = self.user_id
        env = self.with_context(lang=user.lang or self.env.lang).env
        items = Markup().join(
            Markup("<li><a href='/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action/%s'>%s</a></li>")
            % (ticket.id, ticket.display_name)
            for ticket in tickets
        )
        team = tickets.team_id[:1] or self.env["toperp.helpdesk.team"]
        team.with_env(env).message_notify(
            partner_ids=user.partner_id.ids,
            subject=env._("%(count)s ticket(s) assigned to you", count=len(tickets)),
            body=Markup("<p>%s</p><ul>%s</ul>") % (
                env._("%(name)s assigned these tickets to you:", name=self.env.user.name), items,
            ),
            model=team._name if team else False,
            res_id=team.id if team else False,
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _apply_stage(self, tickets):
        if not self.stage_id:
            raise UserError(self.env._("Choose a stage."))
        tickets.write({"stage_id": self.stage_id.id})

    def _apply_severity(self, tickets):
        if not self.severity_id:
            raise UserError(self.env._("Choose a severity."))
        # The SLA addon re-applies each ticket's policy on this write.
        tickets.write({"severity_id": self.severity_id.id})

    def _apply_close(self, tickets):
        """One message to each customer, then solved: the message replaces the
        "solved" stage e-mail (one e-mail per customer, not two)."""
        if not (self.message or "").strip():
            raise UserError(self.env._("Write the message to send to the customers."))
        tickets = tickets.filtered(lambda t: not t.is_closed)
        body = plaintext2html(self.message)
        for ticket in tickets:
            ticket.message_post(body=body, subtype_xmlid="mail.mt_comment", message_type="comment")
        Stage = self.env["toperp.helpdesk.stage"]
        fallback = Stage.search([("is_closed", "=", True)], limit=1)
        by_stage = defaultdict(list)
        for ticket in tickets:
            by_stage[(ticket.team_id._stage_solved() if ticket.team_id else Stage) or fallback].append(ticket.id)
        self.env.cr.precommit.data.setdefault(AUTOCLOSED_KEY, set()).update(tickets.ids)
        for stage, ticket_ids in by_stage.items():
            tickets.browse(ticket_ids).write({"stage_id": stage.id})

    def _apply_out_of_scope(self, tickets):
        if not self.scope_reason_id:
            raise UserError(self.env._("Choose the out-of-scope reason."))
        wizard = self.env["toperp.helpdesk.scope.wizard"].create(
            {"ticket_ids": [fields.Command.set(tickets.ids)], "reason_id": self.scope_reason_id.id}
        )
        if (self.message or "").strip():
            wizard.message = self.message
        wizard.action_confirm()
