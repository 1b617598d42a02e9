import logging

import psycopg2

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Precommit data key: the intake job was woken in this transaction.
TRIGGERED_KEY = "toperp_helpdesk.intake_triggered"
CRON_XMLID = "toperp_helpdesk.ir_cron_ticket_intake"


class ToperpHelpdeskIntake(models.Model):
    """The intake job's queue: what the mail gateway leaves to the job (cron
    ``ir_cron_ticket_intake``) so that it answers at once with a ticket: the new
    ticket's acknowledgement, its agent's assignment notice. The job sends them in
    batches, exactly once with several workers; a row is deleted when its work is done."""

    _name = "toperp.helpdesk.intake"
    _description = "Helpdesk Intake Queue"
    _order = "id"

    ticket_id = fields.Many2one("toperp.helpdesk.ticket", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        [("ack", "Acknowledgement"), ("assign", "Assignment notice")], required=True
    )
    user_id = fields.Many2one("res.users", string="Agent", ondelete="cascade")

    @api.model
    def _enqueue(self, rows):
        """Queue ``rows`` (``(ticket, kind)``) and wake the job when this transaction
        commits. Only rows of the queue are written, never the ticket again (other
        workers, the SLA cron or agents, may be writing it)."""
        if not rows:
            return
        # One plain INSERT: a queue of our own (no computed field, no business rule),
        # written for every e-mailed ticket (the ORM's create costs 2 queries more).
        now = self.env.cr.now()
        self.env.execute_query(SQL(
            """INSERT INTO toperp_helpdesk_intake (ticket_id, kind, user_id, create_uid, create_date, write_uid,
                                                   write_date)
               VALUES %s""",
            SQL(", ").join(
                SQL("(%s, %s, %s, %s, %s, %s, %s)", ticket.id, kind, ticket.user_id.id or None, self.env.uid, now,
                    self.env.uid, now)
                for ticket, kind in rows
            ),
        ))
        if not self.env.cr.precommit.data.get(TRIGGERED_KEY):
            self.env.cr.precommit.data[TRIGGERED_KEY] = True
            self.env.cr.precommit.add(self._wake)

    @api.model
    def _wake(self):
        # One query finds the cron and reads what _trigger() reads, its active flag
        # (env.ref() would check that it exists, then a fetch read its whole row with
        # its ir.actions.server): the gateway wakes the job for every e-mail.
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(CRON_XMLID, raise_if_not_found=False)
        cron = self.env["ir.cron"].sudo().search_fetch([("id", "=", cron_id)], ["active"])
        if cron:
            cron._trigger()

    @api.model
    def _cron_intake(self, batch_size=100):
        """Send the queued acknowledgements and assignment notices.

        Queue rows are locked with SKIP LOCKED and deleted in the same transaction, so
        that several workers (or hosts) running the job at once never send one twice.
        When two workers still collide on a shared row, this one rolls back and the job
        runs again. A follow-up that fails otherwise is logged and not retried forever.
        Returns how many queue rows were handled.
        """
        self.flush_model()
        try:
            # Under REPEATABLE READ even SKIP LOCKED fails on a row that another worker
            # deleted and committed after this transaction's snapshot: a collision too.
            rows = self.env.execute_query(SQL(
                "SELECT id FROM toperp_helpdesk_intake ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED", batch_size,
            ))
            queued = self.sudo().browse([row[0] for row in rows])
            if not queued:
                return 0
            # E-mails are never force-sent here: see _send_after_commit.
            queued.with_context(mail_notify_force_send=False)._send()
            queued.unlink()
            self.env.flush_all()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            _logger.info("Helpdesk: intake job collided with another worker (%s): tried again", error.pgcode)
            self.env["ir.cron"]._toperp_retry_now(CRON_XMLID)
            return 0
        if len(queued) >= batch_size:
            self.env.ref(CRON_XMLID).sudo()._trigger()
        return len(queued)

    def _send(self):
        """The assignment notices and acknowledgements of these queue rows."""
        for row in self.filtered(lambda r: r.kind == "assign"):
            ticket = row.ticket_id
            if ticket.user_id != row.user_id:
                continue  # reassigned since: the new agent was told by that change
            try:
                with self.env.cr.savepoint():
                    ticket._notify_assignment()
            except psycopg2.OperationalError:
                raise  # concurrency: the whole batch is tried again
            except Exception:
                _logger.exception("Helpdesk: assignment notice of ticket %s failed", ticket.number)
        ack = self.filtered(lambda r: r.kind == "ack").ticket_id
        messages = self.env["mail.message"]
        if ack:
            try:
                with self.env.cr.savepoint():
                    messages = ack._post_acknowledgement()
            except psycopg2.OperationalError:
                raise
            except Exception:
                _logger.warning("Helpdesk: batch of acknowledgements failed, sent one by one", exc_info=True)
                for ticket in ack:
                    try:
                        with self.env.cr.savepoint():
                            messages |= ticket._post_acknowledgement()
                    except psycopg2.OperationalError:
                        raise
                    except Exception:
                        _logger.exception("Helpdesk: acknowledgement of ticket %s failed", ticket.number)
        self._send_after_commit(messages)

    @api.model
    def _send_after_commit(self, messages):
        """Send the e-mails of ``messages`` once this transaction commits. Odoo's e-mail
        queue (another worker, maybe another host) would pick the same outgoing e-mails
        at the same time and send them twice: it sees them only later (scheduled in 10
        minutes), as a retry when the sending after the commit did not happen."""
        mails = self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", messages.ids), ("state", "=", "outgoing")]
        )
        if mails:
            mails.write({"scheduled_date": fields.Datetime.add(fields.Datetime.now(), minutes=10)})
            mails.send_after_commit()
