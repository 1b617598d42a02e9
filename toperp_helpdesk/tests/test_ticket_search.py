"""Searching the way Vietnamese customers and agents type: without diacritics.

"hoa don" finds "hóa đơn", "khong dang nhap" finds "Không đăng nhập": Odoo's ``ilike``
goes through PostgreSQL's ``unaccent`` when the database has it (``unaccent = True``
in setup/odoo.conf, ``ensure_unaccent`` in setup/common.sh)."""

from . import common


class TestTicketSearch(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["toperp.helpdesk.ticket"]
        cls.hoa_sen = cls.env["res.partner"].create({"name": "Công ty Hoa Sen Đà Nẵng", "is_company": True})
        cls.login = Ticket.create({
            "name": "Không đăng nhập được", "team_id": cls.team.id, "partner_id": cls.customer.id,
            "description": "<p>Màn hình báo lỗi mật khẩu</p>",
        })
        cls.invoice = Ticket.create({
            "name": "Lỗi xuất chứng từ", "team_id": cls.team.id, "partner_id": cls.hoa_sen.id,
            "description": "<p>Không in được hóa đơn điện tử</p>",
        })

    def search_view(self, field, text):
        """What the Tickets search view finds when ``text`` is typed for ``field`` (its
        filter domains, checked by test_search_view_fields)."""
        tickets = self.env["toperp.helpdesk.ticket"].with_user(self.agent_1)
        domain = {
            "name": ["|", "|", ("name", "ilike", text), ("number", "ilike", text), ("description", "ilike", text)],
            "partner_id": [("customer_search", "ilike", text)],
        }[field]
        return tickets.search(domain + [("id", "in", (self.login | self.invoice).ids)])

    def test_database_has_unaccent(self):
        self.assertTrue(self.env.registry.has_unaccent, "setup/ enables PostgreSQL's unaccent in every database")

    def test_title_description_number_and_customer_without_accents(self):
        self.assertEqual(self.search_view("name", "khong dang nhap"), self.login)
        self.assertEqual(self.search_view("name", "KHONG DANG NHAP DUOC"), self.login)
        self.assertEqual(self.search_view("name", "hoa don dien tu"), self.invoice, "the description too")
        self.assertEqual(self.search_view("name", self.invoice.number.lower()), self.invoice)
        self.assertEqual(self.search_view("partner_id", "cong ty hoa sen da nang"), self.invoice)
        self.assertEqual(self.search_view("name", "hóa đơn"), self.invoice, "typed with accents still works")

    def test_search_view_fields(self):
        arch = self.env["toperp.helpdesk.ticket"].get_view(
            self.env.ref("toperp_helpdesk.toperp_helpdesk_ticket_view_search").id, "search"
        )["arch"]
        self.assertIn("('description', 'ilike', self)", arch, "the Ticket field searches the description")
        self.assertIn("('customer_search', 'ilike', raw_value)", arch)
