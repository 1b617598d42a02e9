import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import PortalCase

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class LivechatCase(PortalCase):
    """The shipped "Hỗ trợ TopERP" live chat, an agent online."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.livechat = cls.env.ref("toperp_helpdesk_portal.livechat_channel_support")

    def _online(self, user):
        self.env["bus.presence"].sudo().search([("user_id", "=", user.id)]).unlink()
        self.env["bus.presence"].sudo().create({"user_id": user.id, "status": "online"})

    def _open_chat(self, user=None, anonymous_name="Khách"):
        """The visitor opens the chat (as the live chat button does): the conversation."""
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)
        data = self.make_jsonrpc_request("/im_livechat/get_session", {
            "anonymous_name": anonymous_name,
            "channel_id": self.livechat.id,
            "persisted": True,
        })
        return self.env["discuss.channel"].browse(data["discuss.channel"][0]["id"])

    def _upload(self, channel, name, content, mimetype):
        """The visitor attaches a file in the chat (the paperclip), through Odoo's route."""
        response = self._post(
            "/mail/attachment/upload",
            {"thread_id": channel.id, "thread_model": "discuss.channel", "is_pending": "true"},
            files={"ufile": (name, content, mimetype)},
        ).json()
        values = response["data"]["ir.attachment"][0]
        attachment = self.env["ir.attachment"].browse(values["id"])
        return attachment

    def _say(self, channel, body, attachments=None, context=None):
        """The logged-in visitor (or guest) writes in the chat, through Odoo's route."""
        post_data = {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"}
        if attachments:
            post_data["attachment_ids"] = attachments.ids
        params = {"thread_model": "discuss.channel", "thread_id": channel.id, "post_data": post_data}
        if attachments:
            params["attachment_tokens"] = attachments.sudo().mapped("access_token")
        if context:
            params["context"] = context
        return self.make_jsonrpc_request("/mail/message/post", params)

    def _operator_says(self, channel, body):
        return channel.with_user(self.agent).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )


