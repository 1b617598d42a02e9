from freezegun import freeze_time

from . import common


class TestSlaOncall(common.SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oncall_user = common.new_test_user(
            cls.env, login="sla_oncall", groups="toperp_helpdesk.group_user", name="On-call Agent",
            email="oncall@toperp.example", notification_type="email",
        )
        cls.off_duty = common.new_test_user(
            cls.env, login="sla_offduty", groups="toperp_helpdesk.group_user", name="Off-duty Agent",
            email="offduty@toperp.example",
        )
        Oncall = cls.env["toperp.helpdesk.oncall"]
        Oncall.create(
            {"user_id": cls.oncall_user.id, "date_start": "2026-11-16 10:00:00", "date_end": "2026-11-17 01:00:00"}
        )
        Oncall.create(
            {"user_id": cls.off_duty.id, "date_start": "2026-11-17 10:00:00", "date_end": "2026-11-18 01:00:00"}
        )

    def _paged(self, ticket, user):
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_oncall")
        activities = ticket.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        notified = ticket.message_ids.notification_ids.filtered(lambda n: n.res_partner_id == user.partner_id)
        return activities.filtered(lambda a: a.user_id == user), notified

    @freeze_time("2026-11-16 15:00:00")  # Monday 22:00 in Hanoi
    def test_urgent_ticket_at_night_pages_oncall(self):
        ticket = self.create_ticket(self.critical)
        activity, notification = self._paged(ticket, self.oncall_user)
        self.assertTrue(activity)
        self.assertEqual(notification.notification_type, "email", "the on-call agent gets an e-mail")
        self.assertFalse(any(self._paged(ticket, self.off_duty)), "only the agents on duty now")

    @freeze_time("2026-11-16 15:00:00")
    def test_low_ticket_at_night_waits(self):
        ticket = self.create_ticket(self.low)
        self.assertFalse(any(self._paged(ticket, self.oncall_user)))

    @freeze_time("2026-11-16 03:00:00")  # Monday 10:00 in Hanoi: office open
    def test_urgent_ticket_in_office_hours_no_page(self):
        self.env["toperp.helpdesk.oncall"].create(
            {"user_id": self.oncall_user.id, "date_start": "2026-11-16 00:00:00", "date_end": "2026-11-16 09:00:00"}
        )
        ticket = self.create_ticket(self.high)
        self.assertFalse(any(self._paged(ticket, self.oncall_user)))

    @freeze_time("2026-02-17 03:00:00")  # Tết, 10:00 in Hanoi: a public holiday
    def test_urgent_ticket_on_holiday_pages_oncall(self):
        self.env["toperp.helpdesk.oncall"].create(
            {"user_id": self.oncall_user.id, "date_start": "2026-02-16 17:00:00", "date_end": "2026-02-17 17:00:00"}
        )
        ticket = self.create_ticket(self.high)
        self.assertTrue(self._paged(ticket, self.oncall_user)[0])
