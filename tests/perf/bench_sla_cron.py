"""Benchmark: the SLA warning/escalation cron with 100 000 open tickets, 1% changing.

Run inside an Odoo database where ``toperp_helpdesk_sla`` is installed::

    $VENV/bin/python tests/perf/bench_sla_cron.py -c <odoo.conf> -d <db> [--open 100000] [--changed 1000]

It bulk-inserts (SQL, for setup speed) ``--open`` open tickets of one team, each with a
running resolution clock due far in the future, then makes ``--changed`` of them due:
half past their warning time (the assignee gets an activity), half past their deadline
(breached, escalated to the team manager with a chatter note and an activity). It then
times one run of ``_cron_sla_warnings`` (batch of ``--changed`` rows), flush included,
and checks that exactly ``--changed`` clocks changed. Everything happens in one
transaction that is rolled back: the database is left as it was. Prints exactly one
line on stdout:

    BENCH sla_cron open=100000 changed=1000 seconds=S

Exit status 1 when the cron did not change exactly ``--changed`` clocks.
"""

import argparse
import logging
import sys
import time

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--open", type=int, default=100000, help="open tickets with running clocks")
    parser.add_argument("--changed", type=int, default=1000, help="clocks due now")
    return parser.parse_args(argv)


def populate(env, count, changed):
    """Insert ``count`` open tickets with one running clock each; ``changed`` are due."""
    admin = env.ref("base.user_admin")
    team = env["toperp.helpdesk.team"].create(
        {"name": "Bench SLA cron", "manager_id": admin.id, "assign_method": "manual"}
    )
    severity = env.ref("toperp_helpdesk.severity_medium")
    stage = team._stage_in_progress() or env["toperp.helpdesk.stage"].search([("is_closed", "=", False)], limit=1)
    policy = env.ref("toperp_helpdesk_sla.sla_policy_medium")
    env.flush_all()
    cr = env.cr
    cr.execute(SQL(
        """
        INSERT INTO toperp_helpdesk_ticket
               (number, name, severity_id, severity_code, severity_rank, channel, company_id,
                team_id, user_id, stage_id, is_closed, sla_policy_id, sla_state,
                sla_deadline, create_uid, write_uid, create_date, write_date, last_stage_update,
                reported_date)
        SELECT 'BENCH-' || n, 'Bench ticket ' || n, %(severity)s, 'medium', %(rank)s, 'backend',
               %(company)s, %(team)s, %(user)s, %(stage)s, false, %(policy)s, 'on_track',
               TIMESTAMP '2100-01-01', %(uid)s, %(uid)s, now() at time zone 'UTC',
               now() at time zone 'UTC', now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(1, %(count)s) n
        RETURNING id
        """,
        severity=severity.id, rank=severity.sequence, company=team.company_id.id, team=team.id,
        user=admin.id, stage=stage.id, policy=policy.id, uid=env.uid, count=count,
    ))
    ticket_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL(
        """
        INSERT INTO toperp_helpdesk_sla_status
               (ticket_id, policy_id, company_id, target, target_hours, warning_percent, calendar_id,
                date_start, deadline, warning_date, next_check, state, paused_hours,
                warned, escalated, create_uid, write_uid, create_date, write_date)
        SELECT t.id, %(policy)s, t.company_id, 'resolution', 25.5, 80, %(calendar)s,
               TIMESTAMP '2099-12-01', TIMESTAMP '2100-01-01', TIMESTAMP '2099-12-25',
               TIMESTAMP '2099-12-25', 'running', 0, false, false, %(uid)s, %(uid)s,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM toperp_helpdesk_ticket t
         WHERE t.id = ANY(%(ids)s)
        """,
        policy=policy.id, calendar=policy.calendar_id.id or None, uid=env.uid, ids=ticket_ids,
    ))
    warn_ids, breach_ids = ticket_ids[: changed // 2], ticket_ids[changed // 2: changed]
    # Due for a warning: warning time passed, deadline ahead.
    cr.execute(SQL(
        """
        UPDATE toperp_helpdesk_sla_status
           SET date_start = TIMESTAMP '2020-01-01', warning_date = TIMESTAMP '2020-01-02',
               next_check = TIMESTAMP '2020-01-02'
         WHERE ticket_id = ANY(%s)
        """,
        warn_ids,
    ))
    # Due for escalation: warned already, deadline passed.
    cr.execute(SQL(
        """
        UPDATE toperp_helpdesk_sla_status
           SET date_start = TIMESTAMP '2020-01-01', warning_date = TIMESTAMP '2020-01-02',
               deadline = TIMESTAMP '2020-01-03', next_check = TIMESTAMP '2020-01-03', warned = true
         WHERE ticket_id = ANY(%s)
        """,
        breach_ids,
    ))
    cr.execute("ANALYZE toperp_helpdesk_ticket")
    cr.execute("ANALYZE toperp_helpdesk_sla_status")
    env.invalidate_all()
    return ticket_ids


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            ticket_ids = populate(env, args.open, args.changed)
            Status = env["toperp.helpdesk.sla.status"]
            begin = time.perf_counter()
            Status._cron_sla_warnings(batch_size=args.changed)
            env.flush_all()
            seconds = time.perf_counter() - begin
            cr.execute(SQL(
                """
                SELECT count(*) FROM toperp_helpdesk_sla_status
                 WHERE ticket_id = ANY(%s) AND (warned OR state = 'breached')
                """,
                ticket_ids,
            ))
            changed = cr.fetchone()[0]
        finally:
            cr.rollback()
    print(f"BENCH sla_cron open={args.open} changed={changed} seconds={seconds:.2f}")
    return 0 if changed == args.changed else 1


if __name__ == "__main__":
    sys.exit(main())
