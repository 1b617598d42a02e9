"""Benchmark: accent-insensitive ticket search over 100 000 tickets, backend and portal.

    $VENV/bin/python tests/perf/bench_search.py -c <odoo.conf> -d <db> [--tickets 100000] [--repeat 20]

``<db>`` must have ``toperp_helpdesk_portal`` installed and PostgreSQL's ``unaccent``
(``unaccent = True`` in setup/odoo.conf; the trigram indexes of the ticket's number,
title and description are then built on ``unaccent(...)``). In one transaction, rolled
back at the end: ``--tickets`` tickets bulk-inserted by SQL (Vietnamese titles and
descriptions, 200 customer companies, one of them with 10 % of the tickets and a portal
contact), ANALYZE, then typed-without-accents searches timed ``--repeat`` times each:

* backend: what the Tickets search view's "Ticket" field runs (title, number or
  description ``ilike``), the first page of 80 and the count, as a helpdesk manager;
* portal: ``/my/tickets?search=…``'s domain (number, title, description) as the portal
  contact, under the record rules, the first page of 20 and the count.

Prints exactly one line on stdout (p95 over all searches of a kind, milliseconds):

    BENCH search tickets=N backend_p95_ms=B portal_p95_ms=P found=F

``found`` is the number of rows the accentless searches matched in total (0 would mean
the search is not accent-insensitive: exit status 1).
"""

import argparse
import logging
import statistics
import sys
import time

import common  # tests/perf/common.py: the script's directory is on sys.path

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

_logger = logging.getLogger("bench_search")
QUERIES = ["hoa don dien tu", "khong dang nhap", "ton kho", "dong bo don hang", "loi 500", "phieu xuat kho",
           "khach hang 0042", "BS-0012345"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    return parser.parse_args(argv)


def populate(env, count):
    cr = env.cr
    company = env.company
    team = env.ref("toperp_helpdesk.team_support")
    stage = env.ref("toperp_helpdesk.stage_new")
    severity = env.ref("toperp_helpdesk.severity_medium")
    partners = env["res.partner"].create([
        {"name": f"Công ty Khách hàng {n:04d}", "is_company": True} for n in range(200)
    ])
    big = partners[0]
    portal = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Chị Lan", "login": f"bench_search_{int(time.time())}", "partner_id": env["res.partner"].create(
            {"name": "Chị Lan", "parent_id": big.id, "email": "lan@khachhang.example"}).id,
        "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
    })
    manager = env.ref("base.user_admin")
    env.flush_all()
    begin = time.perf_counter()
    cr.execute(SQL(
        """
        INSERT INTO toperp_helpdesk_ticket
               (number, name, description, partner_id, commercial_partner_id, severity_id, severity_code,
                severity_rank, channel, company_id, team_id, stage_id, is_closed, is_complete,
                create_uid, write_uid, create_date, write_date, reported_date)
        SELECT 'BS-' || lpad(n::text, 7, '0'),
               (ARRAY[%(titles)s])[1 + mod(n, %(nb_titles)s)],
               '<p>Chào đội hỗ trợ TopERP, từ sáng nay: ' || (ARRAY[%(titles)s])[1 + mod(n * 7, %(nb_titles)s)]
                   || '.</p><p>Công ty Khách hàng ' || lpad(mod(n, 200)::text, 4, '0') || '</p>',
               p, p, %(severity)s, 'medium', %(rank)s, 'portal', %(company)s, %(team)s, %(stage)s, false, true,
               %(uid)s, %(uid)s, now() at time zone 'UTC' - make_interval(mins => n),
               now() at time zone 'UTC' - make_interval(mins => n), now() at time zone 'UTC' - make_interval(mins => n)
          FROM (SELECT n, CASE WHEN mod(n, 10) = 0 THEN %(big)s ELSE (ARRAY[%(partners)s])[1 + mod(n, 199)] END AS p
                  FROM generate_series(1, %(count)s) n) src
        """,
        titles=SQL(", ").join(common.SUBJECTS), nb_titles=len(common.SUBJECTS), severity=severity.id,
        rank=severity.sequence, company=company.id, team=team.id, stage=stage.id, uid=env.uid, big=big.id,
        partners=SQL(", ").join(partners[1:].ids), count=count,
    ))
    cr.execute("ANALYZE toperp_helpdesk_ticket")
    _logger.info("%d tickets inserted and analysed in %.1f s", count, time.perf_counter() - begin)
    return manager, portal


def timed(function):
    begin = time.perf_counter()
    result = function()
    return (time.perf_counter() - begin) * 1000, result


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    _logger.setLevel(logging.INFO)
    registry = Registry(args.database)
    if not registry.has_unaccent:
        print("BENCH search tickets=0 backend_p95_ms=0 portal_p95_ms=0 found=0 (no unaccent in the database)")
        return 1
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        manager, portal = populate(env, args.tickets)
        backend_env = api.Environment(cr, manager.id, {"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        portal_env = api.Environment(cr, portal.id, {"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        times = {"backend": [], "portal": []}
        found = 0
        for _run in range(args.repeat):
            for text in QUERIES:
                domain = ["|", "|", ("name", "ilike", text), ("number", "ilike", text), ("description", "ilike", text)]
                for kind, uenv, limit in (("backend", backend_env, 80), ("portal", portal_env, 20)):
                    Ticket = uenv["toperp.helpdesk.ticket"]

                    def search(Ticket=Ticket, limit=limit, domain=domain):
                        return Ticket.search(domain, limit=limit).ids, Ticket.search_count(domain)

                    elapsed, (_ids, total) = timed(search)
                    times[kind].append(elapsed)
                    if _run == 0:
                        found += total
                        _logger.info("%s %r: %d found, %.1f ms", kind, text, total, elapsed)
                    uenv.invalidate_all()
        cr.rollback()
    print(f"BENCH search tickets={args.tickets} backend_p95_ms={p95(times['backend']):.1f} "
          f"portal_p95_ms={p95(times['portal']):.1f} found={found}")
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
