"""Unit tests of the business-time clock, without Odoo or a database.

``clock.py`` and its time line ``clock_time.py`` are loaded from their files, so these
tests run the same under plain pytest, pytest-odoo and the Odoo test runner.
Hand-computed cases on the office calendar (Mon-Fri 08:00-12:00 + 13:00-17:30,
Asia/Ho_Chi_Minh = UTC+7, no DST); datetimes are naive UTC, written through ``vn()`` in
local time for readability.
"""

import importlib.util
import pathlib
import random
import sys
import types
import unittest
from datetime import UTC, date, datetime, timedelta, timezone

# A package of its own over the addon's directory, without the addon's __init__ (which
# imports Odoo): clock.py and its time line, clock_time.py, are loaded from their files.
_ADDON_DIR = pathlib.Path(__file__).resolve().parent.parent
_package = types.ModuleType("toperp_helpdesk_sla_clock")
_package.__path__ = [str(_ADDON_DIR)]
sys.modules.setdefault(_package.__name__, _package)
_spec = importlib.util.spec_from_file_location(f"{_package.__name__}.clock", _ADDON_DIR / "clock.py")
clock = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = clock
_spec.loader.exec_module(clock)
clock_time = sys.modules[f"{_package.__name__}.clock_time"]
BusinessClock = clock.BusinessClock

OFFICE = [(day, 8.0, 12.0) for day in range(5)] + [(day, 13.0, 17.5) for day in range(5)]
VN = timezone(timedelta(hours=7))


