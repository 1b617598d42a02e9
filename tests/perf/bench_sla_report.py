"""Benchmark: refreshing the SLA Analysis pivot over 1 000 000 SLA status rows.

Run inside an Odoo database where ``toperp_helpdesk_sla`` is installed::

    $VENV/bin/python tests/perf/bench_sla_report.py -c <odoo.conf> -d <db> [--rows 1000000]

1. Data, bulk-inserted by SQL (``INSERT ... SELECT generate_series``, not the ORM):
   ``--customers`` customer companies (default 2 000), ``--teams`` teams (default 5),
   ``--rows`` / 3 tickets spread over them, the four severities and ``--months`` months
   (default 24), each with its three clocks (first response, resolution, next reply):
   ``--rows`` SLA status rows in all, mostly met, some breached, cancelled or still
   running, a few tickets out of scope. Then ``VACUUM ANALYZE`` of the tables, as
   autovacuum would have done on a live database.
2. Timing, as a helpdesk manager (record rules apply, Vietnamese language, Asia/Ho_Chi_Minh
   time zone): one *pivot refresh* is what the web client's pivot model
   (``web/static/src/views/pivot/pivot_model.js``, ``_loadData``) asks the server for:
   one ``read_group(domain, measures, groupby, lazy=False)`` per pair of initial sections
   of the row and column groupbys, i.e. for rows ``R`` and the view's column ``target``:
   ``[]``, ``[target]``, ``[R]``, ``[R, target]``, with the view's measures
   (``achieved_percent:avg``) and the action's domain (none). ``R`` is the view's default
   row groupby (severity) and then what the search panel's *Group By* gives: team,
   customer (the commercial partner), month (``date_start:month``). The four calls of a
   refresh are timed one after the other (in the browser the last three run in
   parallel: the sum is the server time of one refresh on one worker), each with a fresh
   ORM cache (a new request). For each grouping: one cold run first (first query over
   the data), then ``--repeat`` warm runs (default 3), the best one counts.
3. The data is deleted again and the tables vacuumed (``--keep-data`` keeps it).

Prints exactly one line on stdout (seconds per refresh; ``seconds`` is the worst grouping,
``cold`` the worst cold run)::

    BENCH sla_report rows=1000000 seconds=S by_severity=A by_team=B by_customer=C by_month=D cold=E

Target (DESIGN §6): ≤ 1 s per pivot refresh. Details (each call's time, group counts,
the data's shape) go to stderr.
"""

import argparse
import logging
import sys
import time

import common  # tests/perf/common.py: the script's directory is on sys.path

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

_logger = logging.getLogger("bench_sla_report")

REPORT = "toperp.helpdesk.sla.report"
# This run's ticket numbers: SLAR<hex time>-0000001… (a kept earlier run does not clash).
TAG = f"SLAR{int(time.time()):x}"
SEVERITIES = [("low", 0.30), ("medium", 0.40), ("high", 0.20), ("critical", 0.10)]
TEAMS = ["Hỗ trợ SaaS", "Hỗ trợ On-Premise", "Customize", "Add-on", "Tổng đài"]
# Row groupbys of the timed pivots: the view's default, then the search view's Group By.
GROUPINGS = [
    ("by_severity", "severity_id"),
    ("by_team", "team_id"),
    ("by_customer", "partner_id"),
    ("by_month", "date_start:month"),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000, help="SLA status rows (3 per ticket)")
    parser.add_argument("--customers", type=int, default=2000, help="customer companies")
    parser.add_argument("--teams", type=int, default=len(TEAMS), help="helpdesk teams")
    parser.add_argument("--months", type=int, default=24, help="months the tickets span")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per grouping (the best counts)")
    parser.add_argument("--keep-data", action="store_true", help="keep the generated data (committed)")
    return parser.parse_args(argv)


# --- data --------------------------------------------------------------------------------

