"""What a customer met on the portal in the first week (issue 10): Odoo's conversation
strings in English, raw time-zone names, a ticket table cut off on a phone."""

from freezegun import freeze_time

from odoo.tests import tagged

from . import common


@tagged("post_install", "-at_install")
class TestPortalVietnamese(common.PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_portal"], ["vi_VN"], overwrite=True)
        cls.user_a.write({"lang": "vi_VN", "tz": "Asia/Saigon"})

    def test_conversation_strings_in_vietnamese(self):
        """Discuss's strings of the portal conversation come in the customer's language."""
        ticket = self._ticket(self.user_a, "Không in được phiếu xuất kho")
        # Nothing the customer sees yet: the conversation is empty.
        ticket.message_ids.unlink()
        self.start_tour(f"/my/support/{ticket.id}", "toperp_portal_chatter_vi", login="portal_a")
        self.assertTrue(ticket.message_ids.filtered(lambda message: "tôi gửi thêm ảnh" in message.body))

    @freeze_time("2026-11-27 03:00:00")
    def test_times_named_for_the_customer(self):
        """Vietnam's zone, under its old name too, reads "giờ Việt Nam (GMT+7)"; another
        zone its city and offset, never the raw zone name."""
        ticket = self._ticket(self.user_a, "Không in được phiếu xuất kho")
        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertIn("giờ Việt Nam (GMT+7)", page)
        self.assertNotIn("Asia/Saigon", page)
        self.user_a.tz = "Asia/Tokyo"
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertIn("giờ Tokyo (GMT+9)", page)
        self.assertNotIn("Asia/Tokyo", page)


@tagged("post_install", "-at_install")
class TestPortalPhone(common.PortalCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_ticket_list_as_cards_on_a_phone(self):
        """At 390×844 the list is cards that fit the screen: nothing cut off, no sideways scroll."""
        self._ticket(self.user_a, "Máy in hóa đơn báo lỗi khi in phiếu xuất kho "
                     "(https://hoasen.toperp.vn/odoo/action-stock.action_picking_tree_all)")
        self._ticket(self.user_a2, "Báo cáo tồn kho chậm")
        self.start_tour("/my/support", "toperp_portal_phone_list", login="portal_a")


@tagged("post_install", "-at_install")
class TestPortalDetails(common.PortalCase):
    def test_callback_slots_by_time_of_day_in_vietnam(self):
        self.authenticate("portal_a", "portal_a")
        with freeze_time("2026-11-27 08:00:00"):  # 15:00 in Hanoi
            page = self.url_open("/my/support/callback").text
            self.assertNotIn('value="morning"', page, "no 'This morning' at 15:00")
            self.assertIn('value="afternoon"', page)
            response = self._post("/my/support/callback", {
                "phone": "0901 234 567", "slot": "morning", "topic": "Hỏi về báo cáo thuế",
            })
            self.assertIn('data-field="slot"', response.text, "a morning call-back is refused in the afternoon")
        with freeze_time("2026-11-27 11:00:00"):  # 18:00 in Hanoi
            page = self.url_open("/my/support/callback").text
            self.assertNotIn('value="afternoon"', page)
            self.assertIn('value="tomorrow_morning"', page)
        with freeze_time("2026-11-27 02:00:00"):  # 09:00 in Hanoi
            self.assertIn('value="morning"', self.url_open("/my/support/callback").text)

    def test_files_not_kept_only_when_files_were_chosen(self):
        self.authenticate("portal_a", "portal_a")
        form = {"name": "help", "description": "broken", "affected_url": "a.toperp.vn/odoo", "video_url": ""}
        page = self._post("/my/support/new", form).text
        self.assertIn("Attach screenshots or a video", page)
        self.assertNotIn("Files are not kept", page, "no file was chosen: none was lost")
        png = ("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        page = self._post("/my/support/new", form, files={"attachments": png}).text
        self.assertIn("Files are not kept", page)

    def test_waiting_ticket_says_what_it_waits_for(self):
        waiting = self.env.ref("toperp_helpdesk.stage_waiting")
        ticket = self._ticket(self.user_a, "Không in được", description="<p>lỗi</p>")
        ticket.stage_id = waiting
        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertIn("o_toperp_waiting", page)
        self.assertIn("We are waiting for your answer", page)
        self.assertIn(ticket.missing_info_label, page, "what the report still lacks")
        ticket.write({
            "description": "<p>Vào Bán hàng &gt; Hóa đơn, chọn hóa đơn rồi bấm In thì trang trắng</p>",
            "affected_url": "https://a.toperp.vn/odoo/action-1", "customer_followup": "https://www.loom.com/share/ab12",
        })
        self.assertFalse(ticket.missing_info_label)
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertIn("answer our agent", page)
        ticket.stage_id = self.env.ref("toperp_helpdesk.stage_in_progress")
        self.assertNotIn("o_toperp_waiting", self.url_open(f"/my/support/{ticket.id}").text)