class TestLivechatTicket(LivechatCase):
    def test_channel_staffed_by_team_vietnamese(self):
        self.assertEqual(self.livechat.user_ids, self.agent, "the operators are the team's agents")
        newcomer = new_test_user(self.env, "lan_agent", groups="toperp_helpdesk.group_user", name="Chị Lan")
        self.team.member_ids |= newcomer
        self.assertEqual(self.livechat.user_ids, self.agent | newcomer, "a new agent of the team staffs the chat")
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_portal"], ["vi_VN"], overwrite=True)
        livechat_vi = self.livechat.with_context(lang="vi_VN")
        self.assertEqual(livechat_vi.button_text, "Chat với chúng tôi")
        self.assertEqual(livechat_vi.input_placeholder, "Mô tả vấn đề bạn gặp…")

    def test_button_on_portal_pages(self):
        self._online(self.agent)
        self.authenticate(self.user_a.login, self.user_a.login)
        page = self.url_open("/my/support").text
        self.assertIn("livechatData", page)
        self.assertIn('"channel_name": "H\\u1ed7 tr\\u1ee3 TopERP"', page)

    @freeze_time("2026-11-27 02:00:00")  # Friday 09:00 in Hanoi
    def test_operator_turns_portal_chat_into_ticket(self):
        self._online(self.agent)
        channel = self._open_chat(self.user_a)
        self.assertEqual(channel.livechat_operator_id, self.agent.partner_id)
        with freeze_time("2026-11-27 02:01:00"):
            attachment = self._upload(channel, "loi-in.png", PNG, "image/png")
            self._say(channel, "Chào anh, em không in được hóa đơn bán hàng", attachments=attachment)
        with freeze_time("2026-11-27 02:04:00"):
            self._operator_says(channel, "Chào chị, chị vào menu nào ạ?")
        with freeze_time("2026-11-27 02:05:00"):
            self._say(channel, "Vào Kế toán > Hóa đơn, mở hóa đơn rồi bấm In thì không có gì xảy ra")
        with freeze_time("2026-11-27 02:06:00"):
            channel.with_user(self.agent).execute_command_ticket(body="/ticket Không in được hóa đơn")
        ticket = channel.toperp_ticket_ids
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.chat_channel_id, channel)
        self.assertEqual(ticket.channel, "chat")
        self.assertEqual(ticket.name, "Không in được hóa đơn")
        self.assertEqual(ticket.partner_id, self.user_a.partner_id)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(str(ticket.reported_date), "2026-11-27 02:01:00", "clocks start at the first message")
        self.assertEqual(str(ticket.first_response_date), "2026-11-27 02:04:00", "the operator's chat answer")
        first = ticket.sla_status_ids.filtered(lambda s: s.target == "first_response")
        self.assertEqual(first.state, "met")
        self.assertEqual(str(first.date_start), "2026-11-27 02:01:00")
        self.assertTrue(ticket.has_evidence_attachment, "the screenshot sent in chat counts as evidence")
        self.assertNotIn("evidence", ticket.missing_info or "")
        opening = ticket.message_ids.filtered(
            lambda m: m.author_id == self.user_a.partner_id and "Kế toán" in m.body
        )
        self.assertEqual(len(opening), 1, "the transcript is the customer's opening message")
        self.assertIn("Chào chị, chị vào menu nào ạ?", opening.body)
        self.assertEqual(opening.attachment_ids.mapped("name"), ["loi-in.png"])
        told = channel.message_ids.filtered(lambda m: ticket.number in (m.body or ""))
        self.assertEqual(told.author_id, self.agent.partner_id, "the visitor sees the number in the chat")
        self.assertIn(ticket.access_url, told.body, "a portal customer gets the link")

    def test_operator_knows_the_portal_customer(self):
        self.company_a.toperp_support_plan = "priority"
        self._ticket(self.user_a2, "Báo cáo công nợ sai")
        self._online(self.agent)
        channel = self._open_chat(self.user_a)
        self._say(channel, "Chào anh")
        summary = channel.with_user(self.agent)._toperp_customer_summary()
        self.assertIn("Alice A (Công ty A)", summary)
        self.assertIn("Priority", summary)
        self.assertIn(self.saas.name, summary)
        self.assertIn("Báo cáo công nợ sai", summary, "the company's open tickets")
        with self.assertRaises(AccessError):
            channel.with_user(self.user_a).execute_command_customer(body="/customer")

    def test_anonymous_visitor_gives_email(self):
        self._online(self.agent)
        channel = self._open_chat()
        self._say(channel, "Phần mềm báo lỗi khi lưu phiếu nhập kho")
        channel.with_user(self.agent).execute_command_ticket(body="/ticket Lỗi lưu phiếu nhập")
        self.assertFalse(channel.toperp_ticket_ids, "no customer to answer yet: no ticket")
        self._say(channel, "Email của tôi là minh@kho.example.com")
        channel.with_user(self.agent).execute_command_ticket(body="/ticket Lỗi lưu phiếu nhập")
        ticket = channel.toperp_ticket_ids
        self.assertEqual(ticket.partner_id.email, "minh@kho.example.com")
        self.assertIn("minh@kho.example.com", channel.message_ids[0].body, "told they will be answered by e-mail")
        self.assertEqual(ticket.missing_info, "evidence", "the completeness check read the visitor's words")
        self.assertIn("Phần mềm báo lỗi", ticket.description)

    def test_command_reserved_to_agents_in_the_chat(self):
        self._online(self.agent)
        channel = self._open_chat(self.user_a)
        self._say(channel, "Xin chào")
        with self.assertRaises(AccessError):
            channel.with_user(self.user_a).execute_command_ticket(body="/ticket Tự tạo")
        outsider = new_test_user(self.env, "other_agent", groups="toperp_helpdesk.group_user", name="Other Agent")
        with self.assertRaises(AccessError):
            channel.with_user(outsider).execute_command_ticket(body="/ticket Không phải cuộc chat của tôi")
        # Through the web client's RPC, as a portal user would try.
        self.authenticate(self.user_b.login, self.user_b.login)
        response = self._jsonrpc("/web/dataset/call_kw/discuss.channel/execute_command_ticket", {
            "model": "discuss.channel", "method": "execute_command_ticket", "args": [[channel.id]],
            "kwargs": {"body": "/ticket Lấy cắp"},
        })
        self.assertIn("error", response)
        self.assertFalse(channel.toperp_ticket_ids)

    def test_second_visitor_cannot_read_first_conversation(self):
        self._online(self.agent)
        channel = self._open_chat(self.user_a)
        self._say(channel, "Mật khẩu kho của công ty A là ...")
        self.authenticate(self.user_b.login, self.user_b.login)
        response = self.url_open(
            "/discuss/channel/messages",
            data='{"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"channel_id": %d}}' % channel.id,
            headers={"Content-Type": "application/json"},
        ).json()
        self.assertIn("error", response)
        self.assertNotIn("Mật khẩu", str(response))
        # An anonymous visitor, with a guest of their own, neither.
        other = self._open_chat(anonymous_name="Khách 2")
        self.assertNotEqual(other, channel)
        response = self.url_open(
            "/discuss/channel/messages",
            data='{"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"channel_id": %d}}' % channel.id,
            headers={"Content-Type": "application/json"},
        ).json()
        self.assertNotIn("Mật khẩu", str(response))
        channel.with_user(self.agent).execute_command_ticket(body="/ticket Hỏi mật khẩu")
        ticket = channel.toperp_ticket_ids
        self.authenticate(self.user_b.login, self.user_b.login)
        page = self.url_open(f"/my/support/{ticket.id}")
        self.assertNotIn(ticket.name, page.text, "nor reach its ticket")


