"""Expressions: paths, payload templates, intrinsic functions, JSONata, Choice rules.

These rely on the compilers of sfc.core.paths, sfc.core.payload, sfc.core.intrinsics,
sfc.core.jsonata and sfc.core.states.choice.rules.
"""

from __future__ import annotations

from typing import Any

import pytest
from validation_helpers import codes, jsonata, machine, one, passing, problem, task, valid

Json = Any


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("InputPath", "bug$.library"),
        ("InputPath", "States.Format('{}', $.a)"),
        ("OutputPath", "$..."),
        ("OutputPath", " $.a"),
    ],
)
def test_invalid_paths(field: str, value: str) -> None:
    found = problem(one(passing(**{field: value})), f"/States/S/{field}", "invalid-path")
    assert field in found.message


@pytest.mark.parametrize(
    "state",
    [
        passing(InputPath="$$.Execution.Id", OutputPath="$.books[-2]"),
        passing(InputPath="$.input-foo-bar", ResultPath="$.a[0].b"),
        passing(InputPath=None, OutputPath=None, ResultPath=None),
        passing(InputPath="$counter"),
        passing(OutputPath="$.store.book[?(@.price < 10)].title"),
        {"Type": "Wait", "SecondsPath": "$.s", "End": True},
        task(TimeoutSecondsPath="$$.Execution.Input.t", HeartbeatSecondsPath="$.h"),
    ],
)
def test_valid_paths(state: dict[str, Json]) -> None:
    valid(one(state))


@pytest.mark.parametrize(
    ("state", "pointer"),
    [
        ({"Type": "Wait", "TimestampPath": "$[", "End": True}, "/States/S/TimestampPath"),
        (task(TimeoutSecondsPath="t"), "/States/S/TimeoutSecondsPath"),
        ({"Type": "Map", "ItemsPath": "items", "Iterator": {}, "End": True}, "/States/S/ItemsPath"),
        ({"Type": "Fail", "ErrorPath": "error"}, "/States/S/ErrorPath"),
        (
            {
                "Type": "Map",
                "ItemProcessor": {},
                "End": True,
                "ItemBatcher": {"MaxItemsPerBatchPath": "x"},
            },
            "/States/S/ItemBatcher/MaxItemsPerBatchPath",
        ),
    ],
)
def test_invalid_value_paths(state: dict[str, Json], pointer: str) -> None:
    problem(one(state), pointer, "invalid-path")


@pytest.mark.parametrize("value", [".guid", "..guid", "()", "$...", "$.a[*]", "$$.Execution"])
def test_invalid_result_paths(value: str) -> None:
    problem(one(task(ResultPath=value)), "/States/S/ResultPath", "invalid-path")


def test_catcher_result_path_is_a_reference_path() -> None:
    state = task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S", "ResultPath": "$..e"}])
    problem(one(state), "/States/S/Catch/0/ResultPath", "invalid-path")


@pytest.mark.parametrize("field", ["ResultPath"])
def test_variables_are_not_allowed_in_result_path(field: str) -> None:
    found = problem(one(task(**{field: "$foo"})), f"/States/S/{field}", "variable-in-result-path")
    assert "Assign" in found.message
    state = task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S", "ResultPath": "$err"}])
    problem(one(state), "/States/S/Catch/0/ResultPath", "variable-in-result-path")


def test_fail_paths_may_be_intrinsic_functions() -> None:
    state = {"Type": "Fail", "ErrorPath": "States.Format('{}', $.e)", "CausePath": "States.UUID()"}
    valid(one(state))


def test_fail_path_with_a_bad_intrinsic_function() -> None:
    state = {"Type": "Fail", "ErrorPath": "States.Nope($.e)"}
    problem(one(state), "/States/S/ErrorPath", "invalid-intrinsic")


def test_every_bad_template_field_is_reported() -> None:
    parameters = {
        "good.$": "$.g",
        "bad1.$": 23,
        "bad2.$": "23",
        "nested": {"bad3.$": [1, 2], "list": ["x", {"bad4.$": {"f": 1}}]},
        "bad5.$": "$$23",
    }
    assert codes(one(passing(Parameters=parameters))) == {
        ("/States/S/Parameters/bad1.$", "invalid-payload"),
        ("/States/S/Parameters/bad2.$", "invalid-payload"),
        ("/States/S/Parameters/nested/bad3.$", "invalid-payload"),
        ("/States/S/Parameters/nested/list/1/bad4.$", "invalid-payload"),
        ("/States/S/Parameters/bad5.$", "invalid-path"),
    }


