"""Which ticket an incoming e-mail lands in, and as what: the checks of the mail
gateway's routes to a ticket (loops, automatic mail, strangers), replies that lost their
headers threaded on the number in their subject, and who may add people through Cc."""

import logging
import re

from odoo import api, models, tools

from ..tools import intake

_logger = logging.getLogger(__name__)

# A ticket reference in a subject, as we write it ("[HD26-00001]") or as customers and
# their mail clients keep it ("RE: HD26-00001 …", "TR: #HD26-00001").
NUMBER_IN_SUBJECT_RE = re.compile(r"(?<![\w-])\[?#?([A-Z][A-Z0-9]{0,9}-\d{3,})\]?(?![\w-])", re.IGNORECASE)


class ToperpHelpdeskTicket(models.Model):
    # One ticket model, split into files by purpose (no model file over ~500 lines).
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        """The sender's recent tickets (mail gateway's loop guard): found through their
        contact (indexed), rather than by a substring search (``ilike``) over the
        contact e-mail of every recent ticket."""
        return [("partner_id.email_normalized", "=", email_from_normalized)]

    def message_update(self, msg_dict, update_vals=None):
        """A reply by e-mail: the people it copies join the ticket's Cc (mail.thread.cc)
        and follow it (``_message_auto_subscribe_followers``) when its author may add
        them (the customer, a follower, staff); a stranger's Cc is ignored."""
        intake.clean_message_dict(msg_dict)
        if msg_dict.get("cc"):
            author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
            if len(self) != 1 or not self._toperp_is_known_correspondent(author):
                _logger.info("Helpdesk: Cc %s of %s's reply %s to ticket(s) %s ignored (not the customer, "
                             "a follower or staff)", msg_dict["cc"], msg_dict.get("email_from"),
                             msg_dict.get("message_id"), self.mapped("number"))
                msg_dict.pop("cc")
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.model
    def _gateway_check_route(self, message, message_dict, route):
        """A route of the mail gateway to a ticket (``mail.thread.message_route``): the
        route, or None when the message must not land there, with the reason.

        Mail from one of our own addresses (a loop) or without sender address is
        dropped; an automatic message (auto-reply, bulk mail, delivery report) never
        opens a ticket but may thread into one as an internal note (an out-of-office
        answer is useful history, and it never counts as the customer's answer); a
        reply that a stranger (neither the ticket's customer, nor a follower, nor
        staff) threads into a ticket is kept as an internal note, so that a spoofed or
        misdirected e-mail never shows in another customer's ticket. A sender who asks
        for no automatic answer (``X-Auto-Response-Suppress``) gets no acknowledgement.
        """
        _model, thread_id, custom_values, user_id, alias = route
        email_from = message_dict.get("email_from")
        sender = tools.email_normalize(email_from or "")
        if not sender:
            return None, "no-sender"
        if sender in self.env["mail.alias"]._toperp_own_addresses_cached():
            return None, "own-address"
        # Only the headers looked at, each decoded once (decoding a header costs: a
        # Content-Type with its parameters ~0.1 ms).
        headers = {}
        for name in intake.GATEWAY_HEADERS:
            value = message.get(name)
            if value is not None:
                headers[name] = str(value)
        automatic = intake.is_automatic_message(headers, email_from)
        if automatic and not thread_id:
            return None, "automatic"
        if thread_id:
            author = self.env["res.partner"].sudo().browse(message_dict.get("author_id") or [])
            known = self.sudo().browse(thread_id)._toperp_is_known_correspondent(author)
            if automatic or not known:
                self._gateway_keep_as_note(message_dict, stranger=not known)
            return route, None
        ticket = self._gateway_ticket_from_subject(message_dict)
        if ticket:
            # A reply whose mail client dropped In-Reply-To/References (Outlook, some
            # phones, forwarding rules), from someone the ticket knows: it threads.
            return (route[0], ticket.id, custom_values, user_id, alias), None
        if intake.wants_no_auto_reply(headers):
            route = (route[0], thread_id, dict(custom_values or {}, ack_sent=True), user_id, alias)
        return route, None

    @api.model
    def _gateway_keep_as_note(self, message_dict, stranger=True):
        """The message threads into the ticket as an internal note: agents see it, it
        notifies nobody and never counts as the customer's answer. A stranger's message
        does not make its author a follower either (Odoo subscribes the author it found
        while routing: the author is found again when the message is posted)."""
        message_dict["is_internal"] = True
        if stranger:
            message_dict.pop("author_id", None)
            _logger.info("Helpdesk: reply %s from %s, a stranger to the ticket, kept as an internal note",
                         message_dict.get("message_id"), message_dict.get("email_from"))

    @api.model
    def _gateway_ticket_from_subject(self, message_dict):
        """The open or closed ticket whose reference the subject carries, when the sender
        may write on it: its customer, a contact of its company when the company shares
        its tickets (portal scope), or a follower. Never for anybody else (a reference
        is easy to guess)."""
        numbers = {match.upper() for match in NUMBER_IN_SUBJECT_RE.findall(message_dict.get("subject") or "")}
        author = self.env["res.partner"].sudo().browse(message_dict.get("author_id") or [])
        if not numbers or not author:
            return self.browse()
        for ticket in self.sudo().search([("number", "in", list(numbers))], order="id desc"):
            company = ticket.commercial_partner_id
            if (
                author == ticket.partner_id
                or (company and author.commercial_partner_id == company and company.toperp_portal_scope != "own")
                or author in ticket.message_partner_ids
            ):
                return ticket
        return self.browse()

    def _toperp_is_known_correspondent(self, partner):
        """True when ``partner`` may write publicly on the ticket: staff, someone of
        the customer's company, or a follower (people copied by the customer)."""
        self.ensure_one()
        if not partner:
            return False
        if partner.user_ids.filtered(lambda u: not u.share):
            return True
        if self.commercial_partner_id and partner.commercial_partner_id == self.commercial_partner_id:
            return True
        return partner in self.message_partner_ids

    def _cc_partners(self, cc):
        """The contacts of the addresses in ``cc`` (created when unknown; never our
        own aliases: ``_mail_find_partner_from_emails`` leaves them out)."""
        emails = tools.email_split(cc or "")
        if not emails:
            return self.env["res.partner"]
        partners = self._mail_find_partner_from_emails(emails, records=self or None, force_create=True)
        return self.env["res.partner"].union(*[p for p in partners if p])