class TestLivechatAccess(LivechatCase):
    """A second visitor (guest or portal user) tries every chat route on the first
    visitor's conversation."""

    def test_other_visitor_reaches_nothing_through_chat_routes(self):
        self._online(self.agent)
        channel = self._open_chat(anonymous_name="Khách A")
        self._say(channel, "Số hợp đồng của tôi là HD-A-777, email a@khach.example.com")
        channel.with_user(self.agent).execute_command_ticket(body="/ticket Hợp đồng A")
        ticket = channel.toperp_ticket_ids
        self.assertTrue(ticket)
        for intruder in (None, self.user_b):
            self._open_chat(intruder, anonymous_name="Khách B")  # their own conversation and guest
            calls = [
                ("/discuss/channel/messages", {"channel_id": channel.id}),
                ("/mail/message/post", {"thread_model": "discuss.channel", "thread_id": channel.id,
                                        "post_data": {"body": "xin chào", "message_type": "comment"}}),
                ("/chatbot/step/trigger", {"channel_id": channel.id}),
                ("/chatbot/restart", {"channel_id": channel.id, "chatbot_script_id": 1}),
                ("/mail/thread/data", {"thread_model": "toperp.helpdesk.ticket", "thread_id": ticket.id,
                                       "request_list": ["followers", "attachments"]}),
                ("/mail/thread/messages", {"thread_model": "toperp.helpdesk.ticket", "thread_id": ticket.id}),
            ]
            for route, params in calls:
                answer = self._jsonrpc(route, params)
                self.assertNotIn("HD-A-777", str(answer), route)
                self.assertNotIn("a@khach.example.com", str(answer), route)
            response = self._post(
                "/mail/attachment/upload",
                {"thread_id": channel.id, "thread_model": "discuss.channel"},
                files={"ufile": ("x.png", PNG, "image/png")},
            )
            self.assertNotEqual(response.status_code, 200, "no upload into another's conversation")
        self.assertEqual(len(channel.message_ids.filtered(lambda m: "xin chào" in (m.body or ""))), 0)
        self.assertEqual(channel.channel_member_ids.mapped("partner_id") & self.user_b.partner_id,
                         self.env["res.partner"])
