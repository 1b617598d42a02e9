import threading

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name

from . import common


class TestIntakeJob(common.HelpdeskCase):
    """The mail gateway creates the ticket at once; its acknowledgement and its agent's
    assignment notice follow from the intake job (cron), in batches."""

    def _assignment_notices(self, ticket, user):
        return self.env["mail.notification"].sudo().search([
            ("res_partner_id", "=", user.partner_id.id),
            ("mail_message_id.model", "=", ticket._name),
            ("mail_message_id.res_id", "=", ticket.id),
            ("mail_message_id.message_type", "=", "user_notification"),
        ])

    def _queued(self, ticket):
        return self.env["toperp.helpdesk.intake"].sudo().search([("ticket_id", "=", ticket.id)]).mapped("kind")

    def _acknowledgements(self, ticket):
        return ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")

    def test_gateway_queues_then_job_sends_once(self):
        self.team.assign_method = "round_robin"
        ticket = self.new_email_ticket("html_only.eml", subject="Không lưu được phiếu nhập kho", run_intake=False)
        # What the customer and agents see right after the gateway's commit.
        self.assertEqual(ticket.stage_id, self.stage_waiting, "an incomplete report waits on the customer at once")
        self.assertTrue(ticket.user_id, "the agent is chosen at once")
        self.assertFalse(self._acknowledgements(ticket), "the acknowledgement is queued, not yet posted")
        self.assertFalse(self.ticket_mails(ticket))
        self.assertFalse(self._assignment_notices(ticket, ticket.user_id))
        self.assertEqual(sorted(self._queued(ticket)), ["ack", "assign"])
        self.flush_tracking()  # what the commit does
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("toperp_helpdesk.ir_cron_ticket_intake").id)]
        )
        self.assertTrue(trigger, "the gateway wakes the intake job")

        self.assertEqual(self.run_intake_job(), 2, "its acknowledgement and its agent's notice")
        ack = self._acknowledgements(ticket)
        self.assertEqual(len(ack), 1)
        self.assertIn(ticket.number, ack.subject)
        self.assertIn("phiếu nhập kho", ack.subject)
        mails = self.ticket_mails(ticket).filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mails), 1, "the acknowledgement is e-mailed to the customer")
        self.assertIn("hình chụp/video", mails.body_html, "in Vietnamese, listing the missing evidence")
        told = self._assignment_notices(ticket, ticket.user_id)
        self.assertEqual(told.mapped("notification_type"), ["inbox"])
        self.assertIn(ticket.user_id.partner_id, ticket.message_partner_ids, "the agent follows the ticket")
        self.assertFalse(
            self.env["mail.notification"].sudo().search([("mail_message_id", "=", ack.id),
                                                         ("res_partner_id", "=", ticket.user_id.partner_id.id)]),
            "the agent gets no copy of the automatic acknowledgement (it is in the chatter)",
        )
        self.assertFalse(self.ticket_mails(ticket).filtered(lambda m: ticket.user_id.partner_id in m.recipient_ids))
        self.assertFalse(self._queued(ticket), "the queue is empty")

        self.assertEqual(self.run_intake_job(), 0, "nothing left in the queue")
        self.assertEqual(len(self._acknowledgements(ticket)), 1, "never a second acknowledgement")
        self.assertEqual(len(self._assignment_notices(ticket, ticket.user_id)), 1)

    def test_batch_of_tickets_each_acknowledged_in_its_language(self):
        self.env["ir.module.module"]._load_module_terms(["toperp_helpdesk"], ["vi_VN"], overwrite=True)
        english = self.env["res.partner"].create(
            {"name": "John Smith", "email": "john@abc.com", "lang": "en_US", "parent_id": self.customer_company.id}
        )
        tickets = self.env["toperp.helpdesk.ticket"]
        for i in range(5):
            tickets |= self.new_email_ticket(subject=f"Lỗi số {i}", run_intake=False)
        tickets |= self.new_email_ticket(
            email_from='"John Smith" <john@abc.com>', subject="Cannot print invoices", run_intake=False
        )
        self.assertEqual(self.run_intake_job(), 6)
        for ticket in tickets:
            ack = self._acknowledgements(ticket)
            self.assertEqual(len(ack), 1, ticket.name)
            self.assertIn(ticket.name, ack.subject)
        english_ticket = tickets.filtered(lambda t: t.partner_id == english)
        self.assertIn("We have received your request", self._acknowledgements(english_ticket).subject)
        self.assertIn("đã tiếp nhận yêu cầu", self._acknowledgements(tickets[0]).subject)

    def test_small_batches_requeue_the_job(self):
        for i in range(3):
            self.new_email_ticket(subject=f"Lỗi {i}", run_intake=False)
        cron = self.env.ref("toperp_helpdesk.ir_cron_ticket_intake")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self.assertEqual(self.env["toperp.helpdesk.intake"]._cron_intake(batch_size=2), 2)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "a full batch calls the job again"
        )
        self.assertEqual(self.env["toperp.helpdesk.intake"]._cron_intake(batch_size=2), 1)
        self.assertEqual(self.env["toperp.helpdesk.intake"]._cron_intake(batch_size=2), 0)

    def test_customer_reply_before_the_job_gets_no_second_acknowledgement(self):
        msg_id = "<fast-reply-001@mail.hoasen.vn>"
        ticket = self.new_email_ticket(msg_id=msg_id, run_intake=False)
        self.process_fixture(
            "plain_text.eml", subject="Re: Lỗi in hóa đơn khách hàng", extra={"In-Reply-To": msg_id}, run_intake=False
        )
        self.assertEqual(len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 2)
        self.assertFalse(self._acknowledgements(ticket))
        self.run_intake_job()
        self.assertEqual(len(self._acknowledgements(ticket)), 1)

    def test_reassigned_before_the_job_old_agent_not_told(self):
        self.team.assign_method = "round_robin"
        ticket = self.new_email_ticket(run_intake=False)
        first = ticket.user_id
        other = (self.agent_1 | self.agent_2) - first
        ticket.with_user(self.manager).user_id = other
        self.assertEqual(len(self._assignment_notices(ticket, other)), 1, "the reassignment told the new agent")
        self.run_intake_job()
        self.assertFalse(self._assignment_notices(ticket, first), "the first agent no longer has the ticket")
        self.assertEqual(len(self._assignment_notices(ticket, other)), 1)

    def test_portal_and_backend_tickets_are_not_queued(self):
        ticket = self.create_ticket(channel="portal", user_id=self.agent_1.id)
        ticket.message_post(
            body="Mô tả", message_type="comment", subtype_xmlid="mail.mt_comment", author_id=self.customer.id
        )
        self.assertFalse(self._queued(ticket))
        self.assertEqual(len(self._acknowledgements(ticket)), 1, "a portal ticket is acknowledged at once")


