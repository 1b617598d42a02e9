"""The agent's desk in a real browser (headless Chromium): merging duplicates from the
list, updating then solving an incident."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDeskTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["toperp.helpdesk.ticket"]
        cls.team = cls.env.ref("toperp_helpdesk.team_support")
        company = cls.env["res.partner"].create({"name": "Công ty Tour", "is_company": True})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Khách Tour", "email": "khach@tour.example", "parent_id": company.id, "lang": "en_US"}
        )

    def _ticket(self, name, reported):
        return self.Ticket.create({
            "name": name, "partner_id": self.customer.id, "team_id": self.team.id, "reported_date": reported,
        })

    def test_merge_tour(self):
        kept = self._ticket("Tour: invoices do not print", "2026-11-27 02:00:00")
        duplicate = self._ticket("Tour: hotline call, printing", "2026-11-27 03:00:00")
        self.start_tour("/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action", "toperp_desk_merge",
                        login="admin", timeout=120)
        self.assertEqual(duplicate.merged_into_id, kept)
        self.assertTrue(duplicate.is_closed)
        self.assertFalse(kept.is_closed)

    def test_incident_update_tour(self):
        tickets = self._ticket("Tour: cannot print", "2026-11-27 02:00:00") | self._ticket(
            "Tour: print error", "2026-11-27 02:10:00"
        )
        incident = self.env["toperp.helpdesk.incident"].create(
            {"name": "Tour: printing outage", "ticket_ids": [(6, 0, tickets.ids)]}
        )
        self.start_tour(f"/odoo/action-toperp_helpdesk.toperp_helpdesk_incident_action/{incident.id}",
                        "toperp_desk_incident_update", login="admin", timeout=120)
        self.assertEqual(incident.state, "solved")
        for ticket in tickets:
            self.assertTrue(ticket.message_ids.filtered(lambda m: "back before 15:00" in (m.body or "")))
            self.assertTrue(ticket.is_closed)
