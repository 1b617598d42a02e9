"""An Odoo process working on the fault tests' private database, run by
``tests/test_faults.py`` as ``python worker.py -c ODOO_CONF -d DB COMMAND ...``.

Exit codes: 0 done, 3 the database became unavailable (the test expects it when it
crashes PostgreSQL under the worker's feet). The result is printed as one JSON line.
"""

import argparse
import json
import sys
import time

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config

DB_DOWN = 3


def env_of(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


def cmd_prepare(registry, args):
    """Alias domain and support alias; every cron off (each test runs what it needs)
    but the intake job, which the mail gateway triggers."""
    with registry.cursor() as cr:
        env = env_of(cr)
        env["ir.cron"].search([]).write({"active": False})
        env.ref("toperp_helpdesk.ir_cron_ticket_intake").active = True
        domain = env["mail.alias.domain"].create(
            {"name": "toperp.vn", "bounce_alias": "bounce", "catchall_alias": "catchall",
             "default_from": "notifications"}
        )
        company = env.ref("base.main_company")
        company.write({"alias_domain_id": domain.id, "email": "info@toperp.vn"})
        env.ref("toperp_helpdesk.team_support").write(
            {"alias_name": "support", "alias_domain_id": domain.id, "alias_contact": "everyone"}
        )
        env["res.partner"].create({"name": "Nguyễn Văn An", "email": "an.nguyen@hoasen.vn"})
    return {}


def cmd_ingest(registry, args):
    from odoo.addons.toperp_helpdesk.tools import mailspool

    try:
        return mailspool.process_maildir(registry, args.maildir, limit=args.limit)
    except mailspool.DatabaseUnavailable as error:
        print(json.dumps({"error": str(error)}))
        sys.exit(DB_DOWN)


def cmd_sla_setup(registry, args):
    """Tickets with one breached first-response clock and one resolution clock past its
    warning date each (fixed dates, long past); the SLA cron on, in small batches."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"mail_notrack": True, "tracking_disable": True})
        admin = env.ref("base.user_admin")
        manager = env["res.users"].create(
            {"name": "Phạm Thu Hà", "login": "faults_manager", "email": "ha@toperp.vn",
             "groups_id": [(6, 0, env.ref("toperp_helpdesk.group_manager").ids)]}
        )
        team = env["toperp.helpdesk.team"].create(
            {"name": "Faults SLA", "manager_id": manager.id, "assign_method": "manual"}
        )
        tickets = env["toperp.helpdesk.ticket"].create(
            [{"name": f"Lỗi báo cáo {i:03d}", "team_id": team.id, "user_id": admin.id,
              "severity_id": env.ref("toperp_helpdesk.severity_high").id} for i in range(args.tickets)]
        )
        Status = env["toperp.helpdesk.sla.status"]
        Status.search([("ticket_id", "in", tickets.ids)]).unlink()
        Status.create(
            [{"ticket_id": t.id, "target": "first_response", "target_hours": 2.0,
              "date_start": "2020-01-06 01:00:00", "warning_date": "2020-01-06 02:00:00",
              "deadline": "2020-01-06 03:00:00"} for t in tickets]
            + [{"ticket_id": t.id, "target": "resolution", "target_hours": 8.0,
                "date_start": "2020-01-06 01:00:00", "warning_date": "2020-01-06 02:30:00",
                "deadline": "2099-01-06 03:00:00"} for t in tickets]
        )
        cron = env.ref("toperp_helpdesk_sla.ir_cron_sla_warnings")
        cron.write({"active": True, "nextcall": "2020-01-06 00:00:00",
                    "code": f"model._cron_sla_warnings(batch_size={args.batch_size})"})
    return {"team_id": team.id, "ticket_ids": tickets.ids}


def _db_reachable(registry):
    try:
        with registry.cursor() as cr:
            cr.execute("SELECT 1")
        return True
    except (psycopg2.OperationalError, psycopg2.InterfaceError):
        return False


def _ready_jobs(registry):
    with registry.cursor() as cr:
        return [job["id"] for job in registry["ir.cron"]._get_all_ready_jobs(cr)]


def cmd_cron(registry, args):
    """Run the cron jobs that are due, the way Odoo's cron worker does
    (``ir.cron._process_jobs``), until none is due (or ``--runs`` times)."""
    IrCron = registry["ir.cron"]
    runs = 0
    while args.runs is None or runs < args.runs:
        if not _db_reachable(registry):
            print(json.dumps({"error": "database unavailable", "runs": runs}))
            sys.exit(DB_DOWN)
        if not _ready_jobs(registry):
            break
        IrCron._process_jobs(registry.db_name)
        runs += 1
        if runs > 50:
            raise RuntimeError("the cron is still due after 50 runs")
    if not _db_reachable(registry):
        print(json.dumps({"error": "database unavailable", "runs": runs}))
        sys.exit(DB_DOWN)
    return {"runs": runs}


def cmd_mailqueue(registry, args):
    """The e-mail queue, as its cron runs it."""
    with registry.cursor() as cr:
        env_of(cr)["mail.mail"].process_email_queue()
    return {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare")
    ingest = sub.add_parser("ingest")
    ingest.add_argument("maildir")
    ingest.add_argument("--limit", type=int)
    sla = sub.add_parser("sla-setup")
    sla.add_argument("--tickets", type=int, required=True)
    sla.add_argument("--batch-size", type=int, required=True)
    cron = sub.add_parser("cron")
    cron.add_argument("--runs", type=int)
    sub.add_parser("mailqueue")
    args = parser.parse_args()

    config.parse_config(["-c", args.config, "-d", args.database])
    started = time.monotonic()
    registry = odoo.modules.registry.Registry(args.database)
    result = globals()[f"cmd_{args.command.replace('-', '_')}"](registry, args)
    print(json.dumps(dict(result, seconds=round(time.monotonic() - started, 2))))


if __name__ == "__main__":
    main()
