"""Benchmark: the customer portal under load, 10 000 tickets for one customer company.

    $VENV/bin/python tests/perf/bench_portal_load.py -c <odoo.conf> -d <db> \
        [--tickets 10000] [--users 10] [--requests 600] [--concurrency 2] [--workers 2]

``<db>`` must have ``toperp_helpdesk_portal`` installed. The script:

1. creates (committed, SQL bulk insert for the tickets) one customer company with
   ``--users`` portal contacts and ``--tickets`` tickets spread over them (mixed severities,
   stages, two years of creation dates; the open ones with their two running SLA clocks
   and deadline), plus a few tickets of another company that must never show;
2. starts ``odoo-bin`` on ``<db>`` in prefork mode (``--workers 2 --max-cron-threads 0``,
   as ``./setup/run.sh --workers 2`` serves) on free loopback ports, with
   ``--log-handler werkzeug:INFO``, which logs each request with its SQL query count,
   SQL time and remaining time;
3. logs the contacts in (``/web/login``, one ``requests`` session each), warms every
   worker up (not timed), then sends ``--requests`` GET requests from ``--concurrency``
   client threads (each thread owns its users' sessions): ``/my/support`` on pages 1 to
   the last, the three sorts, the three filters, a search now and then; ticket pages
   ``/my/support/<id>``; the ``/my`` home with its counters call. A deterministic mix
   (``--seed``). The run stops after ``--max-seconds`` even when requests are left;
4. stops the server and deletes what step 1 created (unless ``--keep-data``).

A request is an error unless it answers 200 with the expected page (the list's rows, the
ticket's number; a redirect, e.g. to ``/my`` on an access error, is an error). Times:
the client's latency over loopback, and the server time from Odoo's log (SQL time +
remaining time of each timed request). Prints exactly one line on stdout:

    BENCH portal_load users=U requests=R p95_ms=P errors=E client_p95_ms=C tickets=T \
        queries_list=Q queries_ticket=Q queries_home=Q

``p95_ms`` is the 95th percentile of the server time (DESIGN §6: ≤ 150 ms), ``client_p95_ms``
the client's (it adds the queueing when more clients than workers are busy),
``queries_*`` the median SQL query count of the timed requests of each kind (the list
pages go from the first to the last of the ``--tickets`` tickets; the test
``toperp_helpdesk_portal/tests/test_portal_query_count.py`` checks that the count does
not grow with them). Per kind, the server's p50/p95/max and the fewest and most queries
go to stderr (a worker's first request for a user or a record fills its caches). Exit status 1 on errors.
"""

import argparse
import collections
import logging
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import common  # tests/perf/common.py: the script's directory is on sys.path
import requests

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

_logger = logging.getLogger("bench_portal_load")

PASSWORD = "bench-Portal-2026"
PER_PAGE = 80  # portal.CustomerPortal._items_per_page
SEVERITIES = ["low", "medium", "medium", "high", "critical"]
SEARCHES = ["hóa đơn", "kho", "TK-00", "lương", "chậm"]
WERKZEUG_LINE = re.compile(
    r'werkzeug: \S+ - - \[[^\]]*\] "(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) \S+ '
    r"(?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)"
)


# --- data --------------------------------------------------------------------------------

