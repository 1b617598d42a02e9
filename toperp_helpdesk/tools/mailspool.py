"""Mail ingestion from a Maildir spool: one transaction per e-mail, crash-safe.

A mail server (Postfix ``home_mailbox = Maildir/``, fetchmail/getmail, …) delivers the
raw e-mails for support@… into a Maildir (``tmp/`` then ``new/``); ``setup/mailspool.sh``
(run by a timer) feeds each file of ``new/`` to Odoo's mail gateway, like Odoo's fetchmail:

- each e-mail is processed in its own transaction, committed before its file is removed:
  a crash, a restart of PostgreSQL or a killed process leaves the file in ``new/`` and the
  next run processes it again; nothing of a rolled-back e-mail stays in the database;
- an e-mail processed and committed whose file could not be removed (the process died in
  between) is not processed twice: the mail gateway ignores a Message-ID it already has;
- when the database is unreachable the run stops at once (``DatabaseUnavailable``) and
  leaves the rest of the spool for the next run;
- an e-mail the gateway could not handle (``toperp.helpdesk.mail.gateway``: an error,
  rolled back) is moved to ``cur/`` with the Maildir flag ``F`` (flagged) for a person
  to look at, and the run goes on; rejections for good (duplicates, auto-replies,
  loops, no route) are committed and their files removed, as the gateway logs them.
"""

import logging
from pathlib import Path

import psycopg2

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# Errors of the database connection itself (server restarted, unreachable, connection
# lost, serialization failure): the e-mail is fine, the next run retries it.
TRANSIENT_DB_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError)


class DatabaseUnavailable(Exception):
    """The database could not process an e-mail: the spool is left for the next run."""


def ensure_maildir(maildir):
    maildir = Path(maildir)
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    return maildir


def pending(maildir):
    """Files waiting in ``new/``, oldest name first (Maildir names start with the time)."""
    new = Path(maildir) / "new"
    return sorted((p for p in new.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.name)


def process_maildir(registry, maildir, limit=None, model=None):
    """Process the e-mails of ``maildir/new`` through the helpdesk's mail gateway.

    Returns ``{"processed": n, "rejected": n, "left": n}``. Raises ``DatabaseUnavailable``
    when the database fails: the e-mail being processed stays in ``new/``.
    """
    maildir = ensure_maildir(maildir)
    stats = {"processed": 0, "rejected": 0}
    files = pending(maildir)
    for path in files[:limit] if limit is not None else files:
        raw = path.read_bytes()
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                result = env["toperp.helpdesk.mail.gateway"]._process(raw, model=model)
                if result["error"]:
                    raise RuntimeError(result.get("detail") or "error")
                # leaving the block commits: only then is the file removed
        except TRANSIENT_DB_ERRORS as error:
            _logger.warning("Mail spool: database unavailable while processing %s, left for the next run: %s",
                            path.name, error)
            raise DatabaseUnavailable(str(error)) from error
        except Exception:
            _logger.exception("Mail spool: %s rejected by the mail gateway, moved to cur/ (flagged)", path.name)
            path.rename(maildir / "cur" / f"{path.name.split(':')[0]}:2,F")
            stats["rejected"] += 1
            continue
        path.unlink()
        stats["processed"] += 1
    stats["left"] = len(pending(maildir))
    return stats
