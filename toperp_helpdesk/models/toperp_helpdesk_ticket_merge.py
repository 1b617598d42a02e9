"""Merging duplicate tickets: the same problem reported twice (an e-mail and a hotline
call, two colleagues) becomes one ticket, the oldest; the others are closed with a link
to it, and the e-mail that still reaches them lands in it."""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

# How many merges a chain of merged tickets may go through (A into B, B into C…).
MAX_MERGE_CHAIN = 10


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    merged_into_id = fields.Many2one(
        "toperp.helpdesk.ticket",
        string="Merged Into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="This ticket was a duplicate: it is followed up in that one.",
    )
    merged_ticket_ids = fields.One2many(
        "toperp.helpdesk.ticket", "merged_into_id", string="Merged Tickets", readonly=True
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_merge(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "toperp_helpdesk.toperp_helpdesk_ticket_merge_wizard_action"
        )
        action["context"] = {"active_ids": self.ids, "active_model": self._name}
        return action

    # ------------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------------

    def _merge_survivor(self):
        """The ticket the others are merged into: the oldest report."""
        return self.sorted(lambda t: (t.reported_date, t.create_date, t.id))[:1]

    def _merge_check(self):
        if len(self) < 2:
            raise UserError(self.env._("Select at least two tickets to merge."))
        if self.filtered("merged_into_id"):
            raise UserError(self.env._(
                "%(tickets)s already merged into another ticket.",
                tickets=", ".join(self.filtered("merged_into_id").mapped("number")),
            ))
        companies = self.commercial_partner_id
        if len(companies) != 1 or self.filtered(lambda t: not t.commercial_partner_id):
            raise UserError(self.env._("Only tickets of the same customer company can be merged."))
        if len(self.company_id) != 1:
            raise UserError(self.env._("Only tickets of the same company can be merged."))

    def _merge(self):
        """Merge these tickets into the oldest one (``_merge_survivor``), which is
        returned: their messages, attachments, activities and followers move there,
        it keeps the earliest report date and first response (and SLA clocks:
        ``_merge_sla``); the others are closed with a link to it, told to their
        customers."""
        self._merge_check()
        survivor = self._merge_survivor()
        duplicates = self - survivor
        survivor._merge_sla(duplicates)
        values = {"reported_date": min(self.mapped("reported_date"))}
        responses = [date for date in self.mapped("first_response_date") if date]
        if responses:
            values["first_response_date"] = min(responses)
        if duplicates.filtered("has_evidence_attachment"):
            values["has_evidence_attachment"] = True
        if duplicates.tag_ids - survivor.tag_ids:
            values["tag_ids"] = [fields.Command.link(tag.id) for tag in duplicates.tag_ids - survivor.tag_ids]
        survivor.write(values)
        duplicates._merge_move_thread(survivor)
        survivor._merge_log(duplicates)
        duplicates._merge_close(survivor)
        return survivor

    def _merge_sla(self, duplicates):
        """Hook of the SLA addon: this survivor's clocks take over those of
        ``duplicates`` (earliest start, first response already met)."""
        return

    def _merge_move_thread(self, survivor):
        """Messages (with their notifications and tracking), attachments, activities and
        followers of these tickets move to ``survivor``."""
        domain = [("model", "=", self._name), ("res_id", "in", self.ids)]
        self.env["mail.message"].sudo().search(domain).write(
            {"res_id": survivor.id, "record_name": survivor.display_name}
        )
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).write({"res_id": survivor.id})
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).write({"res_id": survivor.id})
        present = survivor.message_partner_ids
        by_subtypes = defaultdict(set)
        for follower in self.sudo().message_follower_ids:
            if follower.partner_id and follower.partner_id not in present:
                by_subtypes[tuple(sorted(follower.subtype_ids.ids))].add(follower.partner_id.id)
        for subtype_ids, partner_ids in by_subtypes.items():
            survivor.sudo().message_subscribe(partner_ids=list(partner_ids), subtype_ids=list(subtype_ids))

    def _merge_log(self, duplicates):
        """An internal note on the survivor: what was merged into it (titles and
        descriptions of tickets that were not e-mailed are in no message)."""
        self.ensure_one()
        items = Markup().join(
            Markup("<li><b>%s</b> %s%s</li>") % (
                ticket.number, ticket.name,
                Markup("<br/>") + ticket.description if not is_html_empty(ticket.description) else "",
            )
            for ticket in duplicates
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Tickets merged into this one:"), items),
            subtype_xmlid="mail.mt_note",
            message_type="comment",
        )

    def _merge_close(self, survivor):
        """Close these duplicates (the team's cancelled stage: their SLA clocks leave
        the figures) and tell each customer, in their language, where their request
        is followed up."""
        Stage = self.env["toperp.helpdesk.stage"]
        closed = Stage.search([("is_closed", "=", True)], order="sequence desc, id desc", limit=1)
        for ticket in self:
            stage = (ticket.team_id._stage_cancelled() if ticket.team_id else Stage) or closed
            ticket.write({"merged_into_id": survivor.id, "stage_id": stage.id})
        link = Markup('<a href="%s">%s</a>') % (
            f"{survivor.get_base_url()}/mail/view?model={survivor._name}&res_id={survivor.id}", survivor.number,
        )
        odoobot = self.env.ref("base.user_root")
        for ticket in self.with_user(odoobot).with_context(mail_create_nosubscribe=True):
            customer_env = ticket.with_context(lang=ticket._customer_lang()).env
            text = escape(customer_env._("This request was merged into %(number)s: we follow it up there."))
            # Automatic (auto_comment): no agent's reply of the closed duplicate.
            ticket.message_post(
                body=Markup("<p>%s</p>") % (text % {"number": link}),
                author_id=ticket.company_id.partner_id.id,
                email_from=ticket._support_email_from(),
                subtype_xmlid="mail.mt_comment",
                message_type="auto_comment",
            )

    def _merge_final(self):
        """The ticket this one is followed up in (itself unless merged)."""
        self.ensure_one()
        ticket = self
        for _i in range(MAX_MERGE_CHAIN):
            if not ticket.merged_into_id:
                break
            ticket = ticket.merged_into_id
        return ticket

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def _gateway_check_route(self, message, message_dict, route):
        """An e-mail to a merged ticket (a reply to its notice, its number in the
        subject) lands in the ticket it was merged into. Replies to its older
        messages land there anyway: the messages moved with the merge."""
        route, reason = super()._gateway_check_route(message, message_dict, route)
        if route and route[1]:
            survivor = self.sudo().browse(route[1])._merge_final()
            if survivor.id != route[1]:
                route = (route[0], survivor.id, *route[2:])
        return route, reason

