"""ASL timestamps: what parses, to which instant, and how the context object writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.timestamps import format_timestamp, parse_timestamp, parse_timestamp_ns


def _epoch(text: str) -> float:
    """The instant Python's own parser gives, for cross-checking."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize(
    "text",
    [
        "2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00.5Z",
        "2016-03-14T01:59:00.00Z",
        "2016-03-14T01:59:00.000000Z",
        "2016-03-14T01:59:00.123456Z",
        "2016-03-14T03:59:00+02:00",
        "2016-03-13T20:29:00-05:30",
        "2016-03-14T01:59:00-00:00",
        "2016-02-29T12:00:00Z",
        "2000-02-29T12:00:00Z",
        "1969-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
    ],
)
def test_valid_timestamps_give_the_same_instant_as_python(text: str) -> None:
    assert parse_timestamp(text) == pytest.approx(_epoch(text), abs=1e-6)


@pytest.mark.parametrize(
    "text",
    [
        "2016-03-14t01:59:00Z",  # lower-case t
        "2016-03-14T01:59:00z",  # lower-case z
        "2016-03-14T01:59:00",  # no zone
        "2016-03-14T01:59:00.000000",  # fraction but no zone
        "2016-03-14",  # a date only
        "2016-03-14 01:59:00Z",  # space instead of T
        "2016-03-14T01:59Z",  # no seconds
        "2016-03-14T01:59:00.Z",  # empty fraction
        "2016-03-14T01:59:00.1234567891Z",  # more than nanoseconds
        "2016-03-14T01:59:00+0200",  # offset without colon
        "2016-03-14T01:59:00+02",  # offset without minutes
        "2016-03-14T01:59:00+18:01",  # beyond Java's offset range
        "2016-03-14T01:59:00+02:60",
        "2016-13-14T01:59:00Z",
        "2016-00-14T01:59:00Z",
        "2016-03-00T01:59:00Z",
        "2016-04-31T01:59:00Z",
        "2015-02-29T01:59:00Z",  # not a leap year
        "1900-02-29T01:59:00Z",  # not a leap year either
        "2016-03-14T24:00:00Z",
        "2016-03-14T01:60:00Z",
        "2016-12-31T23:59:60Z",  # leap second
        "16-03-14T01:59:00Z",
        " 2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00Z ",
        "2016-03-14T01:59:00Z\n",
        "२०१६-03-14T01:59:00Z",  # non-ASCII digits
        "",
    ],
)
def test_invalid_timestamps(text: str) -> None:
    assert parse_timestamp(text) is None
    assert parse_timestamp_ns(text) is None


@pytest.mark.parametrize("value", [None, 1457920740, 1457920740.0, True, [], {}])
def test_non_strings_are_not_timestamps(value: object) -> None:
    assert parse_timestamp(value) is None


def test_zones_name_the_same_instant() -> None:
    utc = parse_timestamp_ns("2016-03-14T01:59:00Z")
    assert parse_timestamp_ns("2016-03-14T03:59:00+02:00") == utc
    assert parse_timestamp_ns("2016-03-13T20:29:00-05:30") == utc
    assert parse_timestamp_ns("2016-03-14T19:59:00+18:00") == utc


def test_fractions_are_kept_exactly() -> None:
    base = parse_timestamp_ns("2016-03-14T01:59:00Z")
    assert base is not None
    assert parse_timestamp_ns("2016-03-14T01:59:00.5Z") == base + 500_000_000
    assert parse_timestamp_ns("2016-03-14T01:59:00.000000001Z") == base + 1
    assert parse_timestamp_ns("2016-03-14T01:59:00.000000002Z") == base + 2
    assert parse_timestamp("2016-03-14T01:59:00.25Z") == 1457920740.25


def test_year_zero_and_the_epoch() -> None:
    assert parse_timestamp("1970-01-01T00:00:00Z") == 0.0
    assert parse_timestamp("0000-03-01T00:00:00Z") == -62162035200.0
    assert parse_timestamp("0000-02-29T00:00:00Z") == -62162121600.0  # year 0 is a leap year


def test_format_matches_the_context_object_form() -> None:
    moment = dt.datetime(2026, 11, 21, 22, 35, 16, 123000, tzinfo=dt.UTC).timestamp()
    assert format_timestamp(moment) == "2026-11-21T22:35:16.123Z"
    assert format_timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert format_timestamp(-0.001) == "1969-12-31T23:59:59.999Z"
    assert format_timestamp(1.0005) == "1970-01-01T00:00:01.000Z"  # round half to even
    assert format_timestamp(0.9996) == "1970-01-01T00:00:01.000Z"


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), -1e12, 1e12])
def test_format_rejects_what_it_cannot_write(seconds: float) -> None:
    with pytest.raises(ValueError, match=r"seconds|timestamp"):
        format_timestamp(seconds)


_INSTANTS = st.floats(min_value=-62_135_596_800.0, max_value=253_402_300_799.0)


@given(_INSTANTS)
def test_format_then_parse_round_trips_to_the_millisecond(seconds: float) -> None:
    text = format_timestamp(seconds)
    parsed = parse_timestamp(text)
    assert parsed is not None
    assert abs(parsed - seconds) < 0.001
    assert format_timestamp(parsed) == text


@given(_INSTANTS)
def test_format_agrees_with_python_datetime(seconds: float) -> None:
    millis = round(seconds * 1000)
    moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=millis)
    assert format_timestamp(seconds) == (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}."
        f"{moment.microsecond // 1000:03d}Z"
    )


@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [
                dt.UTC,
                dt.timezone(dt.timedelta(hours=5, minutes=30)),
                dt.timezone(-dt.timedelta(hours=11)),
            ]
        ),
    )
)
def test_parse_agrees_with_python_on_any_date(moment: dt.datetime) -> None:
    text = moment.isoformat().replace("+00:00", "Z")
    offset = moment.utcoffset()
    assert offset is not None
    expected = (moment.replace(tzinfo=None) - offset - dt.datetime(1970, 1, 1)) // dt.timedelta(
        microseconds=1
    )
    assert parse_timestamp_ns(text) == expected * 1000
