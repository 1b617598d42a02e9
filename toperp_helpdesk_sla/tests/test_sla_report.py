from freezegun import freeze_time

from . import common


class TestSlaReport(common.SlaCase):
    def test_achievement_by_severity_and_customer(self):
        other = self.env["res.partner"].create({"name": "Khách hàng B", "is_company": True})
        with freeze_time("2026-11-16 02:00:00"):
            high_fast = self.create_ticket(self.high)
            high_slow = self.create_ticket(self.high, partner_id=other.id)
            medium = self.create_ticket(self.medium)
            out_of_scope = self.create_ticket(self.high)
        with freeze_time("2026-11-16 03:00:00"):  # 1 h: high_fast and medium answered in time
            self.agent_reply(high_fast)
            self.agent_reply(medium)
            out_of_scope.scope_reason_id = self.env["toperp.helpdesk.scope.reason"].search([], limit=1)
        with freeze_time("2026-11-16 05:00:00"):  # 3 h: too late for High (2 h)
            self.agent_reply(high_slow)
            high_fast.stage_id = self.stage_solved  # resolution met (8 h)
        self.env.flush_all()  # the report is an SQL view over the tables
        Report = self.env["toperp.helpdesk.sla.report"]
        tickets = high_fast | high_slow | medium | out_of_scope
        domain = [("ticket_id", "in", tickets.ids)]
        self.assertFalse(Report.search([("ticket_id", "=", out_of_scope.id)]), "out of scope leaves the statistics")
        by_target = dict(Report._read_group(domain, ["target"], ["achieved_percent:avg"]))
        # First response: 2 met out of 3; resolution: 1 met, the others still running.
        self.assertAlmostEqual(by_target["first_response"], 200 / 3)
        self.assertAlmostEqual(by_target["resolution"], 100.0)
        by_severity = dict(
            Report._read_group(domain + [("target", "=", "first_response")], ["severity_id"], ["achieved_percent:avg"])
        )
        self.assertAlmostEqual(by_severity[self.high], 50.0)
        self.assertAlmostEqual(by_severity[self.medium], 100.0)
        by_customer = dict(
            Report._read_group(domain + [("target", "=", "first_response")], ["partner_id"], ["achieved_percent:avg"])
        )
        self.assertAlmostEqual(by_customer[other], 0.0)
        self.assertAlmostEqual(by_customer[self.customer], 100.0)
        by_month = Report._read_group(domain, ["date_start:month"], ["met_count:sum", "breached_count:sum"])
        self.assertEqual(len(by_month), 1)
        self.assertEqual(by_month[0][1:], (3, 1))
        # Average business hours: first response 1 h, 3 h (24/7) and 1 h (office, Monday 10:00).
        [[average]] = Report._read_group(
            domain + [("target", "=", "first_response")], [], ["first_response_hours:avg"]
        )
        self.assertAlmostEqual(average, 5 / 3)
        [[resolution]] = Report._read_group(domain, [], ["resolution_hours:avg"])
        self.assertAlmostEqual(resolution, 3.0)