def populate(env, tag, tickets, users):
    """The customer company, its portal contacts and their tickets. Returns a dict of
    ids (what ``cleanup`` deletes) and the logins."""
    lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
    Partner = env["res.partner"].with_context(tracking_disable=True)
    company = Partner.create({"name": f"Công ty Tải thử {tag}", "is_company": True, "lang": lang,
                              "toperp_portal_scope": "company"})
    other = Partner.create({"name": f"Công ty Khác {tag}", "is_company": True, "lang": lang})
    portal = env.ref("base.group_portal")
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True, mail_create_nolog=True)
    created = Users.create([{
        "name": f"Liên hệ {n} {tag}",
        "login": f"{tag}_{n}",
        "email": f"lienhe{n}@{tag}.example.vn",
        "password": PASSWORD,
        "groups_id": [(6, 0, portal.ids)],
        "tz": "Asia/Ho_Chi_Minh",
        "lang": lang,
    } for n in range(users)])
    created.partner_id.write({"parent_id": company.id})
    other_contact = Partner.create({"name": f"Người ngoài {tag}", "parent_id": other.id,
                                    "email": f"other@{tag}.example.vn"})
    team = env.ref("toperp_helpdesk.team_support")
    stages = {
        xmlid: env.ref(f"toperp_helpdesk.{xmlid}", raise_if_not_found=False)
        for xmlid in ("stage_new", "stage_in_progress", "stage_waiting", "stage_solved")
    }
    stages = {key: stage for key, stage in stages.items() if stage} or {
        "stage_new": env["toperp.helpdesk.stage"].search([], limit=1)
    }
    open_stages = [s.id for s in stages.values() if not s.is_closed]
    closed_stages = [s.id for s in stages.values() if s.is_closed] or open_stages
    severity_rows = []
    has_sla = "sla_deadline" in env["toperp.helpdesk.ticket"]._fields
    for code in SEVERITIES:
        severity = env.ref(f"toperp_helpdesk.severity_{code}")
        policy = env.ref(f"toperp_helpdesk_sla.sla_policy_{code}", raise_if_not_found=False) if has_sla else None
        severity_rows.append((severity.id, code, severity.sequence, policy.id if policy else None,
                              policy.calendar_id.id or None if policy else None))
    env.flush_all()
    cr = env.cr
    partner_ids = created.partner_id.ids + [other_contact.id]
    # One in four tickets is open; the others are solved. The last 20 belong to "other".
    cr.execute(SQL(
        """
        WITH src AS (
            SELECT n,
                   (ARRAY[%(partners)s])[CASE WHEN n > %(count)s - 20 THEN %(nb_partners)s
                                              ELSE 1 + mod(n, %(nb_partners)s - 1) END] AS partner_id,
                   CASE WHEN n > %(count)s - 20 THEN %(other)s ELSE %(company)s END AS commercial_id,
                   1 + mod(n * 7, %(nb_sev)s) AS sev,
                   mod(n, 4) = 0 AS is_open,
                   TIMESTAMP '2026-11-27 10:00' - make_interval(mins => (%(count)s - n) * 105) AS created
              FROM generate_series(1, %(count)s) n
        )
        INSERT INTO toperp_helpdesk_ticket
               (number, name, description, affected_url, partner_id, commercial_partner_id,
                partner_email, support_plan, support_suspended, severity_id, severity_code,
                severity_rank, channel, company_id, team_id, stage_id, is_closed, is_complete,
                is_out_of_scope, has_evidence_attachment, missing_info, ack_sent,
                access_token, create_uid, write_uid, create_date, write_date, last_stage_update,
                reported_date, close_date)
        SELECT %(prefix)s || lpad(n::text, 6, '0'),
               (ARRAY[%(titles)s])[1 + mod(n, %(nb_titles)s)] || ' (#' || n || ')',
               '<p>Các bước: vào Kế toán &gt; Hóa đơn, chọn hóa đơn số ' || n || ', bấm Xác nhận.</p>',
               'https://khach.toperp.vn/odoo/action-' || n,
               partner_id, commercial_id, 'lienhe@' || %(tag)s || '.example.vn', 'standard', false,
               (ARRAY[%(sev_ids)s])[sev], (ARRAY[%(sev_codes)s])[sev], (ARRAY[%(sev_ranks)s])[sev],
               (ARRAY['email', 'portal', 'phone', 'portal'])[1 + mod(n, 4)], %(company_id)s, %(team)s,
               CASE WHEN is_open THEN (ARRAY[%(open_stages)s])[1 + mod(n, %(nb_open)s)]
                    ELSE (ARRAY[%(closed_stages)s])[1 + mod(n, %(nb_closed)s)] END,
               NOT is_open, true, false, true, '', true,
               md5(%(tag)s || n), %(uid)s, %(uid)s, created, created, created, created,
               CASE WHEN is_open THEN NULL ELSE created + interval '2 days' END
          FROM src
        RETURNING id
        """,
        prefix=f"TK-{tag[-4:]}-", partners=SQL(", ").join(partner_ids), nb_partners=len(partner_ids),
        count=tickets, other=other.id, company=company.id, nb_sev=len(severity_rows),
        titles=SQL(", ").join(common.SUBJECTS), nb_titles=len(common.SUBJECTS), tag=tag,
        sev_ids=SQL(", ").join(r[0] for r in severity_rows),
        sev_codes=SQL(", ").join(r[1] for r in severity_rows),
        sev_ranks=SQL(", ").join(r[2] for r in severity_rows),
        company_id=team.company_id.id or env.company.id, team=team.id,
        open_stages=SQL(", ").join(open_stages), nb_open=len(open_stages),
        closed_stages=SQL(", ").join(closed_stages), nb_closed=len(closed_stages), uid=env.uid,
    ))
    ticket_ids = [row[0] for row in cr.fetchall()]
    if has_sla:
        # The open tickets' two clocks (first response met, resolution running) and the
        # ticket's next deadline, as the SLA addon keeps them.
        cr.execute(SQL(
            """
            WITH sev AS (
                SELECT * FROM unnest(ARRAY[%(sev_ids)s], ARRAY[%(policies)s]::int[],
                                     ARRAY[%(calendars)s]::int[]) AS s(severity_id, policy_id, calendar_id)
            ), t AS (
                SELECT t.id, t.company_id, t.create_date, sev.policy_id, sev.calendar_id
                  FROM toperp_helpdesk_ticket t JOIN sev ON sev.severity_id = t.severity_id
                 WHERE t.id = ANY(%(ids)s) AND NOT t.is_closed
            )
            INSERT INTO toperp_helpdesk_sla_status
                   (ticket_id, policy_id, company_id, calendar_id, target, state, warned, escalated,
                    date_start, deadline, warning_date, next_check, reached_date, target_hours,
                    warning_percent, reached_hours, paused_hours, create_uid, write_uid, create_date,
                    write_date)
            SELECT id, policy_id, company_id, calendar_id, 'first_response', 'met', false, false,
                   create_date, create_date + interval '4 hours', create_date + interval '3 hours', NULL,
                   create_date + interval '1 hour', 4, 80, 1, 0, %(uid)s, %(uid)s, create_date, create_date
              FROM t
            UNION ALL
            SELECT id, policy_id, company_id, calendar_id, 'resolution', 'running', false, false,
                   create_date, TIMESTAMP '2026-12-31 10:00' + make_interval(hours => mod(id, 500)),
                   TIMESTAMP '2026-12-30 10:00', TIMESTAMP '2026-12-30 10:00', NULL, 40, 80, 0, 0,
                   %(uid)s, %(uid)s, create_date, create_date
              FROM t
            """,
            sev_ids=SQL(", ").join(r[0] for r in severity_rows),
            policies=SQL(", ").join(r[3] for r in severity_rows),
            calendars=SQL(", ").join(r[4] for r in severity_rows),
            ids=ticket_ids, uid=env.uid,
        ))
        cr.execute(SQL(
            """
            UPDATE toperp_helpdesk_ticket t
               SET sla_policy_id = s.policy_id, sla_deadline = s.deadline, sla_state = 'on_track'
              FROM toperp_helpdesk_sla_status s
             WHERE s.ticket_id = t.id AND s.target = 'resolution' AND t.id = ANY(%s)
            """,
            ticket_ids,
        ))
    cr.execute("ANALYZE toperp_helpdesk_ticket")
    if has_sla:
        cr.execute("ANALYZE toperp_helpdesk_sla_status")
    env.invalidate_all()
    return {
        "logins": created.mapped("login"),
        "user_ids": created.ids,
        "partner_ids": created.partner_id.ids + [other_contact.id, company.id, other.id],
        "ticket_ids": ticket_ids[: tickets - 20],
        "foreign_ids": ticket_ids[tickets - 20:],
        "all_ticket_ids": ticket_ids,
        "numbers": dict(zip(ticket_ids, (f"TK-{tag[-4:]}-{n:06d}" for n in range(1, tickets + 1)), strict=True)),
    }


