"""Every comparison operator, in its literal and its ``...Path`` form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfc.core.failure import AslError, StatesError

Holds = Callable[..., bool]

T0 = "2012-10-09T19:00:55Z"
T1 = "2012-10-09T19:00:56Z"
T1_PARIS = "2012-10-09T21:00:56+02:00"

# (operator, variable value, operand, expected), for both the literal and the Path form.
CASES: list[tuple[str, Any, Any, bool]] = [
    ("StringEquals", "abc", "abc", True),
    ("StringEquals", "abc", "abd", False),
    ("StringEquals", "", "", True),
    ("StringEquals", "Abc", "abc", False),
    ("StringLessThan", "abc", "abd", True),
    ("StringLessThan", "abd", "abc", False),
    ("StringLessThan", "abc", "abc", False),
    ("StringLessThan", "B", "a", True),  # code units: upper case sorts first
    ("StringLessThan", "ab", "abc", True),
    ("StringGreaterThan", "abd", "abc", True),
    ("StringGreaterThan", "abc", "abc", False),
    ("StringGreaterThan", "abc", "abd", False),
    ("StringLessThanEquals", "abc", "abc", True),
    ("StringLessThanEquals", "abc", "abd", True),
    ("StringLessThanEquals", "abd", "abc", False),
    ("StringGreaterThanEquals", "abc", "abc", True),
    ("StringGreaterThanEquals", "abd", "abc", True),
    ("StringGreaterThanEquals", "abc", "abd", False),
    ("NumericEquals", 1, 1, True),
    ("NumericEquals", 1, 1.0, True),
    ("NumericEquals", 0, -0.0, True),
    ("NumericEquals", 2.22, 2.22, True),
    ("NumericEquals", 1, 2, False),
    ("NumericEquals", 2**53 + 1, float(2**53), False),  # exact, not via doubles
    ("NumericLessThan", 1, 2, True),
    ("NumericLessThan", 1.5, 2, True),
    ("NumericLessThan", 2, 2.0, False),
    ("NumericLessThan", 3, 2, False),
    ("NumericLessThan", -1, 0, True),
    ("NumericGreaterThan", 2, 1, True),
    ("NumericGreaterThan", 2, 2, False),
    ("NumericGreaterThan", 1, 1.5, False),
    ("NumericLessThanEquals", 2, 2.0, True),
    ("NumericLessThanEquals", 1, 2, True),
    ("NumericLessThanEquals", 3, 2, False),
    ("NumericGreaterThanEquals", 2.0, 2, True),
    ("NumericGreaterThanEquals", 3, 2, True),
    ("NumericGreaterThanEquals", 1, 2, False),
    ("BooleanEquals", True, True, True),
    ("BooleanEquals", False, False, True),
    ("BooleanEquals", True, False, False),
    ("BooleanEquals", False, True, False),
    ("TimestampEquals", T0, T0, True),
    ("TimestampEquals", T1, T1_PARIS, True),  # the same instant in another zone
    ("TimestampEquals", T0, T1, False),
    ("TimestampEquals", "2012-10-09T19:00:55.000Z", T0, True),
    ("TimestampLessThan", T0, T1, True),
    ("TimestampLessThan", T0, T1_PARIS, True),
    ("TimestampLessThan", T1, T0, False),
    ("TimestampLessThan", T0, T0, False),
    ("TimestampLessThan", "2012-10-09T19:00:55.999Z", T1, True),
    ("TimestampGreaterThan", T1, T0, True),
    ("TimestampGreaterThan", "2012-10-09T19:00:55.001Z", T0, True),
    ("TimestampGreaterThan", T0, T0, False),
    ("TimestampGreaterThan", T0, T1, False),
    ("TimestampLessThanEquals", T0, T0, True),
    ("TimestampLessThanEquals", T0, T1, True),
    ("TimestampLessThanEquals", T1, T0, False),
    ("TimestampGreaterThanEquals", T1_PARIS, T1, True),
    ("TimestampGreaterThanEquals", T1, T0, True),
    ("TimestampGreaterThanEquals", T0, T1, False),
]


@pytest.mark.parametrize(("name", "value", "operand", "expected"), CASES)
def test_literal_form(holds: Holds, name: str, value: Any, operand: Any, expected: bool) -> None:
    assert holds({"Variable": "$.v", name: operand}, {"v": value}) is expected


@pytest.mark.parametrize(("name", "value", "operand", "expected"), CASES)
def test_path_form(holds: Holds, name: str, value: Any, operand: Any, expected: bool) -> None:
    rule = {"Variable": "$.v", f"{name}Path": "$.other"}
    assert holds(rule, {"v": value, "other": operand}) is expected


def test_string_order_is_javas_utf16_order(holds: Holds) -> None:
    # Java compares UTF-16 code units, so a character above U+FFFF (a surrogate pair,
    # starting 0xD8..) sorts before U+FFFF, unlike Python's code-point order.
    astral, last_bmp = "\U0001f600", "\uffff"
    assert holds({"Variable": "$.v", "StringLessThan": last_bmp}, {"v": astral})
    assert not holds({"Variable": "$.v", "StringGreaterThan": last_bmp}, {"v": astral})
    assert holds({"Variable": "$.v", "StringGreaterThanPath": "$.w"}, {"v": last_bmp, "w": astral})
    assert holds({"Variable": "$.v", "StringLessThan": "é"}, {"v": "e\U0001f600"})


WRONG_TYPES: list[Any] = [None, 0, 1.5, "", "1", True, False, [], [1], {}, {"a": 1}]


def _wrong_for(name: str, value: Any) -> bool:
    kind = type(value)
    if name.startswith(("String", "Timestamp")):
        return kind is not str
    if name.startswith("Numeric"):
        return kind not in (int, float)
    return kind is not bool


FAMILY_OPERANDS = {
    "StringEquals": "1",
    "StringLessThan": "zzz",
    "StringGreaterThanEquals": "",
    "NumericEquals": 1,
    "NumericGreaterThan": -100,
    "NumericLessThanEquals": 100,
    "BooleanEquals": True,
    "TimestampEquals": T0,
    "TimestampLessThan": T1,
}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (name, value)
        for name in sorted(FAMILY_OPERANDS)
        for value in WRONG_TYPES
        if _wrong_for(name, value)
    ],
)
def test_a_variable_of_the_wrong_type_never_matches(holds: Holds, name: str, value: Any) -> None:
    operand = FAMILY_OPERANDS[name]
    assert holds({"Variable": "$.v", name: operand}, {"v": value}) is False
    assert holds({"Variable": "$.v", f"{name}Path": "$.w"}, {"v": value, "w": operand}) is False


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_numbers(holds: Holds, value: bool) -> None:
    number = int(value)
    assert not holds({"Variable": "$.v", "NumericEquals": number}, {"v": value})
    assert not holds({"Variable": "$.v", "NumericGreaterThanEquals": -1}, {"v": value})
    assert not holds({"Variable": "$.v", "BooleanEquals": value}, {"v": number})


@pytest.mark.parametrize(
    "text", ["2012-10-09T19:00:55", "2012-10-09t19:00:55Z", "2012-10-09", "yesterday", ""]
)
def test_strings_that_are_not_timestamps_never_match(holds: Holds, text: str) -> None:
    for name in ("TimestampEquals", "TimestampLessThan", "TimestampGreaterThanEquals"):
        assert not holds({"Variable": "$.v", name: T0}, {"v": text})


def test_timestamps_still_compare_as_strings_under_string_operators(holds: Holds) -> None:
    assert not holds({"Variable": "$.v", "StringEquals": T1}, {"v": T1_PARIS})
    assert holds({"Variable": "$.v", "TimestampEquals": T1}, {"v": T1_PARIS})


@pytest.mark.parametrize(
    ("name", "value", "operand"),
    [
        ("StringEqualsPath", "1", 1),
        ("StringEqualsPath", "", None),
        ("StringEqualsPath", "a", ["a"]),
        ("NumericEqualsPath", 1, "1"),
        ("NumericEqualsPath", 1, True),
        ("NumericEqualsPath", 0, None),
        ("BooleanEqualsPath", True, 1),
        ("BooleanEqualsPath", False, None),
        ("BooleanEqualsPath", True, "true"),
        ("TimestampEqualsPath", T0, "not a time"),
        ("TimestampEqualsPath", T0, 1349809255),
    ],
)
def test_an_equals_path_operand_of_the_wrong_type_is_false(
    holds: Holds, name: str, value: Any, operand: Any
) -> None:
    assert holds({"Variable": "$.v", name: "$.w"}, {"v": value, "w": operand}) is False


@pytest.mark.parametrize(
    ("name", "operand"),
    [
        ("StringGreaterThanPath", 1),
        ("StringLessThanEqualsPath", None),
        ("NumericLessThanPath", "1"),
        ("NumericGreaterThanEqualsPath", True),
        ("TimestampLessThanPath", "not a time"),
        ("TimestampGreaterThanPath", 1349809255),
    ],
)
def test_an_ordering_path_operand_of_the_wrong_type_fails(
    holds: Holds, name: str, operand: Any
) -> None:
    # AWS: {"Variable": "$.num1", "StringGreaterThanPath": "$.num2"} with two numbers
    # fails with "Invalid value provided at path '$.num2'" (ManageIQ/floe fixture notes).
    with pytest.raises(AslError) as caught:
        holds({"Variable": "$.v", name: "$.w"}, {"v": 1, "w": operand})
    assert caught.value.error == StatesError.RUNTIME
    assert caught.value.cause == "Invalid value provided at path '$.w'"


def test_an_ordering_path_with_a_wrong_variable_and_right_operand_is_false(holds: Holds) -> None:
    assert holds({"Variable": "$.v", "StringGreaterThanPath": "$.w"}, {"v": 1, "w": "1"}) is False
    assert holds({"Variable": "$.v", "NumericLessThanPath": "$.w"}, {"v": "1", "w": 2}) is False


def test_compared_values_can_be_anywhere_in_the_input(holds: Holds) -> None:
    data = {"order": {"lines": [{"qty": 2}, {"qty": 7}]}, "limits": {"max": 5}}
    assert holds(
        {"Variable": "$.order.lines[1].qty", "NumericGreaterThanPath": "$.limits.max"}, data
    )
    assert holds({"Variable": "$.order.lines[-1].qty", "NumericEquals": 7}, data)
    assert holds({"Variable": "$['order']['lines'][0]['qty']", "NumericEquals": 2}, data)
    assert holds({"Variable": "$", "IsPresent": True}, data)
