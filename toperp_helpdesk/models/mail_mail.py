import logging
import re

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Models whose automatic e-mails (acknowledgements, reminders, escalation digests) must
# reach their recipient even when the SMTP server was unavailable for a while.
RETRIED_MODELS = ("toperp.helpdesk.ticket", "toperp.helpdesk.team")
# Like a mail server's queue lifetime: deferred e-mails are retried for this long.
RETRY_DAYS = 5
# SMTP replies as smtplib reports them, e.g. "(451, b'4.3.0 Try again later')".
SMTP_TEMPORARY = re.compile(r"\(4\d\d, b?['\"]")
SMTP_PERMANENT = re.compile(r"\(5\d\d, b?['\"]")


class MailMail(models.Model):
    _inherit = "mail.mail"

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        """Two processes never send the same helpdesk e-mail: Odoo's e-mail queue (a
        cron, maybe on another host) picks every outgoing e-mail, including those a
        request or the intake job is sending right after its commit; both sent it and
        one failed on its update (found by tests/test_scale_out.py). Each sender now
        locks the helpdesk e-mails it sends (SKIP LOCKED) and leaves those another one
        holds, or has sent meanwhile. Other apps' e-mails are sent as Odoo does."""
        ours = self.filtered(lambda mail: mail.model in RETRIED_MODELS)
        if not ours:
            return super().send(auto_commit, raise_exception, post_send_callback)
        mine = ours._toperp_lock_unsent(auto_commit)
        if len(mine) < len(ours):
            _logger.info("Mail queue: %s e-mail(s) sent or being sent by another process, left to it",
                         len(ours) - len(mine))
        return super(MailMail, (self - ours) | mine).send(auto_commit, raise_exception, post_send_callback)

    def _toperp_lock_unsent(self, auto_commit=False):
        """These e-mails, still outgoing, locked until this transaction ends; without
        those another process holds or has sent since this transaction began.

        Under REPEATABLE READ, locking a row another transaction changed and committed
        since this one began fails. A request (or its after-commit sending) has a fresh
        snapshot: that is only a serialization failure, which Odoo retries. The e-mail
        queue (``auto_commit``) may hold an older one: a failure there leaves that
        e-mail out (savepoints: 2 queries, only on the queue's path)."""
        self.flush_recordset(["state"])
        query = "SELECT id FROM mail_mail WHERE id IN %s AND state = 'outgoing' FOR NO KEY UPDATE SKIP LOCKED"
        if not auto_commit:
            return self.browse([row[0] for row in self.env.execute_query(SQL(query, tuple(self.ids)))])
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self.env.execute_query(SQL(query, tuple(self.ids)))
        except psycopg2.errors.SerializationFailure:
            rows = []
            for mail_id in self.ids:
                try:
                    with self.env.cr.savepoint(flush=False):
                        rows += self.env.execute_query(SQL(query, (mail_id,)))
                except psycopg2.errors.SerializationFailure:
                    continue
        return self.browse([row[0] for row in rows])

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        self._toperp_requeue_deferred()
        return super().process_email_queue(ids=ids, batch_size=batch_size)

    @api.model
    def _toperp_requeue_deferred(self):
        """Put back in the queue the helpdesk e-mails the SMTP server deferred.

        Odoo marks an e-mail failed ('exception') for good whatever the reason, so an
        acknowledgement sent while the SMTP server was down, or answered "try again
        later" (4xx), would never go out. Those are retried by each run of the queue
        for ``RETRY_DAYS``; permanent refusals (5xx, invalid address) stay failed, and
        so does an e-mail that already reached one of its recipients.
        """
        since = fields.Datetime.subtract(fields.Datetime.now(), days=RETRY_DAYS)
        failed = self.sudo().search([
            ("state", "=", "exception"),
            ("model", "in", RETRIED_MODELS),
            ("create_date", ">=", since),
            ("failure_type", "in", [False, "unknown", "mail_smtp"]),
        ])
        deferred = failed.filtered(
            lambda mail: SMTP_TEMPORARY.search(mail.failure_reason or "")
            or (not mail.failure_type and not SMTP_PERMANENT.search(mail.failure_reason or ""))
        )
        if deferred:
            reached = self.env["mail.notification"].sudo().search([
                ("mail_mail_id", "in", deferred.ids), ("notification_status", "=", "sent"),
            ]).mail_mail_id
            deferred -= reached
        if deferred:
            _logger.info("Mail queue: %s helpdesk e-mail(s) deferred by the SMTP server retried", len(deferred))
            deferred.write(
                {"state": "outgoing", "failure_type": False, "failure_reason": False, "scheduled_date": False}
            )
        return deferred
