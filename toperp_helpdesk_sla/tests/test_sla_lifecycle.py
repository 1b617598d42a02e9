from freezegun import freeze_time

from . import common


class TestSlaLifecycle(common.SlaCase):
    def test_pause_moves_deadline(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 local
            ticket = self.create_ticket(self.medium)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.deadline, self.dt("2026-11-16 07:00:00"))  # 14:00 local
        with freeze_time("2026-11-16 03:00:00"):  # 10:00 local: waiting on the customer
            ticket.stage_id = self.stage_waiting
            self.assertEqual(first.state, "paused")
            self.assertEqual(ticket.sla_state, "paused")
            self.assertFalse(ticket.sla_deadline, "a paused clock has no deadline in the queue")
        with freeze_time("2026-11-16 08:00:00"):  # 15:00 local: back to us
            ticket.stage_id = self.stage_progress
            self.assertEqual(first.state, "running")
            self.assertAlmostEqual(first.paused_hours, 4.0)  # 10-12 and 13-15
            # 8 business hours from Monday 09:00: Tuesday 08:30 local.
            self.assertEqual(first.deadline, self.dt("2026-11-17 01:30:00"))
            self.assertEqual(ticket.sla_deadline, first.deadline)

    def test_customer_answer_resumes(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high)
            ticket.stage_id = self.stage_waiting
        with freeze_time("2026-11-16 05:00:00"):
            self.customer_message(ticket)
            self.assertEqual(ticket.stage_id, self.stage_progress)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.state, "running")
            self.assertAlmostEqual(first.paused_hours, 3.0)
            self.assertEqual(first.deadline, self.dt("2026-11-16 07:00:00"))  # 24/7: 2 h + 3 h paused

    def test_severity_raise_restarts_at_the_change(self):
        with freeze_time("2026-11-16 02:00:00"):  # Monday 09:00 local
            ticket = self.create_ticket(self.low)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.deadline, self.dt("2026-11-16 07:00:00"))  # 4 office hours
        with freeze_time("2026-11-16 02:30:00"):
            ticket.stage_id = self.stage_waiting
        with freeze_time("2026-11-16 03:00:00"):
            ticket.stage_id = self.stage_progress
        with freeze_time("2026-11-16 03:30:00"):
            ticket.severity_id = self.high
            self.assertEqual(ticket.sla_policy_id, self.policy_urgent)
            self.assertEqual(self.status(ticket, "first_response"), first, "same clock, new target")
            self.assertEqual(first.date_start, self.dt("2026-11-16 03:30:00"), "restarted at the raise")
            self.assertEqual(first.origin_date, self.dt("2026-11-16 02:00:00"))
            self.assertFalse(first.calendar_id)
            self.assertAlmostEqual(first.paused_hours, 0.0)
            # 24/7 from the raise: 2 h and 8 h.
            self.assertEqual(first.deadline, self.dt("2026-11-16 05:30:00"))
            self.assertEqual(self.status(ticket, "resolution").deadline, self.dt("2026-11-16 11:30:00"))

    def test_first_response_not_met_by_ack_or_note(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high, channel="portal", description="<p>Các bước: mở menu</p>")
            self.customer_message(ticket, "Hệ thống bị sập")
            ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
            self.assertTrue(ack, "the acknowledgement was sent")
            self.assertIn("We will answer you by", str(ack[0].body))
            self.assertEqual(ticket._get_ack_response_deadline(), self.dt("2026-11-16 04:00:00"))
            self.agent_note(ticket)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.state, "running")
            self.assertFalse(first.reached_date)
        with freeze_time("2026-11-16 03:00:00"):
            self.agent_reply(ticket)
            self.assertEqual(first.state, "met")
            self.assertEqual(first.reached_date, self.dt("2026-11-16 03:00:00"))
            self.assertAlmostEqual(first.reached_hours, 1.0)
            self.assertEqual(ticket.sla_deadline, self.status(ticket, "resolution").deadline)

    def test_late_first_response_is_breached(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.critical)
        with freeze_time("2026-11-16 05:00:00"):
            self.agent_reply(ticket)
            self.assertEqual(self.status(ticket, "first_response").state, "breached")
            self.assertEqual(ticket.sla_state, "breached")

    def test_next_reply_clock(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high)
            self.customer_message(ticket, "Còn lỗi")
            self.assertFalse(self.status(ticket, "next_reply"), "the first response clock covers it")
        with freeze_time("2026-11-16 02:30:00"):
            self.agent_reply(ticket)
        with freeze_time("2026-11-16 04:00:00"):
            self.customer_message(ticket, "Vẫn còn lỗi")
            reply = self.status(ticket, "next_reply")
            self.assertEqual(reply.state, "running")
            self.assertEqual(reply.date_start, self.dt("2026-11-16 04:00:00"))
            self.assertEqual(reply.deadline, self.dt("2026-11-16 06:00:00"))
            self.assertEqual(ticket.sla_deadline, reply.deadline)
        with freeze_time("2026-11-16 04:30:00"):
            self.customer_message(ticket, "Thêm thông tin")
            self.assertEqual(len(ticket.sla_status_ids.filtered(lambda s: s.target == "next_reply")), 1)
            self.agent_note(ticket)
            self.assertEqual(reply.state, "running")
        with freeze_time("2026-11-16 05:00:00"):
            self.agent_reply(ticket)
            self.assertEqual(reply.state, "met")
        with freeze_time("2026-11-16 09:00:00"):
            self.customer_message(ticket, "Lại lỗi")
        with freeze_time("2026-11-16 12:00:00"):
            self.agent_reply(ticket)
            late = self.status(ticket, "next_reply")
            self.assertNotEqual(late, reply)
            self.assertEqual(late.state, "breached")

    def test_resolution_met_and_breached(self):
        with freeze_time("2026-11-16 02:00:00"):
            on_time = self.create_ticket(self.high)
            late = self.create_ticket(self.high)
        with freeze_time("2026-11-16 09:00:00"):
            on_time.stage_id = self.stage_solved
            self.assertEqual(self.status(on_time, "resolution").state, "met")
            self.assertFalse(on_time.sla_deadline)
        with freeze_time("2026-11-16 11:00:00"):
            late.stage_id = self.stage_solved
            self.assertEqual(self.status(late, "resolution").state, "breached")
            self.assertEqual(late.sla_state, "breached")

    def test_reopen_resumes_resolution(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high)
            self.agent_reply(ticket)
        with freeze_time("2026-11-16 03:00:00"):
            ticket.stage_id = self.stage_solved
        with freeze_time("2026-11-16 05:00:00"):
            self.customer_message(ticket, "Chưa được")
            self.assertFalse(ticket.is_closed)
            resolution = self.status(ticket, "resolution")
            self.assertEqual(resolution.state, "running")
            self.assertAlmostEqual(resolution.paused_hours, 2.0, msg="time spent solved does not count")
            self.assertEqual(resolution.deadline, self.dt("2026-11-16 12:00:00"))

    def test_out_of_scope_cancels(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high)
            reason = self.env["toperp.helpdesk.scope.reason"].search([], limit=1)
            wizard = self.env["toperp.helpdesk.scope.wizard"].with_context(
                active_model=ticket._name, active_ids=ticket.ids
            ).create({"reason_id": reason.id})
            wizard.action_confirm()
            self.assertTrue(ticket.is_closed)
            self.assertEqual(set(ticket.sla_status_ids.mapped("state")), {"cancelled"})
            self.assertFalse(ticket.sla_deadline)
            self.assertFalse(ticket.sla_state)

    def test_cancelled_stage_cancels(self):
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.medium)
            ticket.stage_id = self.stage_cancelled
            self.assertNotEqual(self.stage_cancelled, self.stage_solved)
            self.assertEqual(set(ticket.sla_status_ids.mapped("state")), {"cancelled"})

    def test_queue_order(self):
        Ticket = self.env["toperp.helpdesk.ticket"]
        with freeze_time("2026-11-16 02:00:00"):
            medium_late = self.create_ticket(self.medium, name="medium created first")
        with freeze_time("2026-11-16 03:00:00"):
            high = self.create_ticket(self.high)
            medium_soon = self.create_ticket(self.medium, name="medium, tighter policy")
            self.status(medium_soon, "first_response").write({"target_hours": 0.5})
            self.status(medium_soon, "first_response")._sla_schedule()
            no_sla = self.create_ticket(self.medium, name="medium without SLA")
            no_sla.sla_status_ids.unlink()
        self.assertLess(self.status(medium_soon, "first_response").deadline, medium_late.sla_deadline)
        ids = (medium_late | high | medium_soon | no_sla).ids
        self.assertEqual(Ticket.search([("id", "in", ids)]).ids, [high.id, medium_soon.id, medium_late.id, no_sla.id])
