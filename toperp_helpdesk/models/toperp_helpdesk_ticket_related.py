from odoo import api, fields, models


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    related_ticket_ids = fields.Many2many(
        "toperp.helpdesk.ticket",
        "toperp_helpdesk_ticket_related_rel",
        "ticket_id",
        "related_id",
        string="Related Tickets",
        copy=False,
        help="Tickets about the same subject (not duplicates, not an incident): the link shows on both.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        if any(vals.get("related_ticket_ids") for vals in vals_list):
            tickets.filtered("related_ticket_ids")._related_mirror({})
        return tickets

    def write(self, vals):
        before = {}
        if "related_ticket_ids" in vals:
            before = {ticket.id: ticket.related_ticket_ids for ticket in self}
        res = super().write(vals)
        if before:
            self._related_mirror(before)
        return res

    def _related_mirror(self, before):
        """Links are both ways: a ticket added to (or removed from) these tickets'
        related ones gets (or loses) them too."""
        for ticket in self:
            old = before.get(ticket.id, self.browse())
            added = ticket.related_ticket_ids - old - ticket
            removed = old - ticket.related_ticket_ids
            for other in added.filtered(lambda t, me=ticket: me not in t.related_ticket_ids):
                other.write({"related_ticket_ids": [fields.Command.link(ticket.id)]})
            for other in removed.filtered(lambda t, me=ticket: me in t.related_ticket_ids):
                other.write({"related_ticket_ids": [fields.Command.unlink(ticket.id)]})