@pytest.mark.parametrize("field", ["Parameters", "ResultSelector", "Assign", "Credentials"])
def test_templates_are_checked_in_every_template_field(field: str) -> None:
    state = task(**{field: {"x.$": "not a path"}})
    problem(one(state), f"/States/S/{field}/x.$", "invalid-payload")


def test_item_selector_and_nested_map_templates() -> None:
    state = {
        "Type": "Map",
        "ItemSelector": {"v.$": "nope"},
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "Parameters": {"Key.$": "nope"},
        },
        "ItemProcessor": {"StartAt": "I", "States": {"I": passing()}},
        "End": True,
    }
    pairs = codes(one(state))
    assert ("/States/S/ItemSelector/v.$", "invalid-payload") in pairs
    assert ("/States/S/ItemReader/Parameters/Key.$", "invalid-payload") in pairs


def test_catcher_and_rule_assign_templates() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "task:x",
                "Next": "C",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "Assign": {"e.$": "oops"}}],
            },
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.x", "IsNull": True, "Next": "D", "Assign": {"v.$": "oops"}}
                ],
                "Default": "D",
            },
            "D": {"Type": "Succeed"},
        }
    )
    pairs = codes(definition)
    assert ("/States/T/Catch/0/Assign/e.$", "invalid-payload") in pairs
    assert ("/States/C/Choices/0/Assign/v.$", "invalid-payload") in pairs


@pytest.mark.parametrize(
    ("template", "pointer"),
    [
        ({"channel.$": "$.c", "channel": "x"}, "/States/S/Parameters/channel.$"),
        (
            {"outer": {"blocks": [{"type": "a", "type.$": "$.t"}]}},
            "/States/S/Parameters/outer/blocks/0/type.$",
        ),
    ],
)
def test_duplicate_template_fields(template: dict[str, Json], pointer: str) -> None:
    problem(one(passing(Parameters=template)), pointer, "duplicate-field")


@pytest.mark.parametrize(
    "call",
    [
        "States.Xyz($.result)",
        "States.MathAdd(1,'-1')",
        " States.Array('Foo')",
        "States.Format('{}'",
    ],
)
def test_invalid_intrinsic_functions(call: str) -> None:
    pairs = codes(one(task(ResultSelector={"abc.$": call})))
    assert len(pairs) == 1
    ((pointer, code),) = pairs
    assert pointer == "/States/S/ResultSelector/abc.$"
    assert code in ("invalid-intrinsic", "invalid-payload")


@pytest.mark.parametrize(
    "call",
    [
        "States.Format('Hello {}', $.name)",
        "States.Array('Foo', 2020, $.json, null)",
        "States.MathAdd(States.ArrayLength($$.Execution.Input.items), -1)",
        "States.JsonMerge($.a, $.b, false)",
        "States.UUID()",
        "States.Format('{}', $var)",
    ],
)
def test_valid_intrinsic_functions(call: str) -> None:
    valid(one(task(Parameters={"v.$": call})))


def test_intrinsic_error_code() -> None:
    problem(
        one(task(Parameters={"v.$": "States.Nope()"})),
        "/States/S/Parameters/v.$",
        "invalid-intrinsic",
    )


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("Output", "{% 10 + * 2 %}", "/States/S/Output"),
        ("Output", "{% $sum($states.input.n %}", "/States/S/Output"),
        ("Output", {"a": ["{% 420. %}"]}, "/States/S/Output/a/0"),
        ("Assign", {"x": {"y": "{% ) %}"}}, "/States/S/Assign/x/y"),
        ("Output", "{% $.store.book[?(@.price < 10)] %}", "/States/S/Output"),
        ("Output", "{% 10 %", "/States/S/Output"),
        ("Output", "10 %}", "/States/S/Output"),
    ],
)
def test_invalid_jsonata(field: str, value: Json, pointer: str) -> None:
    problem(one(jsonata(passing(**{field: value}))), pointer, "invalid-jsonata")


