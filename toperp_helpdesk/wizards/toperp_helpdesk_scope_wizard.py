from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError


class ToperpHelpdeskScopeWizard(models.TransientModel):
    _name = "toperp.helpdesk.scope.wizard"
    _description = "Classify Tickets Out of Scope"

    ticket_ids = fields.Many2many(
        "toperp.helpdesk.ticket",
        string="Tickets",
        default=lambda self: self.env.context.get("active_ids") if self.env.context.get(
            "active_model") == "toperp.helpdesk.ticket" else [],
    )
    reason_id = fields.Many2one("toperp.helpdesk.scope.reason", string="Reason", required=True)
    message = fields.Text(
        string="Message to the Customer",
        compute="_compute_message",
        store=True,
        readonly=False,
        help="Posted on the ticket and e-mailed to the customer.",
    )
    close_ticket = fields.Boolean(string="Close the Ticket", default=True)

    @api.depends("reason_id", "ticket_ids")
    def _compute_message(self):
        for wizard in self:
            lang = wizard.ticket_ids[:1]._customer_lang() if wizard.ticket_ids else self.env.lang
            wizard.message = wizard.reason_id.with_context(lang=lang).description or False

    def action_confirm(self):
        self.ensure_one()
        tickets = self.ticket_ids.filtered(lambda t: not t.is_closed or not t.scope_reason_id)
        if not tickets:
            raise UserError(self.env._("Select at least one open ticket."))
        tickets.write({"scope_reason_id": self.reason_id.id})
        first_lang = self.ticket_ids[:1]._customer_lang()
        # Unless the agent rewrote it, each customer reads the reason in its own language.
        default_message = self.message == (self.reason_id.with_context(lang=first_lang).description or False)
        by_stage = defaultdict(list)
        for ticket in tickets:
            customer_env = self.with_context(lang=ticket._customer_lang()).env
            reason = self.reason_id.with_env(customer_env)
            message = reason.description if default_message else self.message
            body = Markup("<p>%s</p>") % customer_env._(
                "We have reviewed your request %(number)s: it is outside the scope of TopERP "
                "support (%(reason)s).",
                number=ticket.number,
                reason=reason.name,
            )
            if message:
                body += Markup("<p>%s</p>") % Markup("<br/>").join(escape(message).split("\n"))
            ticket.message_post(body=body, subtype_xmlid="mail.mt_comment", message_type="comment")
            if self.close_ticket and ticket.team_id:
                cancelled = ticket.team_id._stage_cancelled()
                if cancelled:
                    by_stage[cancelled].append(ticket.id)
        # One write per closing stage (mass action of the ticket list).
        for stage, ticket_ids in by_stage.items():
            tickets.browse(ticket_ids).write({"stage_id": stage.id})
        return {"type": "ir.actions.act_window_close"}
