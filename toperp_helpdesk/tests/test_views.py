from odoo.tests import Form, HttpCase, new_test_user, tagged

from . import common

MODULE = "toperp_helpdesk"


class TestViews(common.HelpdeskCase):
    def _module_records(self, model):
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)])
        return self.env[model].browse(data.mapped("res_id"))

    def test_every_action_loads_its_views(self):
        actions = self._module_records("ir.actions.act_window")
        self.assertGreaterEqual(len(actions), 10)
        for user in (self.agent_1, self.manager):
            for action in actions:
                if action.groups_id and not (action.groups_id & user.groups_id):
                    continue
                model = self.env[action.res_model].with_user(user)
                if not model.has_access("read"):
                    continue
                modes = action.view_mode.split(",")
                views = [(action.view_id.id if mode == action.view_mode.split(",")[0] else False, mode)
                         for mode in modes]
                result = model.get_views(views + [(action.search_view_id.id, "search")])
                for mode in modes:
                    self.assertIn(mode, result["views"], f"{action.name}: {mode}")
                    self.assertTrue(result["views"][mode]["arch"])

    def test_every_view_is_valid(self):
        views = self._module_records("ir.ui.view")
        self.assertGreaterEqual(len(views), 15)
        for view in views:
            model = self.env[view.model]
            arch = model.get_views([(view.id, view.type)])["views"][view.type]["arch"]
            self.assertTrue(arch, view.xml_id)

    def test_ticket_form_as_agent(self):
        with Form(self.Ticket.with_user(self.agent_1)) as form:
            form.name = "Không đăng nhập được sau khi đổi mật khẩu"
            form.partner_id = self.customer
            self.assertEqual(form.partner_email, self.customer.email)
            self.assertEqual(form.service_type_id, self.service_saas)
            self.assertEqual(form.suggested_severity_id, self.severity_high)
            self.assertEqual(form.severity_id, self.severity_low)
        ticket = form.record
        self.assertEqual(ticket.channel, "backend")
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_partner_form_support_profile(self):
        contact_manager = new_test_user(
            self.env, login="hd_contacts", groups="toperp_helpdesk.group_manager,base.group_partner_manager"
        )
        with Form(self.customer_company.with_user(contact_manager)) as form:
            form.toperp_support_plan = "priority"
            form.toperp_dedicated_user_id = self.agent_2
            form.toperp_support_suspended = True
            form.toperp_suspension_reason = "Chưa thanh toán phí quý 4"
        self.assertEqual(self.customer.toperp_dedicated_user_id, self.agent_2)
        self.assertTrue(self.customer.toperp_support_suspended)
        self.create_ticket()
        action = self.customer.action_view_toperp_tickets()
        self.assertEqual(self.Ticket.search_count(action["domain"]), 1)
        self.assertEqual(self.customer_company.toperp_ticket_count, 1)

    def test_team_dashboard_counts(self):
        self.create_ticket(user_id=self.agent_1.id)
        self.create_ticket()
        done = self.create_ticket()
        done.stage_id = self.stage_solved
        self.assertEqual(self.team.open_ticket_count, 2)
        self.assertEqual(self.team.unassigned_ticket_count, 1)
        action = self.team.action_view_tickets()
        self.assertEqual(self.Ticket.search_count(action["domain"] + [("is_closed", "=", False)]), 2)


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    """The backend really renders the helpdesk screens (no JS or view error)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, login="hd_web_agent", password="hd_web_agent", name="Hoàng Minh Tâm",
            groups="toperp_helpdesk.group_user",
        )
        cls.ticket = cls.env["toperp.helpdesk.ticket"].create({
            "name": "Hệ thống bị sập khi xuất báo cáo thuế",
            "team_id": cls.env.ref("toperp_helpdesk.team_support").id,
            "description": "<p>Vào Kế toán, Báo cáo thuế, bấm Xuất thì lỗi</p>",
        })

    def _open(self, path, ready):
        self.browser_js(path, "console.log('test successful')", ready=f"!!({ready})", login="hd_web_agent")

    def test_ticket_list_kanban_form(self):
        self._open("/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action",
                   "document.querySelector('.o_list_renderer .o_data_row')")
        self._open("/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action_my?view_type=kanban",
                   "document.querySelector('.o_kanban_renderer')")
        self._open(f"/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action/{self.ticket.id}",
                   "document.querySelector('.o_form_view .o_statusbar_status') && "
                   "document.querySelector('.o-mail-Chatter')")

    def test_dashboard_and_reporting(self):
        self._open("/odoo/action-toperp_helpdesk.toperp_helpdesk_team_action_dashboard",
                   "document.querySelector('.o_kanban_record')")
        self._open("/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action_analysis",
                   "document.querySelector('.o_pivot')")