def vn(*args):
    """Naive UTC datetime of a Vietnamese wall-clock time."""
    return datetime(*args, tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


def vn_day_leave(year, month, day):
    """A whole-day holiday in Vietnam, as a global leave in naive UTC."""
    return (vn(year, month, day), vn(year, month, day) + timedelta(days=1))


class TestClockPure(unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.office = BusinessClock(OFFICE, "Asia/Ho_Chi_Minh")

    def test_friday_evening_to_monday(self):
        # Fri 17:00-17:30 gives 0.5 h, Monday 08:00 + 1.5 h.
        self.assertEqual(self.office.add(vn(2026, 11, 27, 17, 0), 2), vn(2026, 11, 30, 9, 30))
        self.assertEqual(self.office.between(vn(2026, 11, 27, 17, 0), vn(2026, 11, 30, 9, 30)), 2.0)

    def test_half_hours(self):
        self.assertEqual(self.office.add(vn(2026, 11, 24, 9, 0), 0.5), vn(2026, 11, 24, 9, 30))
        self.assertEqual(self.office.add(vn(2026, 11, 24, 9, 0), 0.25), vn(2026, 11, 24, 9, 15))

    def test_lunch_break(self):
        self.assertEqual(self.office.add(vn(2026, 11, 24, 11, 0), 2), vn(2026, 11, 24, 14, 0))
        self.assertEqual(self.office.between(vn(2026, 11, 24, 11, 0), vn(2026, 11, 24, 14, 0)), 2.0)
        # Starting during lunch counts from 13:00.
        self.assertEqual(self.office.add(vn(2026, 11, 24, 12, 30), 0.5), vn(2026, 11, 24, 13, 30))
        self.assertEqual(self.office.between(vn(2026, 11, 24, 12, 10), vn(2026, 11, 24, 12, 50)), 0.0)

    def test_deadline_at_end_of_interval(self):
        # Exactly consuming an interval ends on it, not at the start of the next one.
        self.assertEqual(self.office.add(vn(2026, 11, 23, 8, 0), 4), vn(2026, 11, 23, 12, 0))
        self.assertEqual(self.office.add(vn(2026, 11, 23, 8, 0), 8.5), vn(2026, 11, 23, 17, 30))
        self.assertEqual(self.office.add(vn(2026, 11, 27, 8, 0), 8.5), vn(2026, 11, 27, 17, 30))
        self.assertEqual(self.office.add(vn(2026, 11, 23, 8, 0), 42.5), vn(2026, 11, 27, 17, 30))

    def test_zero_hours(self):
        self.assertEqual(self.office.add(vn(2026, 11, 24, 9, 17), 0), vn(2026, 11, 24, 9, 17))
        self.assertEqual(self.office.add(vn(2026, 11, 24, 7, 0), 0), vn(2026, 11, 24, 8, 0))
        self.assertEqual(self.office.add(vn(2026, 11, 24, 12, 0), 0), vn(2026, 11, 24, 13, 0))
        self.assertEqual(self.office.add(vn(2026, 11, 28, 10, 0), 0), vn(2026, 11, 30, 8, 0))

    def test_start_outside_working_time(self):
        self.assertEqual(self.office.add(vn(2026, 11, 24, 6, 0), 1), vn(2026, 11, 24, 9, 0))
        self.assertEqual(self.office.add(vn(2026, 11, 24, 20, 0), 1), vn(2026, 11, 25, 9, 0))
        self.assertEqual(self.office.add(vn(2026, 11, 28, 10, 0), 1), vn(2026, 11, 30, 9, 0))
        self.assertEqual(self.office.add(vn(2026, 11, 29, 23, 59), 9), vn(2026, 12, 1, 8, 30))

    def test_whole_weeks(self):
        week = (vn(2026, 11, 23), vn(2026, 11, 30))
        self.assertEqual(self.office.between(*week), 42.5)
        self.assertEqual(self.office.add(vn(2026, 11, 23, 10, 0), 42.5 * 4), vn(2026, 12, 21, 10, 0))
        self.assertEqual(self.office.between(vn(2026, 11, 23, 10, 0), vn(2026, 12, 21, 10, 0)), 170.0)

    def test_holidays(self):
        clock = BusinessClock(OFFICE, "Asia/Ho_Chi_Minh", [vn_day_leave(2026, 11, 30)])
        # Monday is off: Friday 17:00 + 2 h lands on Tuesday.
        self.assertEqual(clock.add(vn(2026, 11, 27, 17, 0), 2), vn(2026, 12, 1, 9, 30))
        self.assertEqual(clock.between(vn(2026, 11, 23), vn(2026, 12, 7)), 42.5 + 34.0)
        self.assertEqual(clock.add(vn(2026, 11, 30, 10, 0), 0), vn(2026, 12, 1, 8, 0))
        self.assertFalse(clock.is_working(vn(2026, 11, 30, 10, 0)))
        self.assertTrue(clock.is_working(vn(2026, 12, 1, 10, 0)))

    def test_partial_and_overlapping_leaves(self):
        leaves = [
            (vn(2026, 11, 24, 9, 0), vn(2026, 11, 24, 10, 0)),
            (vn(2026, 11, 24, 9, 30), vn(2026, 11, 24, 10, 30)),  # overlaps the first
            (vn(2026, 11, 24, 16, 0), vn(2026, 11, 24, 12, 0)),  # reversed: ignored
        ]
        clock = BusinessClock(OFFICE, "Asia/Ho_Chi_Minh", leaves)
        self.assertEqual(clock.add(vn(2026, 11, 24, 8, 0), 2), vn(2026, 11, 24, 11, 30))
        self.assertEqual(clock.add(vn(2026, 11, 24, 9, 15), 0), vn(2026, 11, 24, 10, 30))
        self.assertEqual(clock.between(vn(2026, 11, 24), vn(2026, 11, 25)), 8.5 - 1.5)

    def test_tet_holidays_week(self):
        # Tết 2026: Monday 16 to Friday 20 February off.
        leaves = [vn_day_leave(2026, 2, day) for day in range(16, 21)]
        clock = BusinessClock(OFFICE, "Asia/Ho_Chi_Minh", leaves)
        self.assertEqual(clock.add(vn(2026, 2, 13, 16, 30), 4), vn(2026, 2, 23, 11, 0))
        self.assertEqual(clock.between(vn(2026, 2, 9), vn(2026, 3, 2)), 85.0)

    def test_float_tie_like_odoo(self):
        # 1 + 23 minutes: 0.4 h ends at 09:23, as Odoo's float arithmetic decides.
        clock = BusinessClock({0: [(8, 8 + 1 / 60), (9, 9 + 23 / 60), (10, 11)]}, "UTC")
        self.assertEqual(clock.add(datetime(2026, 11, 23, 8, 0), 0.4), datetime(2026, 11, 23, 9, 23))
        self.assertEqual(clock.add(datetime(2026, 11, 23, 8, 0), 1 / 60), datetime(2026, 11, 23, 8, 1))

    def test_backwards(self):
        self.assertEqual(self.office.add(vn(2026, 11, 30, 9, 30), -2), vn(2026, 11, 27, 17, 0))
        # A tie going backwards ends at the start of the interval.
        self.assertEqual(self.office.add(vn(2026, 11, 24, 17, 30), -4.5), vn(2026, 11, 24, 13, 0))

    def test_end_before_start(self):
        self.assertEqual(self.office.between(vn(2026, 11, 24, 11, 0), vn(2026, 11, 24, 9, 0)), 0.0)

    def test_aware_datetimes(self):
        start = datetime(2026, 11, 27, 17, 0, tzinfo=VN)
        deadline = self.office.add(start, 2)
        self.assertEqual(deadline, datetime(2026, 11, 30, 9, 30, tzinfo=VN))
        self.assertEqual(deadline.utcoffset(), timedelta(hours=7))
        self.assertEqual(self.office.between(start, deadline), 2.0)

    def test_attendance_hours_as_odoo_reads_them(self):
        # 7.25 = 07:15, 11.75 = 11:45; minutes are rounded, seconds dropped.
        clock = BusinessClock({0: [(7.25, 11.75)]}, "UTC")
        self.assertEqual(clock.add(datetime(2026, 11, 23), 1), datetime(2026, 11, 23, 8, 15))
        self.assertEqual(clock.between(datetime(2026, 11, 23), datetime(2026, 11, 24)), 4.5)
        odd = BusinessClock({0: [(8.375, 9.0)]}, "UTC")  # 08:22:30 rounds half up
        self.assertEqual(odd.add(datetime(2026, 11, 23), 0), datetime(2026, 11, 23, 8, 23))
        with self.assertRaises(ValueError):
            BusinessClock({0: [(8.0, 25.0)]}, "UTC")

    def test_daylight_saving_time(self):
        # A Sunday worked 00:00-24:00 in Paris lasts 23 h in spring, 25 h in autumn
        # (24:00 is 23:59:59.999999, as in Odoo).
        clock = BusinessClock({6: [(0.0, 24.0)]}, "Europe/Paris")
        spring = clock.between(datetime(2026, 3, 28), datetime(2026, 3, 30))
        autumn = clock.between(datetime(2026, 10, 24), datetime(2026, 10, 26))
        self.assertAlmostEqual(spring, 23.0, places=6)
        self.assertAlmostEqual(autumn, 25.0, places=6)
        # 08:00 Paris is 07:00 UTC in winter, 06:00 UTC in summer.
        office = BusinessClock(OFFICE, "Europe/Paris")
        self.assertEqual(office.add(datetime(2026, 3, 27, 16, 0), 1), datetime(2026, 3, 30, 6, 30))
        self.assertEqual(office.add(datetime(2026, 10, 23, 15, 0), 1), datetime(2026, 10, 26, 7, 30))

    def test_two_weeks_calendar(self):
        # Week parity as Odoo's get_week_type: 23 Nov 2026 starts an even week (0).
        self.assertEqual((date(2026, 11, 23).toordinal() - 1) // 7 % 2, 0)
        clock = BusinessClock([(0, 8.0, 12.0, 0, None, None), (0, 13.0, 17.0, 1, None, None)],
                              "UTC", two_weeks=True)
        self.assertEqual(clock.add(datetime(2026, 11, 23), 1), datetime(2026, 11, 23, 9, 0))
        self.assertEqual(clock.add(datetime(2026, 11, 24), 1), datetime(2026, 11, 30, 14, 0))

    def test_dated_attendances(self):
        clock = BusinessClock([(0, 8.0, 12.0, None, date(2026, 12, 1), None)], "UTC")
        self.assertEqual(clock.add(datetime(2026, 11, 23), 1), datetime(2026, 12, 7, 9, 0))

    def test_nothing_to_plan(self):
        empty = BusinessClock([], "Asia/Ho_Chi_Minh")
        self.assertIsNone(empty.add(vn(2026, 11, 24, 9, 0), 1))
        self.assertEqual(empty.between(vn(2026, 11, 24), vn(2026, 12, 24)), 0.0)
        # Like Odoo, only 1400 days are searched: 42.5 h x 200 weeks = 8500 h.
        self.assertIsNone(self.office.add(vn(2026, 11, 23, 8, 0), 10000))
        self.assertIsNotNone(self.office.add(vn(2026, 11, 23, 8, 0), 8000))

    def test_always(self):
        always = BusinessClock.always()
        self.assertIs(always, BusinessClock.always())
        start = vn(2026, 11, 27, 17, 0)
        self.assertEqual(always.add(start, 2), start + timedelta(hours=2))
        self.assertEqual(always.add(start, 0.5), start + timedelta(minutes=30))
        self.assertEqual(always.add(start, 62), vn(2026, 11, 30, 7, 0))
        self.assertEqual(always.between(start, vn(2026, 11, 30, 7, 0)), 62.0)
        self.assertEqual(always.between(vn(2026, 11, 30), start), 0.0)
        self.assertTrue(always.is_working(start))

    def test_non_finite_hours(self):
        with self.assertRaises(ValueError):
            self.office.add(vn(2026, 11, 24, 9, 0), float("inf"))

    def test_replays_match_reference(self):
        # Near ties are replayed in Odoo's float arithmetic on the cached 28-day
        # blocks; check them against the slow step-by-step reference, with intervals
        # cut by block boundaries (00:00-24:00 days, UTC midnight inside working time)
        # and by Odoo's 14-day windows (hundreds of hours).
        rnd = random.Random(7)
        for _calendar in range(40):
            attendances = []
            for day in range(7):
                if rnd.random() < 0.3:
                    attendances.append((day, 0.0, 24.0))
                    continue
                points = sorted(rnd.sample(range(1441), rnd.choice([2, 4, 6])))
                for begin, end in zip(points[::2], points[1::2], strict=False):
                    attendances.append((day, begin / 60, end / 60))
            leaves = []
            for _leave in range(rnd.randint(0, 4)):
                begin = datetime(2026, 1, 1) + timedelta(minutes=rnd.randrange(400 * 1440))
                leaves.append((begin, begin + timedelta(minutes=rnd.choice([30, 1440, 4000]))))
            tz_name = rnd.choice(["Europe/Paris", "America/New_York", "Asia/Ho_Chi_Minh"])
            business = BusinessClock(attendances, tz_name, leaves)
            for _case in range(8):
                start = datetime(2026, 1, 1) + timedelta(seconds=rnd.randrange(400 * 86400))
                # Hours ending exactly where working time ends: a tie.
                hours = business.between(start, start + timedelta(hours=rnd.uniform(0, 1500)))
                start_us = clock_time.to_us(start)
                with self.subTest(attendances=attendances, tz=tz_name, start=start, hours=hours):
                    self.assertEqual(business._replay_forward(start_us, hours),
                                     business._odoo_plan_reference(start_us, hours))
                    self.assertEqual(business._replay_backward(start_us, hours),
                                     business._odoo_plan_reference(start_us, -hours))

    def test_many_calls_are_consistent(self):
        # add and between are inverse on working instants.
        start = vn(2026, 11, 20, 9, 41, 7)
        for step in range(1, 300):
            hours = step * 0.37
            deadline = self.office.add(start, hours)
            self.assertAlmostEqual(self.office.between(start, deadline), hours, places=9)
