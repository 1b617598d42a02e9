#!/usr/bin/env bash
# Feeds one raw e-mail (RFC 822, on standard input) to Odoo's mail gateway, exactly
# as a mail server would deliver a message for support@…, in one transaction:
#
#   ./setup/mailgate.sh < docs/examples/new_ticket_vi.eml
#
# Prints one line: the new ticket, the ticket the message was threaded into, or why it
# was rejected for good (duplicate, auto-reply, bounce, loop…). Every message that is
# not a ticket or a ticket message is kept in the database with its reason (Helpdesk >
# E-mails Not Processed); one that could not be processed at all (Odoo's parser raised
# on it) waits there for a person to reprocess it. Exit status, as a mail server's pipe
# transport reads it (sysexits.h):
#   0   processed, rejected for good, or kept for review: the mail server forgets it;
#   75  EX_TEMPFAIL: not processed now (the database is unreachable, broken, or lost the
#       connection); nothing was committed and the mail server delivers it again later.
#
# TOPERP_DB (default toperp) selects the database, TOPERP_CONF the Odoo configuration
# file (default: the one ./setup/run.sh wrote for that database). No server needs to run.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
EX_TEMPFAIL=75
# Whatever fails before the message is in the database is temporary for the mail
# server: it keeps the message (a bounce would lose the customer's request).
die() { printf '[toperp] mailgate: %s\n' "$*" >&2; exit "$EX_TEMPFAIL"; }
set -E
trap 'exit "$EX_TEMPFAIL"' ERR

ensure_venv >/dev/null
DB="${TOPERP_DB:-toperp}"
CONF="${TOPERP_CONF:-$CACHE_DIR/run/$DB.conf}"
[ -f "$CONF" ] || die "no configuration for $DB ($CONF): run ./setup/run.sh once first"
# The e-mail comes on our standard input; the Python program below takes its own
# standard input from the here-document, so keep the e-mail in a file first.
MAIL_FILE=$(mktemp)
trap 'rm -f "$MAIL_FILE"' EXIT
cat > "$MAIL_FILE"
"$VENV/bin/python" - "$CONF" "$DB" "$MAIL_FILE" <<'PY'
import sys
import traceback

EX_TEMPFAIL = 75


def summary(env, result):
    ticket = env["toperp.helpdesk.ticket"]
    if result["model"] == ticket._name:
        ticket = ticket.browse(result["res_id"]).exists()
    if result["error"]:
        return f"kept for review (could not be processed): {result.get('detail') or 'error'}".splitlines()[0]
    if ticket and result["outcome"] == "created":
        return (f"{ticket.number}: {ticket.name} [{ticket.severity_id.name}, {ticket.channel}, "
                f"missing: {ticket.missing_info or '-'}, stage: {ticket.stage_id.name}]")
    if result["outcome"] == "threaded":
        return f"threaded into {ticket.number if ticket else result['model']}"
    return f"rejected: {result['reason']} {result.get('detail', '')}".strip()


def main(conf, db, mail_path):
    import odoo
    from odoo.service.model import retrying
    from odoo.tools import config

    config.parse_config(["-c", conf, "--log-level=warn"])
    with open(mail_path, "rb") as mail_file:
        raw = mail_file.read()
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

        def deliver():
            # Never raises but for a concurrency error (two deliveries touching the same
            # ticket at once): retrying() rolls back and runs it again, as for RPC calls.
            result = env["toperp.helpdesk.mail.gateway"]._process(raw)
            return result, summary(env, result)

        # retrying() commits, then sends the e-mails queued for after the commit.
        result, line = retrying(deliver, env)
    if result["outcome"] == "created":
        # The acknowledgement and the agent's notice, at once rather than from the cron
        # worker's intake job that the gateway woke (whichever comes first sends them,
        # once). The ticket is committed: a failure here loses nothing.
        try:
            with registry.cursor() as cr:
                odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["toperp.helpdesk.intake"]._cron_intake()
        except Exception:  # the intake job sends them later
            traceback.print_exc()
    print(line)
    # A message that could not be processed was rolled back and kept in the helpdesk
    # (Helpdesk > E-mails Not Processed) for a person to reprocess: accepted, like the
    # rest (a mail server would otherwise retry it for days).
    return 0


try:
    status = main(*sys.argv[1:4])
except Exception as error:  # database unreachable or broken, commit failed…
    traceback.print_exc()
    print(f"temporary failure: {type(error).__name__}: {error}".splitlines()[0])
    status = EX_TEMPFAIL
sys.stdout.flush()
sys.exit(status)
PY
