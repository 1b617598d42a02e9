#!/usr/bin/env bash
# Feeds one raw e-mail (RFC 822, on standard input) to Odoo's mail gateway, exactly
# as a mail server would deliver a message for support@…:
#
#   ./setup/mailgate.sh < tests/fixtures/mail/new_ticket_vi.eml
#
# TOPERP_DB (default toperp) selects the database. No server needs to run.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv >/dev/null
DB="${TOPERP_DB:-toperp}"
CONF="$CACHE_DIR/run/$DB.conf"
[ -f "$CONF" ] || die "no configuration for $DB: run ./setup/run.sh once first"
# The e-mail comes on our standard input; the Python program below takes its own
# standard input from the here-document, so keep the e-mail in a file first.
MAIL_FILE=$(mktemp)
trap 'rm -f "$MAIL_FILE"' EXIT
cat > "$MAIL_FILE"
"$VENV/bin/python" - "$CONF" "$DB" "$MAIL_FILE" <<'PY'
import sys

import odoo
from odoo.tools import config

config.parse_config(["-c", sys.argv[1], "--log-level=warn"])
registry = odoo.modules.registry.Registry(sys.argv[2])
with open(sys.argv[3], "rb") as mail_file:
    raw = mail_file.read()
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    # Never raises: rejections (auto-replies, bounces, loops, duplicates…) are logged.
    result = env["mail.thread"]._toperp_gateway_process(raw)
    ticket = env["toperp.helpdesk.ticket"]
    if result["model"] == ticket._name:
        ticket = ticket.browse(result["res_id"]).exists()
    if ticket and result["outcome"] == "created":
        print(f"{ticket.number}: {ticket.name} [{ticket.severity_id.name}, {ticket.channel}, "
              f"missing: {ticket.missing_info or '-'}, stage: {ticket.stage_id.name}]")
    elif result["outcome"] == "threaded":
        print(f"threaded into {ticket.number if ticket else result['model']}")
    else:
        print(f"rejected: {result['reason']} {result.get('detail', '')}".strip())
# An unexpected error: EX_TEMPFAIL, the mail server keeps the message and retries.
sys.exit(75 if result["error"] else 0)
PY
