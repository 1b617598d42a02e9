#!/usr/bin/env bash
# Re-exports each addon's translatable terms to i18n/<addon>.pot and merges them into
# i18n/vi.po (existing translations are kept, new terms get an empty msgstr to fill,
# terms that are gone are dropped). tests/test_i18n.py fails while a term is untranslated.
#
#   ./setup/i18n.sh                       all addons
#   ./setup/i18n.sh toperp_helpdesk       one addon
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
ensure_venv
ensure_postgres
ADDONS_HERE=$(present_addons)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || IFS=, read -ra TARGETS <<< "$ADDONS_HERE"
DB="${I18N_DB:-toperp_i18n_$$}"
RUN_DIR=$(mktemp -d)
write_conf "$RUN_DIR/odoo.conf" "$DB"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
log "installing $ADDONS_HERE into $DB"
odoo_bin -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDONS_HERE" --without-demo=all --stop-after-init \
    --log-level=warn --logfile= > "$RUN_DIR/install.log" 2>&1 || true
check_log "$RUN_DIR/install.log"
for addon in "${TARGETS[@]}"; do
    mkdir -p "$addon/i18n"
    log "exporting $addon/i18n/$addon.pot"
    odoo_bin -c "$RUN_DIR/odoo.conf" -d "$DB" --i18n-export="$REPO_DIR/$addon/i18n/$addon.pot" \
        --modules="$addon" --stop-after-init --log-level=warn --logfile= > "$RUN_DIR/export.log" 2>&1 || true
    check_log "$RUN_DIR/export.log"
    "$VENV/bin/python" - "$addon/i18n/$addon.pot" "$addon/i18n/vi.po" <<'PY'
import os
import sys

import polib

pot_path, po_path = sys.argv[1:3]
pot = polib.pofile(pot_path, wrapwidth=0)
old = polib.pofile(po_path, wrapwidth=0) if os.path.exists(po_path) else None
known = {(e.msgctxt, e.msgid): e for e in old} if old else {}
po = polib.POFile(wrapwidth=0)
po.metadata = dict(pot.metadata)
po.metadata.update({"Language": "vi", "Language-Team": "Vietnamese", "Plural-Forms": "nplurals=1; plural=0;",
                    "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": ""})
po.header = pot.header
missing = 0
for entry in pot:
    prev = known.get((entry.msgctxt, entry.msgid))
    new = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, msgstr=prev.msgstr if prev else "",
                        occurrences=entry.occurrences, comment=entry.comment, tcomment=entry.tcomment,
                        flags=[f for f in entry.flags if f != "fuzzy"])
    missing += not new.msgstr
    po.append(new)
po.save(po_path)
print(f"{po_path}: {len(po)} terms, {missing} to translate")
PY
done
