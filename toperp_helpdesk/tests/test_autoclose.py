from freezegun import freeze_time

from . import common


class TestAutoClose(common.HelpdeskCase):
    """Team delay 6 days: reminder after 3 days without answer, closing after 6."""

    def setUp(self):
        super().setUp()
        with freeze_time("2026-11-20 10:00:00"):
            self.ticket = self.create_ticket(description="<p>Vào Kho, mở phiếu nhập, bấm Lưu thì lỗi</p>")
            self.flush_tracking()  # as if created in an earlier transaction
            self.ticket.with_user(self.agent_1).stage_id = self.stage_waiting
            self.flush_tracking()

    def _cron(self, moment):
        with freeze_time(moment):
            return self.Ticket._cron_autoclose()

    def _posted(self, template_xmlid):
        subject_start = self.env.ref(template_xmlid).subject.split("]")[1].split(":")[0].strip()
        return self.ticket.message_ids.filtered(lambda m: subject_start in (m.subject or ""))

    def test_reminder_once_then_close(self):
        self._cron("2026-11-22 10:00:00")
        self.assertFalse(self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder"))
        self._cron("2026-11-23 10:30:00")
        reminder = self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.message_type, "auto_comment")
        self.assertEqual(str(self.ticket.autoclose_reminder_date), "2026-11-23 10:30:00")
        self.assertEqual(self.ticket.stage_id, self.stage_waiting)
        mails = self.ticket_mails(self.ticket).filtered(lambda m: m.mail_message_id == reminder)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn("'Auto-Submitted': 'auto-replied'", mails.headers)

        self._cron("2026-11-24 10:00:00")
        self._cron("2026-11-24 11:00:00")
        self.assertEqual(len(self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder")), 1,
                         "the reminder is sent once")

        self._cron("2026-11-26 10:30:00")
        self.assertEqual(self.ticket.stage_id, self.stage_solved)
        self.assertEqual(str(self.ticket.close_date), "2026-11-26 10:30:00")
        closed = self._posted("toperp_helpdesk.mail_template_ticket_autoclosed")
        self.assertEqual(len(closed), 1)
        self.flush_tracking()
        self.assertFalse(self._posted("toperp_helpdesk.mail_template_ticket_solved"),
                         "no second e-mail from the Solved stage template")
        tracked = self.ticket.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "stage_id")
        self.assertIn(self.stage_solved.name, tracked.mapped("new_value_char"), "the closing shows in the chatter")

    def test_cron_twice_is_harmless(self):
        self._cron("2026-11-23 10:30:00")
        self._cron("2026-11-23 10:30:00")
        self.assertEqual(len(self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder")), 1)
        self._cron("2026-11-26 10:30:00")
        count = len(self.ticket.message_ids)
        self.assertEqual(self._cron("2026-11-26 10:30:00"), 0)
        self.assertEqual(len(self.ticket.message_ids), count)
        self.assertEqual(len(self._posted("toperp_helpdesk.mail_template_ticket_autoclosed")), 1)

    def test_customer_reply_resets_the_clock(self):
        self._cron("2026-11-23 10:30:00")
        with freeze_time("2026-11-24 09:00:00"):
            self.ticket.message_post(body="Em gửi video: https://www.loom.com/share/abc", author_id=self.customer.id,
                                     message_type="email", subtype_xmlid="mail.mt_comment")
        self.assertEqual(self.ticket.stage_id, self.stage_in_progress)
        self.assertFalse(self.ticket.autoclose_reminder_date)
        self._cron("2026-11-26 10:30:00")
        self.assertEqual(self.ticket.stage_id, self.stage_in_progress, "not closed: the customer answered")
        with freeze_time("2026-11-26 11:00:00"):
            self.ticket.with_user(self.agent_1).stage_id = self.stage_waiting
        self._cron("2026-11-29 10:00:00")
        self.assertEqual(len(self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder")), 1,
                         "the new wait is not half over yet")
        self._cron("2026-11-29 12:00:00")
        self.assertEqual(len(self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder")), 2,
                         "a new wait gets its own reminder")

    def test_team_without_autoclose(self):
        self.team.autoclose_days = 0
        self._cron("2026-12-20 10:00:00")
        self.assertEqual(self.ticket.stage_id, self.stage_waiting)
        self.assertFalse(self._posted("toperp_helpdesk.mail_template_ticket_autoclose_reminder"))

    def test_batches_retrigger_the_cron(self):
        with freeze_time("2026-11-20 10:00:00"):
            others = self.Ticket.create([
                {"name": f"Chờ khách {i}", "team_id": self.team.id, "partner_id": self.customer.id,
                 "stage_id": self.stage_waiting.id}
                for i in range(3)
            ])
        cron = self.env.ref("toperp_helpdesk.ir_cron_ticket_autoclose")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with freeze_time("2026-11-26 10:30:00"):
            self.assertEqual(self.Ticket._cron_autoclose(batch_size=2), 2)
            self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers)
            self.Ticket._cron_autoclose(batch_size=2)
        self.assertEqual((others | self.ticket).mapped("stage_id"), self.stage_solved)

