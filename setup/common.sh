#!/usr/bin/env bash
# Shared helpers for the setup scripts: sourced, never run directly.
# Installs what is missing (Debian build deps, a virtualenv with Odoo 18 from
# $ODOO_SRC and the project's requirements), makes sure PostgreSQL answers.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
PYTHON="${PYTHON:-python3}"
CACHE_DIR="${TOPERP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/toperp-helpdesk}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-$(id -un)}"
export PGHOST PGPORT PGUSER

log() { printf '\033[1m[toperp]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[toperp] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root to run: $* (install it by hand, or run as root)"; fi
}

apt_updated=""
apt_install() {
    # apt_install PKG... : install the Debian packages that are missing.
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get: install them by hand"
    log "installing system packages: ${missing[*]}"
    if [ -z "$apt_updated" ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

check_odoo_src() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ] || [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
        die "no Odoo 18.0 source tree at ODOO_SRC=$ODOO_SRC.
  Get the Odoo 18.0 Community source, e.g.
      git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo/18.0
  or point ODOO_SRC at an existing checkout:  ODOO_SRC=/path/to/odoo ./setup/run.sh"
    fi
    grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" ||
        die "$ODOO_SRC is not Odoo 18.0 (see $ODOO_SRC/odoo/release.py)"
}

# The virtualenv lives outside the clone, keyed by what goes into it, so that a
# fresh clone with unchanged requirements reuses it (second runs are fast).
VENV_LAYOUT=1  # bump when ensure_venv changes how the venv is built
venv_key() {
    { cat "$ODOO_SRC/requirements.txt" "$REPO_DIR/requirements.txt"; echo "$VENV_LAYOUT"; } |
        "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])'
}

# pip, without the noise of this machine's unreachable extra indexes.
pip_quiet() { "$@" 2> >(grep -v "^WARNING: Location" >&2); }

ensure_venv() {
    check_odoo_src
    apt_install libldap2-dev libsasl2-dev libpq-dev gcc
    VENV="${TOPERP_VENV:-$CACHE_DIR/venv-$(venv_key)}"
    export VENV
    if [ -f "$VENV/.complete" ]; then
        # Odoo's tree may have moved: keep the .pth pointing at it. Only when it changed,
        # and by renaming a new file: scripts start at the same time (two mailgate.sh
        # deliveries), and a Python starting while the file is rewritten finds no Odoo.
        local pth="$VENV/lib/python3.11/site-packages/odoo-src.pth"
        if [ "$(cat "$pth" 2>/dev/null)" != "$ODOO_SRC" ]; then
            { echo "$ODOO_SRC" > "$pth.$$" && mv -f "$pth.$$" "$pth"; } 2>/dev/null || rm -f "$pth.$$"
        fi
        return 0
    fi
    log "building virtualenv $VENV (Odoo from $ODOO_SRC)"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    local pip=(pip_quiet "$VENV/bin/python" -m pip --disable-pip-version-check -q)
    "${pip[@]}" install "pip>=24" "setuptools>=70,<76" "setuptools_scm<9" wheel cython
    # Old sdists (cbor2 5.4) do not build with setuptools>=81: build in the venv.
    "${pip[@]}" install --no-build-isolation -r "$ODOO_SRC/requirements.txt"
    "${pip[@]}" install -r "$REPO_DIR/requirements.txt"
    # Odoo itself, as a path entry (an editable install breaks once addon wheels
    # land in site-packages/odoo/addons).
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" > "$site/odoo-src.pth"
    "$VENV/bin/python" -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0), r.version'
    touch "$VENV/.complete"
}

pg_answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

ensure_postgres() {
    command -v pg_isready >/dev/null || apt_install postgresql postgresql-client
    pg_answers && return 0
    log "PostgreSQL does not answer on $PGHOST:$PGPORT: starting a local cluster"
    if command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        local ver name
        read -r ver name _ < <(pg_lsclusters -h | head -1)
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
    else
        apt_install postgresql
        local ver
        ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
        [ -n "$ver" ] || die "PostgreSQL is installed but has no cluster; create one with pg_createcluster"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    fi
    local i
    for i in $(seq 1 30); do pg_answers && break; sleep 1; done
    pg_answers || die "PostgreSQL still does not answer on $PGHOST:$PGPORT; start it by hand (pg_ctlcluster 15 main start) or set PGHOST/PGPORT"
    # Make sure our role exists (trust auth, as on a developer machine).
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        as_root su postgres -c "createuser -s $PGUSER" ||
            die "cannot create the PostgreSQL role $PGUSER; create it by hand"
    fi
}

ensure_chromium() {
    # Odoo silently skips tours without a browser: install Debian's chromium.
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || apt_install chromium
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
        die "chromium is not installed and could not be installed: browser tests cannot run"
}

ensure_postfix() {
    # tests/test_postfix_e2e.py runs a Postfix instance of its own (loopback, private
    # configuration and queue, stopped after): Debian's postfix, installed with debconf's
    # "No configuration" so that no system mail server is set up or started.
    [ -x /usr/sbin/postfix ] && return 0
    # Installing postfix would remove another mail server (exim4, …): never do that here.
    if [ -e /usr/sbin/sendmail ]; then
        die "another mail server provides /usr/sbin/sendmail: install Debian's postfix by hand (the mail test needs it)"
    fi
    command -v debconf-set-selections >/dev/null &&
        echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    apt_install postfix
    [ -x /usr/sbin/postfix ] || die "postfix is not installed and could not be installed: the mail test cannot run"
    # "No configuration" leaves no main.cf, so nothing starts; should a package script
    # have started the system instance anyway, stop it (the test starts its own).
    if [ -f /etc/postfix/main.cf ] && as_root postfix status >/dev/null 2>&1; then
        log "stopping the system Postfix that the package started"
        as_root postfix stop >&2 || true
    fi
}

