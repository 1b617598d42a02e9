from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime, html2plaintext, plaintext2html

URGENT_CODES = ("high", "critical")


class ChatbotScriptStep(models.Model):
    """A step type of ours, as crm_livechat's "Create Lead": the script's answers
    (title, steps, evidence, severity, e-mail, phone) become a helpdesk ticket and the
    visitor is told its number and what happens next."""

    _inherit = "chatbot.script.step"

    step_type = fields.Selection(
        selection_add=[("toperp_create_ticket", "Create Helpdesk Ticket")],
        ondelete={"toperp_create_ticket": "cascade"},
    )
    toperp_ticket_field = fields.Selection(
        [
            ("name", "Title"),
            ("description", "Steps / path"),
            ("evidence", "Screenshot / video"),
            ("severity", "Severity"),
        ],
        string="Ticket Field",
        help="What the visitor's answer to this step fills in the ticket a later "
        "'Create Helpdesk Ticket' step opens.",
    )

    def _process_step(self, discuss_channel):
        posted_message = super()._process_step(discuss_channel)
        if self.step_type == "toperp_create_ticket":
            return self._toperp_process_step_create_ticket(discuss_channel) or posted_message
        return posted_message

    def _toperp_process_step_create_ticket(self, discuss_channel):
        """Open the ticket from the answers (once per conversation) and post what the
        visitor needs: its number and, for Low/Medium outside office hours, when they
        resume; for High/Critical, the hotline and that the on-call engineer is paged."""
        self.ensure_one()
        script = self.chatbot_script_id
        channel = discuss_channel.sudo()
        ticket = channel.toperp_ticket_ids[:1]
        if not ticket:
            answers = discuss_channel._toperp_chatbot_answers(script)
            title = " ".join(
                html2plaintext(message.body or "").strip() for message in answers.get("name", [])
            ).strip() or self.env._("Request from the live chat")
            severity = answers.get("severity") and answers["severity"].toperp_severity_id
            phone = channel._chatbot_find_customer_values_in_messages({"question_phone": "phone"}).get("phone")
            conversation = channel._toperp_conversation()
            customer = channel._toperp_visitor_partner(conversation)
            try:
                if not customer:
                    raise UserError(self.env._("Please give us your e-mail address so that we can answer you."))
                channel._toperp_check_chatbot_rate_limit(customer)
            except UserError as error:
                return discuss_channel._chatbot_post_message(script, plaintext2html(error.args[0]))
            values = {}
            if severity:
                values["severity_id"] = severity.id
            if phone:
                values["partner_phone"] = phone.strip()
            ticket = channel._toperp_open_ticket(title, values=values)
        body = discuss_channel._toperp_ticket_number_text(ticket.sudo(), ticket.sudo().partner_id)
        body += Markup("<p>%s</p>") % self._toperp_next_text(ticket.sudo())
        return discuss_channel._chatbot_post_message(script, body)

    def _toperp_next_text(self, ticket):
        """What happens next, in the policy's words."""
        if ticket.severity_code in URGENT_CODES:
            now = fields.Datetime.now()
            paged = self.env["toperp.helpdesk.oncall"].sudo()._on_duty(now, ticket.company_id)
            if paged:
                return self.env._(
                    "%(severity)s requests are handled 24/7: the on-call engineer has been paged. "
                    "If it is urgent, call our hotline %(hotline)s.",
                    severity=ticket.severity_id.name,
                    hotline=ticket.team_id.hotline or "",
                )
            return self.env._(
                "%(severity)s requests are handled 24/7: please call our hotline %(hotline)s now.",
                severity=ticket.severity_id.name,
                hotline=ticket.team_id.hotline or "",
            )
        office = ticket._toperp_record("resource.calendar", "toperp_helpdesk_sla.calendar_office_hours")
        if not office:
            return self.env._("We will answer you during office hours.")
        clock = self.env["resource.calendar"]._toperp_clock_for(office)
        now = fields.Datetime.now()
        if clock.is_working(now):
            return self.env._("An agent will answer you shortly.")
        # The first business minute after now, minus that minute: when work resumes.
        resume = clock.add(now, 1 / 60)
        if not resume:
            return self.env._("We will answer you during office hours.")
        resume -= timedelta(minutes=1)
        return self.env._(
            "Our office is closed now; we will answer you when office hours resume, at %(when)s.",
            when=format_datetime(self.env, resume, tz=office.tz, dt_format="HH:mm EEEE dd/MM/yyyy"),
        )
