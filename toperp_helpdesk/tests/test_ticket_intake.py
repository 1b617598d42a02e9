from freezegun import freeze_time

from . import common


class TestCompleteness(common.HelpdeskCase):
    """The three pieces the policy asks for, the acknowledgement and the waiting stage."""

    def _ack(self, ticket):
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1, "exactly one acknowledgement")
        return ack

    def _assert_ack_lists_exactly(self, ticket, codes):
        self.assertEqual((ticket.missing_info or "").split(), codes)
        ack = self._ack(ticket)
        labels = ticket.with_context(lang=ticket._customer_lang())._missing_info_labels()
        self.assertEqual(len(labels), len(codes))
        mail = self.ticket_mails(ticket)
        self.assertEqual(len(mail), 1)
        for body in (ack.body, mail.body_html):
            self.assertEqual(body.count("<li>"), len(codes))
            for label in labels:
                self.assertIn(label, body)
        empty = self.Ticket.with_context(lang=ticket._customer_lang()).new({"name": "", "description": ""})
        self.assertEqual(empty.missing_info, "title steps evidence")
        for label in set(empty._missing_info_labels()) - set(labels):
            self.assertNotIn(label, mail.body_html)

    def test_missing_everything(self):
        ticket = self.new_email_ticket("html_only.eml", subject="Hỗ trợ")
        ticket.description = "<p>Lỗi</p>"
        self.assertEqual(ticket.missing_info, "title steps evidence")

    def test_incomplete_email_lists_missing_evidence_and_waits(self):
        ticket = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu nhập kho")
        self._assert_ack_lists_exactly(ticket, ["evidence"])
        self.assertEqual(ticket.stage_id, self.stage_waiting)
        self.assertFalse(ticket.is_complete)

    def test_incomplete_title_and_evidence(self):
        ticket = self.new_email_ticket("html_only.eml", subject="Re: Hỗ trợ gấp")
        self._assert_ack_lists_exactly(ticket, ["title", "evidence"])
        self.assertEqual(ticket.stage_id, self.stage_waiting)

    def test_complete_email_is_acknowledged_and_stays_new(self):
        ticket = self.new_email_ticket("plain_text.eml")
        self._assert_ack_lists_exactly(ticket, [])
        ack = self._ack(ticket)
        self.assertIn(ticket.number, ack.body)
        self.assertIn(ticket.severity_id.name, ack.body)
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertTrue(ticket.is_complete)

    def test_image_attachment_counts_as_evidence(self):
        ticket = self.new_email_ticket("with_attachments.eml", subject="Lỗi xác nhận đơn bán hàng")
        self.assertFalse(ticket.missing_info)
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_screenshot_link_counts_as_evidence(self):
        ticket = self.create_ticket(
            description="<p>Vào Kho, mở phiếu nhập, bấm Lưu thì lỗi <a href='https://prnt.sc/xyz1'>ảnh</a></p>"
        )
        self.assertFalse(ticket.missing_info)
        ticket.description = "<p>Vào Kho, mở phiếu nhập, bấm Lưu thì lỗi, video https://youtu.be/abc</p>"
        self.assertFalse(ticket.missing_info)
        ticket.description = "<p>Vào Kho, mở phiếu nhập, bấm Lưu thì lỗi</p>"
        self.assertEqual(ticket.missing_info, "evidence")
        ticket.affected_url = "https://cdn.hoasen.vn/loi-luu.png"
        self.assertFalse(ticket.missing_info)

    def test_customer_reply_resumes_ticket_and_completes_report(self):
        msg_id = "<incomplete-002@mail.hoasen.vn>"
        ticket = self.new_email_ticket("html_only.eml", msg_id=msg_id, subject="Không lưu được phiếu nhập kho")
        self.assertEqual(ticket.stage_id, self.stage_waiting)
        self.process_fixture(
            "plain_text.eml", subject="Re: Không lưu được phiếu nhập kho", extra={"In-Reply-To": msg_id}
        )
        self.assertEqual(ticket.stage_id, self.stage_in_progress, "the customer's answer brings it back to us")
        self.assertFalse(ticket.missing_info, "the Loom link in the reply completes the report")
        self.assertIn("loom.com", ticket.media_urls)
        self.assertEqual(len(ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")), 1,
                         "a reply is not acknowledged again")

    def test_portal_ticket_acknowledged_with_hotline_for_high(self):
        ticket = self.create_ticket(channel="portal", severity_id=self.severity_high.id,
                                    name="Hệ thống bị sập toàn công ty")
        ticket.message_post(body="<p>Không ai vào được hệ thống</p>", author_id=self.customer.id,
                            message_type="comment", subtype_xmlid="mail.mt_comment")
        ack = self._ack(ticket)
        self.assertIn(self.team.hotline, ack.body)
        self.assertIn(self.severity_high.name, ack.body)
        self.assertEqual(ticket.stage_id, self.stage_new, "portal tickets do not wait on the customer")
        low = self.create_ticket(channel="portal", name="Cách xuất báo cáo tồn kho")
        low.message_post(body="<p>Xin hướng dẫn</p>", author_id=self.customer.id,
                         message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertNotIn(self.team.hotline, self._ack(low).body, "no hotline for a low severity")

    def test_phone_ticket_gets_no_acknowledgement(self):
        ticket = self.create_ticket(channel="phone", description="<p>Khách gọi báo lỗi</p>")
        ticket.message_post(body="Khách gọi lại", author_id=self.customer.id, message_type="comment",
                            subtype_xmlid="mail.mt_comment")
        self.assertFalse(ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment"))
        self.assertEqual(ticket.stage_id, self.stage_new, "complete or not, staff handle phone tickets")


class TestTriage(common.HelpdeskCase):
    def test_policy_criteria_suggest_high(self):
        for text in (
            "Hệ thống bị sập từ 8 giờ sáng",
            "Dữ liệu bị hỏng sau khi nhập Excel",
            "Nhân viên không đăng nhập được",
            "he thong bi sap, khong vao duoc",
            "KHONG DANG NHAP DUOC",
        ):
            ticket = self.create_ticket(name=text)
            self.assertEqual(ticket.suggested_severity_id, self.severity_high, text)
            self.assertEqual(ticket.severity_id, self.severity_low, "the suggestion never sets the severity")

    def test_description_also_counts(self):
        ticket = self.create_ticket(name="Lỗi phần mềm", description="<p>Từ sáng <b>dữ liệu bị hỏng</b> hết</p>")
        self.assertEqual(ticket.suggested_severity_id, self.severity_high)
        ticket.description = "<p>Toàn bộ hệ thống bị tấn công bởi mã độc</p>"
        self.assertEqual(ticket.suggested_severity_id, self.severity_critical)
        self.assertEqual(ticket.severity_id, self.severity_low)

    def test_no_suggestion_for_plain_request(self):
        ticket = self.create_ticket(name="Xin báo giá thêm người dùng")
        self.assertFalse(ticket.suggested_severity_id)

    def test_accept_suggestion_in_one_click(self):
        ticket = self.create_ticket(name="Hệ thống bị sập")
        self.flush_tracking()
        ticket.with_user(self.agent_1).action_accept_suggested_severity()
        self.assertEqual(ticket.severity_id, self.severity_high)
        self.flush_tracking()
        tracked = ticket.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "severity_id")
        self.assertEqual(tracked.new_value_char, self.severity_high.name, "the change shows in the chatter")

    def test_admin_keywords_are_used(self):
        self.severity_medium.triage_keywords += "\nkhông xuất được hóa đơn điện tử"
        ticket = self.create_ticket(name="Khong xuat duoc hoa don dien tu")
        self.assertEqual(ticket.suggested_severity_id, self.severity_medium)


class TestFirstResponse(common.HelpdeskCase):
    @freeze_time("2026-11-27 09:00:00")
    def test_first_public_agent_reply_only(self):
        ticket = self.new_email_ticket()
        self.assertFalse(ticket.first_response_date, "the automatic acknowledgement is no answer")
        ticket.with_user(self.agent_1).message_post(
            body="Ghi chú nội bộ", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertFalse(ticket.first_response_date, "an internal note is no answer")
        with freeze_time("2026-11-27 09:45:00"):
            ticket.with_user(self.agent_1).message_post(
                body="Chào anh, chúng tôi đang kiểm tra.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(str(ticket.first_response_date), "2026-11-27 09:45:00")
        with freeze_time("2026-11-27 10:30:00"):
            ticket.with_user(self.agent_2).message_post(
                body="Đã sửa xong.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(str(ticket.first_response_date), "2026-11-27 09:45:00", "the first one stays")
        self.assertEqual(str(ticket.last_agent_reply_date), "2026-11-27 10:30:00")

    def test_acknowledgement_in_each_customer_language(self):
        self.env["ir.module.module"]._load_module_terms(["toperp_helpdesk"], ["vi_VN"], overwrite=True)
        english = self.env["res.partner"].create(
            {"name": "John Smith", "email": "john.smith@hoasen.vn", "parent_id": self.customer_company.id,
             "lang": "en_US"}
        )
        vi_ticket = self.new_email_ticket("plain_text.eml")
        en_ticket = self.new_email_ticket("plain_text.eml", email_from=f'"{english.name}" <{english.email}>')
        for ticket, subject, greeting in (
            (vi_ticket, "TopERP đã tiếp nhận yêu cầu của Quý khách", self.customer.name),
            (en_ticket, "We have received your request", "Hello John Smith"),
        ):
            ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
            self.assertEqual(len(ack), 1)
            mail = self.ticket_mails(ticket)
            self.assertEqual(len(mail), 1)
            self.assertIn(subject, ack.subject)
            self.assertIn(subject, mail.subject)
            self.assertIn(ticket.number, mail.subject)
            self.assertIn(greeting, mail.body_html)
            self.assertEqual(ack.subtype_id, self.env.ref("mail.mt_comment"))
            self.assertEqual(ack.partner_ids, ticket.partner_id, "only the customer is addressed")
            self.assertEqual(mail.recipient_ids, ticket.partner_id)
            self.assertIn("support@toperp.vn", mail.email_from, "sent by the team's address")
            self.assertIn("support@toperp.vn", mail.reply_to, "answers go to the team")
            self.assertIn("'Auto-Submitted': 'auto-replied'", mail.headers)
        self.assertNotIn("We have received your request", vi_ticket.message_ids.mapped("subject"))

    def test_missing_info_label_in_user_language(self):
        ticket = self.new_email_ticket("html_only.eml", subject="Re: Hỗ trợ gấp")
        self.assertEqual(ticket.missing_info, "title evidence")
        self.assertEqual(ticket.with_context(lang="en_US").missing_info_label, "Title, Screenshot/video")
        self.assertEqual(ticket.with_context(lang="vi_VN").missing_info_label, "Tiêu đề, Ảnh/video")
        complete = self.new_email_ticket("plain_text.eml")
        self.assertFalse(complete.missing_info_label)

    def test_agent_opening_ticket_by_email_is_no_answer(self):
        ticket = self.new_email_ticket(email_from=f'"{self.agent_1.name}" <{self.agent_1.email}>')
        self.assertFalse(ticket.first_response_date)


class TestStageTemplate(common.HelpdeskCase):
    def test_solved_stage_emails_customer(self):
        ticket = self.create_ticket(description="<p>Vào Kho, mở phiếu nhập, bấm Lưu thì lỗi</p>")
        self.flush_tracking()
        ticket.with_user(self.agent_1).stage_id = self.stage_in_progress
        self.flush_tracking()
        self.assertFalse(self.ticket_mails(ticket), "In progress has no template")
        ticket.with_user(self.agent_1).stage_id = self.stage_solved
        self.flush_tracking()
        mail = self.ticket_mails(ticket)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(ticket.number, mail.subject)
        self.assertIn("'Auto-Submitted': 'auto-replied'", mail.headers)
        self.assertTrue(ticket.close_date)
        self.assertTrue(ticket.is_closed)

    def test_customer_reply_reopens_solved_ticket(self):
        ticket = self.create_ticket()
        ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.close_date)
        ticket.message_post(body="Vẫn còn lỗi", author_id=self.customer.id, message_type="email",
                            subtype_xmlid="mail.mt_comment")
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        self.assertFalse(ticket.close_date)
