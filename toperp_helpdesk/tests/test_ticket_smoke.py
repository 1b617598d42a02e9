from odoo.tests import TransactionCase


class TestTicketSmoke(TransactionCase):
    def test_number_and_default_severity(self):
        ticket = self.env["toperp.helpdesk.ticket"].create({"name": "Không đăng nhập được"})
        self.assertTrue(ticket.number.startswith("HD"))
        self.assertEqual(ticket.severity_id.code, "low")
        self.assertEqual(ticket.suggested_severity_id.code, "high")
