"""The business-time clock against Odoo's own resource.calendar, as an oracle.

Property-based (hypothesis, derandomized so that CI is reproducible): random calendars
(split days, odd minutes, empty days, two-week calendars, time zones with and without
DST), random global leaves (whole local days, partial, multi-day, shared by all
calendars, of type "other"), random starts (inside and outside working time, on
interval boundaries, on leaves, around DST changes) and random hours. ``add`` must
match ``plan_hours(compute_leaves=True)`` and ``between`` must match
``get_work_hours_count(compute_leaves=True)`` within one second.
"""

from contextlib import closing
from datetime import datetime, time, timedelta

import pytz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.addons.resource.models.utils import float_to_time
from odoo.tests import TransactionCase

TOLERANCE = timedelta(seconds=1)
TIME_ZONES = [
    "Asia/Ho_Chi_Minh",
    "Europe/Paris",
    "America/New_York",
    "UTC",
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Havana",  # DST changes at midnight
]
# Days just before DST changes (Paris, New York, Havana, Lord Howe) and plain days.
ANCHORS = [
    datetime(2026, 3, 26),
    datetime(2026, 10, 22),
    datetime(2026, 3, 5),
    datetime(2026, 10, 29),
    datetime(2026, 3, 12),
    datetime(2026, 4, 2),
    datetime(2026, 9, 30),
    datetime(2025, 12, 29),
    datetime(2027, 2, 1),
]
HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    # Derandomized and without example database, nothing depends on which test
    # instance runs a method (Odoo's runner and pytest may both run it).
    suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.differing_executors,
    ],
)


@st.composite
def calendar_specs(draw):
    """A calendar: tz, two-week flag and attendances (day, hour_from, hour_to, week)."""
    two_weeks = draw(st.integers(0, 5)) == 0
    step = draw(st.sampled_from([60, 30, 15, 5, 1]))  # granularity in minutes
    attendances = []
    for week_type in (0, 1) if two_weeks else (0,):
        for day in range(7):
            points = sorted(draw(st.sets(st.integers(0, 1440 // step), max_size=6)))
            if draw(st.booleans()) and len(points) >= 3:
                points.insert(2, points[1])  # touching intervals, e.g. 08-12 + 12-17
            for begin, end in zip(points[::2], points[1::2], strict=False):
                if begin < end:
                    attendances.append((day, begin * step / 60, end * step / 60, week_type))
    return {
        "tz": draw(st.sampled_from(TIME_ZONES)),
        "two_weeks": two_weeks,
        "attendances": attendances,
    }


@st.composite
def scenarios(draw, min_hours=0.25, max_hours=200.0):
    spec = draw(calendar_specs())
    tz = pytz.timezone(spec["tz"])
    anchor = draw(st.one_of(
        st.sampled_from(ANCHORS),
        st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 1)).map(
            lambda moment: moment.replace(hour=0, minute=0, second=0, microsecond=0)),
    ))

    def to_utc(local):
        return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    leaves = []
    for _i in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["day", "day", "days", "partial", "partial"]))
        day = (anchor + timedelta(days=draw(st.integers(-3, 45)))).date()
        if kind == "partial":
            start = to_utc(datetime.combine(day, time()) + timedelta(
                minutes=draw(st.integers(0, 1439))))
            stop = start + timedelta(minutes=draw(st.integers(1, 72 * 60)))
        else:
            days = 1 if kind == "day" else draw(st.integers(2, 10))
            start = to_utc(datetime.combine(day, time()))
            stop = to_utc(datetime.combine(day + timedelta(days=days - 1), time(23, 59, 59)))
        leaves.append({
            "start": start,
            "stop": stop,
            "shared": draw(st.integers(0, 5)) == 0,  # calendar_id False: every calendar
            "other": draw(st.integers(0, 7)) == 0,  # time_type "other": not time off
        })

    cases = []
    for _i in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["any", "any", "boundary", "boundary", "leave"]))
        start = anchor + timedelta(seconds=draw(st.integers(0, 30 * 86400)))
        if how == "boundary" and spec["attendances"]:
            day, hour_from, hour_to, _week = draw(st.sampled_from(spec["attendances"]))
            date = (anchor + timedelta(days=draw(st.integers(0, 30)))).date()
            date += timedelta(days=(day - date.weekday()) % 7)
            start = to_utc(datetime.combine(date, float_to_time(
                draw(st.sampled_from([hour_from, hour_to])))))
        elif how == "leave" and leaves:
            leave = draw(st.sampled_from(leaves))
            start = draw(st.sampled_from([leave["start"], leave["stop"]]))
        hours = draw(st.one_of(
            st.floats(min_hours, max_hours, allow_nan=False, allow_infinity=False),
            st.integers(int(min_hours * 4), int(max_hours * 4)).map(lambda quarters: quarters / 4),
        ))
        span = draw(st.one_of(
            st.floats(0, 24 * 60),
            st.integers(0, 24 * 60 * 4).map(lambda quarters: quarters / 4),
        ))
        cases.append((start, hours, start + timedelta(hours=span)))
    return spec, leaves, cases


