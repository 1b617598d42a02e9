from freezegun import freeze_time

from odoo.tests import new_test_user

from .test_livechat_ticket import PNG, LivechatCase

# Saturday 28/11/2026 03:00 in Hanoi (UTC+7): the office is closed, nobody online.
SATURDAY_NIGHT = "2026-11-27 20:00:00"
ANSWER_STEPS = ("free_input_single", "free_input_multi", "question_selection", "question_email", "question_phone")


class TestLivechatChatbot(LivechatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_portal"], ["vi_VN"], overwrite=True)
        cls.script = cls.env.ref("toperp_helpdesk_portal.chatbot_script_support")
        cls.oncall_user = new_test_user(
            cls.env, "chat_oncall", groups="toperp_helpdesk.group_user", name="Kỹ sư trực",
            email="oncall@toperp.example",
        )
        cls.env["toperp.helpdesk.oncall"].create({
            "user_id": cls.oncall_user.id, "date_start": "2026-11-27 10:30:00", "date_end": "2026-11-28 10:30:00",
        })
        cls.team.hotline = "0865.444.886"

    def _trigger(self, channel):
        return self.make_jsonrpc_request("/chatbot/step/trigger", {"channel_id": channel.id})

    def _run_bot(self, title, steps, evidence, severity, email, phone, attachment=None):
        """An anonymous visitor talks to the bot, as the live chat window does: each
        answer posted, then the next steps triggered until one waits for an answer."""
        self.authenticate(None, None)
        self.opener.cookies.set("frontend_lang", "vi_VN")
        init = self.make_jsonrpc_request("/im_livechat/init", {"channel_id": self.livechat.id})
        self.assertEqual(init["rule"]["chatbotScript"]["id"], self.script.id, "nobody online: the bot answers")
        data = self.make_jsonrpc_request("/im_livechat/get_session", {
            "anonymous_name": "Khách", "channel_id": self.livechat.id, "chatbot_script_id": self.script.id,
        })
        channel = self.env["discuss.channel"].browse(data["discuss.channel"][0]["id"])
        severity_answer = self.script.script_step_ids.answer_ids.filtered(
            lambda a: a.toperp_severity_id == severity
        )
        answers = [
            (title, None, None), (steps, None, None), (evidence, None, attachment),
            (severity_answer.name, severity_answer, None), (email, None, None), (phone, None, None),
        ]
        for body, answer, upload in answers:
            step = channel.chatbot_current_step_id
            self.assertIn(step.step_type, ANSWER_STEPS, "the bot waits for the visitor")
            attachments = self._upload(channel, *upload) if upload else None
            self._say(channel, body, attachments=attachments,
                      context={"selected_answer_id": answer.id} if answer else None)
            while self._trigger(channel) and channel.chatbot_current_step_id.step_type not in ANSWER_STEPS:
                if channel.chatbot_current_step_id._is_last_step(channel):
                    break
        return channel

    def _last_bot_text(self, channel):
        return channel.message_ids.filtered(lambda m: m.author_id == self.script.operator_partner_id)[0].body

    @freeze_time(SATURDAY_NIGHT)
    def test_critical_at_night_pages_oncall(self):
        channel = self._run_bot(
            "Không đăng nhập được hệ thống",
            "Mở trang https://erp.khach.vn/web/login, nhập tài khoản rồi bấm Đăng nhập thì báo lỗi 500",
            "đây là ảnh", self.env.ref("toperp_helpdesk.severity_critical"),
            "ha@khach.example.com", "0912 345 678", attachment=("loi-500.png", PNG, "image/png"),
        )
        ticket = channel.toperp_ticket_ids
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Không đăng nhập được hệ thống")
        self.assertEqual(ticket.channel, "chat")
        self.assertEqual(ticket.severity_id, self.env.ref("toperp_helpdesk.severity_critical"))
        self.assertEqual(ticket.partner_id.email, "ha@khach.example.com")
        self.assertEqual(ticket.partner_phone, "0912 345 678")
        self.assertFalse(ticket.missing_info, "title, steps and the screenshot sent in chat")
        self.assertTrue(ticket.is_complete)
        self.assertEqual(ticket.message_ids.attachment_ids.mapped("name"), ["loi-500.png"])
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_oncall")
        paged = ticket.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(paged.user_id, self.oncall_user, "the on-call engineer is paged")
        text = self._last_bot_text(channel)
        self.assertIn(ticket.number, text, "the visitor sees the number")
        self.assertIn("0865.444.886", text)
        self.assertIn("kỹ sư trực đã được báo", text)

    @freeze_time(SATURDAY_NIGHT)
    def test_low_at_night_says_when_office_resumes(self):
        channel = self._run_bot(
            "Hỏi cách xuất báo cáo tồn kho", "Vào Kho > Báo cáo > Tồn kho, muốn xuất ra Excel theo kho",
            "https://www.loom.com/share/abc123", self.env.ref("toperp_helpdesk.severity_low"),
            "lan@khach.example.com", "0987 000 111",
        )
        ticket = channel.toperp_ticket_ids
        self.assertEqual(ticket.severity_id, self.env.ref("toperp_helpdesk.severity_low"))
        self.assertIn("https://www.loom.com/share/abc123", ticket.media_urls or "", "the Loom link is evidence")
        self.assertFalse(ticket.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("toperp_helpdesk_sla.mail_activity_type_oncall")
        ))
        text = self._last_bot_text(channel)
        self.assertIn(ticket.number, text)
        self.assertIn("08:00 Thứ Hai 30/11/2026", text, "office hours resume on Monday morning")

    @freeze_time(SATURDAY_NIGHT)
    def test_bot_rate_limited(self):
        self.env["ir.config_parameter"].sudo().set_param("toperp_helpdesk_portal.chatbot_ticket_limit", "1")
        args = ("Lỗi in phiếu", "Vào Bán hàng > Đơn hàng, bấm In", "không có",
                self.env.ref("toperp_helpdesk.severity_low"), "spam@khach.example.com", "0900 000 000")
        self._run_bot(*args)
        channel = self._run_bot(*args)
        self.assertFalse(channel.toperp_ticket_ids, "a second ticket for the same e-mail within the hour: refused")
        self.assertIn("nhiều yêu cầu", self._last_bot_text(channel))
        self.assertEqual(self.Ticket.search_count([("partner_id.email", "=", "spam@khach.example.com")]), 1)
