import codecs
import email
import email.parser
import email.policy
import hashlib
import logging
import traceback

import psycopg2

from odoo import api, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Context key in which mail.thread.message_route tells the entry point what it did.
GATEWAY_INFO_KEY = "toperp_gateway_info"
# Namespace of the advisory locks the gateway takes on Message-IDs.
LOCK_PREFIX = b"toperp-helpdesk-gateway:"


def _message_id_lock_key(message_id):
    """The 64-bit key of the advisory lock of one Message-ID (a collision only makes
    two different messages wait for each other)."""
    digest = hashlib.sha256(LOCK_PREFIX + message_id.encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _known_charset(name):
    try:
        codecs.lookup(str(name))
    except LookupError:
        return False
    return True


def repair_charsets(raw):
    """``raw`` with the parts that declare a charset Python does not know (VISCII,
    misspelt or empty names) relabelled as UTF-8 when their bytes are UTF-8, else as
    Windows-1258 (the text may show replacement characters, but the message is not
    refused: Odoo's parser raises ``LookupError`` on them). None when nothing needed
    repair."""
    message = email.message_from_bytes(raw, policy=email.policy.SMTP)
    repaired = False
    for part in message.walk():
        if part.is_multipart():
            continue
        charset = part.get_param("charset")
        if charset is None or _known_charset(charset):
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
        repaired = True
    return message.as_bytes() if repaired else None


class ToperpHelpdeskMailGateway(models.AbstractModel):
    """The entry point of e-mail into the helpdesk (``setup/mailgate.sh``, the Maildir
    spool): one raw message through Odoo's mail gateway (``message_process``) that
    never raises, so that a mail server never retries, for days, a message Odoo cannot
    handle; and a redelivered message never opens a second ticket. Odoo's own
    ``message_process`` keeps its contract for every other caller (fetchmail): it
    raises when no route matches."""

    _name = "toperp.helpdesk.mail.gateway"
    _description = "Helpdesk Mail Gateway"

    @api.model
    def _process(self, message, model=None, keep=True):
        """Run one raw e-mail through the mail gateway without ever raising.

        Returns a dict: ``outcome`` is ``created``, ``threaded`` or ``rejected``;
        ``model``/``res_id`` the record the message landed on; ``reason`` why it was
        rejected (``duplicate``, ``automatic``, ``bounce``, ``bounce-loop``,
        ``own-address``, ``no-sender``, ``no-route``, ``sender-loop`` or ``error``);
        ``message_id``. Every rejection is logged as ``Helpdesk: rejected message
        <id>: <reason>`` and, with ``keep``, the message is kept with its reason
        (``toperp.helpdesk.mail.quarantine``: nothing is lost); an ``error`` rejection
        (Odoo's parser or routing raised) rolls back what the message did, keeps the
        traceback and ``error`` true: the message waits there for a person to
        reprocess it, and the mail server is told it was accepted.

        A message without Message-ID gets one derived from its content, so that a
        redelivered copy is recognised as such. A message declaring a charset Python
        does not know is read again with a known one (``repair_charsets``).

        Two deliveries of one message at the same moment (two mail servers, a retry
        racing the first attempt) make one ticket: each takes a transaction-level
        advisory lock on the Message-ID, so the second waits until the first
        transaction ends, then finds the message and is rejected as a duplicate.

        The exceptions that are raised: a concurrency error of PostgreSQL
        (serialization failure, deadlock, lock not available, e.g. two replies to one
        ticket at once): what the message did is rolled back and the whole transaction
        must be tried again (``odoo.service.model.retrying``, as Odoo does for RPC); an
        error of the database itself (connection lost): the message is delivered again.
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
        # Held until this transaction ends: a second delivery of the message waits here.
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", _message_id_lock_key(message_id)))
        if self.env["mail.message"].sudo().search_count([("message_id", "=", message_id)], limit=1):
            result["reason"] = "duplicate"
        elif self._committed_message_id(message_id):
            # Committed by a delivery that held the lock before us (see below).
            result["reason"] = "duplicate"
        else:
            self._route(message, model, result)
        if result["outcome"] == "rejected":
            _logger.info("Helpdesk: rejected message %s: %s", result["message_id"], result["reason"])
            if keep:
                self.env["toperp.helpdesk.mail.quarantine"]._keep(message, result)
        return result

    @api.model
    def _route(self, message, model, result):
        """``message_process`` of ``message``, its outcome written in ``result``."""
        # A fresh object in the dict: environments with equal contexts are shared, and
        # an empty dict equals the one left by an earlier message.
        info = {"call": object()}
        MailThread = self.env["mail.thread"].with_context(**{GATEWAY_INFO_KEY: info})
        try:
            try:
                with self.env.cr.savepoint():
                    thread_id = MailThread.message_process(model, message)
            except LookupError:
                repaired = repair_charsets(message)
                if repaired is None:
                    raise
                info.clear()
                with self.env.cr.savepoint():
                    thread_id = MailThread.message_process(model, repaired)
        except (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, psycopg2.OperationalError, psycopg2.InterfaceError):
            # Concurrency: the caller tries the transaction again; the database itself
            # failed (connection lost, server restarting): the message stays with the
            # mail server or in the spool, delivered again later.
            raise
        except ValueError as exc:
            if "routes" in info:
                return self._error(result, exc)
            # No alias matches and no fallback model (or the alias refuses the
            # sender): Odoo's gateway raises, we reject.
            _logger.info("Helpdesk: message %s not routed: %s", result["message_id"], exc)
            result["reason"] = "no-route"
            return result
        except Exception as exc:
            return self._error(result, exc)
        routes = info.get("routes")
        if routes is None:
            result["reason"] = "bounce-loop"  # message_route never ran: a reply to a bounce
        elif not routes:
            result["reason"] = info.get("reason") or "no-route"
        elif not thread_id:
            result["reason"] = "sender-loop"
        else:
            result.update(outcome="threaded" if routes[0][1] else "created", model=routes[0][0], res_id=thread_id)
        return result

    @api.model
    def _error(self, result, exc):
        _logger.warning("Helpdesk: error while processing message %s", result["message_id"], exc_info=True)
        result.update(reason="error", error=True, detail=str(exc)[:500],
                      traceback="".join(traceback.format_exception(exc))[-20000:])
        return result

    @api.model
    def _committed_message_id(self, message_id):
        """Whether a committed message has this Message-ID, as seen by a transaction
        that starts now.

        Odoo's transactions are REPEATABLE READ: they see the database as it was at
        their first query. That snapshot may be older than the advisory lock that
        ``_process`` waited for (taking the lock is a query, and its snapshot is taken
        before it waits), so the message that the previous holder of the lock committed
        is invisible to this transaction. A new cursor sees it; as the lock is held, no
        other delivery of the message can commit meanwhile. (Under test, the registry
        gives a cursor on the test's own transaction.)
        """
        with self.env.registry.cursor() as cr:
            cr.execute(SQL("SELECT 1 FROM mail_message WHERE message_id = %s LIMIT 1", message_id))
            return bool(cr.fetchone())
