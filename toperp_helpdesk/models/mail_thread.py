import codecs
import email.parser
import email.policy
import hashlib
import logging
import re
import unicodedata

from odoo import api, models, tools
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..tools import intake

_logger = logging.getLogger(__name__)

# Key of the context dict in which message_route tells _toperp_gateway_process what it did.
GATEWAY_INFO_KEY = "toperp_gateway_info"
# Control characters never wanted in a subject (NUL breaks PostgreSQL, CR/LF break
# the headers of our answers).
CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f]+")
# Namespace of the advisory locks the gateway takes on Message-IDs.
GATEWAY_LOCK_PREFIX = b"toperp-helpdesk-gateway:"


def _message_id_lock_key(message_id):
    """The 64-bit key of the advisory lock of one Message-ID (a collision only makes
    two different messages wait for each other)."""
    digest = hashlib.sha256(GATEWAY_LOCK_PREFIX + message_id.encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _known_charset(name):
    try:
        codecs.lookup(str(name))
    except LookupError:
        return False
    return True


def _repair_charsets(message):
    """Parts declaring a charset Python does not know (VISCII, misspelt or empty
    names) are read as UTF-8 when their bytes are UTF-8, else as Windows-1258:
    the text may show replacement characters but the message is not refused."""
    for part in message.walk():
        if part.is_multipart():
            continue
        charset = part.get_param("charset")
        if charset is None:
            continue
        if _known_charset(charset):
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            payload.decode("utf-8")
            fallback = "utf-8"
        except UnicodeDecodeError:
            fallback = "windows-1258"
        _logger.info("Helpdesk: unknown charset %r in an incoming message, read as %s", charset, fallback)
        part.set_param("charset", fallback)
        if part.get_param("charset") != fallback:
            # A Content-Type too broken to edit: write a clean one.
            content_type = part.get_content_type()
            del part["Content-Type"]
            part["Content-Type"] = f"{content_type}; charset={fallback}"


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """Auto-replies, bulk mail and delivery reports never open a helpdesk ticket.

        They may still thread into an existing ticket (an out-of-office answer is
        useful history), but they never create one, so that two auto-responders
        cannot feed each other through our acknowledgements.

        Mail sent by one of our own addresses (a loop) or without any sender address
        is dropped; a reply that a stranger (neither the ticket's customer, nor a
        follower, nor staff) threads into a ticket is kept as an internal note, so that
        a spoofed or misdirected e-mail never shows in another customer's ticket.
        """
        info = self.env.context.get(GATEWAY_INFO_KEY)
        if info is None:
            info = {}
        email_from = message_dict.get("email_from")
        sender = tools.email_normalize(email_from or "")
        if not sender:
            info.update(routes=[], reason="no-sender")
            _logger.info("Helpdesk: message %s has no sender address: not routed", message_dict.get("message_id"))
            return []
        if sender in self._toperp_own_addresses():
            info.update(routes=[], reason="own-address")
            _logger.info(
                "Helpdesk: message %s comes from our own address %s (mail loop): not routed",
                message_dict.get("message_id"), sender,
            )
            return []
        try:
            routes = super().message_route(
                message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
            )
        except ValueError as exc:
            # No alias matches and no fallback model (or the alias refuses the sender):
            # a rejection, not a crash of the mail gateway.
            info.update(routes=[], reason="no-route")
            _logger.info("Helpdesk: message %s not routed: %s", message_dict.get("message_id"), exc)
            return []
        info["routes"] = routes
        if not routes:
            info["reason"] = "bounce" if message_dict.get("is_bounce") else "no-route"
            return routes
        # Only the headers looked at (decoding every header of the message costs).
        headers = {name: str(message[name]) for name in intake.AUTOMATIC_HEADERS if message.get(name) is not None}
        if intake.is_automatic_message(headers, email_from):
            kept = [r for r in routes if not (r[0] == "toperp.helpdesk.ticket" and not r[1])]
            if any(r[0] == "toperp.helpdesk.ticket" for r in kept):
                # Threaded into a ticket as an internal note: agents see it, it notifies
                # nobody and never counts as the customer's answer.
                message_dict["is_internal"] = True
            if len(kept) != len(routes):
                _logger.info(
                    "Helpdesk: automatic message %s from %s rejected: it creates no ticket",
                    message_dict.get("message_id"), email_from,
                )
            info["routes"] = routes = kept
            if not routes:
                info["reason"] = "automatic"
        elif any(r[0] == "toperp.helpdesk.ticket" and r[1] for r in routes):
            tickets = self.env["toperp.helpdesk.ticket"].sudo().browse(
                [r[1] for r in routes if r[0] == "toperp.helpdesk.ticket" and r[1]]
            )
            author = self.env["res.partner"].sudo().browse(message_dict.get("author_id") or [])
            if any(not ticket._toperp_is_known_correspondent(author) for ticket in tickets):
                message_dict["is_internal"] = True
                _logger.info(
                    "Helpdesk: reply %s from %s, a stranger to the ticket, kept as an internal note",
                    message_dict.get("message_id"), email_from,
                )
        return routes

    @api.model
    def message_parse(self, message, save_original=False):
        """Hostile input: unknown charsets are read anyway; subjects lose control
        characters; text is NFC-normalised (Windows-1258 sends Vietnamese letters
        as a base letter plus a combining tone mark, which searches would miss)."""
        _repair_charsets(message)
        msg_dict = super().message_parse(message, save_original=save_original)
        if msg_dict.get("subject"):
            subject = CONTROL_CHARS_RE.sub(" ", msg_dict["subject"])
            msg_dict["subject"] = unicodedata.normalize("NFC", " ".join(subject.split()))
        if isinstance(msg_dict.get("body"), str):
            msg_dict["body"] = unicodedata.normalize("NFC", msg_dict["body"].replace("\x00", ""))
        return msg_dict

    @api.model
    def _toperp_own_addresses(self):
        """Every address our database sends from or receives on: aliases, catchall,
        bounce and default sender addresses of each alias domain. Kept in the registry
        cache, cleared when an alias or alias domain changes."""
        return self.env["mail.alias"]._toperp_own_addresses_cached()

    @api.model
    def _toperp_gateway_process(self, message, model=None):
        """Run one raw e-mail through the mail gateway without ever raising.

        The entry point of ``setup/mailgate.sh``. Returns a dict: ``outcome`` is
        ``created``, ``threaded`` or ``rejected``; ``model``/``res_id`` the record the
        message landed on; ``reason`` why it was rejected (``duplicate``, ``automatic``,
        ``bounce``, ``bounce-loop``, ``own-address``, ``no-sender``, ``no-route``,
        ``sender-loop`` or ``error``); ``message_id``. Every rejection is logged as
        ``Helpdesk: rejected message <id>: <reason>``; an ``error`` rejection rolls back
        what the message did, logs the traceback and keeps ``error`` true so that the
        caller can ask the mail server to deliver the message again later.

        A message without Message-ID gets one derived from its content, so that a
        redelivered copy is recognised as such.

        Two deliveries of one message at the same moment (two mail servers, a retry
        racing the first attempt) make one ticket: each takes a transaction-level
        advisory lock on the Message-ID, so the second waits until the first
        transaction ends, then finds the message and is rejected as a duplicate.

        The one exception that is raised: a concurrency error of PostgreSQL
        (serialization failure, deadlock, lock not available, e.g. two replies to one
        ticket at once). What the message did is rolled back and the whole transaction
        must be tried again (``odoo.service.model.retrying``, as Odoo does for RPC).
        """
        if isinstance(message, str):
            message = message.encode("utf-8")
        message_id = ""
        try:
            headers = email.parser.BytesHeaderParser(policy=email.policy.SMTP).parsebytes(message)
            message_id = str(headers.get("Message-Id") or "").strip()
        except Exception:
            _logger.info("Helpdesk: unreadable headers in an incoming message", exc_info=True)
        if not message_id:
            message_id = f"<{hashlib.sha256(message).hexdigest()[:40]}@toperp-helpdesk.missing-message-id>"
            message = f"Message-ID: {message_id}\r\n".encode() + message
        result = {"outcome": "rejected", "model": False, "res_id": False, "reason": "", "error": False,
                  "message_id": message_id}
        # A fresh object in the dict: environments with equal contexts are shared, and
        # an empty dict equals the one left by an earlier message.
        info = {"call": object()}
        # Held until this transaction ends: a second delivery of the message waits here.
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", _message_id_lock_key(message_id)))
        if self.env["mail.message"].sudo().search_count([("message_id", "=", message_id)], limit=1):
            result["reason"] = "duplicate"
        elif self._toperp_committed_message_id(message_id):
            # Committed by a delivery that held the lock before us (see below).
            result["reason"] = "duplicate"
        else:
            try:
                with self.env.cr.savepoint():
                    thread_id = self.with_context(**{GATEWAY_INFO_KEY: info}).message_process(model, message)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception as exc:
                _logger.warning("Helpdesk: error while processing message %s", message_id, exc_info=True)
                result.update(reason="error", error=True, detail=str(exc)[:500])
            else:
                routes = info.get("routes")
                if routes is None:
                    result["reason"] = "bounce-loop"
                elif not routes:
                    result["reason"] = info.get("reason") or "no-route"
                elif not thread_id:
                    result["reason"] = "sender-loop"
                else:
                    result.update(
                        outcome="threaded" if routes[0][1] else "created", model=routes[0][0], res_id=thread_id,
                    )
        if result["outcome"] == "rejected":
            _logger.info("Helpdesk: rejected message %s: %s", message_id, result["reason"])
        return result

    @api.model
    def _toperp_committed_message_id(self, message_id):
        """Whether a committed message has this Message-ID, as seen by a transaction
        that starts now.

        Odoo's transactions are REPEATABLE READ: they see the database as it was at
        their first query. That snapshot may be older than the advisory lock that
        ``_toperp_gateway_process`` waited for (taking the lock is a query, and its
        snapshot is taken before it waits), so the message that the previous holder
        of the lock committed is invisible to this transaction. A new cursor sees it;
        as the lock is held, no other delivery of the message can commit meanwhile.
        (Under test, the registry gives a cursor on the test's own transaction.)
        """
        with self.env.registry.cursor() as cr:
            cr.execute(SQL("SELECT 1 FROM mail_message WHERE message_id = %s LIMIT 1", message_id))
            return bool(cr.fetchone())
