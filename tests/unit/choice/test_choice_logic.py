"""And, Or and Not: nesting to any depth, short-circuiting, boolean algebra."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.failure import AslError
from sfc.core.scope import Scope
from sfc.core.states.choice import compile_rule

Holds = Callable[..., bool]

YES = {"Variable": "$.flag", "BooleanEquals": True}
NO = {"Variable": "$.flag", "BooleanEquals": False}
BROKEN = {"Variable": "$.missing", "StringEquals": "x"}
DATA = {"flag": True, "n": 25, "type": "Private"}


@pytest.mark.parametrize(
    ("rules", "all_hold", "any_holds"),
    [
        ([YES], True, True),
        ([NO], False, False),
        ([YES, YES], True, True),
        ([YES, NO], False, True),
        ([NO, YES], False, True),
        ([NO, NO], False, False),
        ([YES, YES, YES], True, True),
        ([YES, YES, NO], False, True),
        ([NO, NO, YES], False, True),
        ([NO, NO, NO, NO], False, False),
    ],
)
def test_and_or(holds: Holds, rules: list[Any], all_hold: bool, any_holds: bool) -> None:
    assert holds({"And": rules}, DATA) is all_hold
    assert holds({"Or": rules}, DATA) is any_holds


def test_not(holds: Holds) -> None:
    assert holds({"Not": NO}, DATA) is True
    assert holds({"Not": YES}, DATA) is False
    assert holds({"Not": {"Not": YES}}, DATA) is True


def test_the_aws_documentation_example(holds: Holds) -> None:
    in_twenties = {
        "And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
        ]
    }
    public = {"Not": {"Variable": "$.type", "StringEquals": "Private"}}
    assert holds(in_twenties, {"type": "Private", "value": 22})
    assert not holds(in_twenties, {"type": "Private", "value": 30})
    assert not holds(public, {"type": "Private", "value": 22})
    assert holds(public, {"type": "Public", "value": 22})


def test_deep_nesting(holds: Holds) -> None:
    rule: dict[str, Any] = YES
    for depth in range(60):
        rule = {"Not": rule} if depth % 3 == 0 else {"And" if depth % 3 == 1 else "Or": [rule]}
    assert holds(rule, DATA) is True  # 20 negations cancel out
    mixed = {
        "Or": [
            {"And": [YES, {"Not": {"Or": [NO, {"Variable": "$.n", "NumericLessThan": 10}]}}]},
            BROKEN,
        ]
    }
    assert holds(mixed, DATA) is True


def test_and_or_stop_at_the_first_decisive_rule(holds: Holds) -> None:
    assert holds({"And": [NO, BROKEN]}, DATA) is False
    assert holds({"Or": [YES, BROKEN]}, DATA) is True
    assert holds({"And": [YES, NO, BROKEN]}, DATA) is False
    assert holds({"Or": [NO, YES, BROKEN]}, DATA) is True
    with pytest.raises(AslError):
        holds({"And": [YES, BROKEN]}, DATA)
    with pytest.raises(AslError):
        holds({"Or": [NO, NO, BROKEN]}, DATA)


def test_comment_is_allowed_at_every_level(holds: Holds) -> None:
    rule = {
        "Comment": "top",
        "And": [{"Comment": "inner", **YES}, {"Not": {**YES, "Comment": "x"}}],
    }
    assert holds(rule, DATA) is False


def test_top_level_next_assign_are_left_to_the_state(holds: Holds) -> None:
    assert holds({**YES, "Next": "Done", "Assign": {"x": 1}}, DATA) is True


# Random rule trees over two boolean inputs, to check the algebra.
_LEAVES = st.sampled_from(
    [
        {"Variable": "$.a", "BooleanEquals": True},
        {"Variable": "$.b", "BooleanEquals": True},
        {"Variable": "$.a", "IsBoolean": False},
        {"Variable": "$.b", "IsPresent": True},
    ]
)
_RULES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.builds(lambda rule: {"Not": rule}, inner),
        st.builds(lambda rules: {"And": rules}, st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda rules: {"Or": rules}, st.lists(inner, min_size=1, max_size=4)),
    ),
    max_leaves=12,
)


def _reference(rule: dict[str, Any], data: dict[str, bool]) -> bool:
    if "Not" in rule:
        return not _reference(rule["Not"], data)
    if "And" in rule:
        return all(_reference(item, data) for item in rule["And"])
    if "Or" in rule:
        return any(_reference(item, data) for item in rule["Or"])
    value = data[rule["Variable"][2:]]
    if "BooleanEquals" in rule:
        return value is rule["BooleanEquals"]
    if "IsBoolean" in rule:
        return bool(rule["IsBoolean"])
    return True


def _run(rule: dict[str, Any], data: dict[str, bool]) -> bool:
    return compile_rule(rule, "JSONPath")(data, Scope())


_INPUTS = st.fixed_dictionaries({"a": st.booleans(), "b": st.booleans()})


@given(_RULES, _INPUTS)
def test_rule_trees_agree_with_a_reference_evaluator(
    rule: dict[str, Any], data: dict[str, bool]
) -> None:
    assert _run(rule, data) is _reference(rule, data)


@given(_RULES, _INPUTS)
def test_not_inverts(rule: dict[str, Any], data: dict[str, bool]) -> None:
    assert _run({"Not": rule}, data) is (not _run(rule, data))


@given(_RULES, _RULES, _INPUTS)
def test_de_morgan(left: dict[str, Any], right: dict[str, Any], data: dict[str, bool]) -> None:
    assert _run({"Not": {"And": [left, right]}}, data) is _run(
        {"Or": [{"Not": left}, {"Not": right}]}, data
    )
    assert _run({"Not": {"Or": [left, right]}}, data) is _run(
        {"And": [{"Not": left}, {"Not": right}]}, data
    )


@given(st.lists(_RULES, min_size=1, max_size=5), _INPUTS)
def test_and_or_are_all_and_any(rules: list[dict[str, Any]], data: dict[str, bool]) -> None:
    results = [_run(rule, data) for rule in rules]
    assert _run({"And": rules}, data) is all(results)
    assert _run({"Or": rules}, data) is any(results)


@given(_RULES, _RULES, _RULES, _INPUTS)
def test_and_distributes_over_or(
    a: dict[str, Any], b: dict[str, Any], c: dict[str, Any], data: dict[str, bool]
) -> None:
    assert _run({"And": [a, {"Or": [b, c]}]}, data) is _run(
        {"Or": [{"And": [a, b]}, {"And": [a, c]}]}, data
    )
