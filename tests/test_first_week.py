"""What a new support team met in its first week (issue 10), each reproduced first:
acknowledgements that never reached portal customers, SLA texts in English dated
yesterday, figures that were not true, suspended customers promised a deadline, the
hotline dialog that showed nothing."""

from freezegun import freeze_time

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

LOOM = "https://www.loom.com/share/3f2a9c1e8d7b4a6f"
STEPS = "Vào Kế toán > Hóa đơn khách hàng, chọn hóa đơn rồi bấm In thì báo lỗi."


@tagged("post_install", "-at_install")
class TestFirstWeek(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="hoasen_portal", groups="base.group_portal", name="Nguyễn Thị Mai",
            email="mai.nguyen@hoasen.vn",
        )
        cls.portal_user.partner_id.write({"parent_id": cls.customer_company.id, "lang": "vi_VN"})
        cls.agent_1.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        cls.manager.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        # The Vietnamese of our records and selections (labels of SLA targets, templates).
        cls.env["ir.module.module"]._load_module_terms(
            ["toperp_helpdesk", "toperp_helpdesk_sla", "toperp_helpdesk_portal"], ["vi_VN"], overwrite=True,
        )

    def acknowledgement_mails(self, ticket):
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1, "one acknowledgement")
        return ack, self.env["mail.mail"].sudo().search([("mail_message_id", "=", ack.id)])

    # ------------------------------------------------------------------
    # 1. Every customer gets the acknowledgement, written by the company
    # ------------------------------------------------------------------

    def test_acknowledgement_reaches_the_customer_of_each_channel(self):
        self.team.assign_method = "round_robin"
        # E-mail
        email_ticket = self.new_email_ticket()
        # Portal: the ticket is created and its first message posted by the customer herself.
        Ticket = self.Ticket.with_user(self.portal_user).sudo()
        portal_ticket = Ticket.with_context(mail_notify_force_send=False).create({
            "name": "Không in được phiếu xuất kho", "description": f"<p>{STEPS}</p>",
            "affected_url": "https://hoasen.toperp.vn/odoo/action-123", "channel": "portal",
            "partner_id": self.portal_user.partner_id.id, "team_id": self.team.id,
        })
        portal_ticket.with_context(mail_notify_force_send=False).message_post(
            body=f"{STEPS} {LOOM}", author_id=self.portal_user.partner_id.id,
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        # Chat: an operator opened it from a conversation, with the transcript.
        chat_ticket = self.create_ticket(channel="chat", partner_id=self.customer.id)
        chat_ticket.with_context(mail_notify_force_send=False).message_post(
            body=f"Khách: {STEPS} {LOOM}", author_id=self.customer.id,
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        for ticket, customer in ((email_ticket, self.customer), (portal_ticket, self.portal_user.partner_id),
                                 (chat_ticket, self.customer)):
            ack, mails = self.acknowledgement_mails(ticket)
            self.assertEqual(ack.author_id, self.company.partner_id, f"{ticket.channel}: the company writes it")
            self.assertIn(customer, mails.recipient_ids, f"{ticket.channel}: the customer receives it")
            self.assertNotIn(self.company.partner_id, ticket.message_partner_ids)
        notice = self.env["mail.message"].search([
            ("model", "=", portal_ticket._name), ("res_id", "=", portal_ticket.id),
            ("message_type", "=", "user_notification"),
        ])
        self.assertEqual(len(notice), 1, "the agent is told of the new ticket")
        self.assertEqual(notice.author_id, self.env.ref("base.partner_root"),
                         "the agent's assignment notice is the system's, not the customer's")

    # ------------------------------------------------------------------
    # 2. SLA warnings, escalations and digests in their reader's language, local dates
    # ------------------------------------------------------------------

    def test_sla_cron_texts_in_the_readers_language_and_local_date(self):
        Status = self.env["toperp.helpdesk.sla.status"]
        with freeze_time("2026-11-30 01:00:00"):  # Monday 08:00 in Hanoi
            ticket = self.create_ticket(severity_id=self.severity_critical.id, user_id=self.agent_1.id)
        first = ticket.sla_status_ids.filtered(lambda s: s.target == "first_response")
        self.assertTrue(first.deadline)
        with freeze_time(first.warning_date):
            Status.with_context(lang=None)._cron_sla_warnings()
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.agent_1)
        self.assertEqual(len(activity), 1)
        self.assertIn("Phản hồi", activity.summary, "in the agent's Vietnamese")
        self.assertEqual(str(activity.date_deadline), "2026-11-30", "the deadline's local date")
        with freeze_time(first.deadline):
            Status.with_context(lang=None)._cron_sla_warnings()
        digest = self.env["mail.message"].search([
            ("partner_ids", "in", self.manager.partner_id.ids), ("model", "=", "toperp.helpdesk.team"),
        ])
        self.assertEqual(len(digest), 1)
        self.assertNotIn("SLA breached on", digest.subject, "the manager's digest in Vietnamese")

    def test_early_morning_warning_is_not_dated_yesterday(self):
        """At 06:00 in Hanoi it is still yesterday in UTC: the activity is due today."""
        with freeze_time("2026-11-30 22:00:00"):  # Tuesday 05:00 in Hanoi
            ticket = self.create_ticket(severity_id=self.severity_critical.id, user_id=self.agent_1.id)
        first = ticket.sla_status_ids.filtered(lambda s: s.target == "first_response")
        with freeze_time(first.warning_date):
            self.env["toperp.helpdesk.sla.status"]._cron_sla_warnings()
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.agent_1)
        self.assertEqual(str(activity.date_deadline), "2026-12-01")

    # ------------------------------------------------------------------
    # 5. A ticket nobody answered does not count as answered in time
    # ------------------------------------------------------------------

    def test_customer_closing_before_any_answer_leaves_the_response_figures(self):
        with freeze_time("2026-11-30 02:00:00"):
            ticket = self.create_ticket(severity_id=self.severity_high.id)
        with freeze_time("2026-11-30 02:30:00"):
            ticket.write({"stage_id": self.stage_solved.id})
        first = ticket.sla_status_ids.filtered(lambda s: s.target == "first_response")
        resolution = ticket.sla_status_ids.filtered(lambda s: s.target == "resolution")
        self.assertEqual(first.state, "cancelled", "nobody answered: not applicable")
        self.assertEqual(resolution.state, "met")
        self.env.flush_all()
        report = self.env["toperp.helpdesk.sla.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(set(report.mapped("target")), {"resolution"}, "out of the achievement figures")

    # ------------------------------------------------------------------
    # 7. Suspended customers: the agent is told, the customer hears the policy
    # ------------------------------------------------------------------

    def test_suspended_customer_gets_the_policy_not_a_deadline(self):
        self.customer_company.write(
            {"toperp_support_suspended": True, "toperp_suspension_reason": "Chưa thanh toán phí"}
        )
        ticket = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu nhập kho")
        self.assertTrue(ticket.support_suspended)
        self.assertNotEqual(ticket.stage_id, self.stage_waiting, "the customer is not asked for details")
        mail = self.ticket_mails(ticket)
        self.assertNotIn("We will answer you by", mail.body_html)
        self.assertNotIn("within", mail.body_html)
        self.assertIn("tạm ngừng", mail.body_html, "in the customer's Vietnamese: support is suspended")
        self.assertIn("sales@toperp.vn", mail.body_html)
        self.assertIn("Chưa thanh toán phí", mail.body_html)

    def test_hotline_dialog_warns_of_a_suspended_customer(self):
        self.customer_company.toperp_support_suspended = True
        view = self.env.ref("toperp_helpdesk.toperp_helpdesk_ticket_view_form_phone")
        with Form(self.Ticket.with_user(self.agent_1).with_context(default_channel="phone"), view=view) as call:
            call.partner_id = self.customer
            self.assertTrue(call.support_suspended, "the warning shows as soon as the caller is chosen")
            call.name = "Khách gọi báo không in được hóa đơn"

    # ------------------------------------------------------------------
    # 8. The hotline dialog: High by default, the number to read, the call answers
    # ------------------------------------------------------------------

    def test_hotline_call_gives_the_number_and_is_the_first_response(self):
        action = self.env.ref("toperp_helpdesk.toperp_helpdesk_ticket_action_phone")
        context = safe_eval(action.context)
        view = self.env.ref("toperp_helpdesk.toperp_helpdesk_ticket_view_form_phone")
        with freeze_time("2026-11-28 20:00:00"):  # Sunday 03:00 in Hanoi
            with Form(self.Ticket.with_user(self.agent_1).with_context(**context), view=view) as call:
                self.assertEqual(call.severity_id, self.severity_high, "the hotline is the High line")
                call.partner_id = self.customer
                call.name = "Hệ thống bị sập, không đăng nhập được"
            ticket = call.save()
            with mute_logger("odoo.addons.mail.models.mail_thread"):
                result = ticket.with_user(self.agent_1).action_log_call()
        self.assertIn(ticket.number, result["params"]["title"], "the number to read to the caller")
        self.assertEqual(result["params"]["next"]["tag"], "soft_reload", "the queue behind is refreshed")
        first = ticket.sla_status_ids.filtered(lambda s: s.target == "first_response")
        self.assertEqual(first.state, "met", "the agent spoke to the customer: answered")
        self.assertEqual(ticket.first_response_date, ticket.reported_date)
