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

    def report_rows(self, tickets):
        self.env.flush_all()
        self.env.invalidate_all()  # an SQL view: nothing in the cache is up to date
        return self.env["toperp.helpdesk.sla.report"].search([("ticket_id", "in", tickets.ids)])

    def test_report_follows_tickets_and_clocks(self):
        """The report's rows follow every change of the tickets and their clocks at once."""
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.medium)
            other_ticket = self.create_ticket(self.low)
        rows = self.report_rows(ticket)
        self.assertEqual(set(rows.mapped("target")), {"first_response", "resolution"})
        self.assertEqual(rows.severity_id, self.medium)
        self.assertEqual(rows.team_id, self.team)
        self.assertEqual(rows.partner_id, self.customer)
        self.assertEqual(set(rows.mapped("state")), {"running"})
        self.assertFalse(any(rows.mapped("first_response_hours")))
        with freeze_time("2026-11-16 03:30:00"):  # Monday 10:30 in Hanoi: 1.5 office hours
            self.agent_reply(ticket)
        first = self.report_rows(ticket).filtered(lambda r: r.target == "first_response")
        self.assertEqual(first.state, "met")
        self.assertAlmostEqual(first.first_response_hours, 1.5)
        self.assertEqual(first.achieved_percent, 100.0)
        # Another customer (a contact of another company), team and severity.
        company_b = self.env["res.partner"].create({"name": "Công ty B", "is_company": True})
        contact_b = self.env["res.partner"].create({"name": "Chị Lan", "parent_id": company_b.id})
        team_b = self.team.copy({"name": "SLA Team B", "alias_name": "sla-test-team-b"})
        with freeze_time("2026-11-16 04:00:00"):
            ticket.write({"partner_id": contact_b.id, "team_id": team_b.id, "severity_id": self.high.id})
        rows = self.report_rows(ticket)
        self.assertTrue(rows)
        self.assertEqual(rows.partner_id, company_b, "the customer is the commercial partner")
        self.assertEqual(rows.team_id, team_b)
        self.assertEqual(rows.severity_id, self.high)
        # Out of scope: the ticket leaves the statistics; back in scope, it returns.
        ticket.scope_reason_id = self.env["toperp.helpdesk.scope.reason"].search([], limit=1)
        self.assertFalse(self.report_rows(ticket))
        ticket.scope_reason_id = False
        self.assertTrue(self.report_rows(ticket))
        # A clock moved to another ticket takes that ticket's dimensions.
        moved = other_ticket.sla_status_ids.filtered(lambda s: s.target == "first_response")
        moved.ticket_id = ticket
        row = self.report_rows(ticket).filtered(lambda r: r.id == moved.id)
        self.assertEqual((row.team_id, row.partner_id, row.severity_id), (team_b, company_b, self.high))
        # Deleted tickets and clocks leave no row behind.
        moved.unlink()
        self.assertFalse(self.report_rows(ticket).filtered(lambda r: r.id == moved.id))
        self.assertEqual(len(self.report_rows(other_ticket)), 1)
        other_ticket.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM toperp_helpdesk_sla_report_fact WHERE ticket_id = %s", [other_ticket.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_groups_in_core_order(self):
        """Customers come in name order, as Odoo sorts them, whatever their ids."""
        zeta = self.env["res.partner"].create({"name": "Zeta Logistics", "is_company": True})
        alpha = self.env["res.partner"].create({"name": "Alpha Retail", "is_company": True})
        with freeze_time("2026-11-16 02:00:00"):
            tickets = self.create_ticket(partner_id=zeta.id) | self.create_ticket(partner_id=alpha.id)
            tickets |= self.create_ticket(partner_id=self.customer.id)
        self.env.flush_all()
        Report = self.env["toperp.helpdesk.sla.report"]
        domain = [("ticket_id", "in", tickets.ids)]
        groups = Report.read_group(domain, ["achieved_percent:avg"], ["partner_id", "target"], lazy=False)
        names = [group["partner_id"][1] for group in groups]
        self.assertEqual(names, sorted(names), "ordered by name, not by id")
        self.assertEqual(names[:2], ["Alpha Retail", "Alpha Retail"])
        self.assertEqual(
            [(group["partner_id"][0], group["target"], group["__count"]) for group in groups],
            [
                (partner.id, target, count)
                for partner, target, count in Report._read_group(
                    domain, ["partner_id", "target"], ["__count"], order="partner_id asc, target asc"
                )
            ],
            "same groups and order as the core's own ordering (join on the partners)",
        )

    def test_month_in_the_desk_time_zone(self):
        """A clock started on 30 November 20:00 UTC started on 1 December in Hanoi."""
        with freeze_time("2026-11-30 20:00:00"):
            ticket = self.create_ticket(self.high)
        self.env.flush_all()
        Report = self.env["toperp.helpdesk.sla.report"]
        domain = [("ticket_id", "=", ticket.id)]

        def groups(tz, groupby):
            report = Report.with_context(tz=tz)
            return [
                (group[groupby], group["__count"])
                for group in report.read_group(domain, ["achieved_percent:avg"], [groupby], lazy=False)
            ]

        december, november = groups("Asia/Ho_Chi_Minh", "date_start:month"), groups("UTC", "date_start:month")
        self.assertEqual(len(december), 1)
        self.assertEqual(len(november), 1)
        self.assertNotEqual(december[0][0], november[0][0])
        self.assertEqual(december[0][1], 2)
        # Same domains as the core's: each month group's domain finds its rows.
        for tz in ("Asia/Ho_Chi_Minh", "UTC", "Europe/Paris"):
            report = Report.with_context(tz=tz)
            for group in report.read_group(domain, ["achieved_percent:avg"], ["date_start:month"], lazy=False):
                self.assertEqual(Report.search_count(group["__domain"]), group["__count"])
        hanoi = Report.with_context(tz="Asia/Ho_Chi_Minh")
        [[day]] = hanoi._read_group(domain, ["date_start:day"], [])
        self.assertEqual(str(day), "2026-12-01 00:00:00")
        [[hour]] = hanoi._read_group(domain, ["date_start:hour"], [])
        self.assertEqual(str(hour), "2026-12-01 03:00:00", "hours from the exact start")
        [[year, month, weekday]] = hanoi._read_group(
            domain, ["date_start:year_number", "date_start:month_number", "date_start:day_of_week"], []
        )
        self.assertEqual((year, month, weekday), (2026, 12, 2), "Tuesday 1 December 2026")

    def test_fact_table_rebuilt_at_update(self):
        """Uninstalling drops the fact table and its triggers; installing or updating the
        module (re)builds it from the statuses."""
        from ..report.toperp_helpdesk_sla_report import drop_fact_table

        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.medium)
        before = self.report_rows(ticket).read(["target", "state", "severity_id", "partner_id"])
        cr = self.env.cr
        drop_fact_table(cr)
        cr.execute("SELECT to_regclass('toperp_helpdesk_sla_report_fact'), to_regclass('toperp_helpdesk_sla_report')")
        self.assertEqual(cr.fetchone(), (None, None))
        ticket.write({"severity_id": self.low.id, "name": "Lỗi in hóa đơn"})  # no trigger left to fail
        self.env.flush_all()
        Report = self.env["toperp.helpdesk.sla.report"]
        Report.init()
        after = self.report_rows(ticket).read(["target", "state", "severity_id", "partner_id"])
        self.assertEqual(len(after), len(before))
        self.assertEqual({row["severity_id"][0] for row in after}, {self.low.id})

    def test_paused_time_per_severity_and_month(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 in Hanoi
            waited = self.create_ticket(self.medium)
            straight = self.create_ticket(self.medium)
        with freeze_time("2026-11-16 03:00:00"):
            waited.stage_id = self.stage_waiting
        with freeze_time("2026-11-16 06:00:00"):  # 13:00: 10:00-12:00 counted as paused (office hours)
            waited.stage_id = self.stage_progress
            self.agent_reply(waited)
            self.agent_reply(straight)
        rows = self.report_rows(waited | straight)
        first = rows.filtered(lambda r: r.ticket_id == waited and r.target == "first_response")
        self.assertAlmostEqual(first.paused_hours, 2.0)
        self.assertAlmostEqual(first.first_response_hours, 1.0, msg="09-10 only: pauses excluded")
        [(month, paused)] = self.env["toperp.helpdesk.sla.report"]._read_group(
            [("ticket_id", "in", (waited | straight).ids), ("target", "=", "first_response")],
            ["date_start:month"], ["paused_hours:avg"],
        )
        self.assertAlmostEqual(paused, 1.0)