class TestClockOracle(TransactionCase):
    def _create_calendar(self, spec, leaves=()):
        calendar = self.env["resource.calendar"].create({
            "name": "Clock oracle",
            "tz": spec["tz"],
            "two_weeks_calendar": spec["two_weeks"],
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {
                    "name": "Work",
                    "dayofweek": str(day),
                    "hour_from": hour_from,
                    "hour_to": hour_to,
                    "week_type": str(week_type) if spec["two_weeks"] else False,
                })
                for day, hour_from, hour_to, week_type in spec["attendances"]
            ],
        })
        self.env["resource.calendar.leaves"].create([
            {
                "name": "Holiday",
                "calendar_id": False if leave["shared"] else calendar.id,
                "date_from": leave["start"],
                "date_to": leave["stop"],
                "time_type": "other" if leave["other"] else "leave",
            }
            for leave in leaves
        ])
        return calendar

    def _assert_add_matches(self, calendar, start, hours):
        expected = calendar.plan_hours(hours, start, compute_leaves=True)
        got = self.env["resource.calendar"]._toperp_clock_for(calendar).add(start, hours)
        message = f"add({start}, {hours!r}) on {calendar.tz}: Odoo {expected}, clock {got}"
        if expected is False:
            self.assertIsNone(got, message)
        else:
            self.assertIsNotNone(got, message)
            self.assertLessEqual(abs(got - expected), TOLERANCE, message)
        return expected

    def _assert_between_matches(self, calendar, start, end):
        expected = calendar.get_work_hours_count(start, end, compute_leaves=True)
        got = self.env["resource.calendar"]._toperp_clock_for(calendar).between(start, end)
        message = f"between({start}, {end}) on {calendar.tz}: Odoo {expected}, clock {got}"
        self.assertLessEqual(abs(got - expected) * 3600, TOLERANCE.total_seconds(), message)

    @HYPOTHESIS
    @given(scenarios())
    def test_add_and_between_match_odoo(self, scenario):
        spec, leaves, cases = scenario
        with closing(self.env.cr.savepoint()):  # shared leaves must not leak
            calendar = self._create_calendar(spec, leaves)
            clock = self.env["resource.calendar"]._toperp_clock_for(calendar)
            for start, hours, end in cases:
                expected = self._assert_add_matches(calendar, start, hours)
                self._assert_between_matches(calendar, start, end)
                if expected:
                    self._assert_between_matches(calendar, start, expected)
                # When ``end`` is outside working time, these hours end exactly at the
                # end of an interval: a tie that Odoo's float arithmetic decides.
                tie_hours = clock.between(start, end)
                if tie_hours:
                    self._assert_add_matches(calendar, start, tie_hours)

    @settings(HYPOTHESIS, max_examples=60)
    @given(scenarios(min_hours=0.0, max_hours=60.0))
    def test_zero_and_backward_planning_match_odoo(self, scenario):
        spec, leaves, cases = scenario
        with closing(self.env.cr.savepoint()):
            calendar = self._create_calendar(spec, leaves)
            for start, hours, _end in cases:
                self._assert_add_matches(calendar, start, 0.0)
                self._assert_add_matches(calendar, start, -hours)


