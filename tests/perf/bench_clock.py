"""Benchmark: business-time clock vs Odoo's ``resource.calendar.plan_hours``.

Run inside an Odoo database where ``toperp_helpdesk_sla`` is installed::

    $VENV/bin/python tests/perf/bench_clock.py -c <odoo.conf> -d <db> [--cases 5000] [--seed 18]

It builds the office calendar (Mon-Fri 08:00-12:00 + 13:00-17:30, Asia/Ho_Chi_Minh)
with this year's and next year's Vietnamese public holidays (``holidays`` package,
whole local days as global leaves) and compensating working Saturdays of the decrees
(from 2025 on, one a year: extra working days for the clock, the same Saturdays as
attendances dated to that day for Odoo, which has no extra working days), draws
seeded random cases (start at any second of these two years, SLA-like and random
hours), then times ``plan_hours(hours, start, compute_leaves=True)`` and
``clock.add(start, hours)`` on the same cases in one run.
The clock's time includes compiling the calendar (its cache is cleared first). A
mismatch is a deadline more than one second away from Odoo's, or one side finding no
deadline. Nothing is committed. Prints exactly one line on stdout:

    BENCH clock cases=N speedup=X mismatches=M

Exit status 1 when there is a mismatch.
"""

import argparse
import logging
import random
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

TZ = "Asia/Ho_Chi_Minh"
OFFICE = [(8.0, 12.0), (13.0, 17.5)]
SLA_HOURS = [0.5, 1, 2, 4, 8, 16, 24, 40, 80]
TOLERANCE = timedelta(seconds=1)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=18)
    return parser.parse_args(argv)


def local_day_to_utc(day, zone):
    """A whole local day as Odoo's time-off form stores it: 00:00:00 to 23:59:59."""
    def to_utc(moment):
        return moment.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    start = datetime.combine(day, datetime.min.time())
    return to_utc(start), to_utc(start + timedelta(days=1, seconds=-1))


def build_calendar(env, years):
    zone = ZoneInfo(TZ)
    calendar = env["resource.calendar"].create({
        "name": "Bench office hours",
        "tz": TZ,
        "attendance_ids": [(5, 0, 0)] + [
            (0, 0, {"name": "Office", "dayofweek": str(day), "hour_from": begin, "hour_to": end})
            for day in range(5)
            for begin, end in OFFICE
        ],
    })
    vn_holidays = holidays.country_holidays("VN", years=years)
    leaves = []
    for day, name in sorted(vn_holidays.items()):
        date_from, date_to = local_day_to_utc(day, zone)
        leaves.append({"name": name, "calendar_id": calendar.id, "date_from": date_from, "date_to": date_to})
    env["resource.calendar.leaves"].create(leaves)
    # One compensating Saturday a year (the decree's, or a made-up one in a year
    # without): Odoo sees it as an attendance of that day only, the clock's calendar
    # as an extra working day.
    saturdays = sorted(d for d in vn_holidays.weekend_workdays if d.year in years) or [
        date(year, 4, 26) + timedelta(days=(5 - date(year, 4, 26).weekday()) % 7) for year in years
    ]
    clock_calendar = calendar.copy({"name": "Bench office hours (extra working days)"})
    env["resource.calendar.leaves"].create([dict(leave, calendar_id=clock_calendar.id) for leave in leaves])
    calendar.write({"attendance_ids": [
        (0, 0, {"name": "Làm bù", "dayofweek": "5", "hour_from": begin, "hour_to": end,
                "date_from": saturday, "date_to": saturday})
        for saturday in saturdays for begin, end in OFFICE
    ]})
    env["toperp.helpdesk.extra.workday"].create([
        {"calendar_id": clock_calendar.id, "date": saturday, "name": "Làm bù"} for saturday in saturdays
    ])
    return calendar, clock_calendar


def draw_cases(rnd, years, count):
    first = datetime(years[0], 1, 1)
    seconds = int((datetime(years[-1] + 1, 1, 1) - first).total_seconds())
    cases = []
    for _i in range(count):
        start = first + timedelta(seconds=rnd.randrange(seconds))
        pick = rnd.random()
        if pick < 0.5:
            hours = rnd.choice(SLA_HOURS)
        elif pick < 0.8:
            hours = rnd.randint(1, 800) / 4
        else:
            hours = rnd.uniform(0.25, 200)
        cases.append((start, hours))
    return cases


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    year = date.today().year
    years = [year, year + 1]
    rnd = random.Random(args.seed)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        calendar, clock_calendar = build_calendar(env, years)
        cases = draw_cases(rnd, years, args.cases)
        env.flush_all()

        begin = time.perf_counter()
        expected = [calendar.plan_hours(hours, start, compute_leaves=True) for start, hours in cases]
        odoo_time = time.perf_counter() - begin

        registry.clear_cache()
        begin = time.perf_counter()
        clock = env["resource.calendar"]._toperp_clock_for(clock_calendar)
        got = [clock.add(start, hours) for start, hours in cases]
        clock_time = time.perf_counter() - begin

        mismatches = sum(
            1 for odoo_deadline, deadline in zip(expected, got, strict=True)
            if (odoo_deadline is False) != (deadline is None)
            or (deadline is not None and abs(deadline - odoo_deadline) > TOLERANCE)
        )
        extra_days = len(clock_calendar.toperp_extra_workday_ids)
        cr.rollback()
    print(f"BENCH clock cases={len(cases)} speedup={odoo_time / clock_time:.1f} "
          f"mismatches={mismatches} extra_workdays={extra_days}")
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