class TestIntakeJobConcurrency(BaseCase):
    """Two workers run the intake job at once on committed tickets: each ticket gets
    exactly one acknowledgement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"mail_notrack": True, "tracking_disable": True})
            team = env["toperp.helpdesk.team"].create({"name": "Intake concurrency", "assign_method": "manual"})
            partner = env["res.partner"].create({"name": "Khách đồng thời", "email": "dongthoi@khach.vn"})
            tickets = env["toperp.helpdesk.ticket"].create(
                [
                    {"name": f"Đồng thời {i}", "team_id": team.id, "partner_id": partner.id, "channel": "email"}
                    for i in range(12)
                ]
            )
            env["toperp.helpdesk.intake"].create([{"ticket_id": t.id, "kind": "ack"} for t in tickets])
            self.team_id, self.partner_id, self.ticket_ids = team.id, partner.id, tickets.ids
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mail.mail"].search(
                [("model", "=", "toperp.helpdesk.ticket"), ("res_id", "in", self.ticket_ids)]
            ).unlink()
            env["toperp.helpdesk.ticket"].browse(self.ticket_ids).exists().unlink()
            env["toperp.helpdesk.team"].browse(self.team_id).exists().unlink()
            env["res.partner"].browse(self.partner_id).exists().unlink()

    def _run_job(self, cr, batch_size):
        """The intake job in ``cr``, as a cron worker runs it (no real e-mail)."""
        thread = threading.current_thread()
        testing = getattr(thread, "testing", False)
        thread.testing = True
        try:
            return api.Environment(cr, SUPERUSER_ID, {})["toperp.helpdesk.intake"]._cron_intake(batch_size=batch_size)
        finally:
            thread.testing = testing

    def test_rows_handled_after_this_workers_snapshot(self):
        """A worker whose transaction began before another worker handled and
        committed the first rows of the queue (under REPEATABLE READ, locking them
        fails even with SKIP LOCKED): it rolls back, wakes the job, and the next run
        handles the rest."""
        with self.registry.cursor() as late_cr:
            late = api.Environment(late_cr, SUPERUSER_ID, {})
            # Its snapshot: taken by its first query, before the other worker commits.
            self.assertEqual(late["toperp.helpdesk.intake"].search_count([("ticket_id", "in", self.ticket_ids)]), 12)
            with self.registry.cursor() as cr:
                self.assertEqual(self._run_job(cr, batch_size=2), 2)
                cron = api.Environment(cr, SUPERUSER_ID, {}).ref("toperp_helpdesk.ir_cron_ticket_intake")
                triggers_before = cron.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
            self.assertEqual(self._run_job(late_cr, batch_size=2), 0)
            self.assertEqual(
                late["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before + 1,
                "the job runs again at once",
            )
        with self.registry.cursor() as cr:
            self.assertEqual(self._run_job(cr, batch_size=20), 10)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for ticket in env["toperp.helpdesk.ticket"].browse(self.ticket_ids):
                acks = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
                self.assertEqual(len(acks), 1, ticket.name)

    def test_two_workers_exactly_once(self):
        barrier = threading.Barrier(2, timeout=30)
        done, errors = [], []

        def worker():
            threading.current_thread().testing = True  # no real e-mail
            try:
                barrier.wait()
                # Like a cron worker: one batch per transaction until nothing is due.
                for _i in range(40):
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        count = env["toperp.helpdesk.intake"]._cron_intake(batch_size=2)
                        left = env["toperp.helpdesk.intake"].search_count([("ticket_id", "in", self.ticket_ids)])
                    done.append(count)
                    if not left:
                        break
            except Exception as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        self.assertEqual(sum(done), 12, "between them, the two workers handled each ticket once")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for ticket in env["toperp.helpdesk.ticket"].browse(self.ticket_ids):
                acks = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
                self.assertEqual(len(acks), 1, ticket.name)
                self.assertFalse(env["toperp.helpdesk.intake"].search_count([("ticket_id", "=", ticket.id)]))
