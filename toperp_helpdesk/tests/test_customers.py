"""Finding customers and tickets (issue 10, point 10): a Customers menu with the support
profile editable in its list, new senders of a customer's domain filed under that
customer, ticket numbers shown whole in the ticket list."""

from odoo.tests import HttpCase, new_test_user, tagged

from . import common


class TestCustomerDomain(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env, login="hoasen_colleague", groups="base.group_portal", name="Trương Thị Lan",
            email="lan.truong@hoasen.vn",
        )
        cls.colleague.partner_id.parent_id = cls.customer_company

    def ticket_from(self, sender):
        return self.new_email_ticket(email_from=sender, return_path=sender.split("<")[-1].strip(">"))

    def test_domain_taken_from_the_company(self):
        self.assertEqual(self.customer_company.toperp_email_domain, "hoasen.vn")
        self.assertFalse(self.customer.toperp_email_domain, "contacts have no domain of their own")
        company = self.env["res.partner"].create({
            "name": "Công ty TNHH Sơn Hà", "is_company": True, "website": "https://www.sonha.com.vn/lien-he",
        })
        self.assertEqual(company.toperp_email_domain, "sonha.com.vn")
        company.email = "sonha.support@gmail.com"
        self.assertFalse(company.toperp_email_domain, "a public provider's domain is nobody's")

    def test_new_sender_of_the_domain_is_a_contact_of_the_company(self):
        ticket = self.ticket_from('"Phạm Minh Đức" <duc.pham@HoaSen.vn>')
        sender = ticket.partner_id
        self.assertEqual(sender.parent_id, self.customer_company)
        self.assertEqual(ticket.commercial_partner_id, self.customer_company)
        self.assertEqual(sender.toperp_service_type_ids, self.service_saas, "the company's services are hers")
        self.assertEqual(ticket.service_type_id, self.service_saas)
        # A colleague seeing the company's tickets on the portal sees this one.
        visible = self.Ticket.with_user(self.colleague).search([("id", "=", ticket.id)])
        self.assertEqual(visible, ticket)

    def test_public_or_shared_domain_links_nobody(self):
        ticket = self.ticket_from('"Minh" <minh.hoasen@gmail.com>')
        self.assertFalse(ticket.partner_id.parent_id)
        self.env["res.partner"].create({"name": "Hoa Sen Foods (old)", "is_company": True, "email": "old@hoasen.vn"})
        ticket = self.ticket_from('"Phạm Minh Đức" <duc.pham@hoasen.vn>')
        self.assertFalse(ticket.partner_id.parent_id, "two companies claim hoasen.vn: no guess")
        self.assertFalse(self.Ticket.with_user(self.colleague).search([("id", "=", ticket.id)]))

    def test_our_own_domain_is_no_customer(self):
        self.company.partner_id.email = "support@toperp.vn"
        ticket = self.ticket_from('"Người lạ" <someone@toperp.vn>')
        self.assertFalse(ticket.partner_id.parent_id)


@tagged("post_install", "-at_install")
class TestCustomersScreens(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="hd_customers_manager", password="hd_customers_manager", name="Phạm Thu Hà",
            groups="toperp_helpdesk.group_manager,base.group_partner_manager",
        )
        cls.company = cls.env["res.partner"].create({
            "name": "Công ty CP Thực phẩm Hoa Sen", "is_company": True, "email": "lienhe@hoasen.vn",
        })
        team = cls.env.ref("toperp_helpdesk.team_support")
        cls.tickets = cls.env["toperp.helpdesk.ticket"].create([{
            "name": "Không in được hóa đơn bán hàng khi chọn mẫu in có logo công ty " * 3,
            "team_id": team.id, "partner_id": cls.company.id,
        } for _i in range(3)])

    def _check(self, path, ready, code):
        self.browser_js(path, code, ready=ready, login="hd_customers_manager")

    def test_customers_menu_edits_the_support_profile(self):
        """Helpdesk > Customers lists the company; its plan is changed in the list."""
        self._check(
            "/odoo/action-toperp_helpdesk.res_partner_action_toperp_customers",
            "!!document.querySelector('.o_list_renderer .o_data_row')",
            """
            const row = [...document.querySelectorAll('.o_data_row')]
                .find((r) => r.textContent.includes('Hoa Sen'));
            if (!row) { throw new Error('the customer is not listed'); }
            for (const name of ['toperp_support_plan', 'toperp_service_type_ids', 'toperp_dedicated_user_id',
                                'toperp_support_suspended']) {
                if (!row.querySelector(`td[name=${name}]`)) { throw new Error(`no ${name} column`); }
            }
            console.log('test successful');
            """,
        )
        menu = self.env.ref("toperp_helpdesk.toperp_helpdesk_customer_menu")
        self.assertEqual(menu.action, self.env.ref("toperp_helpdesk.res_partner_action_toperp_customers"))
        self.company.with_user(self.manager).write({"toperp_support_plan": "priority"})
        self.assertEqual(self.company.toperp_support_plan, "priority")

    def test_ticket_numbers_shown_whole(self):
        """Long titles do not squeeze the ticket number into "HD26-0…"."""
        self._check(
            "/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action",
            "!!document.querySelector('.o_list_renderer .o_data_row td[name=number]')",
            """
            for (const cell of document.querySelectorAll('.o_data_row td[name=number]')) {
                if (cell.scrollWidth > cell.clientWidth) {
                    throw new Error(`number cut off: ${cell.textContent} (${cell.scrollWidth}>${cell.clientWidth}px)`);
                }
            }
            console.log('test successful');
            """,
        )
