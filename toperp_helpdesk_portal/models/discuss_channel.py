"""A live chat conversation becomes a helpdesk ticket: by the operator's ``/ticket
<title>`` command (as crm_livechat's ``/lead``) or by the chatbot's "Create Helpdesk
Ticket" step (chatbot_script_step.py). The transcript is the ticket's opening customer
message; the clocks start at the visitor's first message."""

from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize, email_split, format_datetime, html2plaintext

TICKET_COMMAND = "/ticket"
# Tickets the chatbot may open per customer, and for all anonymous visitors together,
# per window (the count is read from the database under a row lock: several workers).
CHATBOT_LIMIT_MINUTES = 60
DEFAULT_CHATBOT_LIMIT_PER_CUSTOMER = 3
DEFAULT_CHATBOT_LIMIT_ANONYMOUS = 20


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    toperp_ticket_ids = fields.One2many("toperp.helpdesk.ticket", "chat_channel_id", string="Helpdesk Tickets")

    # ------------------------------------------------------------------
    # Commands
    # ------------------------------------------------------------------

    def _toperp_check_operator(self):
        """The current user, when a helpdesk agent taking part in this live chat (the
        commands are RPCs any logged-in user could call on any conversation)."""
        self.ensure_one()
        user = self.env.user
        if (
            self.channel_type != "livechat"
            or not self.is_member
            or not user.has_group("toperp_helpdesk.group_user")
        ):
            raise AccessError(
                self.env._("Only a helpdesk agent taking part in this live chat can use this command.")
            )
        return user

    def execute_command_ticket(self, **kwargs):
        """``/ticket <title>`` typed by a helpdesk agent taking part in the conversation."""
        user = self._toperp_check_operator()
        text = html2plaintext(kwargs.get("body") or "").strip()
        title = text[len(TICKET_COMMAND):].strip() if text.startswith(TICKET_COMMAND) else text
        if not title:
            msg = self.env._(
                "Open a ticket from this conversation: %(pre)s%(command)s %(i)sticket title%(i_end)s%(pre_end)s",
                command=TICKET_COMMAND,
                pre=Markup("<pre>"),
                pre_end=Markup("</pre>"),
                i=Markup("<i>"),
                i_end=Markup("</i>"),
            )
        else:
            try:
                ticket = self._toperp_open_ticket(title, operator=user)
            except UserError as error:
                msg = error.args[0]
            else:
                msg = self.env._("Ticket %(link)s opened from this conversation.", link=ticket._get_html_link())
        user._bus_send_transient_message(self, msg)

    def execute_command_customer(self, **kwargs):
        """``/customer``: who the visitor is, for the operator only (a transient
        message): name, company, support plan, service types and open tickets."""
        user = self._toperp_check_operator()
        user._bus_send_transient_message(self, self._toperp_customer_summary())

    def _toperp_customer_summary(self):
        customer = self._toperp_visitor_partner(self._toperp_conversation())
        if not customer:
            return self.env._("An anonymous visitor: no e-mail address given yet.")
        company = customer.commercial_partner_id
        plan = dict(company._fields["toperp_support_plan"]._description_selection(self.env)).get(
            company.toperp_support_plan, ""
        )
        tickets = self.env["toperp.helpdesk.ticket"].search(
            [("commercial_partner_id", "=", company.id), ("is_closed", "=", False)], limit=10
        )
        lines = [
            self.env._("Customer: %(name)s (%(company)s)", name=customer.name, company=company.name),
            self.env._("Support plan: %(plan)s", plan=plan or "-"),
            self.env._(
                "Service types: %(types)s", types=", ".join(company.toperp_service_type_ids.mapped("name")) or "-"
            ),
            self.env._("Open tickets: %(count)s", count=len(tickets)),
        ]
        body = Markup("<br/>").join(lines)
        if tickets:
            body += Markup("<br/>") + Markup(", ").join(ticket._get_html_link() for ticket in tickets)
        return body

    # ------------------------------------------------------------------
    # Reading the conversation
    # ------------------------------------------------------------------

    def _toperp_bot_partners(self):
        scripts = self.env["chatbot.script"].sudo().with_context(active_test=False).search([])
        return scripts.operator_partner_id | self.env.ref("base.partner_root")

    def _toperp_conversation(self):
        """The conversation's messages, oldest first, each with its author's role:
        ``visitor`` (a guest, a portal user), ``operator`` (an internal user) or ``bot``."""
        self.ensure_one()
        bots = self._toperp_bot_partners()
        conversation = []
        for message in self.sudo().message_ids.sorted("id"):
            if message.message_type != "comment":
                continue  # "joined", "left the conversation"…
            author = message.author_id
            if author in bots:
                role = "bot"
            elif author and not author.partner_share:
                role = "operator"
            else:
                role = "visitor"
            conversation.append((message, role))
        return conversation

    def _toperp_visitor_email(self, conversation):
        """The e-mail the visitor gave: the chatbot's e-mail question, else the first
        address the visitor wrote."""
        answer = self.sudo()._chatbot_find_customer_values_in_messages({"question_email": "email"}).get("email")
        if email_normalize(answer or ""):
            return email_normalize(answer)
        for message, role in conversation:
            if role != "visitor":
                continue
            for address in email_split(html2plaintext(message.body or "")):
                if email_normalize(address):
                    return email_normalize(address)
        return False

    def _toperp_visitor_partner(self, conversation):
        """The visitor's contact: the portal user taking part in the conversation, else
        the customer contact with the e-mail the visitor gave (created when unknown;
        never a staff member's contact)."""
        bots = self._toperp_bot_partners()
        members = self.sudo().channel_member_ids.partner_id.filtered(
            lambda p: p.partner_share and not p.is_public and p not in bots
        )
        if members:
            return members[:1]
        email = self._toperp_visitor_email(conversation)
        Partner = self.env["res.partner"].sudo()
        if not email:
            return Partner
        partner = Partner.search([("email_normalized", "=", email), ("partner_share", "=", True)], limit=1)
        return partner or Partner.create({
            "name": email,
            "email": email,
            "lang": self.env["chatbot.script"]._get_chatbot_language(),
        })

    def _toperp_transcript(self, conversation, tz):
        """The conversation as HTML: one line per message, "time author: text"."""
        rows = []
        for message, _role in conversation:
            name = message.author_id.name or message.author_guest_id.name or self.anonymous_name or ""
            when = format_datetime(self.env, message.date, tz=tz, dt_format="HH:mm")
            rows.append(Markup("<li>%s <b>%s</b>: %s</li>") % (when, name, message.body or ""))
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Live chat conversation:"), Markup("").join(rows)
        )

    # ------------------------------------------------------------------
    # The ticket
    # ------------------------------------------------------------------

    def _toperp_open_ticket(self, title, operator=None, values=None):
        """Open the ticket of this conversation: channel chat, the visitor's contact as
        customer, the live chat channel's team, the visitor's messages as description
        (the completeness check reads them), the transcript with its attachments as the
        customer's opening message, the clocks from the visitor's first message and, when
        an operator answered in the chat, the first response at that answer. The
        conversation is told the ticket's number. Raises UserError when it cannot."""
        self.ensure_one()
        conversation = self._toperp_conversation()
        visitor_messages = [message for message, role in conversation if role == "visitor"]
        if not visitor_messages:
            raise UserError(self.env._("The visitor has not written anything yet: there is nothing to report."))
        customer = self._toperp_visitor_partner(conversation)
        if not customer:
            raise UserError(self.env._(
                "Ask the visitor for an e-mail address (or to log in to the portal) first: the ticket "
                "needs a customer we can answer."
            ))
        Ticket = self.env["toperp.helpdesk.ticket"].sudo()
        team = self.sudo().livechat_channel_id.toperp_team_id or Ticket._default_team_id()
        reported = visitor_messages[0].date
        replies = [message.date for message, role in conversation if role == "operator" and message.date >= reported]
        vals = {
            "name": title.strip()[:200],
            "description": Markup("").join(message.body or "" for message in visitor_messages),
            "channel": "chat",
            "partner_id": customer.id,
            "team_id": team.id,
            "company_id": team.company_id.id or self.env.company.id,
            "chat_channel_id": self.id,
            "reported_date": reported,
        }
        if replies:
            # An operator's answer in the chat is a human answer: the first response.
            vals["first_response_date"] = replies[0]
        if operator and operator in team.member_ids:
            vals["user_id"] = operator.id
        vals.update(values or {})
        ticket = Ticket.create(vals)
        # Copies pending on the composer, created by the current user: message_post
        # moves them onto the ticket, also when the visitor (public user) is the bot's.
        attachments = self.env["ir.attachment"].sudo()
        for message, _role in conversation:
            for attachment in message.attachment_ids:
                attachments |= attachment.sudo().copy({"res_model": "mail.compose.message", "res_id": 0})
        tz = customer.tz or self.env.user.tz or "Asia/Ho_Chi_Minh"
        ticket.message_post(
            body=self._toperp_transcript(conversation, tz),
            author_id=customer.id,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        if operator:
            lang = customer.lang or self.env.lang
            self.with_context(lang=lang).message_post(
                body=self.with_context(lang=lang)._toperp_ticket_number_text(ticket, customer),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return ticket

    def _toperp_ticket_number_text(self, ticket, customer):
        text = self.env._(
            "Your request is registered as ticket %(number)s: %(title)s.", number=ticket.number, title=ticket.name
        )
        body = Markup("<p>%s</p>") % text
        if customer.user_ids.filtered("share"):
            body += Markup('<p><a href="%s">%s</a></p>') % (
                ticket.access_url, self.env._("Follow it on the customer portal")
            )
        else:
            body += Markup("<p>%s</p>") % self.env._(
                "We answer you by e-mail at %(email)s; quote the number when you write to us.",
                email=customer.email or "",
            )
        return body

    # ------------------------------------------------------------------
    # Chatbot
    # ------------------------------------------------------------------

    def _toperp_chatbot_answers(self, chatbot_script):
        """The visitor's answers to the steps that fill a ticket field:
        ``{field: answer record}`` for a question, ``{field: [mail.message]}`` else."""
        answers = {}
        for chatbot_message in self.sudo().chatbot_message_ids.sorted("id"):
            step = chatbot_message.script_step_id
            field = step.toperp_ticket_field
            if not field:
                continue
            if step.step_type == "question_selection":
                if chatbot_message.user_script_answer_id:
                    answers[field] = chatbot_message.user_script_answer_id
            elif chatbot_message.mail_message_id.author_id != chatbot_script.operator_partner_id:
                answers.setdefault(field, []).append(chatbot_message.mail_message_id)
        return answers

    def _toperp_check_chatbot_rate_limit(self, customer):
        """Raise when the chatbot opened too many tickets lately for ``customer``, or
        for anonymous visitors altogether (a bot filling the form in bulk). The rows
        counted against are locked until the transaction ends (several workers)."""
        params = self.env["ir.config_parameter"].sudo()

        def limit(key, default):
            try:
                return int(params.get_param(key, default))
            except ValueError:
                return default

        per_customer = limit("toperp_helpdesk_portal.chatbot_ticket_limit", DEFAULT_CHATBOT_LIMIT_PER_CUSTOMER)
        anonymous = limit("toperp_helpdesk_portal.chatbot_anonymous_ticket_limit", DEFAULT_CHATBOT_LIMIT_ANONYMOUS)
        since = fields.Datetime.now() - timedelta(minutes=CHATBOT_LIMIT_MINUTES)
        Ticket = self.env["toperp.helpdesk.ticket"].sudo().with_context(active_test=False)
        domain = [("channel", "=", "chat"), ("create_date", ">=", since), ("create_uid.share", "=", True)]
        self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", customer.id))
        too_many = per_customer > 0 and Ticket.search_count(
            domain + [("partner_id", "=", customer.id)]
        ) >= per_customer
        if not too_many and self.env.user._is_public() and anonymous > 0:
            self.env.cr.execute(SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", self.env.uid))
            too_many = Ticket.search_count(domain + [("create_uid", "=", self.env.uid)]) >= anonymous
        if too_many:
            raise UserError(self.env._(
                "We have received several requests from you in the last hour. Please wait before sending "
                "another one, or call our hotline if it is urgent."
            ))
