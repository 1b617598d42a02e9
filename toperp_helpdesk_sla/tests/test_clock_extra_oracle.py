"""Extra working days against Odoo: a calendar with an extra working day gives the
same answers as the same calendar whose attendances include that day's hours, dated
to that day alone (which Odoo's resource.calendar computes itself)."""

from contextlib import closing
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import TransactionCase

from . import test_clock_oracle as oracle_tests
from .test_clock_oracle import HYPOTHESIS, TOLERANCE, scenarios


@st.composite
def extra_day_scenarios(draw):
    spec, leaves, cases = draw(scenarios(max_hours=120.0))
    first = min(start for start, _hours, _end in cases).date()
    extra = []
    for day in sorted(draw(st.sets(st.integers(-2, 20), min_size=1, max_size=4))):
        hours = None
        if draw(st.booleans()):
            begin = draw(st.integers(0, 95))
            hours = (begin / 4, draw(st.integers(begin + 1, 96)) / 4)
        extra.append((first + timedelta(days=day), hours))
    return spec, leaves, cases, extra


class TestClockExtraWorkdaysOracle(TransactionCase):
    _create_calendar = oracle_tests.TestClockOracle._create_calendar

    def _monday_hours(self, spec, day):
        parity = (day.toordinal() - 1) // 7 % 2
        return [
            (hour_from, hour_to)
            for weekday, hour_from, hour_to, week_type in spec["attendances"]
            if weekday == 0 and (not spec["two_weeks"] or week_type == parity)
        ]

    def _compare(self, oracle, calendar, start, hours, end):
        clock = self.env["resource.calendar"]._toperp_clock_for(calendar)
        expected = oracle.plan_hours(hours, start, compute_leaves=True)
        got = clock.add(start, hours)
        message = f"add({start}, {hours!r}) on {calendar.tz}: Odoo {expected}, clock {got}"
        if expected is False:
            self.assertIsNone(got, message)
        else:
            self.assertIsNotNone(got, message)
            self.assertLessEqual(abs(got - expected), TOLERANCE, message)
        between = oracle.get_work_hours_count(start, end, compute_leaves=True)
        self.assertLessEqual(abs(clock.between(start, end) - between) * 3600, TOLERANCE.total_seconds(),
                             f"between({start}, {end}) on {calendar.tz}")

    @settings(HYPOTHESIS, max_examples=60)
    @given(extra_day_scenarios())
    def test_extra_days_match_dated_attendances(self, scenario):
        spec, leaves, cases, extra = scenario
        with closing(self.env.cr.savepoint()):
            calendar = self._create_calendar(spec, leaves)
            oracle = self._create_calendar(spec, [])  # shared leaves already exist
            self.env["resource.calendar.leaves"].create([
                {"name": leave.name, "calendar_id": oracle.id, "date_from": leave.date_from,
                 "date_to": leave.date_to, "time_type": leave.time_type}
                for leave in calendar.leave_ids
            ])
            attendances = []
            for day, hours in extra:
                for hour_from, hour_to in [hours] if hours else self._monday_hours(spec, day):
                    attendances.append((0, 0, {
                        "name": "Làm bù", "dayofweek": str(day.weekday()), "hour_from": hour_from,
                        "hour_to": hour_to, "date_from": day, "date_to": day,
                        "week_type": str((day.toordinal() - 1) // 7 % 2) if spec["two_weeks"] else False,
                    }))
            oracle.write({"attendance_ids": attendances})
            self.env["toperp.helpdesk.extra.workday"].create([
                {"calendar_id": calendar.id, "date": day, "name": "Làm bù",
                 "hour_from": hours[0] if hours else 0.0, "hour_to": hours[1] if hours else 0.0}
                for day, hours in extra
            ])
            for start, hours, end in cases:
                self._compare(oracle, calendar, start, hours, end)
