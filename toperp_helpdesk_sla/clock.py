"""Business-time clock: deadlines and elapsed working hours on a weekly calendar.

Framework-free (no ``odoo`` import) so that it can be tested without a database and
cached per calendar; its time line (microseconds, time zones, leaves): ``clock_time.py``.
``models/resource_calendar.py`` compiles a ``resource.calendar`` into a
:class:`BusinessClock`; an empty calendar means 24/7 (:meth:`BusinessClock.always`).

API
---
``BusinessClock(attendances, tz_name="UTC", leaves=(), two_weeks=False, extra_days=())``
    ``attendances``: iterable of ``(weekday, hour_from, hour_to)`` tuples, optionally
    extended to ``(weekday, hour_from, hour_to, week_type, date_from, date_to)``
    (``weekday`` 0 = Monday .. 6; hours as floats in local wall-clock time, like
    ``resource.calendar.attendance``; ``week_type`` 0/1/None, only read when
    ``two_weeks``; ``date_from``/``date_to`` are :class:`datetime.date` or None), or a
    mapping ``{weekday: [(hour_from, hour_to), ...]}``. ``tz_name``: IANA name.
    ``leaves``: iterable of ``(start, end)`` naive-UTC datetimes (global time off).
    ``extra_days``: iterable of ``(date, hour_from, hour_to)``: exceptional working
    time on a local date (a compensating working Saturday), added to that day's
    attendances exactly as an attendance dated from ``date`` to ``date`` would be
    (leaves still apply).
``clock.add(start, hours) -> datetime | None``
    the instant when ``hours`` business hours have elapsed since ``start``.
``clock.between(start, end) -> float``
    business hours in ``[start, end]``.
``clock.is_working(moment) -> bool``
    whether ``moment`` falls inside working time.
``BusinessClock.always()``
    the 24/7 clock (``add = start + timedelta(hours=hours)``, ``between = max(0, elapsed hours)``).

Conventions (all chosen to give exactly the answers of Odoo 18's
``resource.calendar.plan_hours(hours, start, compute_leaves=True)`` and
``get_work_hours_count(start, end, compute_leaves=True)`` called with ``domain=None``
and no ``resource``):

* Datetimes are naive UTC, Odoo's storage convention. An aware ``start`` is accepted
  and the result is then returned in the same time zone, as Odoo does.
* Attendance hours are read like ``float_to_time``: rounded half-up to the minute,
  seconds dropped, ``24.0`` meaning 23:59:59.999999. Hours outside ``[0, 24]`` raise
  ``ValueError`` (Odoo raises too); a value that rounds to minute 60 (e.g. 8.999) is
  read as the next whole hour, where Odoo raises.
* Local wall-clock times become UTC like pytz's ``localize(is_dst=False)``: a time
  that does not exist (spring-forward gap) takes the offset in force before the
  jump; an ambiguous time (fall-back) takes the reading whose ``dst()`` is zero, or
  else the later instant. Durations are real elapsed time, so a night shift across a
  DST change is an hour shorter or longer.
* Time zone data: pytz's own database (the one Odoo uses), loaded into
  :mod:`zoneinfo` without its POSIX footer, because pytz does not extrapolate DST
  rules after 2037 and neither do we. Without pytz, the system's zoneinfo is used.
* Working time = union of the attendance intervals of each local day (overlapping
  ones merge), minus the union of the leaves. Attendances of a two-week calendar
  follow Odoo's week parity (``(date.toordinal() - 1) // 7 % 2``); dated attendances
  only count between their dates (inclusive).
* ``add``: counting starts at ``start`` or at the next working instant after it. When
  ``hours`` ends exactly at the end of a working interval, the deadline is that end
  (not the start of the next interval). ``hours == 0`` gives ``start`` inside working
  time, else the start of the next working interval. Negative ``hours`` plan
  backwards (the deadline is then the start of an interval on a tie). Like Odoo,
  only the 1400 days (100 windows of 14 days) after (before) ``start`` are searched:
  ``None`` is returned where Odoo returns ``False``. ``between`` is ``0.0`` when ``end <= start``.
* Arithmetic is exact, in integer microseconds. Odoo subtracts float hours interval
  after interval, so when the deadline falls within a few microseconds of an interval
  boundary its float rounding decides on which side of a gap the deadline lands
  (e.g. intervals of 1 and 23 minutes: 0.4 h ends at the end of the second one
  although the float 0.4 is a hair above 24 minutes). In that case only, Odoo's float
  algorithm is replayed on the cached intervals (cut at its 14-day windows from
  ``start``, not merged where they merely touch) to take the same side. Elsewhere
  results agree with Odoo's to the microsecond.
* Not modelled (callers pass what Odoo's defaults would use): resource-specific
  attendances and leaves, leaves with ``time_type`` other than ``leave``, a custom
  ``domain``, the ``employee_timezone`` context key, flexible-hours resources, and
  record rules (the model compiles the calendar as superuser).

Speed: working intervals are materialised lazily in 28-day blocks (UTC), each with
cumulative sums, and kept; ``add`` skips whole blocks by their totals and bisects inside
one; ``between`` is a difference of two cumulative sums plus block totals."""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import UTC, timedelta

