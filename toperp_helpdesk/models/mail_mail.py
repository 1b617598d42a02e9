import logging
import re

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
        """Two processes never send the same e-mail: Odoo's e-mail queue (a cron, maybe
        on another host) picks every outgoing e-mail, including those a request is
        sending right after its commit; both sent it and one failed on its update.
        Each sender now locks the e-mails it sends (SKIP LOCKED) and leaves those
        another one holds, or has sent meanwhile."""
        if not self.ids:
            return super().send(auto_commit, raise_exception, post_send_callback)
        if auto_commit:
            # The e-mail queue, which commits after each e-mail anyway (auto_commit):
            # a fresh snapshot, so that what other senders committed since the queue
            # was read is seen (REPEATABLE READ).
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.flush_recordset(["state"])
        rows = self.env.execute_query(SQL(
            "SELECT id FROM mail_mail WHERE id IN %s AND state = 'outgoing' FOR NO KEY UPDATE SKIP LOCKED",
            tuple(self.ids),
        ))
        mine = self.browse([row[0] for row in rows])
        if len(mine) < len(self):
            _logger.info("Mail queue: %s e-mail(s) sent or being sent by another process, left to it",
                         len(self) - len(mine))
        return super(MailMail, mine).send(auto_commit, raise_exception, post_send_callback)

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