class TestClockEdges(TransactionCase):
    """Deterministic cases that random draws rarely reach."""

    def _compare(self, calendar, starts, hours_list):
        clock = self.env["resource.calendar"]._toperp_clock_for(calendar)
        for start in starts:
            for hours in hours_list:
                expected = calendar.plan_hours(hours, start, compute_leaves=True)
                got = clock.add(start, hours)
                message = f"add({start}, {hours}) on {calendar.tz}: Odoo {expected}, clock {got}"
                self.assertTrue(expected, message)
                self.assertLessEqual(abs(got - expected), TOLERANCE, message)
                end = start + timedelta(hours=hours * 3)
                self.assertAlmostEqual(
                    clock.between(start, end),
                    calendar.get_work_hours_count(start, end, compute_leaves=True),
                    delta=1 / 3600,
                )

    def test_float_ties(self):
        # 1 + 23 minutes = 0.4 h: Odoo's float subtraction ends the deadline at 09:23,
        # where exact arithmetic on the float 0.4 would jump to 10:00.
        calendar = self.env["resource.calendar"].create({
            "name": "Ties", "tz": "UTC", "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": "Work", "dayofweek": "0", "hour_from": begin, "hour_to": end})
                for begin, end in ((8, 8 + 1 / 60), (9, 9 + 23 / 60), (10, 11))
            ],
        })
        start = datetime(2026, 11, 23, 8, 0)
        self.assertEqual(calendar.plan_hours(0.4, start, compute_leaves=True),
                         datetime(2026, 11, 23, 9, 23))
        self._compare(calendar, [start], [0.4, 1 / 60, 7 / 60, 24 / 60, 84 / 60])

    def test_dst_nights(self):
        # Work at night around every DST change of 2026, in the gap and in the fold.
        night = ((0, 0.5), (0.75, 1.25), (1.5, 2.25), (2.5, 3.5), (4, 6), (22, 24))
        for tz_name in ("Europe/Paris", "America/New_York", "America/Havana",
                        "Australia/Lord_Howe"):
            tz = pytz.timezone(tz_name)
            calendar = self.env["resource.calendar"].create({
                "name": "Nights", "tz": tz_name, "attendance_ids": [(5, 0, 0)] + [
                    (0, 0, {"name": "Night", "dayofweek": str(day), "hour_from": begin,
                            "hour_to": end})
                    for day in range(7) for begin, end in night
                ],
            })
            days = [
                day for day in (datetime(2026, 1, 1) + timedelta(days=n) for n in range(365))
                if tz.localize(day - timedelta(hours=12)).utcoffset()
                != tz.localize(day + timedelta(hours=12)).utcoffset()
            ]
            self.assertTrue(days, tz_name)  # Cuba keeps summer time from March 2026
            for day in days:
                starts = [day - timedelta(hours=12) + timedelta(hours=2 * n) for n in range(18)]
                self._compare(calendar, starts, [0.25, 1, 2.5])


