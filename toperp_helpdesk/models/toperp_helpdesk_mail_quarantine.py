import base64
import email.parser
import email.policy
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

REASONS = [
    ("error", "Could not be processed"),
    ("duplicate", "Already received"),
    ("automatic", "Automatic message (auto-reply, bulk mail)"),
    ("bounce", "Delivery report (bounce)"),
    ("bounce-loop", "Reply to a delivery report"),
    ("own-address", "Sent from one of our own addresses (loop)"),
    ("no-sender", "No sender address"),
    ("no-route", "Addressed to no alias of ours"),
    ("sender-loop", "Sender opening too many tickets (loop)"),
]
# Days a rejection is kept for a person to check (setting toperp_helpdesk.mail_quarantine_days).
DEFAULT_KEEP_DAYS = 30


class ToperpHelpdeskMailQuarantine(models.Model):
    """Every e-mail the helpdesk's mail gateway did not turn into a ticket or a
    message: kept with why, so that "nothing lost" can be checked by a person. A message
    that could not be processed (an error: Odoo's parser raised on it) stays until a
    manager reprocesses or discards it; rejections for good (duplicates, loops,
    auto-replies, bounces…) are purged after some days."""

    _name = "toperp.helpdesk.mail.quarantine"
    _description = "Helpdesk E-mail Not Processed"
    _order = "received_date desc, id desc"
    _rec_name = "subject"

    received_date = fields.Datetime(string="Received", default=fields.Datetime.now, readonly=True, index=True)
    subject = fields.Char(readonly=True)
    email_from = fields.Char(string="From", readonly=True)
    message_id = fields.Char(string="Message-ID", readonly=True, index=True)
    reason = fields.Selection(REASONS, required=True, readonly=True, index=True)
    detail = fields.Text(readonly=True, help="What went wrong (the error and its traceback).")
    raw = fields.Binary(string="Original E-mail", attachment=True, readonly=True)
    raw_filename = fields.Char(compute="_compute_raw_filename")
    state = fields.Selection(
        [("to_review", "To Review"), ("rejected", "Rejected"), ("reprocessed", "Reprocessed"),
         ("discarded", "Discarded")],
        required=True, readonly=True, index=True,
    )
    result = fields.Char(readonly=True, help="Outcome of the last reprocessing.")
    ticket_id = fields.Many2one("toperp.helpdesk.ticket", readonly=True, ondelete="set null",
                                help="The ticket the e-mail landed in once reprocessed.")

    def _compute_raw_filename(self):
        for record in self:
            record.raw_filename = f"{(record.message_id or 'message').strip('<>')}.eml"

    @api.model
    def _keep(self, raw, result):
        """Record the raw e-mail ``raw`` that the gateway rejected or could not process
        (``result`` of ``toperp.helpdesk.mail.gateway._process``)."""
        try:
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
            subject, email_from = str(headers.get("Subject") or ""), str(headers.get("From") or "")
        except Exception:  # headers beyond repair: the raw message is kept all the same
            subject, email_from = "", ""
        return self.sudo().create({
            "subject": subject.replace("\x00", "")[:500],
            "email_from": email_from.replace("\x00", "")[:500],
            "message_id": result["message_id"],
            "reason": result["reason"] if result["reason"] in dict(REASONS) else "error",
            "detail": (result.get("traceback") or result.get("detail") or "").replace("\x00", "") or False,
            "raw": base64.b64encode(raw),
            "state": "to_review" if result["error"] else "rejected",
        })

    def action_reprocess(self):
        """Run the kept e-mails through the mail gateway again (after a fix)."""
        # As the mail gateway runs (setup/mailgate.sh): as the system, for a manager.
        Gateway = self.env["toperp.helpdesk.mail.gateway"].sudo()
        for record in self:
            if record.state in ("reprocessed", "discarded"):
                raise UserError(self.env._("This e-mail was already reprocessed or discarded."))
            raw = base64.b64decode(record.sudo().raw or b"")
            result = Gateway._process(raw, keep=False)
            values = {"result": self._describe(result)}
            if result["outcome"] != "rejected":
                values.update(state="reprocessed", ticket_id=result["res_id"]
                              if result["model"] == "toperp.helpdesk.ticket" else False)
            elif result["error"]:
                values["detail"] = result.get("traceback") or False
            record.sudo().write(values)
        return True

    def action_discard(self):
        self.sudo().write({"state": "discarded"})
        return True

    def _describe(self, result):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        if result["outcome"] == "created":
            return self.env._("A ticket was created.")
        if result["outcome"] == "threaded":
            return self.env._("Added to an existing ticket.")
        return self.env._("Rejected again: %(reason)s", reason=reasons.get(result["reason"], result["reason"]))

    @api.model
    def _cron_purge(self):
        """Forget the rejections, and what was reprocessed or discarded, after the kept
        days; what is still to review stays."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "toperp_helpdesk.mail_quarantine_days", DEFAULT_KEEP_DAYS) or DEFAULT_KEEP_DAYS)
        old = self.sudo().search([
            ("state", "!=", "to_review"),
            ("received_date", "<", fields.Datetime.subtract(fields.Datetime.now(), days=days)),
        ])
        old.unlink()
        return len(old)
