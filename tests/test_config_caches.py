"""The configuration caches of the helpdesk (index: toperp_helpdesk/models/cached_config.py).

For each cache: a change that matters is seen by the next ticket; a change of another
field, or of another app's record, leaves every worker's cache alone (reading the cache
again then costs no query). The other caches' "seen by the next ticket" tests live
beside their feature: ticket references (test_security), team stages and alias
addresses (test_mail_gateway), announced maintenance (test_ticket_queue), SLA targets
(test_sla_policy), business clocks (test_clock_oracle).
"""

from freezegun import freeze_time

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestConfigCaches(common.HelpdeskCase):
    def assertCached(self, read, message):
        """``read()`` is answered from the registry cache (no query)."""
        read()
        with self.assertQueryCount(0, flush=False):
            read()

    def test_stage_flags_seen_by_next_ticket(self):
        """A stage newly marked as closing closes the tickets created in it."""
        stage = self.env["toperp.helpdesk.stage"].create({"name": "Đã chuyển bộ phận khác", "sequence": 90})
        first = self.create_ticket(stage_id=stage.id)
        self.assertFalse(first.close_date)
        stage.is_closed = True
        second = self.create_ticket(stage_id=stage.id)
        self.assertTrue(second.close_date, "the next ticket sees the stage as closing")

    def test_severity_keywords_seen_by_next_ticket(self):
        self.assertFalse(self.create_ticket(name="Máy chủ báo lỗi 502 liên tục").suggested_severity_id)
        self.severity_critical.triage_keywords = (self.severity_critical.triage_keywords or "") + "\nlỗi 502"
        ticket = self.create_ticket(name="Máy chủ báo lỗi 502 liên tục")
        self.assertEqual(ticket.suggested_severity_id, self.severity_critical)

    def test_severity_rank_follows_the_severity(self):
        """The queue's order (the ticket's copy of its severity's rank) follows a change of
        the rank, for the tickets already open and the next one; a ticket kept at a
        severity since archived keeps its code and rank."""
        open_ticket = self.create_ticket(severity_id=self.severity_low.id)
        self.assertEqual(
            (open_ticket.severity_code, open_ticket.severity_rank), ("low", self.severity_low.sequence)
        )
        self.severity_low.sequence = self.severity_critical.sequence + 5
        self.assertEqual(open_ticket.severity_rank, self.severity_critical.sequence + 5)
        critical = self.create_ticket(severity_id=self.severity_critical.id)
        queue = self.Ticket.search([("id", "in", [open_ticket.id, critical.id])])
        self.assertEqual(queue[0], open_ticket, "the Low ticket, ranked above Critical now, comes first")
        self.assertEqual(self.create_ticket(severity_id=self.severity_low.id).severity_rank, self.severity_low.sequence)
        self.severity_medium.active = False
        kept = self.create_ticket(severity_id=self.severity_medium.id)
        self.assertEqual((kept.severity_code, kept.severity_rank), ("medium", self.severity_medium.sequence))

    def test_policy_criteria_seen_by_next_ticket(self):
        Policy = self.env["toperp.helpdesk.sla.policy"]
        self.assertNotEqual(self.create_ticket().sla_policy_id.name, "Hoa Sen")
        policy = Policy.create({
            "name": "Hoa Sen", "sequence": 1, "partner_ids": [(6, 0, self.customer_company.ids)],
            "first_response_hours": 1.0, "resolution_hours": 4.0,
        })
        self.assertEqual(self.create_ticket().sla_policy_id, policy, "a new policy applies to the next ticket")
        policy.partner_ids = [(5,)]
        policy.severity_ids = [(6, 0, self.severity_critical.ids)]
        self.assertNotEqual(self.create_ticket().sla_policy_id, policy, "its new criteria too")

    def test_company_name_seen_in_next_reply_to(self):
        ticket = self.new_email_ticket(subject="Trước khi đổi tên công ty")
        self.company.name = "TopERP Việt Nam"
        ticket = self.new_email_ticket(subject="Sau khi đổi tên công ty")
        ack = self.ticket_mails(ticket).filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn("TopERP Việt Nam", ack.reply_to)

    def test_other_apps_records_leave_caches_alone(self):
        """Another app's alias without address, an accounting sequence, a new company or
        calendar, personal time off: nothing the helpdesk caches."""
        Alias, Team = self.env["mail.alias"], self.env["toperp.helpdesk.team"]
        reads = [
            lambda: Alias._toperp_own_addresses_cached(),
            lambda: Team._stage_data_cached(self.team.id),
            lambda: self.env["toperp.helpdesk.stage"]._closed_ids_cached(),
            lambda: self.env["toperp.helpdesk.severity"]._triage_data(),
            lambda: self.Ticket._number_sequence_id(self.company.id),
        ]
        for read in reads:
            read()
        partner_model = self.env["ir.model"]._get("res.partner")
        alias = Alias.create({"alias_model_id": partner_model.id, "alias_name": False})
        alias.alias_contact = "followers"
        self.env["ir.sequence"].create({"name": "Hóa đơn bán hàng", "code": "account.move.test", "prefix": "HD/"})
        self.env["res.company"].create({"name": "Chi nhánh Đà Nẵng"})
        self.company.phone = "028 3999 8888"
        self.env["resource.calendar"].create({"name": "Ca đêm"})
        with freeze_time("2026-11-27 03:00:00"):
            self.env["resource.calendar.leaves"].create({
                "name": "Nghỉ phép", "date_from": "2026-12-02 01:00:00", "date_to": "2026-12-02 10:00:00",
                "resource_id": self.env["resource.resource"].create(
                    {"name": self.agent_1.name, "user_id": self.agent_1.id}).id,
            })
        self.team.color = 3
        self.severity_low.color = 4
        for read in reads:
            self.assertCached(read, "cache kept")

    def test_helpdesk_changes_clear_caches(self):
        """The changes that matter do clear them (the cache is read again)."""
        Team = self.env["toperp.helpdesk.team"]
        Team._stage_data_cached(self.team.id)
        self.env["mail.alias"].create({
            "alias_model_id": self.env["ir.model"]._get("res.partner").id, "alias_name": "hop-thu-khac",
            "alias_domain_id": self.alias_domain.id,
        })
        with self.assertQueryCount(1, flush=False):
            Team._stage_data_cached(self.team.id)
        self.assertIn("hop-thu-khac@toperp.vn", self.env["mail.alias"]._toperp_own_addresses_cached())
