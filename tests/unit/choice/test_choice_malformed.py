"""Malformed rules fail to compile with a ChoiceRuleError naming the offending field."""

from __future__ import annotations

from typing import Any

import pytest

from sfc.core.states.choice import ChoiceRuleError, compile_rule
from sfc.errors import SfcError

AT = "/States/Pick/Choices/3"


def _error(rule: Any, language: str = "JSONPath") -> ChoiceRuleError:
    with pytest.raises(ChoiceRuleError) as caught:
        compile_rule(rule, language, AT)
    return caught.value


@pytest.mark.parametrize(
    ("rule", "pointer", "message"),
    [
        # No operator at all, or an unknown one.
        ({"Variable": "$.v"}, AT, "needs one comparison operator"),
        ({}, AT, "needs one comparison operator"),
        ({"Variable": "$.v", "StringMatchez": "x"}, f"{AT}/StringMatchez", "unknown field"),
        ({"Variable": "$.v", "StringMatchesPath": "$.p"}, f"{AT}/StringMatchesPath", "unknown"),
        ({"Variable": "$.v", "IsNullPath": "$.p"}, f"{AT}/IsNullPath", "unknown field"),
        ({"Variable": "$.v", "BooleanLessThan": True}, f"{AT}/BooleanLessThan", "unknown"),
        ({"Variable": "$.v", "NumericEquals": 1, "Extra": 1}, f"{AT}/Extra", "unknown field"),
        # Two operators.
        (
            {"Variable": "$.v", "NumericEquals": 1, "NumericLessThan": 2},
            f"{AT}/NumericLessThan",
            "exactly one operator",
        ),
        ({"Variable": "$.v", "IsNull": True, "IsPresent": True}, f"{AT}/IsPresent", "one operator"),
        ({"And": [], "Or": []}, f"{AT}/Or", "exactly one operator"),
        ({"Not": {}, "Variable": "$.v", "IsNull": True}, f"{AT}/IsNull", "exactly one operator"),
        (
            {"And": [{"Variable": "$.v", "IsNull": True}], "Variable": "$.v"},
            f"{AT}/Variable",
            "beside And",
        ),
        # Missing Variable.
        ({"StringEquals": "x"}, AT, "needs a Variable"),
        ({"NumericEqualsPath": "$.x"}, AT, "needs a Variable"),
        # Bad paths.
        ({"Variable": "v", "IsNull": True}, f"{AT}/Variable", "must be a path"),
        ({"Variable": 3, "IsNull": True}, f"{AT}/Variable", "must be a path"),
        ({"Variable": "", "IsNull": True}, f"{AT}/Variable", "must be a path"),
        ({"Variable": "$.[", "IsNull": True}, f"{AT}/Variable", "invalid JSONPath"),
        ({"Variable": " $.v", "IsNull": True}, f"{AT}/Variable", "must be a path"),
        ({"Variable": "$.v ", "IsNull": True}, f"{AT}/Variable", "white space"),
        (
            {"Variable": "$.v", "StringEqualsPath": "other"},
            f"{AT}/StringEqualsPath",
            "must be a path",
        ),
        (
            {"Variable": "$.v", "NumericLessThanPath": 5},
            f"{AT}/NumericLessThanPath",
            "must be a path",
        ),
        (
            {"Variable": "$.v", "TimestampEqualsPath": "$.a[?("},
            f"{AT}/TimestampEqualsPath",
            "JSONPath",
        ),
        # Literal operands of the wrong type.
        ({"Variable": "$.v", "StringEquals": 1}, f"{AT}/StringEquals", "must be a string"),
        ({"Variable": "$.v", "StringLessThan": None}, f"{AT}/StringLessThan", "must be a string"),
        ({"Variable": "$.v", "StringMatches": ["*"]}, f"{AT}/StringMatches", "must be a string"),
        ({"Variable": "$.v", "NumericEquals": "abc"}, f"{AT}/NumericEquals", "must be a number"),
        ({"Variable": "$.v", "NumericGreaterThan": True}, f"{AT}/NumericGreaterThan", "number"),
        ({"Variable": "$.v", "NumericLessThan": "5"}, f"{AT}/NumericLessThan", "must be a number"),
        ({"Variable": "$.v", "BooleanEquals": "true"}, f"{AT}/BooleanEquals", "true or false"),
        ({"Variable": "$.v", "BooleanEquals": 1}, f"{AT}/BooleanEquals", "true or false"),
        ({"Variable": "$.v", "TimestampEquals": 1}, f"{AT}/TimestampEquals", "must be a string"),
        (
            {"Variable": "$.v", "TimestampLessThan": "2016-03-14T01:59:00"},
            f"{AT}/TimestampLessThan",
            "not a timestamp",
        ),
        (
            {"Variable": "$.v", "TimestampGreaterThan": "2016-03-14t01:59:00Z"},
            f"{AT}/TimestampGreaterThan",
            "not a timestamp",
        ),
        ({"Variable": "$.v", "IsNull": "true"}, f"{AT}/IsNull", "true or false"),
        ({"Variable": "$.v", "IsPresent": 1}, f"{AT}/IsPresent", "true or false"),
        ({"Variable": "$.v", "IsTimestamp": None}, f"{AT}/IsTimestamp", "true or false"),
        # And / Or / Not shapes.
        ({"And": []}, f"{AT}/And", "non-empty array"),
        ({"Or": {"Variable": "$.v", "IsNull": True}}, f"{AT}/Or", "non-empty array"),
        ({"Not": [{"Variable": "$.v", "IsNull": True}]}, f"{AT}/Not", "single choice rule"),
        ({"And": ["$.v"]}, f"{AT}/And/0", "must be an object"),
        (
            {"Or": [{"Variable": "$.v", "IsNull": True}, {"Variable": "$.v"}]},
            f"{AT}/Or/1",
            "operator",
        ),
        (
            {"Not": {"And": [{"Or": [{"Variable": "$.v", "NumericEquals": "x"}]}]}},
            f"{AT}/Not/And/0/Or/0/NumericEquals",
            "must be a number",
        ),
        # Fields that belong elsewhere.
        (
            {"And": [{"Variable": "$.v", "IsNull": True, "Next": "X"}]},
            f"{AT}/And/0/Next",
            "top-level",
        ),
        (
            {"Not": {"Variable": "$.v", "IsNull": True, "Assign": {}}},
            f"{AT}/Not/Assign",
            "top-level",
        ),
        ({"Variable": "$.v", "IsNull": True, "Output": {}}, f"{AT}/Output", "JSONata"),
        ({"Condition": "{% true %}"}, f"{AT}/Condition", "only supported with the JSONata"),
        ({"Variable": "$.v", "IsNull": True, "Comment": 7}, f"{AT}/Comment", "must be a string"),
        # Not a rule at all.
        ("$.v", AT, "must be an object"),
        (None, AT, "must be an object"),
    ],
)
def test_malformed_jsonpath_rules(rule: Any, pointer: str, message: str) -> None:
    error = _error(rule)
    assert error.pointer == pointer
    assert message in error.message


