"""The SLA timeline: how each deadline was calculated, in the reader's language and
time zone, computed from the clock (nothing stored)."""

from freezegun import freeze_time

from . import common


class TestSlaTimeline(common.SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_sla"], ["vi_VN"], overwrite=True)

    def timeline(self, ticket, lang, tz="Asia/Ho_Chi_Minh"):
        return " ".join(str(ticket.with_context(lang=lang, tz=tz).sla_timeline).split())

    @freeze_time("2026-02-13 09:00:00")  # Friday 16:00 in Hanoi, the last working day before Tết
    def test_deadline_after_tet_explained_in_vietnamese_and_english(self):
        ticket = self.create_ticket(self.low)
        # 16:00-17:30 on Friday, Tết from Monday 16 to Friday 20, then Monday 23 08:00-10:30.
        self.assertEqual(self.status(ticket, "first_response").deadline, self.dt("2026-02-23 03:30:00"))
        english = self.timeline(ticket, "en_US")
        self.assertIn("<li>Started 2/13/26, 4:00 PM.</li>", english)
        self.assertIn("4 business hours allowed, counted on", english)
        self.assertIn("nights, lunch breaks and weekends are skipped", english)
        self.assertIn("<li>Skipped holiday: Tết Nguyên Đán (02/17/2026).</li>", english)
        self.assertIn("<li>Due 2/23/26, 10:30 AM.</li>", english)
        vietnamese = self.timeline(ticket, "vi_VN")
        self.assertIn("<li>Bắt đầu lúc 16:00, 13/02/2026.</li>", vietnamese)
        self.assertIn("<li>Không tính ngày nghỉ: Tết Nguyên Đán (17/02/2026).</li>", vietnamese)
        self.assertIn("<li>Hạn 10:30, 23/02/2026.</li>", vietnamese)
        self.assertIn("Được phép 25,5 giờ làm việc", vietnamese, "the resolution clock too")
        # Another reader, another time zone: the same clock, read from Tokyo (UTC+9).
        self.assertIn("<li>Due 2/23/26, 12:30 PM.</li>", self.timeline(ticket, "en_US", tz="Asia/Tokyo"))

    def test_pause_raise_and_met(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 in Hanoi
            ticket = self.create_ticket(self.low)
        with freeze_time("2026-11-16 03:00:00"):  # 10:00: waiting on the customer
            ticket.stage_id = self.stage_waiting
        with freeze_time("2026-11-16 03:30:00"):
            waiting = self.timeline(ticket, "en_US")
            self.assertIn("<li>Paused since 11/16/26, 10:00 AM while waiting on the customer.</li>", waiting)
            self.assertIn("<li>The deadline moves on while the clock is paused.</li>", waiting)
        with freeze_time("2026-11-16 04:00:00"):
            ticket.stage_id = self.stage_progress
        with freeze_time("2026-11-16 06:00:00"):  # 13:00: back to us, one business hour was paused
            self.assertIn("<li>Paused for 1 business hours while waiting on the customer.</li>",
                          self.timeline(ticket, "en_US"))
        with freeze_time("2026-11-16 07:00:00"):  # 14:00: raised to High
            ticket.severity_id = self.high
        with freeze_time("2026-11-16 07:30:00"):
            self.agent_reply(ticket)
            english = self.timeline(ticket, "en_US")
            self.assertIn("<li>Started 11/16/26, 9:00 AM.</li>", english)
            self.assertIn("<li>Restarted 11/16/26, 2:00 PM: a more urgent severity or plan counts its new "
                          "target from then.</li>", english)
            self.assertIn("<li>2 hours allowed, counted 24/7.</li>", english)
            self.assertIn("<li>Met 11/16/26, 2:30 PM, after 0.5 business hours.</li>", english)
            vietnamese = self.timeline(ticket, "vi_VN")
            self.assertIn("hạn mới tính từ lúc nâng mức độ", vietnamese)
            self.assertIn("<li>Đạt lúc 14:30, 16/11/2026, sau 0,5 giờ làm việc.</li>", vietnamese)
            self.assertIn("<li>Hạn 22:00, 16/11/2026.</li>", vietnamese, "resolution: 8 h from the raise")
