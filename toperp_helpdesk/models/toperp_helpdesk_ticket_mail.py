"""The ticket's mail behaviour: the mail gateway's new tickets and replies (which ticket
a reply lands in: toperp_helpdesk_ticket_mail_routing.py), followers,
acknowledgements, what a customer's or an agent's message changes, notifications.

Context keys of the creation path (the only ones; who sets, who reads, what it saves):

- ``mail_auto_subscribe_no_notify`` (Odoo's own): set by ``message_new`` so that the
  new ticket's agent is not notified in the gateway's transaction (the intake job tells
  them, in batches); ``create`` sets it around Odoo's create for every new ticket and
  notifies the agents itself (``_notify_assignment``), in their inbox.
- ``toperp_notify_inbox_only``: set by ``_notify_assignment`` only, read by
  ``_notify_get_recipients`` only: an assignment notice of a new ticket reaches the
  agent's Odoo inbox, not their mailbox (tickets arrive in bulk).
- ``toperp_gateway_info`` (``GATEWAY_INFO_KEY``): set by the gateway's entry point
  (``toperp.helpdesk.mail.gateway``), filled by ``mail.thread.message_route``: which
  routes a message got, or why it got none (a rejection recorded with its reason).

Precommit data: ``toperp_helpdesk.intake_triggered`` (the intake job is woken once per
transaction, toperp_helpdesk_intake.py); ``toperp_helpdesk.autoclosed_ticket_ids``
(tickets the auto-close cron closed: no "solved" e-mail after its own message).
"""

import base64
import logging

from odoo import api, models, tools

from ..tools import intake

_logger = logging.getLogger(__name__)

