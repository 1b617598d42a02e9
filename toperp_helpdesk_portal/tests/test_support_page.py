from freezegun import freeze_time

from odoo.tools import mute_logger

from .common import PortalCase


class TestSupportPage(PortalCase):
    """The public /support page, as an anonymous visitor reading Vietnamese sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        for module in ("toperp_helpdesk_portal", "toperp_helpdesk", "resource"):
            cls.env["ir.module.module"]._load_module_terms([module], ["vi_VN"], overwrite=True)
        cls.team.hotline = "0865.444.886"

    def _get(self):
        self.authenticate(None, None)
        self.opener.cookies.set("frontend_lang", "vi_VN")
        response = self.url_open("/support")
        self.assertEqual(response.status_code, 200)
        return response.text

    def _callback(self, csrf=True, **values):
        self.authenticate(None, None)
        self.opener.cookies.set("frontend_lang", "vi_VN")
        data = {"name": "Nguyễn Văn Nam", "phone": "0901 234 567", "company": "Công ty Nam Phát",
                "slot": "tomorrow_morning", "topic": "Hỏi về gia hạn hợp đồng hỗ trợ"}
        data.update(values)
        return self._post("/support/callback", data, csrf=csrf)

    def _callbacks(self):
        return self.Ticket.search([("channel", "=", "callback")])

    @freeze_time("2026-11-27 02:00:00")
    def test_page_renders_live_configuration(self):
        self.env["toperp.helpdesk.maintenance"].create({
            "name": "Nâng cấp máy chủ", "date_start": "2026-12-05 15:00:00", "date_end": "2026-12-05 18:00:00",
            "announced_date": "2026-11-26 02:00:00",
        })
        page = self._get()
        self.assertIn("Hỗ trợ TopERP", page, "in Vietnamese, no login")
        self.assertIn("08:00–12:00, 13:00–17:30", page, "the office calendar's hours")
        self.assertIn("24/7", page)
        critical = self.env.ref("toperp_helpdesk.severity_critical").with_context(lang="vi_VN")
        self.assertIn(critical.name, page)
        self.assertIn("0865.444.886", page)
        self.assertIn("Nâng cấp máy chủ", page, "the announced maintenance window")
        self.assertIn("05/12/2026", page)
        reason = self.env["toperp.helpdesk.scope.reason"].search([], limit=1).with_context(lang="vi_VN")
        self.assertIn(reason.name, page)
        self.assertIn("livechatData", page, "the Chat with us button")
        # The backend changes, the page follows.
        high = self.env.ref("toperp_helpdesk.severity_high").with_context(lang="vi_VN")
        high.description = "- Kho không xuất được hàng cho khách."
        self.team.with_context(lang="vi_VN").hotline = "1900 1234"
        page = self._get()
        self.assertIn("Kho không xuất được hàng cho khách.", page)
        self.assertIn("1900 1234", page)
        self.assertNotIn("0865.444.886", page)

    def test_portal_links_to_support_page(self):
        self.authenticate(self.user_a.login, self.user_a.login)
        self.assertIn('href="/support"', self.url_open("/my/support").text)

    @freeze_time("2026-11-27 02:00:00")
    def test_anonymous_callback_creates_ticket(self):
        response = self._callback(slot="morning")
        ticket = self._callbacks()
        self.assertEqual(len(ticket), 1)
        self.assertIn(ticket.number, response.text, "the visitor is told the number")
        self.assertEqual(ticket.partner_id.name, "Nguyễn Văn Nam")
        self.assertEqual(ticket.partner_id.company_name, "Công ty Nam Phát")
        self.assertEqual(ticket.partner_phone, "0901 234 567")
        self.assertEqual(ticket.team_id, self.team)
        call_type = self.env.ref("mail.mail_activity_data_call")
        call = ticket.activity_ids.filtered(lambda a: a.activity_type_id == call_type)
        self.assertEqual(call.user_id, self.agent, "an agent has the call planned")
        self.assertIn("Sáng nay", call.summary, "at the time the visitor chose")
        self.assertIn("0901 234 567", call.note)

    def test_callback_slots_still_ahead_in_vietnam(self):
        with freeze_time("2026-11-27 08:00:00"):  # 15:00 in Hanoi
            page = self._get()
            self.assertNotIn('value="morning"', page, "no 'This morning' at 15:00, as on the portal")
            self.assertIn('value="afternoon"', page)
            response = self._callback(slot="morning")
            self.assertIn('data-field="slot"', response.text, "a morning call-back is refused in the afternoon")
            self.assertFalse(self._callbacks(), "nothing created")
            self.assertIn("Hỏi về gia hạn hợp đồng hỗ trợ", response.text, "what was typed is kept")

    def test_callback_errors_keep_what_was_typed(self):
        response = self._callback(name="", phone="abc", topic="Cần tư vấn gói Ưu tiên")
        self.assertFalse(self._callbacks())
        page = response.text
        self.assertIn("Vui lòng", page)
        self.assertIn('data-field="name"', page)
        self.assertIn('data-field="phone"', page)
        self.assertNotIn('data-field="topic"', page)
        self.assertIn("Cần tư vấn gói Ưu tiên", page, "what was typed is kept")
        self.assertIn('value="abc"', page)
        self.assertIn('value="Công ty Nam Phát"', page)

    def test_callback_abuse_guards(self):
        self._callback(website_url="http://spam.example.com")
        self.assertFalse(self._callbacks(), "the honeypot field filled: a robot, nothing created")
        with mute_logger("odoo.http"):
            response = self._callback(csrf=False)
        self.assertEqual(response.status_code, 400, "no CSRF token: refused")
        self.assertFalse(self._callbacks())
        self.env["ir.config_parameter"].sudo().set_param("toperp_helpdesk_portal.public_callback_limit", "1")
        self._callback()
        response = self._callback(phone="0902 222 333")
        self.assertEqual(len(self._callbacks()), 1, "over the anonymous limit: refused")
        self.assertIn("đường dây nóng", response.text)
