"""Severity changes mid-ticket: a raise restarts the clocks at the change, a lowering
keeps the original start, and becoming (or looking) urgent at night pages on call once."""

from freezegun import freeze_time

from . import common


class TestSlaRaise(common.SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_sla"], ["vi_VN"], overwrite=True)
        cls.env["toperp.helpdesk.sla.policy"].create({
            "name": "T Critical", "sequence": -15, "team_ids": [(6, 0, cls.team.ids)],
            "severity_ids": [(6, 0, cls.critical.ids)], "warning_percent": 50.0,
            "first_response_hours": 1, "resolution_hours": 4, "next_reply_hours": 1,
        })
        cls.oncall_user = common.new_test_user(
            cls.env, login="sla_raise_oncall", groups="toperp_helpdesk.group_user", name="Trực đêm",
            email="oncall@toperp.example", lang="vi_VN", tz="Asia/Ho_Chi_Minh",
        )
        cls.oncall_en = common.new_test_user(
            cls.env, login="sla_raise_oncall_en", groups="toperp_helpdesk.group_user", name="Night Owl",
            email="owl@toperp.example", lang="en_US", tz="Asia/Ho_Chi_Minh",
        )
        for user in cls.oncall_user | cls.oncall_en:
            # Friday 20 November 2026 18:00 to Monday 08:00 in Hanoi.
            cls.env["toperp.helpdesk.oncall"].create(
                {"user_id": user.id, "date_start": "2026-11-20 11:00:00", "date_end": "2026-11-23 01:00:00"}
            )

    def pages(self, ticket):
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_oncall")
        return ticket.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def test_raise_to_critical_on_saturday_night_restarts_and_pages_once(self):
        with freeze_time("2026-11-20 10:00:00"):  # Friday 17:00 in Hanoi
            ticket = self.create_ticket(self.low)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.deadline, self.dt("2026-11-23 04:30:00"), "Monday 11:30")
            self.assertFalse(self.pages(ticket))
        with freeze_time("2026-11-20 19:00:00"):  # Saturday 02:00 in Hanoi
            ticket.with_user(self.agent).severity_id = self.critical
            self.assertEqual(first.state, "running", "not breached on the spot")
            self.assertEqual(first.date_start, self.dt("2026-11-20 19:00:00"))
            self.assertEqual(first.origin_date, self.dt("2026-11-20 10:00:00"))
            self.assertFalse(first.calendar_id, "24/7 from the raise")
            self.assertEqual(first.deadline, self.dt("2026-11-20 20:00:00"), "Saturday 03:00")
            self.assertEqual(self.status(ticket, "resolution").deadline, self.dt("2026-11-20 23:00:00"))
            self.assertEqual(ticket.sla_deadline, first.deadline)
            note = ticket.message_ids.filtered(lambda m: "Hạn mới tính từ lúc nâng mức độ" in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertIn("03:00", note.body)
            pages = self.pages(ticket)
            self.assertEqual(pages.user_id, self.oncall_user | self.oncall_en)
            by_user = {page.user_id: page.summary for page in pages}
            self.assertEqual(by_user[self.oncall_en], "Urgent ticket outside office hours")
            self.assertNotEqual(by_user[self.oncall_user], by_user[self.oncall_en], "each in their language")
            self.assertEqual(pages.mapped("date_deadline"), [pages[0].date_deadline] * 2)
            self.assertEqual(str(pages[0].date_deadline), "2026-11-21", "Saturday where they are")
        with freeze_time("2026-11-20 19:30:00"):
            ticket.severity_id = self.high
            ticket.severity_id = self.critical
            self.assertEqual(len(self.pages(ticket)), 2, "paged once, not at every change")

    def test_lowering_keeps_the_original_start(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 in Hanoi
            ticket = self.create_ticket(self.critical)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.deadline, self.dt("2026-11-16 03:00:00"))
        with freeze_time("2026-11-16 02:30:00"):
            ticket.severity_id = self.low
            self.assertEqual(first.date_start, self.dt("2026-11-16 02:00:00"))
            self.assertFalse(first.origin_date)
            self.assertEqual(first.calendar_id, self.office)
            # 4 office hours from Monday 09:00: 09-12 and 13-14.
            self.assertEqual(first.deadline, self.dt("2026-11-16 07:00:00"))
            self.assertFalse(ticket.message_ids.filtered(lambda m: "Hạn mới" in (m.body or "")))

    def test_lowering_hides_no_breach(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.critical)
        with freeze_time("2026-11-16 03:30:00"):  # 30 minutes late
            self.env["toperp.helpdesk.sla.status"]._cron_sla_warnings()
            first = self.status(ticket, "first_response")
            self.assertEqual(first.state, "breached")
            ticket.severity_id = self.low
            self.assertEqual(first.state, "breached")
            self.assertEqual(first.deadline, self.dt("2026-11-16 03:00:00"))

    def test_raise_during_office_hours_restarts_without_paging(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00
            ticket = self.create_ticket(self.medium)
        with freeze_time("2026-11-16 03:30:00"):  # 10:30: raised to High (2 h, 24/7)
            ticket.severity_id = self.high
            first = self.status(ticket, "first_response")
            self.assertEqual(first.deadline, self.dt("2026-11-16 05:30:00"))
            self.assertFalse(self.pages(ticket))

    @freeze_time("2026-11-20 19:00:00")  # Saturday 02:00 in Hanoi
    def test_suggested_high_at_night_pages_for_triage(self):
        ticket = self.create_ticket(self.low, name="Hệ thống bị sập", description="<p>Không đăng nhập được</p>")
        self.assertIn(ticket.suggested_severity_id.code, ("high", "critical"))
        self.assertEqual(ticket.severity_id, self.low, "the suggestion changes no severity")
        self.assertEqual(self.status(ticket, "first_response").calendar_id, self.office)
        self.assertEqual(len(self.pages(ticket)), 2)
        page = ticket.message_ids.filtered(lambda m: self.oncall_en.partner_id in m.partner_ids)
        self.assertIn("please triage it", page.body)
        self.assertTrue(ticket.message_ids.filtered(lambda m: self.oncall_user.partner_id in m.partner_ids
                                                    and "please triage" not in m.body))
        # Accepting the suggestion is a raise: it restarts the clocks, and pages nobody again.
        ticket.action_accept_suggested_severity()
        self.assertFalse(self.status(ticket, "first_response").calendar_id)
        self.assertEqual(len(self.pages(ticket)), 2)
