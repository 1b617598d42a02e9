from freezegun import freeze_time

from . import common


class TestSlaTimeLeft(common.SlaCase):
    """The queue's "Time Left": business hours to the nearest deadline, in the hours of
    the ticket's policy; negative once late; "breaching soon" within 2 hours or warned."""

    def test_time_left_in_business_hours(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 in Hanoi
            ticket = self.create_ticket(self.medium)  # office hours, first response in 4 h
            first = self.status(ticket, "first_response")
            self.assertEqual(ticket.sla_deadline, first.deadline)
            self.assertAlmostEqual(ticket.sla_time_left, 4.0, places=2)
            self.assertFalse(ticket.sla_breaching_soon)
        with freeze_time("2026-11-16 04:00:00"):  # 11:00: due at 14:00, the lunch hour not counted
            ticket.invalidate_recordset(["sla_time_left", "sla_breaching_soon"])
            self.assertEqual(first.deadline, self.dt("2026-11-16 07:00:00"))
            self.assertAlmostEqual(ticket.sla_time_left, 2.0, places=4)
            self.assertFalse(ticket.sla_breaching_soon, "three hours away on the clock")
        with freeze_time("2026-11-16 05:30:00"):  # 12:30, lunch
            ticket.invalidate_recordset(["sla_time_left", "sla_breaching_soon"])
            self.assertAlmostEqual(ticket.sla_time_left, 1.0, places=4)
            self.assertTrue(ticket.sla_breaching_soon, "due within 2 hours")
            self.assertIn(ticket, self.env["toperp.helpdesk.ticket"].search([("sla_breaching_soon", "=", True)]))

    def test_time_left_around_the_clock_and_late(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high)  # 24/7, first response in 2 h
        with freeze_time("2026-11-16 02:30:00"):
            ticket.invalidate_recordset(["sla_time_left"])
            self.assertAlmostEqual(ticket.sla_time_left, 1.5, places=4)
        with freeze_time("2026-11-16 05:00:00"):
            ticket.invalidate_recordset(["sla_time_left", "sla_breaching_soon"])
            self.assertAlmostEqual(ticket.sla_time_left, -1.0, places=4, msg="an hour late")
            self.assertTrue(ticket.sla_breaching_soon)

    def test_no_deadline_no_time_left(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.medium)
            ticket.write({"stage_id": self.stage_waiting.id})
            self.assertFalse(ticket.sla_deadline, "waiting on the customer: the clocks are paused")
            self.assertEqual(ticket.sla_time_left, 0.0)
            self.assertFalse(ticket.sla_breaching_soon)
