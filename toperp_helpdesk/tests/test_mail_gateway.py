from odoo.tools import mute_logger

from . import common

GATEWAY_LOGGERS = (
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.toperp_helpdesk.models.mail_thread",
    "odoo.addons.toperp_helpdesk.models.toperp_helpdesk_mail_gateway",
)


class TestMailGateway(common.HelpdeskCase):
    """E-mail to support@toperp.vn through Odoo's real mail gateway."""

    def test_known_sender_creates_ticket(self):
        ticket = self.new_email_ticket("plain_text.eml", subject="Lỗi in hóa đơn khách hàng")
        self.assertEqual(ticket.name, "Lỗi in hóa đơn khách hàng")
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.commercial_partner_id, self.customer_company)
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(ticket.severity_id, self.severity_low, "e-mailed tickets start at Low")
        self.assertEqual(ticket.service_type_id, self.service_saas, "service type comes from the customer")
        self.assertTrue(ticket.number.startswith("HD"))
        self.assertIn("Hóa đơn khách hàng", ticket.description)
        self.assertIn(self.customer, ticket.message_partner_ids)
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(first), 1)
        self.assertEqual(first.author_id, self.customer)

    def test_unknown_sender_gets_vietnamese_partner(self):
        ticket = self.new_email_ticket(email_from='"Đỗ Minh Khoa" <khoa.do@sonha.com.vn>')
        partner = ticket.partner_id
        self.assertTrue(partner, "an unknown sender becomes a contact")
        self.assertEqual(partner.email, "khoa.do@sonha.com.vn")
        self.assertEqual(partner.name, "Đỗ Minh Khoa")
        self.assertEqual(partner.lang, "vi_VN")
        self.assertEqual(ticket.partner_email, "khoa.do@sonha.com.vn")
        self.assertEqual(
            self.env["res.partner"].search_count([("email", "=", "khoa.do@sonha.com.vn")]), 1
        )

    def test_rfc2047_vietnamese_subject(self):
        ticket = self.new_email_ticket("vietnamese_subject.eml")
        self.assertEqual(ticket.name, "Lỗi không đăng nhập được vào hệ thống sau khi đổi mật khẩu")
        self.assertIn("tất cả nhân viên phòng kế toán", ticket.description)
        self.assertIn("https://prnt.sc/AbC123xyz", ticket.media_urls)
        self.assertEqual(ticket.suggested_severity_id, self.severity_high)
        self.assertEqual(ticket.severity_id, self.severity_low)

    def test_html_only_body(self):
        ticket = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu nhập kho")
        self.assertIn("Phiếu nhập kho", ticket.description)
        self.assertIn("Access Denied", ticket.description)
        self.assertNotIn("<html", ticket.description)
        self.assertEqual(ticket.missing_info, "evidence")

    def test_plain_text_body(self):
        ticket = self.new_email_ticket("plain_text.eml")
        self.assertIn("bấm nút In", ticket.description)
        self.assertIn("https://www.loom.com/share/3f2a9c1e8d7b4a6f", ticket.media_urls)
        self.assertFalse(ticket.missing_info)

    def test_attachments_become_ticket_attachments(self):
        ticket = self.new_email_ticket("with_attachments.eml", subject="Lỗi xác nhận đơn bán hàng SO0042")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(
            sorted(attachments.mapped("name")), ["bien-ban.pdf", "loi-xac-nhan-don.png"]
        )
        self.assertTrue(ticket.has_evidence_attachment, "the screenshot counts as evidence")
        self.assertFalse(ticket.missing_info)

    def test_svg_attachment_is_not_evidence(self):
        """Odoo keeps an e-mailed SVG as plain text (it may carry scripts): it is no
        screenshot, and the report waits for one from its creation."""
        ticket = self.new_email_ticket("with_svg.eml", subject="Lỗi xác nhận đơn bán hàng SO0042", run_intake=False)
        svg = self.env["ir.attachment"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id), ("name", "=", "loi-xac-nhan-don.svg")]
        )
        self.assertEqual(svg.mimetype, "text/plain")
        self.assertFalse(ticket.has_evidence_attachment)
        self.assertEqual(ticket.missing_info, "evidence")
        self.assertEqual(ticket.stage_id, self.stage_waiting)

    def test_complete_report_with_screenshot_does_not_wait(self):
        ticket = self.new_email_ticket(
            "with_attachments.eml", subject="Lỗi xác nhận đơn bán hàng SO0042", run_intake=False
        )
        self.assertTrue(ticket.has_evidence_attachment)
        self.assertEqual(ticket.stage_id, self.stage_new, "complete: it waits on us, not on the customer")
        self.assertTrue(ticket.ack_sent, "its acknowledgement is queued")
        self.assertEqual(ticket.last_customer_message_date, ticket.message_ids.filtered(
            lambda m: m.message_type == "email").date)

    def test_stage_configuration_is_seen_by_the_next_email(self):
        """The team's stages are kept in the registry cache: a stage that no longer
        waits on the customer is seen by the next e-mail."""
        first = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu nhập kho")
        self.assertEqual(first.stage_id, self.stage_waiting)
        self.stage_waiting.pauses_sla = False
        second = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu xuất kho")
        self.assertEqual(second.stage_id, self.stage_new, "no stage waits on the customer any more")
        self.assertEqual(second.missing_info, "evidence")

    def test_sender_flooding_the_alias_is_stopped(self):
        """Odoo's loop guard on new tickets: past the threshold of tickets a sender
        opened in the last hours, their e-mails open no more tickets."""
        self.env["ir.config_parameter"].sudo().set_param("mail.gateway.loop.threshold", 3)
        for number in range(3):
            self.new_email_ticket(subject=f"Lỗi in hóa đơn số {number}")
        tickets = self.Ticket.search_count([])
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self.process_fixture("plain_text.eml", subject="Lỗi in hóa đơn số 4")
        self.assertEqual(self.Ticket.search_count([]), tickets, "the fourth e-mail is a loop")
        other = self.env["res.partner"].create({"name": "Lê Thị Hoa", "email": "hoa.le@hoasen.vn"})
        self.new_email_ticket(email_from=f'"{other.name}" <{other.email}>', subject="Lỗi đăng nhập")

    def test_alias_filing_another_channel(self):
        """An alias whose tickets are of another channel (a chat tool mailing its
        transcripts): the ticket is of that channel; its customer is acknowledged like
        a chat's (the e-mail carries the number), never asked to wait by e-mail."""
        self.team.alias_id.alias_defaults = repr({"team_id": self.team.id, "channel": "chat"})
        ticket = self.new_email_ticket(subject="Hội thoại chat: lỗi in hóa đơn")
        self.assertEqual(ticket.channel, "chat")
        self.assertTrue(ticket.ack_sent)
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1)
        self.assertNotEqual(ticket.stage_id, self.stage_waiting)
        self.assertTrue(ticket.last_customer_message_date)

    def test_pdf_attachment_is_not_evidence(self):
        ticket = self.create_ticket(description="<p>Mở menu Bán hàng, bấm Xác nhận đơn thì hiện lỗi.</p>")
        ticket.message_post(
            body="Biên bản", attachments=[("bien-ban.pdf", b"%PDF-1.4 test")], message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.assertFalse(ticket.has_evidence_attachment)
        self.assertEqual(ticket.missing_info, "evidence")

    def test_reply_threads_into_ticket(self):
        msg_id = "<first-report-001@mail.hoasen.vn>"
        ticket = self.new_email_ticket(msg_id=msg_id)
        count = self.Ticket.search_count([])
        self.process_fixture(
            "html_only.eml",
            subject=f"Re: [{ticket.number}] Lỗi in hóa đơn khách hàng",
            extra={"In-Reply-To": msg_id, "References": msg_id},
        )
        self.assertEqual(self.Ticket.search_count([]), count, "a reply creates no new ticket")
        emails = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(emails), 2)
        self.assertIn("Phiếu nhập kho", emails.sorted("id")[-1].body)

    def test_reply_to_our_acknowledgement_threads(self):
        ticket = self.new_email_ticket()
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1)
        self.process_fixture(
            "html_only.eml",
            subject="Re: acknowledgement",
            extra={"In-Reply-To": ack.message_id},
        )
        self.assertEqual(len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 2)

    def test_cc_become_followers(self):
        ticket = self.new_email_ticket(
            cc='"Trương Thị Lan" <lan.truong@hoasen.vn>, ketoan@hoasen.vn, support@toperp.vn'
        )
        followers = ticket.message_partner_ids
        self.assertIn("lan.truong@hoasen.vn", followers.mapped("email_normalized"))
        self.assertIn("ketoan@hoasen.vn", followers.mapped("email_normalized"))
        self.assertNotIn("support@toperp.vn", followers.mapped("email_normalized"),
                         "our own alias never becomes a follower")
        self.assertIn("lan.truong@hoasen.vn", ticket.email_cc)
        lan = ticket.message_follower_ids.filtered(lambda f: f.partner_id.email_normalized == "lan.truong@hoasen.vn")
        self.assertIn(self.env.ref("mail.mt_comment"), lan.subtype_ids, "they get our answers")
        self.assertFalse(lan.subtype_ids.filtered("internal"), "but not our internal notes")

    def test_cc_on_reply_become_followers(self):
        msg_id = "<first-report-002@mail.hoasen.vn>"
        ticket = self.new_email_ticket(msg_id=msg_id)
        self.process_fixture(
            "html_only.eml", subject="Re: hóa đơn", cc="giamdoc@hoasen.vn", extra={"In-Reply-To": msg_id}
        )
        self.assertIn("giamdoc@hoasen.vn", ticket.message_partner_ids.mapped("email_normalized"))

    def test_same_message_id_twice_makes_one_ticket(self):
        msg_id = "<redelivered-42@mail.hoasen.vn>"
        ticket = self.new_email_ticket(msg_id=msg_id)
        count = self.Ticket.search_count([])
        outgoing = self.outgoing_counts()
        self.process_fixture("plain_text.eml", msg_id=msg_id)
        self.assertEqual(self.Ticket.search_count([]), count)
        self.assertEqual(len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 1)
        self.assertEqual(self.outgoing_counts(), outgoing, "no second acknowledgement, no message")

    def _assert_no_ticket_no_reply(self, fixture, **kwargs):
        tickets = self.Ticket.search_count([])
        outgoing = self.outgoing_counts()
        with mute_logger(*GATEWAY_LOGGERS):
            self.process_fixture(fixture, **kwargs)
        self.assertEqual(self.Ticket.search_count([]), tickets, "no ticket")
        self.assertEqual(self.outgoing_counts(), outgoing, "no message, no e-mail")

    def test_auto_submitted_creates_nothing(self):
        self._assert_no_ticket_no_reply(
            "plain_text.eml", subject="Tự động trả lời: Đang nghỉ phép",
            extra={"Auto-Submitted": "auto-replied"},
        )

    def test_x_autoreply_creates_nothing(self):
        self._assert_no_ticket_no_reply(
            "plain_text.eml", subject="Out of office", extra={"X-Autoreply": "yes"}
        )

    def test_precedence_bulk_creates_nothing(self):
        self._assert_no_ticket_no_reply(
            "plain_text.eml", subject="Bản tin tháng 11", extra={"Precedence": "bulk"}
        )

    def test_bounce_creates_nothing(self):
        self._assert_no_ticket_no_reply(
            "bounce_dsn.eml", email_from="MAILER-DAEMON@mx.khachhang.vn", return_path=""
        )

    def test_out_of_office_does_not_reopen_waiting_ticket(self):
        msg_id = "<incomplete-001@mail.hoasen.vn>"
        ticket = self.new_email_ticket("html_only.eml", msg_id=msg_id, subject="Không lưu được phiếu nhập kho")
        self.assertEqual(ticket.stage_id, self.stage_waiting)
        mails, email_notifications, _messages = self.outgoing_counts()
        last_customer_message = ticket.last_customer_message_date
        self.process_fixture(
            "plain_text.eml",
            subject="Tự động trả lời: Re: Không lưu được phiếu nhập kho",
            extra={"In-Reply-To": msg_id, "Auto-Submitted": "auto-replied"},
        )
        self.assertEqual(ticket.stage_id, self.stage_waiting)
        self.assertEqual(ticket.last_customer_message_date, last_customer_message)
        ooo = ticket.message_ids.filtered(lambda m: "Tự động trả lời" in (m.subject or ""))
        self.assertEqual(len(ooo), 1, "the out-of-office answer is kept as history")
        self.assertTrue(ooo.is_internal or ooo.subtype_id.internal, "kept as an internal note")
        self.assertEqual(self.outgoing_counts()[:2], (mails, email_notifications), "nobody is e-mailed")

    def test_acknowledgement_headers_mark_automatic_reply(self):
        ticket = self.new_email_ticket()
        mails = self.ticket_mails(ticket)
        self.assertEqual(len(mails), 1)
        self.assertIn("'Auto-Submitted': 'auto-replied'", mails.headers)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn(ticket.number, mails.subject)
        self.assertIn("support@toperp.vn", mails.email_from)
        self.assertIn("support@toperp.vn", mails.reply_to, "answers go to the support address")
        self.assertEqual(mails.state, "sent", mails.failure_reason)

    def test_configuration_changes_are_seen_by_the_next_email(self):
        """The team's reply-to address and our own addresses are kept in the registry
        cache: a new alias is used, and recognised as ours, from the next e-mail on."""
        self.new_email_ticket(subject="Trước khi đổi địa chỉ")  # fills the caches
        self.team.write({"alias_name": "hotro", "name": "Hỗ trợ kỹ thuật"})
        ticket = self.new_email_ticket(subject="Sau khi đổi địa chỉ", to="hotro@toperp.vn")
        ack = self.ticket_mails(ticket).filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn("hotro@toperp.vn", ack.reply_to, "customers answer to the new address")
        self.assertIn("Hỗ trợ kỹ thuật", ack.reply_to)
        tickets = self.Ticket.search_count([])
        with mute_logger(*GATEWAY_LOGGERS):
            self.process_fixture(
                "plain_text.eml", email_from="hotro@toperp.vn", to="hotro@toperp.vn", subject="Vòng lặp"
            )
        self.assertEqual(self.Ticket.search_count([]), tickets, "mail from our new address is a loop")
