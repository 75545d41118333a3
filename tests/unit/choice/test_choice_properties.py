"""Property tests: the comparison operators agree with independent reference orders."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.scope import Scope
from sfc.core.states.choice import compile_rule

RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}

NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, -0.0, 1, 1.0, 2**53, 2**53 + 1, float(2**53)]),
)


def _compare(name: str, value: Any, operand: Any, *, path: bool) -> bool:
    if path:
        rule = {"Variable": "$.v", f"{name}Path": "$.w"}
        return compile_rule(rule, "JSONPath")({"v": value, "w": operand}, Scope())
    rule = {"Variable": "$.v", name: operand}
    return compile_rule(rule, "JSONPath")({"v": value}, Scope())


@pytest.mark.parametrize("relation", sorted(RELATIONS))
@pytest.mark.parametrize("path", [False, True])
@given(value=NUMBERS, operand=NUMBERS)
def test_numeric_operators_agree_with_python(
    relation: str, path: bool, value: float, operand: float
) -> None:
    expected = RELATIONS[relation](value, operand)
    assert _compare(f"Numeric{relation}", value, operand, path=path) is expected


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


@pytest.mark.parametrize("relation", sorted(RELATIONS))
@pytest.mark.parametrize("path", [False, True])
@given(value=st.text(max_size=8), operand=st.text(max_size=8))
def test_string_operators_agree_with_utf16_order(
    relation: str, path: bool, value: str, operand: str
) -> None:
    # Java's String.compareTo compares UTF-16 code units, which is what big-endian UTF-16
    # bytes compare as.
    expected = RELATIONS[relation](_utf16(value), _utf16(operand))
    assert _compare(f"String{relation}", value, operand, path=path) is expected


_ZONES = st.sampled_from(
    [
        dt.UTC,
        dt.timezone(dt.timedelta(hours=2)),
        dt.timezone(-dt.timedelta(hours=9, minutes=30)),
        dt.timezone(dt.timedelta(hours=14)),
    ]
)
_MOMENTS = st.datetimes(
    min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9000, 1, 1), timezones=_ZONES
)


def _asl(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("relation", sorted(RELATIONS))
@pytest.mark.parametrize("path", [False, True])
@given(value=_MOMENTS, operand=_MOMENTS)
def test_timestamp_operators_compare_instants(
    relation: str, path: bool, value: dt.datetime, operand: dt.datetime
) -> None:
    expected = RELATIONS[relation](value, operand)  # aware datetimes compare as instants
    assert _compare(f"Timestamp{relation}", _asl(value), _asl(operand), path=path) is expected


@given(_MOMENTS, _ZONES)
def test_the_same_instant_in_any_zone_is_equal(moment: dt.datetime, zone: dt.tzinfo) -> None:
    assert _compare("TimestampEquals", _asl(moment), _asl(moment.astimezone(zone)), path=False)


@given(st.booleans(), st.booleans())
def test_boolean_equals(value: bool, operand: bool) -> None:
    assert _compare("BooleanEquals", value, operand, path=False) is (value == operand)
    assert _compare("BooleanEquals", value, operand, path=True) is (value == operand)