def cleanup(registry, data):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        # The tickets go by SQL, as they came (their clocks cascade).
        cr.execute(SQL("DELETE FROM toperp_helpdesk_ticket WHERE id = ANY(%s)", data["all_ticket_ids"]))
        for model, field in (("mail.message", "model"), ("mail.followers", "res_model"),
                             ("rating.rating", "res_model")):
            env[model].search([("res_id", "in", data["all_ticket_ids"]),
                               (field, "=", "toperp.helpdesk.ticket")]).unlink()
        users = env["res.users"].browse(data["user_ids"]).exists()
        try:
            with cr.savepoint():
                users.unlink()
                env["res.partner"].browse(data["partner_ids"]).exists().unlink()
        except Exception as error:
            _logger.warning("could not delete the benchmark's users (%s): archiving them", error)
            users.write({"active": False})


# --- server ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """odoo-bin in prefork mode on loopback, its log in a file."""

    def __init__(self, conf, db, workers, directory):
        self.port = free_port()
        self.log = Path(directory) / "odoo.log"
        self.conf = common.derived_conf(conf, db, directory=directory)
        cmd = [
            sys.executable, str(common.odoo_bin()), "-c", self.conf, "-d", db,
            "--http-interface=127.0.0.1", f"--http-port={self.port}", f"--gevent-port={free_port()}",
            f"--workers={workers}", "--max-cron-threads=0", "--log-level=info",
            "--log-handler=werkzeug:INFO", f"--logfile={self.log}", "--limit-time-real=600",
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"odoo-bin exited ({self.proc.returncode}); log: {self.log}")
            try:
                if requests.get(f"{self.url}/web/login", timeout=30).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"odoo-bin did not answer within {timeout} s; log: {self.log}")

    def log_offset(self):
        return self.log.stat().st_size if self.log.exists() else 0

    def log_lines(self, start):
        with self.log.open("rb") as handle:
            handle.seek(start)
            return handle.read().decode("utf-8", "replace").splitlines()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        Path(self.conf).unlink(missing_ok=True)


