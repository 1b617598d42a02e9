"""One incident, many customers (issue 15): an update reaches each linked customer
once, in their language, and is logged on every ticket; solving the incident solves its
tickets; linking during an announced maintenance says so; related tickets link both
ways."""

from freezegun import freeze_time

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import Form, tagged

UPDATE = "Chúng tôi đang khắc phục lỗi in hóa đơn, dự kiến xong trước 15:00."


@tagged("post_install", "-at_install")
class TestIncident(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk"], ["vi_VN"], overwrite=True)
        cls.colleague = cls.env["res.partner"].create({
            "name": "Trương Thị Lan", "email": "lan.truong@hoasen.vn", "parent_id": cls.customer_company.id,
            "lang": "vi_VN",
        })
        company = cls.env["res.partner"].create({"name": "Acme Asia Ltd", "is_company": True})
        cls.english = cls.env["res.partner"].create(
            {"name": "John Smith", "email": "john@acme.example", "parent_id": company.id, "lang": "en_US"}
        )
        with freeze_time("2026-11-27 02:00:00"):
            cls.first = cls.create_ticket(cls, name="Không in được hóa đơn", user_id=cls.agent_1.id)
            cls.second = cls.create_ticket(cls, name="In hóa đơn lỗi 500", user_id=cls.agent_1.id)
            cls.other = cls.create_ticket(cls, name="Hóa đơn không in", partner_id=cls.colleague.id,
                                          user_id=cls.agent_1.id)
            cls.abroad = cls.create_ticket(cls, name="Cannot print invoices", partner_id=cls.english.id,
                                           user_id=cls.agent_1.id)
            cls.done = cls.create_ticket(cls, name="Lỗi cũ", stage_id=cls.stage_solved.id)
            cls.incident = cls.env["toperp.helpdesk.incident"].create({"name": "Lỗi in hóa đơn trên SaaS"})
            (cls.first | cls.second | cls.other | cls.abroad | cls.done).incident_id = cls.incident

    def customer_mails(self, partner, messages):
        return self.env["mail.notification"].sudo().search([
            ("res_partner_id", "=", partner.id), ("mail_message_id", "in", messages.ids),
            ("notification_type", "=", "email"),
        ])

    def test_incident_shows_its_tickets_and_customers(self):
        self.assertEqual(self.incident.ticket_count, 5)
        self.assertEqual(self.incident.open_ticket_count, 4)
        self.assertEqual(self.incident.customer_ids, self.customer_company | self.english.commercial_partner_id)

    def test_update_reaches_each_customer_once_in_their_language(self):
        with freeze_time("2026-11-27 03:00:00"):
            wizard = Form(self.env["toperp.helpdesk.incident.update.wizard"].with_user(self.agent_1).with_context(
                **self.incident.action_post_update()["context"]
            ))
            wizard.message = UPDATE
            wizard.save().action_confirm()
        open_tickets = self.first | self.second | self.other | self.abroad
        updates = self.env["mail.message"].search([
            ("model", "=", self.Ticket._name), ("res_id", "in", open_tickets.ids), ("body", "ilike", "15:00"),
        ])
        self.assertEqual(sorted(updates.mapped("res_id")), sorted(open_tickets.ids), "logged on every ticket")
        self.assertFalse(updates.filtered("is_internal"), "the customers see it on the portal")
        self.assertEqual(len(self.customer_mails(self.customer, updates)), 1, "two tickets, one e-mail")
        self.assertEqual(len(self.customer_mails(self.colleague, updates)), 1)
        self.assertEqual(len(self.customer_mails(self.english, updates)), 1)
        vietnamese = updates.filtered(lambda m: m.res_id == self.other.id)
        self.assertIn("Cập nhật về sự cố", vietnamese.body)
        self.assertIn(self.other.number, vietnamese.body)
        english = updates.filtered(lambda m: m.res_id == self.abroad.id)
        self.assertIn("Update on the incident affecting your request", english.body)
        self.assertFalse(self.done.message_ids.filtered(lambda m: "15:00" in (m.body or "")), "closed: untouched")
        self.assertIn("15:00", self.incident.message_ids[0].body, "the incident keeps the history")

    def test_solving_solves_the_linked_tickets(self):
        with freeze_time("2026-11-27 04:00:00"):
            wizard = Form(self.env["toperp.helpdesk.incident.update.wizard"].with_context(
                **self.incident.action_solve()["context"]
            ))
            self.assertTrue(wizard.solve)
            wizard.message = "Lỗi đã được khắc phục."
            wizard.save().action_confirm()
        self.assertEqual(self.incident.state, "solved")
        for ticket in self.first | self.second | self.other | self.abroad:
            self.assertEqual(ticket.stage_id, self.stage_solved, ticket.name)
            resolution = ticket.sla_status_ids.filtered(lambda s: s.target == "resolution")
            self.assertEqual(resolution.state, "met", "each clock closed by its own rule")
        self.assertEqual(self.incident.open_ticket_count, 0)

    def test_linking_during_announced_maintenance_says_so(self):
        with freeze_time("2026-11-27 05:00:00"):
            window = self.env["toperp.helpdesk.maintenance"].create({
                "name": "Nâng cấp máy chủ SaaS", "announced_date": "2026-11-25 00:00:00",
                "date_start": "2026-11-27 04:00:00", "date_end": "2026-11-27 08:00:00",
            })
            ticket = self.create_ticket(name="Không vào được hệ thống")
            ticket.maintenance_id = False
            ticket.incident_id = self.incident
        self.assertEqual(ticket.maintenance_id, window)
        note = ticket.message_ids.filtered(lambda m: "Nâng cấp máy chủ SaaS" in (m.body or ""))
        self.assertEqual(len(note), 1, "the ticket says so")
        self.assertIn("possibly out of scope", note.body)

    def test_related_tickets_link_both_ways(self):
        self.first.related_ticket_ids = self.abroad
        self.assertEqual(self.abroad.related_ticket_ids, self.first)
        self.other.related_ticket_ids = [(4, self.first.id)]
        self.assertEqual(self.first.related_ticket_ids, self.abroad | self.other)
        self.first.related_ticket_ids = [(3, self.abroad.id)]
        self.assertFalse(self.abroad.related_ticket_ids)
        self.assertEqual(self.other.related_ticket_ids, self.first)
