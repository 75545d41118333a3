"""What ``Variable`` and ``...Path`` operands read, and what happens when they read nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfc.core.failure import AslError, StatesError
from sfc.core.scope import Scope

Holds = Callable[..., bool]

TYPE_CASES: list[tuple[Any, dict[str, bool]]] = [
    # value: which of IsNull / IsNumeric / IsString / IsBoolean / IsTimestamp hold.
    (None, {"IsNull": True}),
    (0, {"IsNumeric": True}),
    (0.0, {"IsNumeric": True}),
    (-1.5, {"IsNumeric": True}),
    (2**70, {"IsNumeric": True}),
    ("", {"IsString": True}),
    ("HelloWorld", {"IsString": True}),
    ("2012-10-09T19:00:55", {"IsString": True}),
    ("2012-10-09T19:00:55Z", {"IsString": True, "IsTimestamp": True}),
    ("2012-10-09T19:00:55.123+01:00", {"IsString": True, "IsTimestamp": True}),
    ("2023-02-24", {"IsString": True}),
    (True, {"IsBoolean": True}),
    (False, {"IsBoolean": True}),
    ([], {}),
    ([""], {}),
    ({}, {}),
    ({"A": 0}, {}),
]
TYPE_OPERATORS = ("IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")


@pytest.mark.parametrize(("value", "truths"), TYPE_CASES)
@pytest.mark.parametrize("name", TYPE_OPERATORS)
def test_type_tests_and_their_false_form(
    holds: Holds, name: str, value: Any, truths: dict[str, bool]
) -> None:
    expected = truths.get(name, False)
    assert holds({"Variable": "$.v", name: True}, {"v": value}) is expected
    # "IsNull": false (and the like) holds exactly when the type test does not.
    assert holds({"Variable": "$.v", name: False}, {"v": value}) is (not expected)


@pytest.mark.parametrize("value", [None, 0, "", False, [], {}])
def test_is_present_with_any_value(holds: Holds, value: Any) -> None:
    assert holds({"Variable": "$.v", "IsPresent": True}, {"v": value})
    assert not holds({"Variable": "$.v", "IsPresent": False}, {"v": value})


@pytest.mark.parametrize("path", ["$.v", "$.a.b", "$.list[5]", "$.list[0].x", "$.v.w"])
def test_is_present_with_nothing_there(holds: Holds, path: str) -> None:
    data = {"a": {}, "list": [1]}
    assert not holds({"Variable": path, "IsPresent": True}, data)
    assert holds({"Variable": path, "IsPresent": False}, data)


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.missing", "StringEquals": "x"},
        {"Variable": "$.missing", "NumericEquals": 1},
        {"Variable": "$.missing", "BooleanEquals": True},
        {"Variable": "$.missing", "TimestampEquals": "2012-10-09T19:00:55Z"},
        {"Variable": "$.missing", "StringMatches": "*"},
        {"Variable": "$.missing", "IsNull": False},
        {"Variable": "$.missing", "IsNumeric": False},
        {"Variable": "$.missing", "IsString": False},
        {"Variable": "$.missing", "IsBoolean": False},
        {"Variable": "$.missing", "IsTimestamp": False},
        {"Variable": "$.missing", "NumericLessThanPath": "$.here"},
        {"Not": {"Variable": "$.missing", "StringEquals": "x"}},
    ],
)
def test_a_variable_that_selects_nothing_fails_the_state(
    holds: Holds, rule: dict[str, Any]
) -> None:
    with pytest.raises(AslError) as caught:
        holds(rule, {"here": 1})
    assert caught.value.error == StatesError.RUNTIME
    assert caught.value.cause == (
        "Invalid path '$.missing': The choice state's condition path references an invalid value."
    )


@pytest.mark.parametrize(
    "name",
    ["StringEqualsPath", "NumericGreaterThanPath", "BooleanEqualsPath", "TimestampLessThanPath"],
)
def test_a_path_operand_that_selects_nothing_fails_the_state(holds: Holds, name: str) -> None:
    with pytest.raises(AslError) as caught:
        holds({"Variable": "$.here", name: "$.nowhere.deep"}, {"here": 1})
    assert caught.value.error == StatesError.RUNTIME
    assert caught.value.cause.startswith("Invalid path '$.nowhere.deep': ")


def test_the_variable_is_checked_before_the_path_operand(holds: Holds) -> None:
    with pytest.raises(AslError, match=r"Invalid path '\$\.a'"):
        holds({"Variable": "$.a", "NumericEqualsPath": "$.b"}, {})


def test_selecting_through_a_scalar_is_selecting_nothing(holds: Holds) -> None:
    assert not holds({"Variable": "$.s.length", "IsPresent": True}, {"s": "text"})
    assert not holds({"Variable": "$.n[0]", "IsPresent": True}, {"n": 3})
    assert not holds({"Variable": "$.o[0]", "IsPresent": True}, {"o": {"0": 1}})


def _scope(variables: dict[str, Any] | None = None, context: Any = None) -> Scope:
    return Scope(variables or {}, (lambda: context) if context is not None else None)


CONTEXT = {
    "Execution": {"Id": "arn:exec", "StartTime": "2026-01-01T00:00:00.000Z", "Input": {"n": 4}},
    "State": {"Name": "Pick", "RetryCount": 2},
}


def test_context_object_operands(holds: Holds) -> None:
    scope = _scope(context=CONTEXT)
    assert holds({"Variable": "$$.State.RetryCount", "NumericLessThan": 3}, {}, scope)
    assert holds({"Variable": "$$.State.Name", "StringEquals": "Pick"}, {}, scope)
    assert holds({"Variable": "$.n", "NumericEqualsPath": "$$.Execution.Input.n"}, {"n": 4}, scope)
    assert holds(
        {"Variable": "$$.Execution.StartTime", "TimestampLessThan": "2026-01-01T00:00:01Z"},
        {},
        scope,
    )
    assert not holds({"Variable": "$$.Task.Token", "IsPresent": True}, {}, scope)
    with pytest.raises(AslError, match=r"Invalid path '\$\$\.Map\.Item\.Index'"):
        holds({"Variable": "$$.Map.Item.Index", "NumericEquals": 0}, {}, scope)


def test_workflow_variable_operands(holds: Holds) -> None:
    scope = _scope({"limit": 10, "user": {"name": "ada", "tags": ["x", "y"]}, "nothing": None})
    assert holds({"Variable": "$.count", "NumericLessThanPath": "$limit"}, {"count": 3}, scope)
    assert holds({"Variable": "$limit", "NumericGreaterThan": 9}, {}, scope)
    assert holds({"Variable": "$user.name", "StringEquals": "ada"}, {}, scope)
    assert holds({"Variable": "$user.tags[1]", "StringEqualsPath": "$.t"}, {"t": "y"}, scope)
    assert holds({"Variable": "$nothing", "IsNull": True}, {}, scope)
    assert holds({"Variable": "$unset", "IsPresent": False}, {}, scope)
    assert not holds({"Variable": "$user.age", "IsPresent": True}, {}, scope)
    with pytest.raises(AslError, match=r"Invalid path '\$unset'"):
        holds({"Variable": "$unset", "StringEquals": "x"}, {}, scope)


def test_the_whole_input_can_be_compared(holds: Holds) -> None:
    assert holds({"Variable": "$", "StringEquals": "go"}, "go")
    assert holds({"Variable": "$", "NumericGreaterThan": 1}, 2)
    assert holds({"Variable": "$[1]", "BooleanEquals": True}, [False, True])


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$", "IsString": True},
        {"Variable": "$", "IsNull": True},
        {"Variable": "$.a", "IsPresent": False},
        {"Variable": "$.a.b", "IsPresent": False},
        {"Variable": "$..a", "IsPresent": True},
    ],
)
def test_a_null_input_cannot_be_read_with_a_path(holds: Holds, rule: dict[str, Any]) -> None:
    # AWS: "Unable to apply Path transformation to null or empty input." even for '$'
    # (awslabs/states-language issue #29).
    with pytest.raises(AslError, match="null or empty input") as caught:
        holds(rule, None)
    assert caught.value.error == StatesError.RUNTIME


def test_a_null_input_does_not_hide_variables(holds: Holds) -> None:
    assert holds({"Variable": "$flag", "BooleanEquals": True}, None, _scope({"flag": True}))


def test_indefinite_paths_select_the_list_of_matches(holds: Holds) -> None:
    data = {"items": [{"ok": True}, {"ok": False}]}
    assert holds({"Variable": "$.items[*].ok", "IsPresent": True}, data)
    assert not holds({"Variable": "$.items[*].ok", "IsBoolean": True}, data)
    assert holds({"Variable": "$.items[?(@.ok == true)]", "IsNull": False}, data)
