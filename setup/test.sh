#!/usr/bin/env bash
# Installs what is missing, lints, builds a throw-away database with the addons and
# runs every test (pytest + pytest-odoo, HTTP server on for tours). Fails when a test
# fails, errors or is skipped, when Odoo logs an ERROR, or when the linters complain.
#
#   ./setup/test.sh                  everything, as CI runs it
#   ./setup/test.sh -k mail -x       extra arguments go to pytest
#   TEST_DB=mydb REUSE_DB=1 ./setup/test.sh toperp_helpdesk/tests/test_x.py
#                                    reuse (and update) a kept database: fast iteration
#   SKIP_LINT=1 SKIP_DEMO=1          skip the lint step / the demo-data install check
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"

ensure_venv
ensure_postgres
ensure_chromium
ensure_postfix
ensure_oca_addons

if [ -z "${SKIP_LINT:-}" ]; then
    log "lint: ruff"
    "$VENV/bin/ruff" check . || die "ruff found problems (ruff check . --fix fixes most)"
    log "lint: pylint-odoo"
    # shellcheck disable=SC2046
    "$VENV/bin/python" -m pylint --rcfile=.pylintrc $(present_addons | tr , ' ') ||
        die "pylint-odoo found problems"
fi

ADDONS_HERE=$(present_addons)
[ -n "$ADDONS_HERE" ] || die "no addon found in $REPO_DIR"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/toperp-test.XXXXXX")
DB="${TEST_DB:-toperp_test_$$}"
CONF="$RUN_DIR/odoo.conf"
# A free port of our own: tests may run beside ./setup/run.sh or another test run.
HTTP_PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_conf "$CONF" "$DB" "http_port = $HTTP_PORT"
cleanup() {
    if [ -z "${TEST_DB:-}" ]; then dropdb --if-exists "$DB" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# Odoo's own mail tests judge our mail overrides (they must keep Odoo's contract for
# every other model): test_mail is installed beside our addons and these files run too,
# with our pytest fixtures (tests/pytest_plugin.py: no real SMTP, as under odoo-bin).
EXTRA_MODULES=test_mail prepare_db "$CONF" "$DB" "$RUN_DIR/install.log" "${REUSE_DB:-}"
ODOO_MAIL_TESTS=()
for f in test_mail_gateway test_mail_alias test_mail_mail test_message_post; do
    ODOO_MAIL_TESTS+=("$ODOO_SRC/odoo/addons/test_mail/tests/$f.py")
done
TEST_PATHS=()
for a in ${ADDONS_HERE//,/ }; do [ -d "$a/tests" ] && TEST_PATHS+=("$a/tests"); done
[ -d tests ] && TEST_PATHS+=(tests)
if [ $# -gt 0 ]; then
    case "$1" in -*) PYTEST_ARGS=("${TEST_PATHS[@]}" "${ODOO_MAIL_TESTS[@]}" "$@");;
                 *) PYTEST_ARGS=("$@");; esac
else
    PYTEST_ARGS=("${TEST_PATHS[@]}" "${ODOO_MAIL_TESTS[@]}")
fi

log "running tests (pytest-odoo, HTTP server on, headless Chromium)"
export TOPERP_REPO_DIR="$REPO_DIR" TOPERP_ODOO_SRC="$ODOO_SRC"
set +e
# Our fixtures (tests/pytest_plugin.py) by name as well as from conftest.py, which pytest
# reads only when one of our own paths is given: a run of one of Odoo's files alone
# behaves as in the full run.
"$VENV/bin/python" -m pytest -p tests.pytest_plugin --odoo-config="$CONF" --odoo-database="$DB" \
    --odoo-log-level=warn -o cache_dir="$RUN_DIR/.pytest_cache" \
    --junitxml="$RUN_DIR/junit.xml" -rfEs "${PYTEST_ARGS[@]}"
rc=$?
set -e
[ -f "$RUN_DIR/junit.xml" ] || die "pytest wrote no report (exit $rc)"
read -r tests failures errors skipped < <("$VENV/bin/python" - "$RUN_DIR/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
tot = [sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")]
print(*tot)
PY
)
[ "$rc" -eq 0 ] || die "tests failed (pytest exit $rc: $failures failed, $errors errors)"
[ "$tests" -gt 0 ] || die "no test ran"
[ "$skipped" -eq 0 ] || die "$skipped test(s) were skipped: a skipped test is not a passed test"

if [ -z "${SKIP_DEMO:-}" ] && [ $# -eq 0 ]; then
    DEMO_DB="${DB}_demo"
    log "checking that the addons install with their demo data ($DEMO_DB)"
    dropdb --if-exists "$DEMO_DB" >/dev/null 2>&1 || true
    odoo_bin -c "$CONF" -d "$DEMO_DB" -i "$ADDONS_HERE" --stop-after-init --log-level=warn \
        --logfile= > "$RUN_DIR/demo.log" 2>&1 || true
    dropdb --if-exists "$DEMO_DB" >/dev/null 2>&1 || true
    check_log "$RUN_DIR/demo.log"
fi
log "OK: $tests tests passed, 0 skipped"
echo "$tests passed, 0 failed"