addons_path() {
    echo "$ODOO_SRC/odoo/addons,$REPO_DIR"
}

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"; }

# write_conf FILE DB [extra lines...]: an Odoo configuration from setup/odoo.conf.
write_conf() {
    local file=$1 db=$2; shift 2
    mkdir -p "$(dirname "$file")"
    sed -e "s#@ADDONS_PATH@#$(addons_path)#" -e "s#@DB@#$db#" -e "s#@DATA_DIR@#$CACHE_DIR/data#" \
        -e "s#@PGHOST@#$PGHOST#" -e "s#@PGPORT@#$PGPORT#" -e "s#@PGUSER@#$PGUSER#" \
        "$REPO_DIR/setup/odoo.conf" > "$file"
    local line
    for line in "$@"; do echo "$line" >> "$file"; done
}

# check_log FILE: odoo-bin exits 0 even after logging an ERROR; we do not.
# Demo data that fails to load is only a WARNING for Odoo: an error for us.
check_log() {
    local bad='^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |demo data failed to install'
    if grep -E "$bad" "$1" >/dev/null; then
        grep -E -A20 "$bad" "$1" | head -80 >&2
        die "Odoo logged errors (full log: $1)"
    fi
}

# ensure_oca_addons: OCA's helpdesk_mgmt 18.0 unpacked from its PyPI wheel into
# $CACHE_DIR/oca-addons (exported as TOPERP_OCA_ADDONS), for the coexistence test
# (tests/test_coexistence.py). The wheels are fetched once, the way the ticket_create
# benchmark fetches them (tests/perf/bench_ticket_create.py: fetch_oca_addons, same cache
# directories); later runs need no network. Nothing enters the virtualenv.
OCA_COEXIST_REQUIREMENT="odoo-addon-helpdesk-mgmt==18.0.*"
ensure_oca_addons() {
    TOPERP_OCA_ADDONS="$CACHE_DIR/oca-addons"
    export TOPERP_OCA_ADDONS
    [ -f "$TOPERP_OCA_ADDONS/helpdesk_mgmt/__manifest__.py" ] && return 0
    log "fetching $OCA_COEXIST_REQUIREMENT (PyPI wheel) into $TOPERP_OCA_ADDONS"
    TOPERP_CACHE_DIR="$CACHE_DIR" pip_quiet "$VENV/bin/python" - "$REPO_DIR/tests/perf" "$OCA_COEXIST_REQUIREMENT" <<'PY' ||
import sys
sys.path.insert(0, sys.argv[1])
from bench_ticket_create import fetch_oca_addons
fetch_oca_addons([sys.argv[2]])
PY
        die "could not fetch $OCA_COEXIST_REQUIREMENT (needs PyPI, or a pip index serving it, once)"
    [ -f "$TOPERP_OCA_ADDONS/helpdesk_mgmt/__manifest__.py" ] || die "no helpdesk_mgmt in $TOPERP_OCA_ADDONS"
}

ADDONS="toperp_helpdesk,toperp_helpdesk_sla,toperp_helpdesk_portal"
# Only the addons that exist in this checkout (the project grows addon by addon).
present_addons() {
    local a out=()
    IFS=, read -ra all <<< "$ADDONS"
    for a in "${all[@]}"; do [ -f "$REPO_DIR/$a/__manifest__.py" ] && out+=("$a"); done
    (IFS=,; echo "${out[*]}")
}

# ensure_unaccent DB: accent-insensitive search in a database made before "unaccent = True"
# (setup/odoo.conf; Odoo does the same for each new database, immutable so that it indexes).
ensure_unaccent() {
    psql -d "$1" -qAtc "SELECT 1 FROM pg_extension WHERE extname = 'unaccent'" | grep -q 1 && return 0
    psql -d "$1" -qc "CREATE EXTENSION IF NOT EXISTS unaccent; ALTER FUNCTION unaccent(text) IMMUTABLE" >/dev/null ||
        die "cannot enable PostgreSQL's unaccent extension in $1 (install postgresql-contrib)"
}

# prepare_db CONF DB LOG REUSE [odoo-bin args…]: the addons of this checkout (and the Odoo
# modules of $EXTRA_MODULES, comma-separated) in DB, no demo data. With REUSE non-empty and DB present, update them instead of starting afresh.
# Fails on ERROR lines in the log and when the addons did not install.
prepare_db() {
    local conf=$1 db=$2 logfile=$3 reuse=$4 addons
    shift 4
    addons=$(present_addons)${EXTRA_MODULES:+,$EXTRA_MODULES}
    if [ -n "$reuse" ] && psql -d "$db" -Atc 'select 1' >/dev/null 2>&1; then
        ensure_unaccent "$db"
        log "updating $addons in the kept database $db"
        odoo_bin -c "$conf" -d "$db" -u "$addons" --stop-after-init --log-level=warn \
            --logfile= "$@" > "$logfile" 2>&1 || true
    else
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        log "installing $addons into a fresh database $db (no demo data)"
        odoo_bin -c "$conf" -d "$db" -i "$addons" --without-demo=all --stop-after-init \
            --log-level=warn --logfile= "$@" > "$logfile" 2>&1 || true
    fi
    check_log "$logfile"
    psql -d "$db" -Atc "select 1 from ir_module_module where name='toperp_helpdesk' and state='installed'" |
        grep -q 1 || { tail -50 "$logfile" >&2; die "the addons did not install (log: $logfile)"; }
}
