from freezegun import freeze_time

from . import common


class TestSlaInstall(common.SlaCase):
    """The SLA addon installed on a database that already has tickets: the open ones get
    their clocks (post-init), started when they were reported, their time waiting on the
    customer paused (from their stage history)."""

    def track(self):
        """What a commit does: the tracked stage changes are written in the chatter."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def forget_clocks(self, tickets):
        """As before the SLA addon was installed."""
        tickets.sla_status_ids.unlink()
        self.env.flush_all()
        self.assertFalse(any(tickets.mapped("sla_deadline")))

    def test_open_tickets_get_clocks_from_their_history(self):
        # Tracked stage changes, as the core addon records them before the SLA addon.
        Ticket = self.env["toperp.helpdesk.ticket"].with_context(mail_notrack=False)
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 in Hanoi
            waited = Ticket.create({"name": "Lỗi kho", "team_id": self.team.id, "partner_id": self.customer.id,
                                    "severity_id": self.medium.id})
            critical = Ticket.create({"name": "Hệ thống sập", "team_id": self.team.id,
                                      "partner_id": self.customer.id, "severity_id": self.critical.id})
            closed = Ticket.create({"name": "Đã xong", "team_id": self.team.id, "partner_id": self.customer.id,
                                    "severity_id": self.low.id})
        with freeze_time("2026-11-16 03:00:00"):  # 10:00: waiting on the customer
            self.track()
            waited.stage_id = self.stage_waiting
            closed.stage_id = self.stage_solved
            self.track()
        with freeze_time("2026-11-16 07:00:00"):  # 14:00: the customer answered
            waited.stage_id = self.stage_progress
            self.track()
        tickets = waited | critical | closed
        self.forget_clocks(tickets)
        with freeze_time("2026-11-16 08:00:00"):
            count = self.env["toperp.helpdesk.ticket"]._sla_install_clocks()
        self.assertEqual(count, 2, "the open tickets")
        self.assertFalse(closed.sla_status_ids, "closed tickets are left alone")
        first = self.status(waited, "first_response")
        self.assertEqual(first.date_start, self.dt("2026-11-16 02:00:00"), "started when it was reported")
        self.assertEqual(first.state, "running")
        self.assertAlmostEqual(first.paused_hours, 3.0, msg="10:00-12:00 and 13:00-14:00 waiting on the customer")
        # 4 office hours from 09:00 Monday plus 3 paused: Monday 17:00 local (10:00 UTC).
        self.assertEqual(first.deadline, self.dt("2026-11-16 10:00:00"))
        self.assertEqual(waited.sla_deadline, first.deadline)
        self.assertEqual(self.status(critical, "first_response").deadline, self.dt("2026-11-16 04:00:00"),
                         "a Critical ticket shows its deadline (2 h, 24/7)")

    def test_ticket_waiting_now_is_paused_since_it_waits(self):
        Ticket = self.env["toperp.helpdesk.ticket"].with_context(mail_notrack=False)
        with freeze_time("2026-11-16 02:00:00"):
            ticket = Ticket.create({"name": "Lỗi kho", "team_id": self.team.id, "partner_id": self.customer.id,
                                    "severity_id": self.medium.id})
            self.track()
        with freeze_time("2026-11-16 03:00:00"):
            ticket.stage_id = self.stage_waiting
            self.track()
        self.forget_clocks(ticket)
        with freeze_time("2026-11-17 03:00:00"):
            self.env["toperp.helpdesk.ticket"]._sla_install_clocks()
        first = self.status(ticket, "first_response")
        self.assertEqual((first.state, first.pause_start), ("paused", self.dt("2026-11-16 03:00:00")))
        self.assertEqual(ticket.sla_state, "paused")
        with freeze_time("2026-11-17 04:00:00"):  # the customer answers the next day, 11:00
            ticket.stage_id = self.stage_progress
        self.assertAlmostEqual(first.paused_hours, 9.5, msg="Monday 10:00-17:30 and Tuesday 08:00-11:00, lunch out")
