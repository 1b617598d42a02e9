from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, users
from odoo.tools import mute_logger

from . import common


class TestAccessRights(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "TopERP Đà Nẵng"})
        cls.team_2 = cls.env["toperp.helpdesk.team"].create({"name": "Hỗ trợ Đà Nẵng", "company_id": cls.company_2.id})
        cls.agent_other_company = new_test_user(
            cls.env, login="hd_agent_dn", name="Võ Thị Mai", groups="toperp_helpdesk.group_user",
            company_id=cls.company_2.id, company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.employee = new_test_user(cls.env, login="hd_employee", name="Đặng Văn Tư", groups="base.group_user")
        cls.ticket = cls.create_ticket_cls()
        cls.ticket_2 = cls.env["toperp.helpdesk.ticket"].create(
            {"name": "Lỗi ở chi nhánh Đà Nẵng", "team_id": cls.team_2.id, "company_id": cls.company_2.id}
        )

    @classmethod
    def create_ticket_cls(cls):
        return cls.env["toperp.helpdesk.ticket"].create(
            {"name": "Không in được hóa đơn", "partner_id": cls.customer.id, "team_id": cls.team.id}
        )

    @users("hd_agent_1")
    def test_agent_handles_tickets(self):
        ticket = self.ticket.with_env(self.env)
        ticket.write({"severity_id": self.severity_high.id, "stage_id": self.stage_in_progress.id})
        ticket.action_assign_to_me()
        self.assertEqual(ticket.user_id, self.env.user)
        new = self.env["toperp.helpdesk.ticket"].create({"name": "Khách gọi báo lỗi đăng nhập", "channel": "phone"})
        self.assertEqual(new.company_id, self.company)
        self.assertEqual(new.team_id, self.team, "the agent's company's team by default")
        tag = self.env["toperp.helpdesk.tag"].create({"name": "Hóa đơn điện tử"})
        ticket.tag_ids = tag
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.unlink()

    @users("hd_agent_1")
    def test_agent_cannot_configure(self):
        checks = [
            (self.stage_new, {"name": "Mới tinh"}),
            (self.severity_low, {"name": "Thấp"}),
            (self.team, {"autoclose_days": 1}),
            (self.env.ref("toperp_helpdesk.scope_reason_language"), {"name": "Ngôn ngữ"}),
            (self.env.ref("toperp_helpdesk.service_type_saas"), {"name": "Đám mây"}),
        ]
        for record, values in checks:
            record = record.with_env(self.env)
            record.read(["name"])  # agents see the configuration
            with self.assertRaises(AccessError, msg=record._name), mute_logger("odoo.models"):
                record.write(values)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["toperp.helpdesk.stage"].create({"name": "Stage lạ"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["toperp.helpdesk.maintenance"].create(
                {"name": "Bảo trì", "date_start": "2026-12-01 00:00:00", "date_end": "2026-12-01 02:00:00"}
            )

    @users("hd_manager")
    def test_manager_configures(self):
        self.stage_new.with_env(self.env).name = "Mới"
        self.severity_low.with_env(self.env).description = "Ảnh hưởng nhỏ"
        self.team.with_env(self.env).autoclose_days = 10
        self.env["toperp.helpdesk.stage"].create({"name": "Đang chờ nhà cung cấp", "pauses_sla": True})
        self.ticket.with_env(self.env).unlink()
        self.assertFalse(self.ticket.exists())

    @users("hd_agent_1")
    def test_other_company_tickets_are_hidden(self):
        Ticket = self.env["toperp.helpdesk.ticket"]
        self.assertIn(self.ticket, Ticket.search([]))
        self.assertNotIn(self.ticket_2, Ticket.search([]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.ticket_2.with_env(self.env).read(["name"])

    def test_companies_checked_with_several_companies(self):
        """With one company the check is skipped (nothing can belong to another one);
        once a second company exists, a ticket cannot use another company's team."""
        with self.assertRaises(UserError), mute_logger("odoo.models"):
            self.env["toperp.helpdesk.ticket"].create(
                {"name": "Đội của chi nhánh khác", "team_id": self.team_2.id, "company_id": self.company.id}
            )

    def test_company_numbering_sequence(self):
        """A company given its own sequence of references uses it from the next ticket."""
        Ticket = self.env["toperp.helpdesk.ticket"]
        values = {"name": "Lỗi ở chi nhánh Đà Nẵng", "team_id": self.team_2.id, "company_id": self.company_2.id}
        self.assertTrue(Ticket.create(values).number.startswith("HD"))
        self.env["ir.sequence"].create({
            "name": "Phiếu hỗ trợ Đà Nẵng", "code": "toperp.helpdesk.ticket", "prefix": "DN-",
            "padding": 4, "company_id": self.company_2.id,
        })
        self.assertEqual(Ticket.create(values).number, "DN-0001")
        main = Ticket.create(dict(values, team_id=self.team.id, company_id=self.company.id))
        self.assertTrue(main.number.startswith("HD"), "the other companies keep the shared sequence")

    @users("hd_agent_dn")
    def test_user_of_other_company(self):
        Ticket = self.env["toperp.helpdesk.ticket"]
        self.assertEqual(Ticket.search([]), self.ticket_2.with_env(self.env))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.ticket.with_env(self.env).write({"name": "Sửa trộm"})
        self.assertNotIn(self.team, self.env["toperp.helpdesk.team"].search([]))

    @users("hd_employee")
    def test_employee_without_helpdesk_group(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["toperp.helpdesk.ticket"].search([])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.ticket.with_env(self.env).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["toperp.helpdesk.ticket"].create({"name": "Thử"})
        menu = self.env.ref("toperp_helpdesk.toperp_helpdesk_menu_root")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"]._visible_menu_ids())
