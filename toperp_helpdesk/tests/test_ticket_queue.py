from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from . import common


class TestQueueAndAssignment(common.HelpdeskCase):
    def _age(self, ticket, create_date):
        """Tickets of one test share the transaction's timestamp: age them by hand."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE toperp_helpdesk_ticket SET create_date = %s WHERE id = %s", create_date, ticket.id)
        )
        ticket.invalidate_recordset(["create_date"])

    def test_global_queue_order(self):
        # Created at one instant: same-severity tickets get the same SLA deadline (whatever
        # second the test runs at), so their age decides.
        with freeze_time("2026-11-27 10:00:00"):
            low_old = self.create_ticket(name="Cách xuất báo cáo tồn kho", severity_id=self.severity_low.id)
            high_new = self.create_ticket(name="Không đăng nhập được", severity_id=self.severity_high.id)
            high_old = self.create_ticket(name="Hệ thống bị sập", severity_id=self.severity_high.id)
            critical = self.create_ticket(name="Bị tấn công", severity_id=self.severity_critical.id)
            medium = self.create_ticket(name="Báo cáo quản trị sai", severity_id=self.severity_medium.id)
            closed_critical = self.create_ticket(name="Đã xử lý", severity_id=self.severity_critical.id)
        closed_critical.stage_id = self.stage_solved
        self._age(low_old, "2026-11-01 08:00:00")
        self._age(high_new, "2026-11-27 08:00:00")
        self._age(high_old, "2026-11-20 08:00:00")
        self._age(critical, "2026-11-27 09:00:00")
        self._age(medium, "2026-11-02 08:00:00")
        self._age(closed_critical, "2026-10-01 08:00:00")
        all_tickets = low_old | high_new | high_old | critical | medium | closed_critical
        queue = self.Ticket.search([("id", "in", all_tickets.ids)])
        self.assertEqual(
            list(queue), [critical, high_old, high_new, medium, low_old, closed_critical],
            "most urgent first, then the oldest; closed tickets last",
        )

    def test_round_robin(self):
        self.team.assign_method = "round_robin"
        tickets = self.Ticket.browse()
        for title in ("Lỗi một", "Lỗi hai", "Lỗi ba"):
            tickets |= self.create_ticket(name=title)
        self.assertEqual(tickets.mapped("user_id"), self.agent_1 | self.agent_2)
        self.assertEqual([t.user_id for t in tickets], [self.agent_1, self.agent_2, self.agent_1])
        batch = self.Ticket.create([
            {"name": "Lô một", "team_id": self.team.id, "partner_id": self.customer.id},
            {"name": "Lô hai", "team_id": self.team.id, "partner_id": self.customer.id},
        ])
        self.assertEqual([t.user_id for t in batch], [self.agent_2, self.agent_1], "the turn goes on")

    def test_least_loaded(self):
        self.team.assign_method = "least_loaded"
        for title in ("Việc cũ một", "Việc cũ hai"):
            self.create_ticket(name=title, user_id=self.agent_1.id)
        done = self.create_ticket(name="Việc đã xong", user_id=self.agent_2.id)
        done.stage_id = self.stage_solved
        ticket = self.create_ticket(name="Việc mới")
        self.assertEqual(ticket.user_id, self.agent_2, "closed tickets do not count as load")
        ticket2 = self.create_ticket(name="Việc mới nữa")
        self.assertEqual(ticket2.user_id, self.agent_2, "agent 2 has 1 open ticket, agent 1 has 2")

    def test_manual_assignment_leaves_queue(self):
        ticket = self.create_ticket()
        self.assertFalse(ticket.user_id)
        ticket.with_user(self.agent_2).action_assign_to_me()
        self.assertEqual(ticket.user_id, self.agent_2)

    def test_priority_plan_goes_to_dedicated_agent(self):
        self.team.assign_method = "round_robin"
        self.customer_company.write({"toperp_support_plan": "priority", "toperp_dedicated_user_id": self.agent_2.id})
        self.assertEqual(self.customer.toperp_support_plan, "priority", "contacts share the company's plan")
        tickets = self.create_ticket(name="Lỗi A") | self.create_ticket(name="Lỗi B")
        self.assertEqual(tickets.mapped("user_id"), self.agent_2)
        self.assertEqual(tickets.mapped("support_plan"), ["priority", "priority"])

    def test_email_ticket_of_priority_customer_is_assigned(self):
        self.customer_company.write({"toperp_support_plan": "priority", "toperp_dedicated_user_id": self.agent_1.id})
        ticket = self.new_email_ticket()
        self.assertEqual(ticket.user_id, self.agent_1)

    def _assignment_notifications(self, ticket, user):
        return self.env["mail.notification"].sudo().search([
            ("res_partner_id", "=", user.partner_id.id),
            ("mail_message_id.model", "=", ticket._name),
            ("mail_message_id.res_id", "=", ticket.id),
            ("mail_message_id.message_type", "=", "user_notification"),
        ])

    def test_new_ticket_agent_told_in_inbox_reassignment_by_email(self):
        self.team.assign_method = "round_robin"
        (self.agent_1 | self.agent_2).write({"notification_type": "email"})
        ticket = self.new_email_ticket()
        agent = ticket.user_id
        self.assertTrue(agent, "the e-mailed ticket got an agent")
        self.assertIn(agent.partner_id, ticket.message_partner_ids, "the agent follows the ticket")
        told = self._assignment_notifications(ticket, agent)
        self.assertEqual(told.mapped("notification_type"), ["inbox"], "new tickets: one inbox notification")
        self.assertIn(ticket.number, told.mail_message_id.subject)
        other = (self.agent_1 | self.agent_2) - agent
        ticket.with_user(self.manager).user_id = other
        told = self._assignment_notifications(ticket, other)
        self.assertEqual(told.mapped("notification_type"), ["email"], "a reassignment e-mails the agent")

    def test_batch_creation_assigns_in_the_insert(self):
        self.team.assign_method = "least_loaded"
        self.create_ticket(name="Việc cũ", user_id=self.agent_1.id)
        solved = self.stage_solved
        tickets = self.Ticket.create([
            {"name": "Lô một", "team_id": self.team.id, "partner_id": self.customer.id},
            {"name": "Đã đóng", "team_id": self.team.id, "stage_id": solved.id},
            {"name": "Lô hai", "team_id": self.team.id, "partner_id": self.customer.id},
            {"name": "Có người nhận", "team_id": self.team.id, "user_id": self.agent_1.id},
        ])
        self.assertEqual(
            [t.user_id for t in tickets], [self.agent_2, self.env["res.users"], self.agent_1, self.agent_1],
            "least loaded first, closed tickets stay unassigned, chosen agents are kept",
        )
        default_team = self.Ticket.with_context(default_team_id=self.team.id).create({"name": "Đội mặc định"})
        self.assertEqual(default_team.user_id, self.agent_2, "the team may come from the defaults")

    def test_hotline_form(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action_phone")
        view = self.env.ref("toperp_helpdesk.toperp_helpdesk_ticket_view_form_phone")
        with Form(self.Ticket.with_user(self.agent_1).with_context(**safe_eval(action["context"])), view=view) as form:
            form.partner_id = self.customer
            form.name = "Khách gọi: hệ thống bị sập"
            form.severity_id = self.severity_high
        ticket = form.record
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_phone, "0901 234 567", "the caller's phone comes from the contact")
        self.assertEqual(ticket.severity_id, self.severity_high)
        self.assertFalse(ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment"))


class TestFlags(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Maintenance = cls.env["toperp.helpdesk.maintenance"]
        cls.window = cls.Maintenance.create({
            "name": "Nâng cấp máy chủ SaaS",
            "date_start": "2026-11-28 15:00:00",
            "date_end": "2026-11-28 19:00:00",
            "announced_date": "2026-11-25 02:00:00",
        })
        cls.unannounced = cls.Maintenance.create({
            "name": "Bảo trì khẩn",
            "date_start": "2026-11-29 15:00:00",
            "date_end": "2026-11-29 16:00:00",
        })

    def test_ticket_during_announced_window(self):
        with freeze_time("2026-11-28 16:30:00"):
            ticket = self.new_email_ticket()
        self.assertEqual(ticket.maintenance_id, self.window)
        self.assertEqual(self.window.ticket_count, 1)
        flagged = self.Ticket.search([("maintenance_id", "!=", False), ("id", "=", ticket.id)])
        self.assertEqual(flagged, ticket, "the 'During Maintenance' filter finds it")

    def test_ticket_outside_or_unannounced_window(self):
        with freeze_time("2026-11-28 19:30:00"):
            after = self.create_ticket()
        with freeze_time("2026-11-29 15:30:00"):
            unannounced = self.create_ticket()
        self.assertFalse(after.maintenance_id)
        self.assertFalse(unannounced.maintenance_id)

    def test_window_of_another_service(self):
        self.window.service_type_ids = self.service_on_premise
        with freeze_time("2026-11-28 16:30:00"):
            saas = self.create_ticket()
            on_premise_customer = self.env["res.partner"].create({
                "name": "Công ty TNHH Sơn Hà", "is_company": True,
                "toperp_service_type_ids": [(6, 0, self.service_on_premise.ids)],
            })
            on_premise = self.create_ticket(partner_id=on_premise_customer.id)
        self.assertEqual(saas.service_type_id, self.service_saas)
        self.assertFalse(saas.maintenance_id, "the SaaS service was not in maintenance")
        self.assertEqual(on_premise.maintenance_id, self.window)

    def test_window_announced_after_the_ticket_does_not_count(self):
        self.window.announced_date = "2026-11-28 17:00:00"
        with freeze_time("2026-11-28 16:30:00"):
            ticket = self.create_ticket()
        self.assertFalse(ticket.maintenance_id)

    def test_windows_changed_later_count_for_the_next_ticket(self):
        """Announced windows are kept in the registry cache: a window announced or
        archived after a ticket is seen by the next one."""
        with freeze_time("2026-11-29 15:30:00"):
            before = self.create_ticket()
            self.unannounced.announced_date = "2026-11-29 15:00:00"
            after = self.create_ticket()
            self.unannounced.active = False
            archived = self.create_ticket()
        self.assertFalse(before.maintenance_id)
        self.assertEqual(after.maintenance_id, self.unannounced)
        self.assertFalse(archived.maintenance_id)

    def test_banner_windows(self):
        windows = self.Maintenance._get_banner_windows(datetime(2026, 11, 27, 10, 0))
        self.assertEqual(windows, self.window, "upcoming announced windows only")

    def test_suspended_customer_is_flagged(self):
        self.customer_company.write({"toperp_support_suspended": True, "toperp_suspension_reason": "Chưa thanh toán"})
        ticket = self.new_email_ticket()
        self.assertTrue(ticket.support_suspended)
        self.assertEqual(self.Ticket.search([("support_suspended", "=", True)]), ticket)
        self.customer_company.toperp_support_suspended = False
        self.assertFalse(ticket.support_suspended)


class TestOutOfScope(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("toperp_helpdesk.scope_reason_customer_server")
        cls.reason.with_context(lang="vi_VN").description = (
            "Lỗi dịch vụ trên VPS/máy chủ riêng của khách hàng (apache, database, SQL…) nằm ngoài phạm vi hỗ trợ."
        )

    def _classify(self, ticket, user):
        action = ticket.with_user(user).action_out_of_scope()
        wizard_form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        wizard_form.reason_id = self.reason
        return wizard_form

    def test_wizard_closes_and_tells_customer_in_vietnamese(self):
        ticket = self.create_ticket(description="<p>Apache trên máy chủ của chúng tôi không chạy</p>")
        self.flush_tracking()
        wizard_form = self._classify(ticket, self.agent_1)
        self.assertIn("VPS/máy chủ riêng", wizard_form.message, "the customer's language")
        wizard_form.save().action_confirm()
        self.assertEqual(ticket.stage_id, self.stage_cancelled)
        self.assertEqual(ticket.scope_reason_id, self.reason)
        self.assertTrue(ticket.is_out_of_scope)
        self.assertTrue(ticket.is_closed)
        message = ticket.message_ids.filtered(lambda m: "VPS/máy chủ riêng" in m.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"), "public: the customer sees it")
        self.assertIn(ticket.number, message.body)
        emailed = message.notification_ids.filtered(lambda n: n.notification_type == "email")
        self.assertEqual(emailed.res_partner_id, self.customer, "e-mailed to the customer")
        self.assertEqual(emailed.notification_status, "sent")
        self.assertEqual(self.Ticket.search([("scope_reason_id", "!=", False)]), ticket)

    def test_english_customer_gets_english_reason(self):
        self.customer.lang = "en_US"
        ticket = self.create_ticket()
        wizard_form = self._classify(ticket, self.agent_1)
        self.assertEqual(wizard_form.message, self.reason.with_context(lang="en_US").description)

    def test_each_customer_reads_its_language(self):
        english_customer = self.env["res.partner"].create(
            {"name": "Global Foods Ltd", "email": "it@globalfoods.example", "lang": "en_US"}
        )
        vietnamese = self.create_ticket()
        english = self.create_ticket(partner_id=english_customer.id)
        action = (vietnamese | english).with_user(self.agent_1).action_out_of_scope()
        wizard_form = Form(self.env[action["res_model"]].with_user(self.agent_1).with_context(**action["context"]))
        wizard_form.reason_id = self.reason
        wizard_form.save().action_confirm()
        english_text = self.reason.with_context(lang="en_US").description
        self.assertTrue(vietnamese.message_ids.filtered(lambda m: "VPS/máy chủ riêng" in m.body))
        self.assertFalse(vietnamese.message_ids.filtered(lambda m: english_text in m.body))
        self.assertTrue(english.message_ids.filtered(lambda m: english_text in m.body))
        self.assertFalse(english.message_ids.filtered(lambda m: "VPS/máy chủ riêng" in m.body))
        self.assertEqual((vietnamese | english).mapped("stage_id"), self.stage_cancelled)

    def test_classify_without_closing(self):
        ticket = self.create_ticket()
        wizard_form = self._classify(ticket, self.agent_1)
        wizard_form.close_ticket = False
        wizard_form.save().action_confirm()
        self.assertEqual(ticket.scope_reason_id, self.reason)
        self.assertFalse(ticket.is_closed)

    def test_agent_may_edit_message_and_reopen(self):
        ticket = self.create_ticket()
        wizard_form = self._classify(ticket, self.agent_1)
        wizard_form.message = "Anh vui lòng liên hệ nhà cung cấp máy chủ.\nXin cảm ơn."
        wizard_form.save().action_confirm()
        self.assertTrue(ticket.message_ids.filtered(lambda m: "nhà cung cấp máy chủ" in m.body))
        ticket.with_user(self.agent_1).action_reopen()
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        self.assertFalse(ticket.scope_reason_id)
        self.assertFalse(ticket.close_date)

    def test_customer_reply_does_not_reopen_out_of_scope_ticket(self):
        ticket = self.create_ticket()
        self._classify(ticket, self.agent_1).save().action_confirm()
        ticket.message_post(body="Tại sao?", author_id=self.customer.id, message_type="email",
                            subtype_xmlid="mail.mt_comment")
        self.assertEqual(ticket.stage_id, self.stage_cancelled)


class TestTeamStages(common.HelpdeskCase):
    def test_new_team_uses_shared_stages(self):
        team = self.env["toperp.helpdesk.team"].create({"name": "Hỗ trợ Add-on"})
        self.assertEqual(team._stage_new(), self.stage_new)
        self.assertEqual(team._stage_in_progress(), self.stage_in_progress)
        self.assertEqual(team._stage_waiting(), self.stage_waiting)
        self.assertEqual(team._stage_solved(), self.stage_solved)
        self.assertEqual(team._stage_cancelled(), self.stage_cancelled)
        ticket = self.create_ticket(team_id=team.id)
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_team_specific_stage(self):
        team = self.env["toperp.helpdesk.team"].create({"name": "Phát triển tùy chỉnh"})
        review = self.env["toperp.helpdesk.stage"].create(
            {"name": "Chờ nhà phát triển", "sequence": 15, "team_ids": [(6, 0, team.ids)]}
        )
        self.assertIn(review, team._stages())
        self.assertNotIn(review, self.team._stages())
        columns = self.Ticket.with_context(default_team_id=team.id)._read_group_stage_ids(
            self.env["toperp.helpdesk.stage"], []
        )
        self.assertIn(review, columns)
        self.assertNotIn(review, self.Ticket._read_group_stage_ids(self.env["toperp.helpdesk.stage"], []))

    def test_reopen_without_team(self):
        ticket = self.Ticket.create({"name": "Phiếu không có nhóm", "team_id": False})
        ticket.stage_id = self.stage_solved
        ticket.action_reopen()
        self.assertFalse(ticket.is_closed)
        self.assertFalse(ticket.stage_id.pauses_sla)