def test_pointers_escape_special_characters() -> None:
    error = _error({"Variable": "$.v", "IsNull": True, "a/b~c": 1})
    assert error.pointer == f"{AT}/a~1b~0c"


@pytest.mark.parametrize(
    ("rule", "pointer", "message"),
    [
        ({}, AT, "needs a Condition"),
        ({"Next": "X"}, AT, "needs a Condition"),
        ({"Condition": "$states.input.ok"}, f"{AT}/Condition", "JSONata expression"),
        ({"Condition": "true"}, f"{AT}/Condition", "true, false or a JSONata"),
        ({"Condition": 1}, f"{AT}/Condition", "true, false or a JSONata"),
        ({"Condition": None}, f"{AT}/Condition", "true, false or a JSONata"),
        ({"Condition": {"a": "{% true %}"}}, f"{AT}/Condition", "true, false or a JSONata"),
        (
            {"Condition": "{% true %}", "Variable": "$.v"},
            f"{AT}/Variable",
            "only supported with the JSONPath",
        ),
        ({"Condition": "{% true %}", "And": []}, f"{AT}/And", "only supported with the JSONPath"),
        ({"Condition": "{% true %}", "StringEquals": "x"}, f"{AT}/StringEquals", "JSONPath"),
        ({"Condition": "{% true %}", "Other": 1}, f"{AT}/Other", "unknown field"),
        ({"Condition": "{% true %}", "Comment": False}, f"{AT}/Comment", "must be a string"),
        ("{% true %}", AT, "must be an object"),
    ],
)
def test_malformed_jsonata_rules(rule: Any, pointer: str, message: str) -> None:
    error = _error(rule, "JSONata")
    assert error.pointer == pointer
    assert message in error.message


def test_unknown_query_language() -> None:
    error = _error({"Variable": "$.v", "IsNull": True}, "XPath")
    assert error.pointer == AT
    assert "XPath" in error.message


def test_choice_rule_error_is_a_user_facing_error() -> None:
    error = _error({})
    assert isinstance(error, SfcError)
    assert error.code == "sfc.choice_rule"