from .clock_time import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_SECOND,
    as_utc_us,
    from_us,
    hour_to_us,
    load_zone,
    merge_leaves,
)

# Odoo's plan_hours scans 100 windows of 14 days from the start.
_WINDOW_US = 14 * US_PER_DAY
_WINDOWS = 100
# Materialisation block and how many blocks a clock keeps.
_BLOCK_US = 28 * US_PER_DAY
_MAX_BLOCKS = 4096
# A deadline this close (µs) to an interval boundary is recomputed Odoo's way.
_TIE_US = 5


class BusinessClock:
    """A compiled working-time calendar; see the module docstring."""

    is_always = False

    def __init__(self, attendances, tz_name="UTC", leaves=(), two_weeks=False, extra_days=()):
        self.tz_name = tz_name or "UTC"
        self._zone = load_zone(self.tz_name)
        if isinstance(attendances, Mapping):
            attendances = [
                (weekday, hour_from, hour_to)
                for weekday, spans in attendances.items()
                for hour_from, hour_to in spans
            ]
        # 14 day slots: index = week parity * 7 + weekday.
        self._slots = [[] for _i in range(14)]
        for attendance in attendances:
            weekday, hour_from, hour_to, *rest = attendance
            week_type, date_from, date_to = (list(rest) + [None, None, None])[:3]
            weekday = int(weekday)
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday out of range: {weekday!r}")
            span = (
                hour_to_us(hour_from),
                hour_to_us(hour_to),
                date_from.toordinal() if date_from else 0,
                date_to.toordinal() if date_to else 0,
            )
            if two_weeks:
                self._slots[int(week_type or 0) * 7 + weekday].append(span)
            else:
                self._slots[weekday].append(span)
                self._slots[weekday + 7].append(span)
        # Extra working days: {local date ordinal: [(from µs, to µs, 0, 0), ...]}.
        self._extra = {}
        for day, hour_from, hour_to in extra_days:
            span = (hour_to_us(hour_from), hour_to_us(hour_to), 0, 0)
            self._extra.setdefault(day.toordinal(), []).append(span)
        self._has_work = any(
            start < stop for slot in [*self._slots, *self._extra.values()] for start, stop, *_d in slot
        )
        self._leave_starts, self._leave_ends = merge_leaves(leaves)
        self._blocks = {}

    @classmethod
    def always(cls):
        """The 24/7 clock."""
        return _ALWAYS

    def __repr__(self):
        return (
            f"<BusinessClock {self.tz_name} "
            f"{sum(len(slot) for slot in self._slots[:7])} attendances/week, "
            f"{len(self._leave_starts)} leaves, {len(self._extra)} extra days>"
        )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def add(self, start, hours):
        """Deadline after ``hours`` business hours from ``start`` (None: not found)."""
        if not math.isfinite(hours):
            raise ValueError(f"hours must be finite, got {hours!r}")
        start_us, revert = as_utc_us(start)
        if not self._has_work:
            return None
        if hours >= 0:
            result = self._add_forward(start_us, hours)
        else:
            result = self._add_backward(start_us, -hours)
        if result is None:
            return None
        if isinstance(result, int):
            result = from_us(result)
        return revert(result)

    def between(self, start, end):
        """Business hours between ``start`` and ``end`` (0.0 when end <= start)."""
        start_us, _revert = as_utc_us(start)
        end_us, _revert = as_utc_us(end)
        if end_us <= start_us:
            return 0.0
        first, last = start_us // _BLOCK_US, end_us // _BLOCK_US
        block = self._block(first)
        if first == last:
            return (self._cum_at(block, end_us) - self._cum_at(block, start_us)) / US_PER_HOUR
        total = block[4] - self._cum_at(block, start_us)
        for index in range(first + 1, last):
            total += self._block(index)[4]
        total += self._cum_at(self._block(last), end_us)
        return total / US_PER_HOUR

    def is_working(self, moment):
        """Whether ``moment`` is inside working time (leaves excluded)."""
        moment_us, _revert = as_utc_us(moment)
        starts, stops = self._block(moment_us // _BLOCK_US)[:2]
        index = bisect_right(stops, moment_us)
        return index < len(starts) and starts[index] <= moment_us

    # ------------------------------------------------------------------
    # Fast path
    # ------------------------------------------------------------------

    def _add_forward(self, start_us, hours):
        numerator, denominator = float(hours).as_integer_ratio()
        numerator *= US_PER_HOUR  # remaining = numerator / denominator µs, exactly
        horizon = start_us + _WINDOWS * _WINDOW_US
        index = start_us // _BLOCK_US
        block = self._block(index)
        lo = bisect_right(block[1], start_us)
        base = self._cum_at(block, start_us)
        avail = block[4] - base
        while avail == 0 or numerator > avail * denominator:
            numerator -= avail * denominator
            index += 1
            if index * _BLOCK_US >= horizon:
                return None
            block = self._block(index)
            lo, base, avail = 0, 0, block[4]
        starts, stops, cum_before, cum_end = block[:4]
        need = base - (-numerator // denominator)  # base + ceil(remaining)
        k = bisect_left(cum_end, need, lo)
        offset = base - cum_before[k] + (numerator + denominator // 2) // denominator
        deadline = starts[k] + offset
        if deadline > horizon or (numerator == 0 and deadline >= horizon):
            return None
        if numerator and (stops[k] - deadline <= _TIE_US or deadline - starts[k] <= _TIE_US):
            return self._replay_forward(start_us, hours)
        return deadline

    def _add_backward(self, start_us, hours):
        numerator, denominator = float(hours).as_integer_ratio()
        numerator *= US_PER_HOUR
        horizon = start_us - _WINDOWS * _WINDOW_US
        index = start_us // _BLOCK_US
        block = self._block(index)
        base = self._cum_at(block, start_us)
        while base == 0 or numerator > base * denominator:
            numerator -= base * denominator
            index -= 1
            if (index + 1) * _BLOCK_US <= horizon:
                return None
            block = self._block(index)
            base = block[4]
        starts, stops, cum_before = block[:3]
        hi = bisect_left(starts, start_us)  # pieces that start before start_us
        floor = (base * denominator - numerator) // denominator
        k = bisect_right(cum_before, floor, 0, hi) - 1
        offset = ((base - cum_before[k]) * denominator - numerator + denominator // 2) // denominator
        deadline = starts[k] + offset
        if deadline < horizon:
            return None
        if stops[k] - deadline <= _TIE_US or deadline - starts[k] <= _TIE_US:
            return self._replay_backward(start_us, hours)
        return deadline

    def _block(self, index):
        """(starts, stops, cum_before, cum_end, total, continues) of 28-day block ``index``.

        ``continues``: the last interval goes on in the next block (it is only cut
        by the block boundary, unlike two intervals that touch there).
        """
        block = self._blocks.get(index)
        if block is None:
            lo = index * _BLOCK_US
            hi = lo + _BLOCK_US
            # One µs more tells a cut interval from one that merely ends at ``hi``.
            pieces = self._pieces(lo, hi + 1)
            continues = False
            if pieces and pieces[-1][1] == hi + 1:
                start, _stop = pieces.pop()
                if start < hi:
                    pieces.append((start, hi))
                    continues = True
            starts, stops, cum_before, cum_end = [], [], [], []
            total = 0
            for start, stop in pieces:
                starts.append(start)
                stops.append(stop)
                cum_before.append(total)
                total += stop - start
                cum_end.append(total)
            block = (starts, stops, cum_before, cum_end, total, continues)
            if len(self._blocks) >= _MAX_BLOCKS:
                self._blocks.clear()
            self._blocks[index] = block
        return block

    @staticmethod
    def _cum_at(block, moment_us):
        """Working µs of ``block`` before ``moment_us``."""
        starts, stops, cum_before, cum_end, total, _continues = block
        index = bisect_right(stops, moment_us)
        if index == len(stops):
            return total
        return cum_before[index] + max(0, moment_us - starts[index])

    # ------------------------------------------------------------------
    # Near ties: Odoo's float arithmetic, replayed on the blocks
    # ------------------------------------------------------------------

    def _replay_forward(self, start_us, hours):
        """``plan_hours`` for ``hours >= 0`` as Odoo computes it, in floats.

        Odoo's intervals are ours joined across block boundaries and cut at its
        14-day window boundaries (``start + 14 days * n``).
        """
        remaining = float(hours)
        window_end = start_us + _WINDOW_US
        horizon = start_us + _WINDOWS * _WINDOW_US
        index = start_us // _BLOCK_US
        block = self._block(index)
        position = bisect_right(block[1], start_us)
        joined = None  # start of an interval that goes on in the next block
        while True:
            starts, stops, continues = block[0], block[1], block[5]
            count = len(starts)
            while position < count:
                begin = max(starts[position], start_us) if joined is None else joined
                end = stops[position]
                position += 1
                if position == count and continues:
                    joined = begin
                    break
                joined = None
                while begin < end:
                    if begin >= horizon:
                        return None
                    while window_end <= begin:
                        window_end += _WINDOW_US
                    cut = min(end, window_end)
                    interval_hours = (cut - begin) / US_PER_SECOND / 3600
                    if remaining <= interval_hours:
                        return from_us(begin) + timedelta(hours=remaining)
                    remaining -= interval_hours
                    begin = cut
            index += 1
            if index * _BLOCK_US >= horizon:
                return None
            block = self._block(index)
            position = 0

    def _replay_backward(self, start_us, hours):
        """``plan_hours`` for ``hours < 0`` (``hours`` given positive), in floats."""
        remaining = float(hours)
        window_start = start_us - _WINDOW_US
        horizon = start_us - _WINDOWS * _WINDOW_US
        index = start_us // _BLOCK_US
        block = self._block(index)
        position = bisect_left(block[0], start_us) - 1
        joined = None  # end of an interval that started in the previous block
        while True:
            starts, stops = block[0], block[1]
            while position >= 0:
                begin = starts[position]
                end = min(stops[position], start_us) if joined is None else joined
                position -= 1
                if position < 0 and self._block(index - 1)[5]:
                    joined = end
                    break
                joined = None
                while begin < end:
                    if end <= horizon:
                        return None
                    while window_start >= end:
                        window_start -= _WINDOW_US
                    cut = max(begin, window_start)
                    interval_hours = (end - cut) / US_PER_SECOND / 3600
                    if remaining <= interval_hours:
                        return from_us(end) - timedelta(hours=remaining)
                    remaining -= interval_hours
                    end = cut
            index -= 1
            if (index + 1) * _BLOCK_US <= horizon:
                return None
            block = self._block(index)
            position = len(block[0]) - 1

    # ------------------------------------------------------------------
    # Odoo's model of working time
    # ------------------------------------------------------------------

    def _localize(self, ordinal, offset_us):
        """UTC µs of local day ``ordinal`` + ``offset_us`` (pytz is_dst=False)."""
        local = from_us(ordinal * US_PER_DAY + offset_us)
        first = local.replace(tzinfo=self._zone)
        offset = first.utcoffset()
        other = local.replace(tzinfo=self._zone, fold=1).utcoffset()
        if other < offset:
            # Ambiguous (the clock went back): standard time, else the later instant.
            first_dst = bool(first.dst())
            other_dst = bool(local.replace(tzinfo=self._zone, fold=1).dst())
            if first_dst == other_dst or first_dst:
                offset = other
        # In a gap (other > offset) fold=0 already has the offset before the jump.
        return ordinal * US_PER_DAY + offset_us - offset // timedelta(microseconds=1)

    def _pieces(self, lo, hi):
        """Working intervals of Odoo's ``_work_intervals_batch(lo, hi)``, in UTC µs.

        Attendances of every local day Odoo generates, clipped to [lo, hi], merged when
        they overlap (not when they only touch, as Odoo's WorkIntervals), minus leaves.
        """
        lo_dt, hi_dt = from_us(lo), from_us(hi)
        zone = self._zone
        first_day = min(lo_dt.date(), lo_dt.replace(tzinfo=UTC).astimezone(zone).date())
        last_day = max(hi_dt.date(), hi_dt.replace(tzinfo=UTC).astimezone(zone).date())
        raw = []
        slots, extra = self._slots, self._extra
        for ordinal in range(first_day.toordinal(), last_day.toordinal() + 1):
            slot = slots[(ordinal - 1) // 7 % 2 * 7 + (ordinal - 1) % 7]
            if ordinal in extra:
                slot = slot + extra[ordinal]
            for hour_from, hour_to, date_from, date_to in slot:
                if (date_from and ordinal < date_from) or (date_to and date_to < ordinal):
                    continue
                start = max(lo, self._localize(ordinal, hour_from))
                stop = min(hi, self._localize(ordinal, hour_to))
                if start < stop:
                    raw.append((start, stop))
        raw.sort()
        merged = []
        for start, stop in raw:
            if merged and start < merged[-1][1]:
                if stop > merged[-1][1]:
                    merged[-1][1] = stop
            else:
                merged.append([start, stop])
        leave_starts, leave_ends = self._leave_starts, self._leave_ends
        if not leave_starts:
            return [tuple(piece) for piece in merged]
        pieces = []
        count = len(leave_starts)
        for start, stop in merged:
            index = bisect_right(leave_ends, start)
            while index < count and leave_starts[index] < stop:
                if leave_starts[index] > start:
                    pieces.append((start, leave_starts[index]))
                start = max(start, leave_ends[index])
                index += 1
            if start < stop:
                pieces.append((start, stop))
        return pieces

    def _odoo_plan_reference(self, start_us, hours):
        """Odoo's plan_hours, step by step: 14-day windows, each computed afresh.

        Slow reference for the tests of the block-based replays; not used otherwise.
        """
        remaining = float(hours)
        if remaining >= 0:
            for window in range(_WINDOWS):
                lo = start_us + window * _WINDOW_US
                for start, stop in self._pieces(lo, lo + _WINDOW_US):
                    interval_hours = (stop - start) / US_PER_SECOND / 3600
                    if remaining <= interval_hours:
                        return from_us(start) + timedelta(hours=remaining)
                    remaining -= interval_hours
            return None
        remaining = abs(remaining)
        for window in range(_WINDOWS):
            hi = start_us - window * _WINDOW_US
            for start, stop in reversed(self._pieces(hi - _WINDOW_US, hi)):
                interval_hours = (stop - start) / US_PER_SECOND / 3600
                if remaining <= interval_hours:
                    return from_us(stop) - timedelta(hours=remaining)
                remaining -= interval_hours
        return None


class _AlwaysClock(BusinessClock):
    """24/7: every instant is working time."""

    is_always = True

    def __init__(self):  # pylint: disable=super-init-not-called
        self.tz_name = "UTC"

    def __repr__(self):
        return "<BusinessClock 24/7>"

    def add(self, start, hours):
        if not math.isfinite(hours):
            raise ValueError(f"hours must be finite, got {hours!r}")
        return start + timedelta(hours=hours)

    def between(self, start, end):
        return max(0.0, (end - start).total_seconds() / 3600)

    def is_working(self, moment):
        return True


_ALWAYS = _AlwaysClock()

__all__ = ["BusinessClock"]
