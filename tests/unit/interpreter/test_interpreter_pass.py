"""The Pass state: its result is ``Result`` or its effective input, placed by ResultPath."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import Driver, run_flow

from sfc.core import ScheduleJob, StartTimer, Status


def single(state: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True, **state}}}


@pytest.mark.parametrize(
    ("fields", "input_", "output"),
    [
        ({}, {"a": 1}, {"a": 1}),
        ({}, None, None),
        ({}, [1, "two"], [1, "two"]),
        ({"Result": {"r": 2}}, {"a": 1}, {"r": 2}),
        ({"Result": None}, {"a": 1}, None),
        ({"Result": "text"}, {"a": 1}, "text"),
        ({"Result": {"r": 2}, "ResultPath": "$.out"}, {"a": 1}, {"a": 1, "out": {"r": 2}}),
        ({"Result": {"r": 2}, "ResultPath": None}, {"a": 1}, {"a": 1}),
        ({"Result": {"r": 2}, "ResultPath": "$"}, {"a": 1}, {"r": 2}),
        ({"Parameters": {"b.$": "$.a", "c": 3}}, {"a": 1}, {"b": 1, "c": 3}),
        (
            {"Parameters": {"b.$": "$.a"}, "ResultPath": "$.p"},
            {"a": 1},
            {"a": 1, "p": {"b": 1}},
        ),
        ({"InputPath": "$.a"}, {"a": {"x": 1}}, {"x": 1}),
        ({"InputPath": "$.a", "ResultPath": "$.copy"}, {"a": 5}, {"a": 5, "copy": 5}),
        ({"OutputPath": "$.a"}, {"a": [1, 2]}, [1, 2]),
        ({"Result": {"r": {"s": 1}}, "OutputPath": "$.r"}, {}, {"s": 1}),
    ],
)
def test_output_of_a_pass_state(fields: dict[str, Any], input_: Any, output: Any) -> None:
    driver = run_flow(single(fields), input_)
    assert driver.status is Status.SUCCEEDED
    assert driver.output == output


def test_result_wins_over_parameters_but_parameters_still_evaluate() -> None:
    # A Parameters path that selects nothing fails even though Result is what is output.
    driver = run_flow(single({"Parameters": {"b.$": "$.missing"}, "Result": 1}), {"a": 1})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"


def test_a_chain_of_pass_states_runs_in_one_decision_without_commands() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
            "B": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "Next": "C"},
            "C": {"Type": "Pass", "End": True},
        },
    }
    driver = Driver(definition)
    decision = driver.start({})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"a": 1, "b": 2}
    assert not [c for c in decision.commands if isinstance(c, ScheduleJob | StartTimer)]
    assert driver.entered() == ["A", "B", "C"]


def test_history_records_each_state_input_and_output() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Result": "r", "ResultPath": "$.x", "Next": "B"},
            "B": {"Type": "Pass", "OutputPath": "$.x", "End": True},
        },
    }
    driver = run_flow(definition, {"in": 1})
    summary = [(e.type, e.state, e.payload) for e in driver.history]
    assert summary == [
        ("FlowStarted", None, {"in": 1}),
        ("StateEntered", "A", {"in": 1}),
        ("StateExited", "A", {"in": 1, "x": "r"}),
        ("StateEntered", "B", {"in": 1, "x": "r"}),
        ("StateExited", "B", "r"),
        ("FlowSucceeded", None, "r"),
    ]
    assert [e.seq for e in driver.history] == list(range(1, len(driver.history) + 1))


def test_input_is_never_modified_in_place() -> None:
    input_ = {"a": {"b": 1}}
    driver = run_flow(single({"Result": 2, "ResultPath": "$.a.c"}), input_)
    assert driver.output == {"a": {"b": 1, "c": 2}}
    assert input_ == {"a": {"b": 1}}


def test_jsonata_pass_outputs_its_input_or_output_expression() -> None:
    plain = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "End": True}},
    }
    assert run_flow(plain, {"a": 1}).output == {"a": 1}
    shaped = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Output": {"double": "{% $states.input.a * 2 %}"}, "End": True}
        },
    }
    assert run_flow(shaped, {"a": 21}).output == {"double": 42}
