"""E-mail as real mail clients and servers send it (issue 11): replies that lost their
headers, delivery reports Odoo cannot parse, strangers' Cc, senders asking for no
automatic answer, reports whose "steps" say nothing."""

import base64

from freezegun import freeze_time

from odoo.tools import mute_logger

from . import common

GATEWAY_LOGGERS = (
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.toperp_helpdesk.models.mail_thread",
    "odoo.addons.toperp_helpdesk.models.toperp_helpdesk_mail_gateway",
    "odoo.addons.toperp_helpdesk.models.toperp_helpdesk_ticket_mail",
)
STEPS = "Vào Kế toán > Hóa đơn khách hàng, chọn hóa đơn rồi bấm In thì báo lỗi."
LOOM = "https://www.loom.com/share/3f2a9c1e8d7b4a6f"


class TestMailClients(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Gateway = cls.env["toperp.helpdesk.mail.gateway"]
        cls.Quarantine = cls.env["toperp.helpdesk.mail.quarantine"]
        cls.colleague = cls.env["res.partner"].create({
            "name": "Trương Thị Lan", "email": "lan.truong@hoasen.vn", "parent_id": cls.customer_company.id,
        })
        cls.stranger = cls.env["res.partner"].create({"name": "Người lạ", "email": "someone@evil.example"})

    def deliver(self, sender, subject, body=f"{STEPS}\n{LOOM}", msg_id=None, headers=()):
        """One e-mail through the gateway's entry point (as setup/mailgate.sh does), then
        the intake job; the gateway's answer."""
        msg_id = msg_id or f"<{abs(hash((sender, subject, body)))}@client.example>"
        head = "".join(f"{name}: {value}\r\n" for name, value in headers)
        raw = (f"From: {sender}\r\nTo: support@toperp.vn\r\nSubject: {subject}\r\nMessage-ID: {msg_id}\r\n"
               f"{head}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}").encode()
        with mute_logger(*GATEWAY_LOGGERS):
            result = self.Gateway._process(raw)
        self.run_intake_job()
        return result

    def opened(self, sender=None, subject="Không xuất được báo cáo công nợ", **kwargs):
        result = self.deliver(sender or self.customer.email_formatted, subject, **kwargs)
        self.assertEqual(result["outcome"], "created", result)
        return self.Ticket.browse(result["res_id"])

    # ------------------------------------------------------------------
    # 1. Replies whose mail client dropped In-Reply-To / References
    # ------------------------------------------------------------------

    def test_reply_without_headers_threads_on_the_number(self):
        ticket = self.opened()
        for subject in (f"RE: [{ticket.number}] Không xuất được báo cáo công nợ",
                        f"Re: {ticket.number} Không xuất được báo cáo công nợ",
                        f"TR: #{ticket.number} báo cáo công nợ",
                        f"Trả lời: [{ticket.number.lower()}]",
                        f"AW: WG: [{ticket.number}]"):
            result = self.deliver(self.customer.email_formatted, subject, body="Em bổ sung thêm thông tin.")
            self.assertEqual((result["outcome"], result["res_id"]), ("threaded", ticket.id), subject)
            self.assertFalse(ticket.message_ids[0].is_internal, "the customer's reply is public")

    def test_colleague_threads_only_when_the_company_shares_its_tickets(self):
        ticket = self.opened()
        self.customer_company.toperp_portal_scope = "own"
        result = self.deliver(self.colleague.email_formatted, f"RE: [{ticket.number}] công nợ", body="Lần nữa.")
        self.assertEqual(result["outcome"], "created", "own tickets only: a colleague opens a ticket of her own")
        self.customer_company.toperp_portal_scope = "company"
        result = self.deliver(self.colleague.email_formatted, f"RE: [{ticket.number}] công nợ", body="Bổ sung.")
        self.assertEqual(result["res_id"], ticket.id, "a colleague of a company sharing its tickets threads")

    def test_stranger_quoting_a_number_opens_a_new_ticket(self):
        ticket = self.opened()
        before = len(ticket.message_ids)
        result = self.deliver(self.stranger.email_formatted, f"RE: [{ticket.number}] Không xuất được báo cáo")
        self.assertEqual(result["outcome"], "created", "a reference is easy to guess: never threaded for a stranger")
        self.assertNotEqual(result["res_id"], ticket.id)
        self.assertEqual(len(ticket.message_ids), before)

    def test_every_answer_carries_the_number_in_its_subject(self):
        ticket = self.opened()
        ack = self.ticket_mails(ticket)
        self.assertTrue(ack.subject.startswith(f"[{ticket.number}]"))
        # Queued rather than sent and deleted at once, so that the test reads it.
        ticket.with_user(self.agent_1).with_context(mail_notify_force_send=False).message_post(
            body="Bên em đã sửa lỗi, anh chị thử lại giúp em.", message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        answer = (self.ticket_mails(ticket) - ack).filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(answer.mapped("subject"), [f"[{ticket.number}] {ticket.name}"])

    # ------------------------------------------------------------------
    # 2. Nothing lost: what the gateway could not handle or rejected is kept
    # ------------------------------------------------------------------

    def test_unparsable_delivery_report_is_kept_for_review(self):
        raw = (b"From: Mail Delivery System <MAILER-DAEMON@mx.hoasen.vn>\r\nTo: support@toperp.vn\r\n"
               b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-broken@mx.hoasen.vn>\r\n"
               b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status\r\n\r\n"
               b"Delivery to the following recipient failed permanently.\r\n")
        with mute_logger(*GATEWAY_LOGGERS):
            result = self.Gateway._process(raw)
        self.assertTrue(result["error"], "Odoo's bounce extraction raises on it")
        kept = self.Quarantine.search([("message_id", "=", "<dsn-broken@mx.hoasen.vn>")])
        self.assertEqual((kept.state, kept.reason), ("to_review", "error"))
        self.assertIn("AttributeError", kept.detail, "the traceback is kept")
        self.assertEqual(base64.b64decode(kept.raw), raw, "the message is kept whole")
        self.assertEqual(kept.subject, "Undelivered Mail Returned to Sender")
        kept.with_user(self.manager).action_discard()
        self.assertEqual(kept.state, "discarded")

    def test_kept_message_reprocessed_after_a_fix(self):
        """The team's alias refers to a tag that was deleted: every e-mail fails. Once
        the alias is mended, a manager reprocesses the kept e-mail: it becomes a ticket."""
        tag = self.env["toperp.helpdesk.tag"].create({"name": "Kế toán"})
        self.team.alias_defaults = str({"team_id": self.team.id, "tag_ids": [(6, 0, [tag.id])]})
        tag.unlink()
        result = self.deliver(self.customer.email_formatted, "Không in được phiếu thu", msg_id="<kept-1@hoasen.vn>")
        self.assertEqual((result["outcome"], result["reason"]), ("rejected", "error"))
        kept = self.Quarantine.search([("message_id", "=", "<kept-1@hoasen.vn>")])
        self.assertEqual(kept.state, "to_review")
        with mute_logger(*GATEWAY_LOGGERS):
            kept.with_user(self.manager).action_reprocess()
        self.assertEqual(kept.state, "to_review", "not mended yet: still to review")
        self.team.alias_defaults = str({"team_id": self.team.id})
        with mute_logger(*GATEWAY_LOGGERS):
            kept.with_user(self.manager).action_reprocess()
        self.assertEqual(kept.state, "reprocessed")
        self.assertEqual(kept.ticket_id.name, "Không in được phiếu thu")
        self.assertEqual(kept.ticket_id.partner_id, self.customer)
        self.assertEqual(self.Quarantine.search_count([("message_id", "=", "<kept-1@hoasen.vn>")]), 1)

    def test_rejections_are_recorded_then_forgotten(self):
        with freeze_time("2026-11-02 03:00:00"):
            self.opened(msg_id="<twice@hoasen.vn>")
            self.deliver(self.customer.email_formatted, "Không xuất được báo cáo công nợ", msg_id="<twice@hoasen.vn>")
            self.deliver(self.customer.email_formatted, "Tự động trả lời: Vắng mặt", msg_id="<oof@hoasen.vn>",
                         headers=[("Auto-Submitted", "auto-replied")])
            self.deliver("Mail Delivery System <MAILER-DAEMON@mx.hoasen.vn>", "Broken report",
                         msg_id="<error@mx.hoasen.vn>", headers=[("Content-Type", "multipart/report")])
        kept = self.Quarantine.search([("message_id", "in", ["<twice@hoasen.vn>", "<oof@hoasen.vn>",
                                                            "<error@mx.hoasen.vn>"])])
        self.assertEqual(sorted(kept.mapped("reason")), ["automatic", "duplicate", "error"])
        with freeze_time("2026-12-01 03:00:00"):
            self.Quarantine._cron_purge()
        self.assertEqual(len(kept.exists()), 3, "kept for 30 days")
        with freeze_time("2026-12-03 03:00:00"):
            self.Quarantine._cron_purge()
        self.assertEqual(kept.exists().mapped("reason"), ["error"], "what waits for a person stays")

    # ------------------------------------------------------------------
    # 3. A stranger never adds people through Cc
    # ------------------------------------------------------------------

    def test_stranger_cc_attack_chain(self):
        ticket = self.opened(msg_id="<opening@hoasen.vn>")
        ticket.write({"stage_id": self.stage_solved.id})
        followers = ticket.message_partner_ids
        result = self.deliver(self.stranger.email_formatted, "Re: Không xuất được báo cáo công nợ",
                              body="Chuyển tiếp cho đồng nghiệp.",
                              headers=[("In-Reply-To", "<opening@hoasen.vn>"), ("Cc", "accomplice@evil.example")])
        self.assertEqual(result["res_id"], ticket.id)
        self.assertTrue(ticket.message_ids[0].is_internal, "a stranger's reply is an internal note")
        self.assertEqual(ticket.message_partner_ids, followers, "neither the stranger nor the Cc follow")
        self.assertNotIn("accomplice", ticket.email_cc or "")
        result = self.deliver("accomplice@evil.example", "Re: Không xuất được báo cáo công nợ",
                              body="Cho tôi xem tài liệu.", headers=[("In-Reply-To", "<opening@hoasen.vn>")])
        self.assertEqual(result["res_id"], ticket.id)
        self.assertTrue(ticket.message_ids[0].is_internal, "still a stranger: an internal note")
        self.assertEqual(ticket.message_partner_ids, followers)
        self.assertEqual(ticket.stage_id, self.stage_solved, "a stranger does not reopen the ticket")

    def test_customer_cc_joins_the_ticket(self):
        ticket = self.opened(msg_id="<opening-2@hoasen.vn>")
        self.deliver(self.customer.email_formatted, "Re: Không xuất được báo cáo công nợ", body="Em gửi kèm kế toán.",
                     headers=[("In-Reply-To", "<opening-2@hoasen.vn>"), ("Cc", "ke.toan@hoasen.vn")])
        self.assertIn("ke.toan@hoasen.vn", ticket.message_partner_ids.mapped("email"))

    # ------------------------------------------------------------------
    # 4-6. No automatic answer when asked; filler words; the incomplete acknowledgement
    # ------------------------------------------------------------------

    def test_sender_asking_for_no_automatic_answer_gets_none(self):
        ticket = self.opened(subject="Lỗi phân quyền khi tạo phiếu xuất kho", body="Hệ thống bị lỗi.",
                             headers=[("X-Auto-Response-Suppress", "DR, OOF, AutoReply")])
        self.assertFalse(self.ticket_mails(ticket), "no acknowledgement, no request for what is missing")
        self.assertNotEqual(ticket.stage_id, self.stage_waiting, "nobody was asked: the ticket does not wait")

    def test_filler_words_are_no_steps(self):
        ticket = self.opened(subject="Phần mềm kế toán không mở được", body=f"Hệ thống bị lỗi, nhờ hỗ trợ gấp.\n{LOOM}")
        self.assertEqual(ticket.missing_info, "steps")
        ticket = self.opened(subject="Không in được hóa đơn bán hàng", body=f"Vào Bán hàng > Hóa đơn, bấm In.\n{LOOM}")
        self.assertFalse(ticket.missing_info)

    def test_incomplete_acknowledgement_promises_no_date(self):
        with freeze_time("2026-11-27 02:00:00"):  # Friday 09:00 in Hanoi
            ticket = self.opened(subject="Không xuất được báo cáo công nợ", body=STEPS)
        self.assertEqual(ticket.missing_info, "evidence")
        ack = self.ticket_mails(ticket)
        self.assertNotIn("We will answer you by", ack.body_html, "no date: the clocks wait for the details")
        self.assertIn("trong vòng 8 giờ làm việc", ack.body_html, "the target, counted from the details' arrival")
        self.assertIn("hình chụp/video", ack.body_html)
