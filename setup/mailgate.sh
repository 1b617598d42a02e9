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
"$VENV/bin/python" - "$CONF" "$DB" <<'PY'
import sys

import odoo
from odoo.tools import config

config.parse_config(["-c", sys.argv[1], "--log-level=warn"])
registry = odoo.modules.registry.Registry(sys.argv[2])
raw = sys.stdin.buffer.read()
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    thread_id = env["mail.thread"].message_process(None, raw)
    ticket = env["toperp.helpdesk.ticket"].browse(thread_id).exists() if thread_id else None
    if ticket:
        print(f"{ticket.number}: {ticket.name} [{ticket.severity_id.name}, {ticket.channel}, "
              f"missing: {ticket.missing_info or '-'}, stage: {ticket.stage_id.name}]")
    else:
        print("no ticket created (threaded into an existing record, or rejected)")
PY