def test_every_bad_expression_is_reported() -> None:
    state = jsonata(passing(Output={"a": "{% ( %}", "b": "{% ] %}"}))
    assert codes(one(state)) == {
        ("/States/S/Output/a", "invalid-jsonata"),
        ("/States/S/Output/b", "invalid-jsonata"),
    }


@pytest.mark.parametrize(
    "state",
    [
        passing(Output="{% $states.input.items %}"),
        passing(Output={"sum": "{% $sum($states.input.n) %}", "text": "plain", "n": 1}),
        passing(
            Assign={"x": "{% $exists($states.input.a) ? $states.input.a : {} %}"},
            Comment="{% not code",
        ),
        {"Type": "Wait", "Seconds": "{% $states.input.wait %}", "End": True},
        task(Arguments={"a": "{% $x %}"}, Output="{% $states.result %}"),
    ],
)
def test_valid_jsonata(state: dict[str, Json]) -> None:
    valid(one(jsonata(state)))


def test_jsonata_in_catcher_output_and_join_key() -> None:
    definition = machine(
        {
            "T": jsonata(
                {
                    "Type": "Task",
                    "Resource": "task:x",
                    "Next": "J",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "J", "Output": "{% ( %}"}],
                }
            ),
            "J": jsonata(
                {
                    "Type": "Join",
                    "Events": [{"Name": "e", "CorrelationKey": "{% ( %}"}],
                    "End": True,
                }
            ),
        }
    )
    pairs = codes(definition)
    assert ("/States/T/Catch/0/Output", "invalid-jsonata") in pairs
    assert ("/States/J/Events/0/CorrelationKey", "invalid-jsonata") in pairs


def test_jsonpath_strings_are_not_jsonata() -> None:
    valid(one(passing(Parameters={"note": "{% not evaluated in JSONPath"})))


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "States.ArrayContains($.a, 'x')", "NumericEquals": 1, "Next": "D"},
        {"Variable": "$.x", "NumericEquals": "one", "Next": "D"},
        {"Variable": "$.x", "Next": "D"},
        {"And": [{"Variable": "$.x", "IsNull": True, "Next": "D"}], "Next": "D"},
    ],
)
def test_invalid_choice_rules(rule: dict[str, Json]) -> None:
    definition = machine(
        {"C": {"Type": "Choice", "Choices": [rule], "Default": "D"}, "D": {"Type": "Succeed"}}
    )
    pairs = codes(definition)
    assert pairs, "expected a problem"
    assert all(code == "invalid-choice-rule" for _pointer, code in pairs)
    assert all(pointer.startswith("/States/C/Choices/0") for pointer, _code in pairs)


def test_invalid_jsonata_condition() -> None:
    rule = {"Condition": "{% $states.input.x = %}", "Next": "D"}
    definition = machine(
        {
            "C": jsonata({"Type": "Choice", "Choices": [rule], "Default": "D"}),
            "D": {"Type": "Succeed"},
        }
    )
    problem(definition, "/States/C/Choices/0/Condition", "invalid-choice-rule")


@pytest.mark.parametrize(
    ("rule", "language"),
    [
        ({"Variable": "$$.value", "IsNull": False, "Next": "D", "Comment": "c"}, "JSONPath"),
        ({"Not": {"Variable": "$.a[0]", "StringEquals": "DONE"}, "Next": "D"}, "JSONPath"),
        (
            {
                "Or": [
                    {"Variable": "$.a", "NumericEquals": 2},
                    {"Variable": "$.a", "NumericEquals": 3},
                ],
                "Next": "D",
            },
            "JSONPath",
        ),
        ({"Condition": "{% $states.input.ok %}", "Next": "D", "Output": {"x": 1}}, "JSONata"),
    ],
)
def test_valid_choice_rules(rule: dict[str, Json], language: str) -> None:
    state = {"Type": "Choice", "Choices": [rule], "Default": "D", "QueryLanguage": language}
    valid(machine({"C": state, "D": {"Type": "Succeed"}}))


def test_every_state_reports_its_expression_problems() -> None:
    definition = machine(
        {"A": {"Type": "Pass", "InputPath": "x", "Next": "B"}, "B": task(ResultSelector={"y.$": 1})}
    )
    assert codes(definition) == {
        ("/States/A/InputPath", "invalid-path"),
        ("/States/B/ResultSelector/y.$", "invalid-payload"),
    }