class TestClockCache(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Calendar = cls.env["resource.calendar"]
        # Odoo's default attendances: 08-12, lunch break 12-13, 13-17, Monday to Friday.
        cls.calendar = cls.Calendar.create({"name": "Office", "tz": "Asia/Ho_Chi_Minh"})
        cls.friday_evening = datetime(2026, 11, 27, 9, 30)  # 16:30 in Hanoi

    def clock(self):
        return self.Calendar._toperp_clock_for(self.calendar)

    def assertDeadline(self, hours, expected):
        deadline = self.clock().add(self.friday_evening, hours)
        self.assertEqual(deadline, expected)
        self.assertEqual(
            self.calendar.plan_hours(hours, self.friday_evening, compute_leaves=True), expected)

    def test_empty_calendar_is_24_7(self):
        clock = self.Calendar._toperp_clock_for(self.Calendar)
        self.assertTrue(clock.is_always)
        self.assertEqual(clock.add(self.friday_evening, 2), self.friday_evening + timedelta(hours=2))

    def test_lunch_break_and_cache(self):
        self.assertTrue(self.calendar.attendance_ids.filtered(lambda a: a.day_period == "lunch"))
        self.assertIs(self.clock(), self.clock())
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))  # Monday 09:30 in Hanoi

    def test_attendance_changes_invalidate(self):
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))
        saturday = self.env["resource.calendar.attendance"].create({
            "name": "Saturday", "calendar_id": self.calendar.id, "dayofweek": "5",
            "hour_from": 8, "hour_to": 12,
        })
        self.assertDeadline(2, datetime(2026, 11, 28, 2, 30))  # Saturday 09:30
        saturday.hour_from = 10
        self.assertDeadline(2, datetime(2026, 11, 28, 4, 30))  # Saturday 11:30
        saturday.unlink()
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))
        self.calendar.write({"attendance_ids": [(0, 0, {
            "name": "Sunday", "dayofweek": "6", "hour_from": 9, "hour_to": 10,
        })]})
        self.assertDeadline(2, datetime(2026, 11, 30, 1, 30))  # Sunday 9-10, Monday 08:30

    def test_time_zone_change_invalidates(self):
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))
        self.calendar.tz = "Europe/Paris"
        # 09:30 UTC is 10:30 in Paris: Friday 10:30-12:00 and 13:00-13:30.
        self.assertDeadline(2, datetime(2026, 11, 27, 12, 30))

    def test_leave_changes_invalidate(self):
        Leave = self.env["resource.calendar.leaves"]
        monday = Leave.create({
            "name": "Holiday", "calendar_id": self.calendar.id,
            "date_from": datetime(2026, 11, 29, 17, 0), "date_to": datetime(2026, 11, 30, 17, 0),
        })
        self.assertDeadline(2, datetime(2026, 12, 1, 2, 30))  # Tuesday 09:30
        monday.date_from = datetime(2026, 11, 30, 2, 0)  # from 09:00 on Monday
        self.assertDeadline(2, datetime(2026, 12, 1, 1, 30))  # Monday 08-09, Tuesday 08:30
        monday.unlink()
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))
        # A leave on no calendar is time off for every calendar.
        shared = Leave.create({
            "name": "National day", "calendar_id": False,
            "date_from": datetime(2026, 11, 29, 17, 0), "date_to": datetime(2026, 11, 30, 17, 0),
        })
        self.assertDeadline(2, datetime(2026, 12, 1, 2, 30))
        shared.time_type = "other"
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))

    def test_personal_leave_keeps_cache(self):
        clock = self.clock()
        resource = self.env["resource.resource"].create({
            "name": "Agent", "calendar_id": self.calendar.id,
        })
        self.env["resource.calendar.leaves"].create({
            "name": "Sick", "calendar_id": self.calendar.id, "resource_id": resource.id,
            "date_from": datetime(2026, 11, 29, 17, 0), "date_to": datetime(2026, 11, 30, 17, 0),
        })
        self.assertIs(self.clock(), clock)
        self.assertDeadline(2, datetime(2026, 11, 30, 2, 30))

    def test_new_record_is_compiled_uncached(self):
        draft = self.Calendar.new({"name": "Draft", "tz": "UTC", "attendance_ids": [
            (0, 0, {"name": "Monday", "dayofweek": "0", "hour_from": 8, "hour_to": 12}),
        ]})
        clock = self.Calendar._toperp_clock_for(draft)
        self.assertEqual(clock.add(self.friday_evening, 2), datetime(2026, 11, 30, 10, 0))
