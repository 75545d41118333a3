"""Timestamps as ASL writes them: RFC 3339 with an upper-case ``T`` and a zone.

ASL (the Choice ``Timestamp*`` operators, ``IsTimestamp``, the Wait state) accepts only
RFC 3339 date-times with an upper-case ``T`` and either ``Z`` or a numeric offset, such as
``2016-03-14T01:59:00Z`` or ``2016-03-14T03:59:00.25+02:00``. Step Functions parses them
with Java's "ISO-8601 extended offset date-time" parser (its error messages say so), so
the limits of that parser apply too: at most nine fraction digits, offsets up to
``±18:00``, no leap second ``:60``, and dates must exist (no February 30th).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Final

_NANOS_PER_SECOND: Final = 1_000_000_000
_SECONDS_PER_DAY: Final = 86_400
_MILLIS_PER_DAY: Final = 86_400_000

_TIMESTAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))\Z"
)

_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_OFFSET_HOURS: Final = 18


def parse_timestamp(text: object) -> float | None:
    """Read an ASL timestamp, such as ``2026-03-14T01:59:00Z``.

    Args:
        text: Any JSON value; only strings can be timestamps.

    Returns:
        Seconds since the Unix epoch (sub-second digits kept as far as a float can), or
        None when ``text`` is not a valid ASL timestamp.
    """
    nanos = parse_timestamp_ns(text)
    if nanos is None:
        return None
    return nanos / _NANOS_PER_SECOND


def parse_timestamp_ns(text: object) -> int | None:
    """Read an ASL timestamp exactly, as nanoseconds since the Unix epoch.

    Comparisons use this rather than :func:`parse_timestamp`, because a float cannot tell
    apart instants a few hundred nanoseconds apart in this century.

    Args:
        text: Any JSON value; only strings can be timestamps.

    Returns:
        Nanoseconds since the Unix epoch, or None when ``text`` is not a valid timestamp.
    """
    if type(text) is not str:
        return None
    return _parse(text)


# Choice rules re-read the same few timestamps on every evaluation; parsing costs about
# two microseconds, a cache hit a tenth of that.
@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> int | None:
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = 0
    sign = match.group(8)
    if sign is not None:
        offset_hours, offset_minutes = int(match.group(9)), int(match.group(10))
        if offset_minutes > 59 or offset_hours * 60 + offset_minutes > _MAX_OFFSET_HOURS * 60:
            return None
        offset = (offset_hours * 3600 + offset_minutes * 60) * (-1 if sign == "-" else 1)
    seconds = (
        _days_from_civil(year, month, day) * _SECONDS_PER_DAY
        + hour * 3600
        + minute * 60
        + second
        - offset
    )
    fraction = match.group(7)
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    return seconds * _NANOS_PER_SECOND + nanos


def format_timestamp(seconds: float) -> str:
    """Write an instant the way Step Functions writes times in the context object.

    The form is UTC with exactly three fraction digits, such as
    ``2019-03-26T20:14:13.192Z`` (``$$.Execution.StartTime``, ``$$.State.EnteredTime``).

    Args:
        seconds: Seconds since the Unix epoch; rounded to the nearest millisecond.

    Raises:
        ValueError: ``seconds`` is not finite or falls outside the years 0000 to 9999.
    """
    if not math.isfinite(seconds):
        raise ValueError(f"cannot format {seconds!r} as a timestamp")
    days, millis = divmod(round(seconds * 1000), _MILLIS_PER_DAY)
    year, month, day = _civil_from_days(days)
    if not 0 <= year <= 9999:
        raise ValueError(f"{seconds!r} seconds is outside the years 0000 to 9999")
    hour, millis = divmod(millis, 3_600_000)
    minute, millis = divmod(millis, 60_000)
    second, millis = divmod(millis, 1000)
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


# The two conversions below are Howard Hinnant's proleptic Gregorian algorithms; they are
# exact for every year, including year 0 which ``datetime`` cannot represent.


def _days_from_civil(year: int, month: int, day: int) -> int:
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719_468
    era = days // 146_097
    day_of_era = days - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + (3 if shifted_month < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day
