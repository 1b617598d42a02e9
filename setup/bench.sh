#!/usr/bin/env bash
# Runs the performance benchmarks of DESIGN §6 (tests/perf/bench_*.py) in a throw-away
# database with every present addon (no demo data, Vietnamese loaded), prints their
# "BENCH name key=value ..." lines on stdout, drops the databases. Fails when a
# benchmark script fails (or prints no BENCH line). See tests/perf/README.md.
#
#   ./setup/bench.sh                      every benchmark
#   ./setup/bench.sh ticket_create clock  only these (bench_<name>.py)
#   BENCH_ARGS="--count 400" ./setup/bench.sh ticket_create
#                                         extra arguments for the script(s)
#   BENCH_DB=mydb KEEP_DB=1 ./setup/bench.sh   keep (and reuse) the database
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"

ensure_venv
ensure_postgres

SCRIPTS=()
if [ $# -gt 0 ]; then
    for name in "$@"; do
        f="tests/perf/bench_${name#bench_}"; f="${f%.py}.py"
        [ -f "$f" ] || die "no benchmark $f"
        SCRIPTS+=("$f")
    done
else
    for f in tests/perf/bench_*.py; do [ -f "$f" ] && SCRIPTS+=("$f"); done
fi
[ ${#SCRIPTS[@]} -gt 0 ] || die "no benchmark in tests/perf"

ADDONS_HERE=$(present_addons)
[ -n "$ADDONS_HERE" ] || die "no addon found in $REPO_DIR"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/toperp-bench.XXXXXX")
DB="${BENCH_DB:-toperp_bench_$$}"
CONF="$RUN_DIR/odoo.conf"
write_conf "$CONF" "$DB"
cleanup() {
    if [ -z "${KEEP_DB:-}" ]; then
        # the benchmarks' own throw-away databases too, should one have been interrupted
        for d in "$DB" "${DB}_oca" "${DB}_bare" "${DB}_backend" "${DB}_backend_oca" "${DB}_backend_oca_empty"; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done
    fi
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

prepare_db "$CONF" "$DB" "$RUN_DIR/install.log" "${KEEP_DB:-}" --load-language=vi_VN

failed=()
for script in "${SCRIPTS[@]}"; do
    log "benchmark: $script"
    # Each benchmark starts from a vacuumed database: the rows an earlier one deleted or
    # rolled back (10 000 portal tickets, 100 000 SLA-cron tickets) would weigh on it.
    psql -q -d "$DB" -c "VACUUM ANALYZE" >/dev/null || die "VACUUM of $DB failed"
    set +e
    # shellcheck disable=SC2086
    "$VENV/bin/python" "$script" -c "$CONF" -d "$DB" ${BENCH_ARGS:-} > "$RUN_DIR/out" 2> >(
        grep -v "^WARNING: Location" >&2)
    rc=$?
    set -e
    grep -v '^BENCH ' "$RUN_DIR/out" >&2 || true
    grep '^BENCH ' "$RUN_DIR/out" || { [ "$rc" -ne 0 ] || rc=1; log "$script printed no BENCH line"; }
    [ "$rc" -eq 0 ] || { failed+=("$script"); log "FAILED: $script (exit $rc)"; }
done
[ ${#failed[@]} -eq 0 ] || die "benchmark(s) failed: ${failed[*]}"
log "OK: ${#SCRIPTS[@]} benchmark(s)"
