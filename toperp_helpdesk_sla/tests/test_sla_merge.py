"""Merging duplicates (issue 15): the kept ticket's clocks take the earliest start and
the first response already given; the duplicates leave the SLA figures."""

from freezegun import freeze_time

from .common import SlaCase


class TestSlaMerge(SlaCase):
    def test_merge_keeps_earliest_start_and_met_first_response(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 local
            kept = self.create_ticket(self.high, name="Hệ thống bị sập")
        with freeze_time("2026-11-16 02:20:00"):
            duplicate = self.create_ticket(self.high, name="Không vào được hệ thống")
        with freeze_time("2026-11-16 02:40:00"):
            self.agent_reply(duplicate)  # the agent answered the duplicate first
        # The kept ticket's resolution clock restarted later (e.g. after a reopening).
        resolution = self.status(kept, "resolution")
        resolution.date_start = self.dt("2026-11-16 03:00:00")
        resolution._sla_schedule()
        self.assertEqual(resolution.deadline, self.dt("2026-11-16 11:00:00"))
        with freeze_time("2026-11-16 03:30:00"):
            survivor = (duplicate | kept)._merge()
        self.assertEqual(survivor, kept)
        first = self.status(kept, "first_response")
        self.assertEqual(first.state, "met", "the duplicate's answer answered the customer")
        self.assertEqual(first.reached_date, self.dt("2026-11-16 02:40:00"))
        self.assertEqual(kept.first_response_date, self.dt("2026-11-16 02:40:00"))
        self.assertEqual(resolution.date_start, self.dt("2026-11-16 02:20:00"), "the earliest start")
        self.assertEqual(resolution.deadline, self.dt("2026-11-16 10:20:00"))
        self.assertEqual(kept.sla_deadline, resolution.deadline)
        self.assertEqual(set(duplicate.sla_status_ids.mapped("state")), {"cancelled"}, "out of the figures")
        self.assertTrue(duplicate.is_closed)
        self.assertFalse(duplicate.sla_deadline)
