from odoo.addons.toperp_helpdesk.tests import common


class TestSlaGateway(common.HelpdeskCase):
    """SLA clocks of tickets opened by e-mail through Odoo's mail gateway."""

    def test_incomplete_report_clocks_paused_from_creation(self):
        """An e-mail without screenshot waits on the customer from its creation: its
        clocks are paused from the start, and run once the customer completes it."""
        ticket = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu nhập kho")
        self.assertEqual(ticket.stage_id, self.stage_waiting)
        statuses = ticket.sla_status_ids
        self.assertEqual(sorted(statuses.mapped("target")), ["first_response", "resolution"])
        self.assertEqual(set(statuses.mapped("state")), {"paused"})
        self.assertTrue(all(statuses.mapped("pause_start")))
        self.assertEqual(ticket.sla_state, "paused")
        self.assertFalse(ticket.sla_deadline, "no deadline while we wait on the customer")

        self.process_fixture(
            "with_attachments.eml", subject=f"Re: [{ticket.number}] Không lưu được phiếu nhập kho",
            extra={"In-Reply-To": ticket.message_ids[-1].message_id},
        )
        self.assertEqual(ticket.stage_id, self.stage_in_progress, "the customer's answer brings it back to us")
        self.assertEqual(set(ticket.sla_status_ids.mapped("state")), {"running"})
        self.assertTrue(ticket.sla_deadline)

    def test_complete_report_clocks_run_from_creation(self):
        ticket = self.new_email_ticket("with_attachments.eml", subject="Lỗi xác nhận đơn bán hàng SO0042")
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(set(ticket.sla_status_ids.mapped("state")), {"running"})
        self.assertEqual(ticket.sla_state, "on_track")
        self.assertEqual(ticket.sla_deadline, min(ticket.sla_status_ids.mapped("deadline")))
