#!/usr/bin/env bash
# Installs what is missing, creates the database "toperp" (addons + Vietnamese demo
# data) when it does not exist, and serves Odoo at http://localhost:8069.
#
#   ./setup/run.sh                     serve (threaded mode)
#   ./setup/run.sh --workers 4         Odoo's multi-process (prefork) mode: 4 HTTP workers,
#                                      one separate cron worker, the bus (longpolling /
#                                      websocket) on TOPERP_GEVENT_PORT (default PORT+3 = 8072)
#   TOPERP_DB=other ./setup/run.sh     another database name
#   TOPERP_UPDATE=1 ./setup/run.sh     update the addons in an existing database first
# Extra arguments go to odoo-bin.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"

ensure_venv
ensure_postgres

DB="${TOPERP_DB:-toperp}"
PORT="${TOPERP_PORT:-8069}"
CONF="$CACHE_DIR/run/$DB.conf"
GEVENT_PORT="${TOPERP_GEVENT_PORT:-$((PORT + 3))}"
write_conf "$CONF" "$DB" "http_port = $PORT" "gevent_port = $GEVENT_PORT" "proxy_mode = False"
ADDONS_HERE=$(present_addons)

installed=$(psql -d "$DB" -Atc "select count(*) from ir_module_module where name='toperp_helpdesk' and state='installed'" 2>/dev/null || echo 0)
if [ "$installed" != "1" ]; then
    log "creating database $DB with $ADDONS_HERE and Vietnamese demo data"
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    LOG="$CACHE_DIR/run/$DB-install.log"
    # The first install takes a minute or two: Odoo's "Loading module X (i/N)" lines
    # (INFO of odoo.modules.loading only; the rest stays at WARNING) are shown as they come.
    odoo_bin -c "$CONF" -d "$DB" -i "$ADDONS_HERE" --load-language=vi_VN --stop-after-init \
        --log-level=warn --log-handler=odoo.modules.loading:INFO --logfile= > "$LOG" 2>&1 &
    install_pid=$!
    started=$SECONDS shown=""
    while kill -0 "$install_pid" 2>/dev/null; do
        sleep 2
        current=$(grep -o 'Loading module [^ ]* ([0-9]*/[0-9]*)' "$LOG" | tail -1 || true)
        if [ -n "$current" ] && [ "$current" != "$shown" ]; then
            log "  ${current#Loading module } — $((SECONDS - started)) s"
            shown=$current
        fi
    done
    wait "$install_pid" || true
    log "  installed in $((SECONDS - started)) s"
    check_log "$LOG"
    psql -d "$DB" -Atc "select 1 from ir_module_module where name='toperp_helpdesk' and state='installed'" |
        grep -q 1 || { tail -40 "$LOG" >&2; dropdb --if-exists "$DB"; die "installation failed (log: $LOG)"; }
elif [ -n "${TOPERP_UPDATE:-}" ]; then
    log "updating $ADDONS_HERE in $DB"
    LOG="$CACHE_DIR/run/$DB-update.log"
    odoo_bin -c "$CONF" -d "$DB" -u "$ADDONS_HERE" --stop-after-init --log-level=warn --logfile= > "$LOG" 2>&1 || true
    check_log "$LOG"
fi

# --workers N (prefork): N HTTP worker processes, cron jobs in their own worker
# (--max-cron-threads, 1 unless given), the bus in a gevent process on $GEVENT_PORT.
# Odoo's defaults for limit_time_cpu/real and limit_memory_* apply; a reverse proxy
# must route /websocket to $GEVENT_PORT (see README, "Scaling out").
EXTRA=()
case " $* " in
    *" --workers"*)
        case " $* " in *" --max-cron-threads"*) ;; *) EXTRA+=(--max-cron-threads=1) ;; esac
        # The bus process (gevent) loads gevent's plugins through pkg_resources: an old
        # setuptools does not see wheels with normalised names (zope_interface-*.dist-info)
        # and that process dies at every start. Upgrade it once in the virtualenv.
        if ! "$VENV/bin/python" -c "import pkg_resources; pkg_resources.require('gevent')" >/dev/null 2>&1; then
            log "upgrading setuptools in $VENV (gevent could not load its plugins)"
            pip_quiet "$VENV/bin/python" -m pip --disable-pip-version-check -q install "setuptools>=70,<76"
        fi
        log "prefork mode: bus (websocket) on port $GEVENT_PORT" ;;
esac
log "serving $DB at http://localhost:$PORT (log in as admin / admin)"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB" "${EXTRA[@]}" "$@"