# Channels whose tickets get an acknowledgement and, when incomplete, a request for
# what is missing (staff fill phone/backend tickets themselves).
CUSTOMER_CHANNELS = ("email", "portal", "chat")
INBOX_ONLY_KEY = "toperp_notify_inbox_only"


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"

    # ------------------------------------------------------------------
    # Followers and the agent's assignment notice
    # ------------------------------------------------------------------

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """The customer (public subtypes) and the people in the ticket's Cc follow it,
        subscribed in the same insert of followers as the agent (at creation: the Cc of
        the opening e-mail; later: those a customer's reply adds, ``message_update``)."""
        if updated_values.get("user_id"):
            # What super() reads of the agent, rather than the whole res.users row
            # (with its res.partner columns).
            self.env["res.users"].sudo().browse(updated_values["user_id"]).fetch(["active", "partner_id"])
        res = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        if self.env.context.get("mail_auto_subscribe_no_notify"):
            # No notice is sent (_message_auto_subscribe_notify returns at once): without
            # its template, _message_auto_subscribe does not read the agent's language
            # either, which fetched the agent's whole res.partner row for each new ticket.
            res = [(partner_id, subtypes, False) for partner_id, subtypes, _template in res]
        internal = set(self.env["mail.message.subtype"]._get_auto_subscription_subtypes(self._name)[2])
        public = set(default_subtype_ids) - internal
        subscribed = {partner_id for partner_id, _subtypes, _template in res}
        partner = self.env["res.partner"].browse(updated_values.get("partner_id") or [])
        if partner.active and partner.id not in subscribed:
            res.append((partner.id, public, False))
            subscribed.add(partner.id)
        if updated_values.get("email_cc") and len(self) == 1:
            for cc in self._cc_partners(updated_values["email_cc"]):
                if cc.id not in subscribed:
                    # As message_subscribe() would: customers without internal subtypes.
                    res.append((cc.id, public if cc.partner_share else set(default_subtype_ids), False))
        return res

    def _notify_assignment(self):
        """Tell the agents of these new tickets, in their Odoo inbox (tickets arrive in
        bulk: not one more e-mail each), in the agent's language. The notice is the
        system's (OdooBot's), not the customer's whose portal request created it."""
        odoobot = self.env.ref("base.user_root")
        for ticket in self.with_user(odoobot):
            partner = ticket.user_id.partner_id
            ticket.with_context(lang=partner.lang, **{INBOX_ONLY_KEY: True})._message_auto_subscribe_notify(
                partner.ids, "mail.message_user_assigned"
            )

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        if (msg_vals.get("message_type") if msg_vals else message.message_type) == "auto_comment":
            # An automatic e-mail to the customer (acknowledgement, reminder, stage
            # e-mail, merge notice) is no news to the staff who follow the ticket: they
            # read it in the chatter, without an e-mail (or inbox notice) for each.
            # Whom the message addresses still gets it.
            addressed = set(msg_vals.get("partner_ids") or ()) if msg_vals else set(message.partner_ids.ids)
            recipients = [r for r in recipients if r["share"] or r["id"] in addressed]
        if self.env.context.get(INBOX_ONLY_KEY):
            for recipient in recipients:
                if recipient["notif"] == "email" and recipient["uid"] and not recipient["share"]:
                    recipient["notif"] = "inbox"
        return recipients

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A ticket from an e-mail to the team's alias: the sender is the customer (a new
        contact, in Vietnamese, when unknown); what the e-mail changes once posted is
        in the INSERT (``_opening_values``); the acknowledgement and the agent's notice
        are queued for the intake job."""
        intake.clean_message_dict(msg_dict)
        values = dict(custom_values or {})
        name, email = tools.parse_contact_from_email(msg_dict.get("email_from") or "")
        partner = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not partner and email:
            # An unknown sender becomes a contact: Vietnamese is the support language; of
            # the customer company whose e-mail domain the address has (its plan, services
            # and portal tickets are the company's).
            Partner = self.env["res.partner"].sudo()
            partner = Partner.create({
                "name": name or email, "email": email, "lang": self._default_customer_lang(),
                "parent_id": Partner._toperp_company_for_email(email).id,
            })
            msg_dict["author_id"] = partner.id
        values.setdefault("name", msg_dict.get("subject") or self.env._("(no subject)"))
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("channel", "email")
        values["partner_id"] = partner.id
        values.setdefault(
            "has_evidence_attachment", self._gateway_has_evidence(msg_dict.get("attachments") or [])
        )
        values.setdefault("last_customer_message_date", msg_dict.get("date") or self.env.cr.now())
        acknowledge = values["channel"] == "email" and not values.get("ack_sent")
        if acknowledge:
            values.update(self._opening_values(values))
        ticket = super(ToperpHelpdeskTicket, self.with_context(mail_auto_subscribe_no_notify=True)).message_new(
            msg_dict, custom_values=values
        ).with_env(self.env)
        self.env["toperp.helpdesk.intake"]._enqueue(
            ([(ticket, "ack")] if acknowledge else [])
            + ([(ticket, "assign")] if ticket.user_id and ticket.user_id != self.env.user else [])
        )
        return ticket

    @api.model
    def _opening_values(self, values):
        """What the e-mail that opens a ticket changes once posted, for its creation
        values (``values``: the e-mail's fields): acknowledged, and waiting on the
        customer when the report lacks information (``_acknowledgement_changes``)."""
        team = self.env["toperp.helpdesk.team"].browse(values.get("team_id")) or self._default_team_id()
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        missing = intake.missing_info(
            values.get("name"),
            values.get("description"),
            extra_urls=[values.get("affected_url")],
            has_evidence_attachment=values.get("has_evidence_attachment"),
            extra_text=values.get("customer_followup"),
        )
        stage = self.env["toperp.helpdesk.stage"].browse(values.get("stage_id")) or team._stage_new()
        changes = self._acknowledgement_changes(
            "email", team, bool(partner.email or values.get("partner_email")), missing, stage,
            partner._toperp_company_support_terms().toperp_support_suspended,
        )
        if "team_id" not in values and team:
            changes["team_id"] = team.id
        return changes

    @api.model
    def _acknowledgement_changes(self, channel, team, has_recipient, missing, stage, suspended=False):
        """What acknowledging a new report changes on its ticket; one decision for the
        INSERT of an e-mailed ticket (``_opening_values``) and for the first customer
        message of the others (``_on_customer_message``): acknowledged and, when an
        e-mailed report lacks information (``missing``), the team's stage waiting on
        the customer, which the acknowledgement asks for what is missing (not of a
        suspended customer: that acknowledgement tells what the policy says instead)."""
        changes = {"ack_sent": True}
        if channel == "email" and team and has_recipient and missing and not suspended:
            waiting = team._stage_waiting()
            if waiting and waiting != stage:
                changes["stage_id"] = waiting.id
        return changes

    @api.model
    def _gateway_has_evidence(self, attachments):
        """Whether the e-mail's attachments (``(name, content[, info])``, as parsed by
        the mail gateway) hold a screenshot or a video, with the mimetype the attachment
        will get (XML-like types, SVG included, are stored as plain text)."""
        Attachment = self.env["ir.attachment"]
        for attachment in attachments:
            if len(attachment) < 2 or attachment[1] is None:
                continue
            name, content = attachment[0], attachment[1]
            if isinstance(content, str):
                content = content.encode()
            elif not isinstance(content, bytes):
                continue
            mimetype = Attachment._compute_mimetype({"name": name, "raw": content})
            xml_like = "ht" in mimetype or (
                "xml" in mimetype and not mimetype.startswith("application/vnd.openxmlformats")
            )
            if intake.is_evidence_mimetype(mimetype) and not xml_like:
                return True
        return False

    # ------------------------------------------------------------------
    # What a message changes
    # ------------------------------------------------------------------

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        if len(self) != 1 or message.message_type not in ("email", "comment"):
            return res  # automatic messages (auto_comment, notifications) change nothing
        opening = message.subtype_id == self._creation_subtype()
        if opening and self.channel == "email":
            # The e-mail that opened this ticket: message_new did at creation what it
            # changes (evidence attachment, acknowledgement, waiting on the customer).
            return res
        # Everything a message changes on the ticket goes in one write.
        values = {}
        if not self.has_evidence_attachment and message.attachment_ids.filtered(
            lambda a: intake.is_evidence_mimetype(a.mimetype)
        ):
            values["has_evidence_attachment"] = True
        ticket = self.sudo()
        if message.is_internal or message.subtype_id.internal or not message.subtype_id:
            if values:
                ticket.write(values)
            return res
        author = message.author_id
        odoobot = self._toperp_record("res.partner", "base.partner_root")
        is_agent = bool(author.user_ids.filtered(lambda u: not u.share)) and author != odoobot
        if opening:
            # The message that opened the ticket (e-mail to an alias filing another
            # channel), whoever wrote it.
            ticket._on_customer_message(message, values)
        elif is_agent:
            if values:
                ticket.write(values)
            ticket._on_agent_reply(message)
        elif not author or author.commercial_partner_id == self.commercial_partner_id or (
            author in self.message_partner_ids
        ):
            ticket._on_customer_message(message, values)
        elif values:
            ticket.write(values)
        return res

    def _on_agent_reply(self, message):
        """A public reply of an agent (internal user) was posted."""
        values = {"last_agent_reply_date": message.date}
        if not self.first_response_date:
            values["first_response_date"] = message.date
        self.write(values)

    def _on_customer_message(self, message, values=None):
        """A customer wrote (e-mail or portal). First message: acknowledge it;
        later: an answer while we wait on them brings the ticket back to us.

        :param values: other changes of the ticket due to this message, written
            together with ours
        """
        values = dict(values or {}, last_customer_message_date=message.date)
        if not self.ack_sent and self.channel in CUSTOMER_CHANNELS:
            has_evidence = values.get("has_evidence_attachment", self.has_evidence_attachment)
            values.update(self._acknowledgement_changes(
                self.channel, self.team_id, bool(self._acknowledgement_recipient()),
                self._missing_info_codes(has_evidence), self.stage_id, self.support_suspended,
            ))
            self.write(values)
            if message.message_type == "email" and self.channel == "email":
                # The acknowledgement of an e-mail is rendered by the intake job, in
                # batches (ack_sent: sent or queued).
                self.env["toperp.helpdesk.intake"]._enqueue([(self, "ack")])
            else:
                self._post_acknowledgement()
            return
        if self.missing_info:
            # What the customer sends while the report is incomplete may complete it.
            added = intake.strip_quoted(intake.html_to_text(message.body)).strip()
            added += "".join(f"\n{url}" for url in intake.hrefs(message.body))
            if added.strip():
                values["customer_followup"] = "\n".join(filter(None, [self.customer_followup, added.strip()]))
        if self.stage_id.pauses_sla and self.team_id:
            values["stage_id"] = self.team_id._stage_in_progress().id
        elif self.is_closed and self.team_id and not self.scope_reason_id:
            # A customer answering a solved ticket reopens it.
            values["stage_id"] = self.team_id._stage_in_progress().id
        self.write(values)

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------

    def _acknowledgement_recipient(self):
        self.ensure_one()
        return self.partner_id if self.partner_id.email or self.partner_email else self.env["res.partner"]

    def _post_acknowledgement(self):
        """Post the acknowledgement (template ``mail_template_ticket_ack``) to the
        customers of these tickets."""
        tickets = self.filtered(lambda t: t._acknowledgement_recipient())
        if not tickets:
            return self.env["mail.message"]
        return tickets._message_post_template(
            self.env.ref("toperp_helpdesk.mail_template_ticket_ack"),
            subtype_xmlid="mail.mt_comment",
            message_type="auto_comment",
        )

    def _message_post_template(self, template, **kwargs):
        """Post ``template`` on each of these tickets as ``message_post_with_source``
        would, but rendered directly, for all of them at once (no composer wizard):
        subject, body and sender in the recipient's language (the template's ``lang``),
        its ``partner_to`` notified, its layout, server, auto-delete flag and
        attachments. An automatic message is the company's, never the customer's whose
        request (a portal form) triggered it: it reaches the customer (Odoo leaves a
        message's author out of its recipients). Returns the messages."""
        rendered_all = template._generate_template(
            self.ids, {"subject", "body_html", "email_from", "lang", "partner_to"}
        )
        attachments = [
            (attachment.name, base64.b64decode(attachment.datas))
            for attachment in template.attachment_ids
        ]
        messages = self.env["mail.message"]
        # Posted by the system: Odoo notifies nobody of what the acting user writes (in a
        # portal request, the customer). The company, its author, does not follow.
        odoobot = self.env.ref("base.user_root")
        for ticket in self.with_user(odoobot).with_context(mail_create_nosubscribe=True):
            rendered = rendered_all[ticket.id]
            email_from = rendered.get("email_from")
            messages |= ticket.message_post(
                subject=rendered.get("subject") or False,
                body=rendered.get("body_html") or "",
                email_from=email_from or ticket._support_email_from(),
                author_id=ticket.company_id.partner_id.id,
                partner_ids=rendered.get("partner_ids") or [],
                attachments=attachments,
                email_add_signature=False,
                email_layout_xmlid=template.email_layout_xmlid or False,
                force_email_lang=rendered.get("lang") or False,
                mail_auto_delete=template.auto_delete,
                mail_server_id=template.mail_server_id.id,
                **kwargs,
            )
        return messages

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------

    def _notify_get_reply_to(self, default=None):
        """Customers answer to their team's address (support@…) rather than the catchall."""
        with_team = self.filtered("team_id")
        Team = self.env["toperp.helpdesk.team"]
        reply_to = {ticket.id: Team._reply_to_cached(ticket.team_id.id) or default for ticket in with_team}
        if self - with_team:
            reply_to.update(super(ToperpHelpdeskTicket, self - with_team)._notify_get_reply_to(default=default))
        return reply_to

    def _message_compute_subject(self):
        """Answers carry the reference in one recognisable form: "[HD26-00001] Title"."""
        if len(self) == 1 and self.number:
            return f"[{self.number}] {self.name}"
        return super()._message_compute_subject()

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        if message.message_type == "auto_comment":
            # Acknowledgements, reminders and stage templates are automatic e-mails:
            # the headers built next (_notify_by_email_get_headers) say so.
            self = self.with_context(toperp_auto_reply=True)
        values = super()._notify_by_email_get_base_mail_values(message, additional_values=additional_values)
        if len(self) == 1 and self.number and values.get("subject") and f"[{self.number}]" not in values["subject"]:
            # Every e-mail about a ticket carries its reference, so that a reply without
            # its headers still finds it (_gateway_ticket_from_subject).
            values["subject"] = f"[{self.number}] {values['subject']}"
        return values

    def _notify_by_email_get_headers(self, headers=None):
        headers = super()._notify_by_email_get_headers(headers=headers)
        if self.env.context.get("toperp_auto_reply"):
            # RFC 3834: other robots must not answer our automatic e-mails.
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        return headers

    def _track_template(self, changes):
        res = super()._track_template(changes)
        ticket = self[0]
        autoclosed = self.env.cr.precommit.data.get("toperp_helpdesk.autoclosed_ticket_ids", ())
        if "stage_id" in changes and ticket.stage_id.template_id and ticket.partner_id and (
            ticket.id not in autoclosed
        ):
            res["stage_id"] = (
                ticket.stage_id.template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self._toperp_record("mail.message.subtype", "toperp_helpdesk.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        return self._toperp_record("mail.message.subtype", "toperp_helpdesk.mt_ticket_new")

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id and self.partner_id not in self.message_partner_ids:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Customer")
            )
        return recipients

    # ------------------------------------------------------------------
    # Helpers for templates
    # ------------------------------------------------------------------

    @api.model
    def _default_customer_lang(self):
        """Vietnamese, TopERP's support language, when it is installed."""
        return "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else False

    def _customer_lang(self):
        """The customer's language; Vietnamese, TopERP's support language, by default."""
        self.ensure_one()
        return self.partner_id.lang or self._default_customer_lang() or self.env.lang

    def _support_email_from(self):
        """Sender of automatic e-mails: the team's alias when it has a domain."""
        self.ensure_one()
        alias = self.team_id.sudo().alias_id
        if alias.alias_full_name and "@" in alias.alias_full_name:
            return tools.formataddr((self.team_id.name, alias.alias_full_name))
        # Never the current user's address: in a portal request, that is the customer's.
        return self.company_id.email_formatted or self.env.ref("base.partner_root").email_formatted

    def _missing_info_labels(self):
        """Human labels of what is missing, in the current language."""
        self.ensure_one()
        labels = {
            "title": self.env._("a short title describing the error or request"),
            "steps": self.env._("the path/steps that lead to the error, or the request to clarify"),
            "evidence": self.env._(
                "screenshots or a video showing the full URL of the page (a Loom link is welcome)"
            ),
        }
        return [labels[code] for code in (self.missing_info or "").split() if code in labels]

    def _get_ack_response_deadline(self):
        """Deadline of the first response promised in the acknowledgement (SLA addon)."""
        return False

    def _get_ack_response_target(self):
        """The first-response target told to a customer whose report is incomplete
        ("within 8 business hours"): it runs from the moment the details arrive, so no
        date is promised (SLA addon)."""
        return False