def populate(env, args):
    """Commit the benchmark's customers, teams, tickets and SLA statuses. Returns the
    ids ``cleanup`` needs."""
    cr = env.cr
    lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
    company = env.company
    admin = env.ref("base.user_admin")
    manager = env["res.users"].with_context(no_reset_password=True, tracking_disable=True).create({
        "name": "Trưởng nhóm Báo cáo SLA",
        "login": f"bench_sla_report_{int(time.time())}",
        "groups_id": [(6, 0, env.ref("toperp_helpdesk.group_manager").ids)],
        "company_id": company.id,
        "company_ids": [(6, 0, company.ids)],
        "tz": "Asia/Ho_Chi_Minh",
        "lang": lang,
    })
    teams = env["toperp.helpdesk.team"].create([
        {"name": f"{TEAMS[n % len(TEAMS)]} {TAG}-{n + 1}", "manager_id": admin.id, "assign_method": "manual"}
        for n in range(args.teams)
    ])
    severities = []  # (severity id, code, rank, weight, policy id, calendar id)
    for code, weight in SEVERITIES:
        severity = env.ref(f"toperp_helpdesk.severity_{code}")
        policy = env.ref(f"toperp_helpdesk_sla.sla_policy_{code}", raise_if_not_found=False)
        severities.append((severity.id, code, severity.sequence, weight,
                           policy.id if policy else None, policy.calendar_id.id or None if policy else None))
    stages = env["toperp.helpdesk.stage"].search([])
    closed = stages.filtered("is_closed")[:1] or stages[:1]
    open_stages = (stages - closed).filtered(lambda s: not s.is_closed) or closed
    scope_reason = env["toperp.helpdesk.scope.reason"].search([], limit=1)
    env.flush_all()
    ids = {"manager": manager.id, "teams": teams.ids}

    begin = time.perf_counter()
    cr.execute("SELECT setseed(0.42)")
    cr.execute(SQL(
        """
        INSERT INTO res_partner
               (name, complete_name, is_company, active, type, lang, toperp_support_plan,
                toperp_support_suspended, create_uid, write_uid, create_date, write_date)
        SELECT name, name, true, true, 'contact', %(lang)s,
               CASE WHEN mod(n, 5) = 0 THEN 'priority' ELSE 'standard' END, false,
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM (SELECT n, 'Công ty ' || (ARRAY['TNHH', 'CP', 'TNHH MTV', 'Cổ phần'])[1 + mod(n, 4)]
                       || ' Khách hàng ' || %(tag)s || ' ' || lpad(n::text, 5, '0') AS name
                  FROM generate_series(1, %(count)s) n) src
        RETURNING id
        """,
        lang=lang, uid=env.uid, tag=TAG, count=args.customers,
    ))
    ids["partners"] = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", ids["partners"]))

    # Severity by weight: cumulative bounds in [0, 1).
    bounds, total = [], 0.0
    for row in severities:
        total += row[3]
        bounds.append(total)
    severity_case = SQL(" ").join(
        SQL("WHEN r_sev < %s THEN %s", bound, index + 1) for index, bound in enumerate(bounds[:-1])
    )
    tickets = -(-args.rows // 3)
    cr.execute(SQL(
        """
        WITH src AS (
            SELECT n,
                   CASE %(severity_case)s ELSE %(nb_sev)s END AS sev,
                   -- a few big customers, many small ones
                   (ARRAY[%(partners)s])[1 + floor(power(random(), 2) * %(nb_partners)s)::int] AS partner_id,
                   (ARRAY[%(teams)s])[1 + mod(n, %(nb_teams)s)] AS team_id,
                   TIMESTAMP '2026-12-01 00:00' - make_interval(secs => random() * %(span)s) AS created,
                   random() < 0.92 AS is_closed,
                   random() < 0.02 AS out_of_scope
              FROM (SELECT n, random() AS r_sev FROM generate_series(1, %(count)s) n) g
        )
        INSERT INTO toperp_helpdesk_ticket
               (number, name, partner_id, commercial_partner_id, support_plan, support_suspended,
                severity_id, severity_code, severity_rank, channel, company_id, team_id, user_id,
                stage_id, is_closed, is_complete, is_out_of_scope, scope_reason_id,
                sla_policy_id, create_uid, write_uid, create_date, write_date, last_stage_update,
                reported_date, close_date)
        SELECT %(tag)s || '-' || lpad(n::text, 7, '0'),
               (ARRAY[%(titles)s])[1 + mod(n, %(nb_titles)s)], src.partner_id, src.partner_id,
               p.toperp_support_plan, false,
               (ARRAY[%(sev_ids)s])[sev], (ARRAY[%(sev_codes)s])[sev], (ARRAY[%(sev_ranks)s])[sev],
               (ARRAY['email', 'portal', 'phone', 'portal'])[1 + mod(n, 4)], %(company)s, team_id,
               CASE WHEN mod(n, 3) = 0 THEN NULL ELSE %(agent)s END,
               CASE WHEN is_closed THEN %(closed)s ELSE (ARRAY[%(open)s])[1 + mod(n, %(nb_open)s)] END,
               is_closed, true, out_of_scope, CASE WHEN out_of_scope THEN %(scope)s END,
               (ARRAY[%(policies)s])[sev], %(uid)s, %(uid)s, created, created, created, created,
               CASE WHEN is_closed THEN created + interval '2 days' END
          FROM src JOIN res_partner p ON p.id = src.partner_id
        RETURNING id
        """,
        severity_case=severity_case, nb_sev=len(severities), count=tickets,
        partners=SQL(", ").join(ids["partners"]), nb_partners=len(ids["partners"]),
        teams=SQL(", ").join(teams.ids), nb_teams=len(teams), span=args.months * 30.44 * 86400,
        tag=TAG, titles=SQL(", ").join(common.SUBJECTS), nb_titles=len(common.SUBJECTS),
        sev_ids=SQL(", ").join(r[0] for r in severities), sev_codes=SQL(", ").join(r[1] for r in severities),
        sev_ranks=SQL(", ").join(r[2] for r in severities),
        policies=SQL(", ").join(SQL("%s::int", r[4]) for r in severities),
        company=company.id, agent=admin.id, closed=closed.id, open=SQL(", ").join(open_stages.ids),
        nb_open=len(open_stages), scope=scope_reason.id or None, uid=env.uid,
    ))
    ticket_ids = [row[0] for row in cr.fetchall()]
    ids["tickets"] = (min(ticket_ids), max(ticket_ids))
    _logger.info("%d customers, %d tickets inserted in %.1f s", len(ids["partners"]), len(ticket_ids),
                 time.perf_counter() - begin)

    # Three clocks per ticket (the last ticket may get fewer to make exactly --rows):
    # k = 0 first response, 1 resolution, 2 next reply. Finished tickets' clocks are
    # met (mostly) or breached, a few next-reply clocks cancelled; open tickets' first
    # response is reached, their other clocks run (or are paused).
    begin = time.perf_counter()
    cr.execute(SQL(
        """
        WITH t AS (
            SELECT t.id, t.company_id, t.is_closed, t.create_date, t.sla_policy_id,
                   row_number() OVER (ORDER BY t.id) - 1 AS i,
                   CASE WHEN t.severity_code IN ('high', 'critical') THEN NULL ELSE %(calendar)s END AS calendar_id,
                   (ARRAY[8, 4, 2, 1])[1 + (t.severity_rank >= 20)::int + (t.severity_rank >= 30)::int
                                        + (t.severity_rank >= 40)::int] AS hours
              FROM toperp_helpdesk_ticket t
             WHERE t.id BETWEEN %(first)s AND %(last)s AND t.number LIKE %(prefix)s
        ), s AS (
            SELECT t.*, k, random() AS r, random() AS r2,
                   t.create_date + CASE k WHEN 2 THEN interval '1 day' ELSE interval '0' END AS start,
                   (ARRAY[1, 6, 3])[k + 1] * t.hours AS target_hours
              FROM t CROSS JOIN generate_series(0, 2) k
             WHERE t.i * 3 + k < %(rows)s
        ), st AS (
            SELECT s.*,
                   CASE WHEN is_closed OR k = 0 THEN
                            CASE WHEN k = 2 AND r < 0.05 THEN 'cancelled'
                                 WHEN r < 0.85 THEN 'met' ELSE 'breached' END
                        WHEN r < 0.15 THEN 'paused' ELSE 'running' END AS state
              FROM s
        )
        INSERT INTO toperp_helpdesk_sla_status
               (ticket_id, policy_id, company_id, target, target_hours, warning_percent, calendar_id,
                date_start, deadline, warning_date, next_check, reached_date, reached_hours, state,
                paused_hours, warned, escalated, create_uid, write_uid, create_date, write_date)
        SELECT id, sla_policy_id, company_id, (ARRAY['first_response', 'resolution', 'next_reply'])[k + 1],
               target_hours, 80, calendar_id, start, start + make_interval(hours => target_hours),
               start + make_interval(secs => target_hours * 2880), NULL,
               CASE WHEN state IN ('met', 'breached') THEN start + make_interval(secs => reached * 3600) END,
               CASE WHEN state IN ('met', 'breached') THEN reached END,
               state, 0, state = 'breached', state = 'breached', %(uid)s, %(uid)s, start, start
          FROM (SELECT st.*, CASE WHEN state = 'met' THEN target_hours * (0.05 + 0.9 * r2)
                                  ELSE target_hours * (1.05 + 2 * r2) END AS reached
                  FROM st) x
        """,
        calendar=env.ref("resource.resource_calendar_std", raise_if_not_found=False).id or None,
        first=ids["tickets"][0], last=ids["tickets"][1], prefix=f"{TAG}-%", rows=args.rows, uid=env.uid,
    ))
    _logger.info("%d SLA statuses inserted in %.1f s", cr.rowcount, time.perf_counter() - begin)
    cr.commit()
    vacuum(cr, ["res_partner", "toperp_helpdesk_ticket", "toperp_helpdesk_sla_status",
                "toperp_helpdesk_sla_report_fact"])
    return ids


def vacuum(cr, tables):
    """VACUUM ANALYZE (outside a transaction), as autovacuum does on a live database."""
    begin = time.perf_counter()
    cr.commit()
    cr._cnx.autocommit = True
    try:
        for table in tables:
            cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
    finally:
        cr._cnx.autocommit = False
    _logger.info("VACUUM ANALYZE in %.1f s", time.perf_counter() - begin)


def cleanup(env, ids):
    """Delete what ``populate`` created (the statuses go with their tickets)."""
    begin = time.perf_counter()
    cr = env.cr
    cr.rollback()
    first, last = ids.get("tickets", (0, -1))
    cr.execute(SQL("DELETE FROM toperp_helpdesk_ticket WHERE id BETWEEN %s AND %s AND number LIKE %s",
                   first, last, f"{TAG}-%"))
    if ids.get("partners"):
        cr.execute(SQL("DELETE FROM res_partner WHERE id = ANY(%s)", ids["partners"]))
    env.invalidate_all()
    env["toperp.helpdesk.team"].browse(ids.get("teams", [])).exists().unlink()
    manager = env["res.users"].browse(ids.get("manager")).exists()
    partner = manager.partner_id
    manager.unlink()
    partner.unlink()
    cr.commit()
    _logger.info("data deleted in %.1f s", time.perf_counter() - begin)
    # Leave no dead rows behind for the next benchmarks (index scans would wade through
    # them until autovacuum passes).
    vacuum(cr, ["res_partner", "toperp_helpdesk_ticket", "toperp_helpdesk_sla_status",
                "toperp_helpdesk_sla_report_fact"])


# --- timing ------------------------------------------------------------------------------

def pivot_calls(arch_rows, arch_cols, row_groupby):
    """The groupbys of the read_group calls of one pivot refresh (pivot_model.js:
    ``cartesian(sections(rows), sections(cols))``)."""
    rows = [row_groupby] if row_groupby else arch_rows
    sections = lambda items: [items[:n] for n in range(len(items) + 1)]  # noqa: E731
    return [r + c for r in sections(rows) for c in sections(arch_cols)]


def default_pivot(env):
    """Row and column groupbys and measures of the report's default pivot view."""
    from lxml import etree

    Report = env[REPORT]
    arch = etree.fromstring(Report.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
    rows, cols, measures = [], [], []
    for node in arch.iter("field"):
        name = node.get("name")
        if node.get("interval"):
            name = f"{name}:{node.get('interval')}"
        if node.get("type") == "row":
            rows.append(name)
        elif node.get("type") == "col":
            cols.append(name)
        elif node.get("type") == "measure":
            measures.append(name)
    specs = [f"{m}:{Report._fields[m].aggregator}" for m in measures] or ["__count"]
    return rows, cols, specs


def refresh(env, calls, measures):
    """One pivot refresh: its read_group calls, each as a new request. Returns
    (seconds, [(groupby, seconds, groups)])."""
    details = []
    total = 0.0
    for groupby in calls:
        env.invalidate_all()
        begin = time.perf_counter()
        groups = env[REPORT].read_group([], measures, groupby, lazy=False)
        seconds = time.perf_counter() - begin
        total += seconds
        details.append((groupby, seconds, len(groups)))
    env.cr.rollback()  # end of the requests: nothing to keep
    return total, details


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    _logger.setLevel(logging.INFO)
    registry = Registry(args.database)
    results, cold = {}, {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        ids = {}
        try:
            ids = populate(env, args)
            lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
            user = env["res.users"].browse(ids["manager"])
            context = {"lang": lang, "tz": "Asia/Ho_Chi_Minh", "uid": user.id,
                       "allowed_company_ids": user.company_ids.ids}
            uenv = api.Environment(cr, user.id, context)
            rows, cols, measures = default_pivot(uenv)
            _logger.info("default pivot: rows %s, cols %s, measures %s", rows, cols, measures)
            for name, row_groupby in GROUPINGS:
                calls = pivot_calls(rows, cols, row_groupby)
                cold[name], details = refresh(uenv, calls, measures)
                _logger.info("%s cold: %.3f s %s", name, cold[name],
                             ", ".join(f"{g or '[]'} {s:.3f} s/{n} groups" for g, s, n in details))
                runs = []
                for _ in range(args.repeat):
                    seconds, details = refresh(uenv, calls, measures)
                    runs.append(seconds)
                    _logger.info("%s warm: %.3f s %s", name, seconds,
                                 ", ".join(f"{g or '[]'} {s:.3f} s" for g, s, n in details))
                results[name] = min(runs)
            # What the report sees of the data (the triggers copied every status).
            cr.execute(SQL("SELECT count(*) FROM toperp_helpdesk_sla_report_fact f JOIN toperp_helpdesk_ticket t"
                           " ON t.id = f.ticket_id WHERE t.id BETWEEN %s AND %s AND t.number LIKE %s",
                           ids["tickets"][0], ids["tickets"][1], f"{TAG}-%"))
            count = cr.fetchone()[0]
        finally:
            if ids and not args.keep_data:
                cleanup(env, ids)
            else:
                cr.commit()
    parts = " ".join(f"{name}={seconds:.2f}" for name, seconds in results.items())
    print(f"BENCH sla_report rows={count} seconds={max(results.values()):.2f} {parts} "
          f"cold={max(cold.values()):.2f}")
    return 0 if count == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
