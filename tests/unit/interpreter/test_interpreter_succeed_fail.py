"""The Succeed and Fail states: how they end their scope."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import run_flow

from sfc.core import CompleteFlow, Status


def test_succeed_ends_the_flow_with_its_input() -> None:
    definition = {
        "StartAt": "S",
        "States": {"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}},
    }
    driver = run_flow(definition, {"a": {"b": 1}})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == 1
    assert driver.completion() == CompleteFlow(Status.SUCCEEDED, 1)
    assert driver.types()[-2:] == ["StateExited", "FlowSucceeded"]


def test_jsonata_succeed_may_shape_its_output() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {"S": {"Type": "Succeed", "Output": "{% $states.input.n + 1 %}"}},
    }
    assert run_flow(definition, {"n": 1}).output == 2


def test_succeed_in_a_branch_ends_only_the_branch() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}],
                "Next": "After",
            },
            "After": {"Type": "Pass", "Result": "after", "End": True},
        },
    }
    driver = run_flow(definition, {})
    assert driver.output == "after"
    assert driver.entered() == ["P", "S", "After"]


def fail(fields: dict[str, Any], *, language: str = "JSONPath") -> dict[str, Any]:
    return {"QueryLanguage": language, "StartAt": "F", "States": {"F": {"Type": "Fail", **fields}}}


@pytest.mark.parametrize(
    ("fields", "input_", "error", "cause"),
    [
        ({"Error": "E", "Cause": "C"}, {}, "E", "C"),
        ({"Error": "E"}, {}, "E", None),
        ({"Cause": "C"}, {}, None, "C"),
        ({}, {}, None, None),
        ({"ErrorPath": "$.e", "CausePath": "$.c"}, {"e": "Bad", "c": "why"}, "Bad", "why"),
        (
            {"Error": "E", "CausePath": "States.Format('item {} failed', $.id)"},
            {"id": 7},
            "E",
            "item 7 failed",
        ),
    ],
)
def test_fail_ends_the_flow_with_its_error_and_cause(
    fields: dict[str, Any], input_: Any, error: str | None, cause: str | None
) -> None:
    driver = run_flow(fail(fields), input_)
    assert driver.status is Status.FAILED
    assert (driver.state.error, driver.state.cause) == (error, cause)
    assert driver.completion() == CompleteFlow(Status.FAILED, None, error, cause)
    assert driver.output is None


def test_jsonata_fail_evaluates_error_and_cause() -> None:
    fields = {"Error": "{% 'E.' & $states.input.code %}", "Cause": "{% $string($states.input.n) %}"}
    driver = run_flow(fail(fields, language="JSONata"), {"code": "X", "n": 3})
    assert (driver.state.error, driver.state.cause) == ("E.X", "3")


@pytest.mark.parametrize(
    ("fields", "input_"),
    [
        ({"ErrorPath": "$.e"}, {"e": 1}),
        ({"ErrorPath": "$.e"}, {}),
        ({"Error": "E", "CausePath": "$.c"}, {"c": {"not": "text"}}),
    ],
)
def test_a_fail_path_that_gives_no_string_fails_with_states_runtime(
    fields: dict[str, Any], input_: Any
) -> None:
    driver = run_flow(fail(fields), input_)
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"


def test_a_fail_state_error_is_caught_like_any_other() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "F",
                        "States": {"F": {"Type": "Fail", "Error": "Custom.Err", "Cause": "c"}},
                    }
                ],
                "Catch": [{"ErrorEquals": ["Custom.Err"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    driver = run_flow(definition, {})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"Error": "Custom.Err", "Cause": "c"}


def test_a_fail_without_error_or_cause_is_caught_with_empty_strings() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail"}}}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    driver = run_flow(definition, {})
    assert driver.output == {"Error": "", "Cause": ""}


def test_the_failed_state_is_recorded_in_the_history() -> None:
    driver = run_flow(fail({"Error": "E", "Cause": "C"}), {"in": 1})
    failed = [e for e in driver.history if e.type == "StateFailed"]
    assert [(e.state, e.error, e.cause) for e in failed] == [("F", "E", "C")]
    assert driver.types() == ["FlowStarted", "StateEntered", "StateFailed", "FlowFailed"]
