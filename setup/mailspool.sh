#!/usr/bin/env bash
# Processes the e-mails a mail server delivered into a Maildir spool (its new/ folder)
# through Odoo's mail gateway: one transaction per e-mail, the file removed only after
# the commit (see toperp_helpdesk/tools/mailspool.py). Run it from a timer:
#
#   ./setup/mailspool.sh /var/mail/toperp-support        # a Maildir: tmp/ new/ cur/
#
# Exits 0 when the spool was processed, 3 when the database was unavailable (what was
# left is processed by the next run). TOPERP_DB (default toperp) selects the database.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -eq 1 ] || die "usage: $0 MAILDIR"
ensure_venv >/dev/null
DB="${TOPERP_DB:-toperp}"
CONF="${TOPERP_CONF:-$CACHE_DIR/run/$DB.conf}"
[ -f "$CONF" ] || die "no configuration for $DB: run ./setup/run.sh once first"
"$VENV/bin/python" - "$CONF" "$DB" "$1" <<'PY'
import json
import sys

import odoo
from odoo.tools import config

config.parse_config(["-c", sys.argv[1], "--log-level=warn"])
from odoo.addons.toperp_helpdesk.tools import mailspool  # noqa: E402

try:
    registry = odoo.modules.registry.Registry(sys.argv[2])
    stats = mailspool.process_maildir(registry, sys.argv[3])
except (mailspool.DatabaseUnavailable, *mailspool.TRANSIENT_DB_ERRORS) as error:
    print(f"database unavailable, spool left for the next run: {error}", file=sys.stderr)
    sys.exit(3)
print(json.dumps(stats))
PY
