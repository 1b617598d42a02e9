"""The time line of the business clock (clock.py): instants as integer microseconds
since 0001-01-01 00:00 (naive UTC, Odoo's storage convention), attendance hours read the
way Odoo's ``float_to_time`` reads them, time zones from pytz's database (Odoo's) and
global leaves merged into sorted spans. Framework-free, like the clock."""

import io
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR

_ZONES = {}


def to_us(moment):
    """Naive datetime -> microseconds since 0001-01-01 00:00 (ordinal epoch)."""
    return (
        (moment.toordinal() * 86400 + moment.hour * 3600 + moment.minute * 60 + moment.second)
        * US_PER_SECOND
        + moment.microsecond
    )


def from_us(value):
    days, rest = divmod(value, US_PER_DAY)
    return datetime.fromordinal(days) + timedelta(microseconds=rest)


def as_utc_us(moment):
    """Return (µs in UTC, function giving a result back in ``moment``'s convention)."""
    if moment.tzinfo is None:
        return to_us(moment), identity
    tzinfo = moment.tzinfo
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return to_us(naive), lambda value: value.replace(tzinfo=UTC).astimezone(tzinfo)


def identity(value):
    return value


def round_half_up(value):
    """Round to an integer like Odoo's ``float_round(value, precision_digits=0)``."""
    if not value:
        return 0
    epsilon = 2 ** (math.log2(abs(value)) - 50)
    return round(value + math.copysign(epsilon, value))


def hour_to_us(hours):
    """Offset from local midnight, read the way ``float_to_time`` reads it."""
    hours = float(hours)
    if not 0.0 <= hours <= 24.0:
        raise ValueError(f"attendance hour out of range: {hours!r}")
    if hours == 24.0:
        return US_PER_DAY - 1
    fractional, integral = math.modf(hours)
    minutes = int(integral) * 60 + round_half_up(60 * fractional)
    return minutes * 60 * US_PER_SECOND


def load_zone(tz_name):
    """A zoneinfo zone built from pytz's database (Odoo's), without DST after 2037."""
    zone = _ZONES.get(tz_name)
    if zone is not None:
        return zone
    try:
        import pytz  # pylint: disable=import-outside-toplevel
    except ImportError:
        zone = ZoneInfo(tz_name)
    else:
        try:
            with pytz.open_resource(tz_name) as fobj:
                data = fobj.read()
        except (OSError, ValueError, UnicodeError):
            zone = ZoneInfo(tz_name)  # unknown to pytz: zoneinfo decides (or raises)
        else:
            if data[4:5] not in (b"", b"\0") and data.endswith(b"\n"):
                # Version 2+ files end with "\n<POSIX TZ rule>\n": drop the rule.
                data = data[: data.rfind(b"\n", 0, len(data) - 1)] + b"\n\n"
            zone = ZoneInfo.from_file(io.BytesIO(data), key=tz_name)
    _ZONES[tz_name] = zone
    return zone


def merge_leaves(leaves):
    """Sorted, merged (overlapping or touching) leaves as two lists of µs."""
    spans = []
    for start, end in leaves:
        start_us, _revert = as_utc_us(start)
        end_us, _revert = as_utc_us(end)
        if start_us < end_us:
            spans.append((start_us, end_us))
    spans.sort()
    starts, ends = [], []
    for start_us, end_us in spans:
        if ends and start_us <= ends[-1]:
            ends[-1] = max(ends[-1], end_us)
        else:
            starts.append(start_us)
            ends.append(end_us)
    return starts, ends
