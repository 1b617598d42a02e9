from odoo.tests import tagged

from . import common
from .test_livechat_ticket import LivechatCase


@tagged("post_install", "-at_install")
class TestPortalTours(common.PortalCase):
    """The customer's journeys in a real browser (headless Chromium)."""

    def test_ticket_flow_tour(self):
        self.start_tour("/my/support", "toperp_portal_ticket_flow", login="portal_a", timeout=120)
        ticket = self.Ticket.search([("name", "=", "Printing the sales invoice fails")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.user_a.partner_id)
        self.assertEqual(ticket.severity_id, self.severity_high)
        self.assertEqual(ticket.service_type_id, self.saas)
        self.assertTrue(ticket.has_evidence_attachment)
        self.assertIn("https://www.loom.com/share/0123456789abcdef", ticket.media_urls)
        self.assertTrue(ticket.ack_sent)
        self.assertTrue(ticket.message_ids.filtered(lambda m: "credit notes" in m.body))
        self.assertTrue(ticket.is_closed)
        rating = ticket.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Quick and clear, thank you")

    def test_callback_tour(self):
        self.start_tour("/my/support", "toperp_portal_callback", login="portal_a")
        ticket = self.Ticket.search([("channel", "=", "callback")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_phone, "0901 234 567")
        self.assertEqual(ticket.activity_ids.user_id, self.agent)

    def test_validation_tour(self):
        self.start_tour("/my/support/new", "toperp_portal_validation", login="portal_a")
        self.assertFalse(self.Ticket.search([("partner_id", "=", self.user_a.partner_id.id)]))

    def test_support_page_chatbot_tour(self):
        # Nobody online: the chatbot of the "Hỗ trợ TopERP" channel answers.
        self.start_tour("/support", "toperp_support_chatbot", timeout=180)
        ticket = self.Ticket.search([("channel", "=", "chat")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Cannot log in to the system")
        self.assertEqual(ticket.severity_id, self.severity_high)
        self.assertEqual(ticket.partner_id.email, "nam@khach.example.com")
        self.assertIn("https://www.loom.com/share/feedc0ffee", ticket.media_urls)
        self.assertTrue(ticket.is_complete)
        self.assertTrue(ticket.chat_channel_id.message_ids.filtered(lambda m: ticket.number in (m.body or "")))


@tagged("post_install", "-at_install")
class TestLivechatTours(LivechatCase):
    def test_operator_ticket_command_tour(self):
        self._online(self.agent)
        channel = self._open_chat(self.user_a)
        self._say(channel, "Hello, I cannot print the sales invoice: Sales > Invoices > Print shows a blank page")
        self._operator_says(channel, "Hello, which browser do you use?")
        self.start_tour(
            f"/odoo/discuss?active_id=discuss.channel_{channel.id}", "toperp_operator_ticket_command",
            login=self.agent.login, timeout=120,
        )
        ticket = channel.toperp_ticket_ids
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Cannot print the sales invoice")
        self.assertEqual(ticket.partner_id, self.user_a.partner_id)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertTrue(ticket.first_response_date)
