from xml.etree import ElementTree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from . import common


@tagged("post_install", "-at_install")
class TestTicketCustomerSearch(common.HelpdeskCase):
    """The search view's Customer field: what an agent finds by typing a customer's name
    or e-mail, or by picking the customer in the autocompletion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls.env["res.partner"].create(
            {"name": "Trần Văn Bảo", "email": "bao.tran@hoasen.vn", "parent_id": cls.customer_company.id}
        )
        other_company = cls.env["res.partner"].create({"name": "Công ty CP Minh Phát", "is_company": True})
        cls.stranger = cls.env["res.partner"].create(
            {"name": "Lê Thị Mai", "email": "mai@minhphat.vn", "parent_id": other_company.id}
        )
        cls.ticket_an = cls.create_ticket(cls, name="Không in được hóa đơn")
        cls.ticket_bao = cls.create_ticket(cls, name="Lỗi xuất kho", partner_id=cls.colleague.id)
        cls.ticket_mail = cls.create_ticket(cls, name="Sai số tồn kho", partner_id=False,
                                            partner_email="ketoan@hoasen.vn")
        cls.ticket_mai = cls.create_ticket(cls, name="Báo cáo thuế", partner_id=cls.stranger.id)
        search = cls.Ticket.with_user(cls.agent_1).get_views([(False, "search")])["views"]["search"]["arch"]
        node = next(f for f in ElementTree.fromstring(search).iter("field") if f.get("string") == "Customer")
        cls.filter_domain = node.get("filter_domain")

    def find(self, value):
        """The tickets the agent sees after searching ``value`` in the Customer field."""
        domain = safe_eval(self.filter_domain, {"self": value, "raw_value": value})
        return self.Ticket.with_user(self.agent_1).search(domain)

    def test_company_name_finds_its_contacts_tickets(self):
        self.assertEqual(self.find("Hoa Sen"), self.ticket_an | self.ticket_bao)

    def test_contact_name_finds_the_contacts_tickets(self):
        self.assertEqual(self.find("Trần Văn Bảo"), self.ticket_bao)

    def test_email_text_finds_tickets_without_customer(self):
        self.assertEqual(self.find("ketoan@hoasen"), self.ticket_mail)
        self.assertEqual(self.find("hoasen.vn"), self.ticket_an | self.ticket_bao | self.ticket_mail,
                         "the contacts' addresses and the ticket's own")

    def test_picked_customer(self):
        self.assertEqual(self.find(self.customer_company.id), self.ticket_an | self.ticket_bao,
                         "a company picked in the autocompletion: all its contacts")
        self.assertEqual(self.find(self.stranger.id), self.ticket_mai)

    def test_unknown_customer_finds_nothing(self):
        self.assertFalse(self.find("Công ty Không Tồn Tại"))