# --- clients -----------------------------------------------------------------------------

def login(url, user):
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = session.post(f"{url}/web/login", timeout=60, data={
        "login": user, "password": PASSWORD, "csrf_token": token, "redirect": "/my",
    })
    if answer.status_code != 200 or "/web/login" in answer.url:
        raise RuntimeError(f"{user} could not log in ({answer.status_code} {answer.url})")
    return session


def plan(data, count, users, seed):
    """``count`` requests (user index, kind, path, what the page must contain)."""
    rng = random.Random(seed)
    pages = (len(data["ticket_ids"]) + PER_PAGE - 1) // PER_PAGE
    sortings = ["date", "severity", "deadline"]
    filters = ["all", "open", "closed"]
    result = []
    for index in range(count):
        user = index % users
        draw = rng.random()
        if draw < 0.45:
            # the list: mostly the first pages, sometimes deep
            page = 1 if rng.random() < 0.4 else rng.randint(1, max(pages // 4, 1)) if rng.random() < 0.7 \
                else rng.randint(1, pages)
            sortby, filterby = rng.choice(sortings), rng.choice(filters)
            if filterby != "all":
                page = min(page, max(1, pages // (4 if filterby == "open" else 2)))
            path = "/my/support" + (f"/page/{page}" if page > 1 else "") + f"?sortby={sortby}&filterby={filterby}"
            result.append((user, "list", path, "o_toperp_ticket_row"))
        elif draw < 0.52:
            search = rng.choice(SEARCHES)
            result.append((user, "search", f"/my/support?search={search}&filterby=all",
                           "o_toperp_ticket_search"))
        elif draw < 0.92:
            ticket_id = rng.choice(data["ticket_ids"])
            result.append((user, "ticket", f"/my/support/{ticket_id}", data["numbers"][ticket_id]))
        else:
            result.append((user, "home", "/my", "o_portal_my_home"))
    return result


def counters_call(session, url):
    return session.post(f"{url}/my/counters", json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {"counters": ["toperp_ticket_count"]},
    }, timeout=60)


def run_clients(url, sessions, requests_plan, concurrency, max_seconds, expected_count):
    """Send the plan from ``concurrency`` threads; returns [(kind, path, seconds, error)].
    ``expected_count``: the ticket counter the home page must show."""
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker(slot):
        for user, kind, path, expected in requests_plan:
            if user % concurrency != slot:
                continue
            if time.monotonic() > deadline:
                return
            session = sessions[user]
            begin = time.perf_counter()
            error = None
            try:
                answer = session.get(url + path, timeout=120, allow_redirects=False)
                if answer.status_code != 200:
                    error = f"status {answer.status_code} {answer.headers.get('Location', '')}"
                elif expected not in answer.text:
                    error = f"{expected!r} not in the page"
                if kind == "home" and not error:
                    # the home page asks for its counters once shown
                    counters = counters_call(session, url).json()
                    if counters.get("result", {}).get("toperp_ticket_count") != expected_count:
                        error = f"counters: {counters}"
            except requests.RequestException as exc:
                error = repr(exc)
            seconds = time.perf_counter() - begin
            with lock:
                results.append((kind, path, seconds, error))

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values, pct):
    if not values:
        return 0.0
    values = sorted(values)
    rank = max(0, min(len(values) - 1, int(round(pct / 100 * len(values) + 0.5)) - 1))
    return values[rank]


def median(queries, kind):
    return int(statistics.median(queries[kind])) if queries.get(kind) else 0


def server_times(lines):
    """{path: [(queries, seconds)]} from the werkzeug lines of Odoo's log."""
    result = []
    for line in lines:
        match = WERKZEUG_LINE.search(line)
        if match:
            result.append((match["method"], match["path"], int(match["status"]), int(match["queries"]),
                           float(match["sql"]) + float(match["rest"])))
    return result


def kind_of(method, path):
    if method == "POST" and path.startswith("/my/counters"):
        return "counters"
    if path.startswith("/my/support/") and path.split("?")[0].rsplit("/", 1)[-1].isdigit() \
            and "/page/" not in path:
        return "ticket"
    if path.startswith("/my/support"):
        return "search" if "search=" in path and "search=&" not in path else "list"
    if path.split("?")[0] in ("/my", "/my/home"):
        return "home"
    return "other"


# --- main --------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tickets", type=int, default=10000, help="tickets of the customer company")
    parser.add_argument("--users", type=int, default=10, help="portal contacts logged in")
    parser.add_argument("--requests", type=int, default=600, help="timed requests (≥ 500 for DESIGN §6)")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads sending at once")
    parser.add_argument("--workers", type=int, default=2, help="odoo-bin --workers")
    parser.add_argument("--max-seconds", type=float, default=600, help="stop sending after this time")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep-data", action="store_true", help="keep the users and tickets")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= args.users:
        parser.error("--concurrency must be between 1 and --users (a session is never shared)")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.config, "-d", args.database, "--logfile="], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    logging.getLogger("bench_portal_load").setLevel(logging.INFO)
    registry = Registry(args.database)
    tag = f"bportal{os.getpid()}"
    begin = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        data = populate(env, tag, args.tickets, args.users)
        cr.commit()
    _logger.info("created %s tickets and %s users in %.1f s", args.tickets, args.users,
                 time.perf_counter() - begin)
    directory = tempfile.mkdtemp(prefix="bench_portal_load.")
    server = None
    try:
        server = Server(args.config, args.database, args.workers, directory)
        server.wait_ready()
        sessions = [login(server.url, user) for user in data["logins"]]
        # Warm-up (not timed): every kind of page for every user, twice (the workers
        # take turns), and another company's ticket, which must be refused.
        seen = collections.Counter()
        for user, kind, path, _expected in plan(data, 40 * args.users, args.users, args.seed + 1):
            seen[user, kind] += 1
            if seen[user, kind] > 2:
                continue
            sessions[user].get(server.url + path, timeout=120, allow_redirects=False)
            if path == "/my":
                counters_call(sessions[user], server.url)
        for user in range(min(2, args.users)):
            answer = sessions[user].get(f"{server.url}/my/support/{data['foreign_ids'][0]}", timeout=120,
                                        allow_redirects=False)
            if answer.status_code != 303:
                raise RuntimeError(f"another company's ticket answered {answer.status_code}: a leak")
        offset = server.log_offset()
        todo = plan(data, args.requests, args.users, args.seed)
        begin = time.perf_counter()
        results = run_clients(server.url, sessions, todo, args.concurrency, args.max_seconds,
                              len(data["ticket_ids"]))
        wall = time.perf_counter() - begin
        time.sleep(1)  # the workers write their last lines
        logged = server_times(server.log_lines(offset))
    finally:
        if server:
            server.stop()
        if sys.exc_info()[0] is None:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            _logger.error("odoo-bin's log: %s", server.log if server else directory)
        if not args.keep_data:
            cleanup(registry, data)
    errors = [r for r in results if r[3]]
    for kind, path, _seconds, error in errors[:10]:
        _logger.warning("error on %s %s: %s", kind, path, error)
    client_ms = [r[2] * 1000 for r in results]
    server_ms = [entry[4] * 1000 for entry in logged if kind_of(entry[0], entry[1]) != "other"]
    queries = {}
    by_kind = {}
    for method, path, _status, count, seconds in logged:
        kind = kind_of(method, path)
        queries.setdefault(kind, []).append(count)
        by_kind.setdefault(kind, []).append(seconds * 1000)
    for kind in sorted(by_kind):
        times = by_kind[kind]
        _logger.info("%-8s n=%4d server p50=%6.1f p95=%6.1f max=%6.1f ms, queries min=%d max=%d", kind,
                     len(times), percentile(times, 50), percentile(times, 95), max(times),
                     min(queries[kind]), max(queries[kind]))
    _logger.info("%d requests in %.1f s (%.1f/s), client p50=%.1f ms", len(results), wall,
                 len(results) / wall if wall else 0, percentile(client_ms, 50))
    p95 = percentile(server_ms, 95) if server_ms else percentile(client_ms, 95)
    print(
        f"BENCH portal_load users={args.users} requests={len(results)} p95_ms={p95:.0f} errors={len(errors)} "
        f"client_p95_ms={percentile(client_ms, 95):.0f} tickets={args.tickets} "
        f"queries_list={median(queries, 'list')} queries_ticket={median(queries, 'ticket')} "
        f"queries_home={median(queries, 'home')}"
    )
    return 1 if errors or len(results) < args.requests else 0


if __name__ == "__main__":
    sys.exit(main())
