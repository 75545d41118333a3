"""Catch: which catcher applies, the error output, and where it goes."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import Driver

from sfc.core import Status


def catching(
    *catchers: dict[str, Any], language: str = "JSONPath", **fields: Any
) -> dict[str, Any]:
    """A Task ``T`` with catchers; every catcher target is a Pass that ends the flow."""
    states: dict[str, Any] = {
        "T": {
            "Type": "Task",
            "Resource": "task:work",
            "Catch": list(catchers),
            "Next": "Done",
            **fields,
        },
        "Done": {"Type": "Succeed"},
    }
    for catcher in catchers:
        states.setdefault(catcher["Next"], {"Type": "Pass", "End": True})
    return {"QueryLanguage": language, "StartAt": "T", "States": states}


def failed_with(definition: dict[str, Any], input_: Any, error: str, cause: str | None) -> Driver:
    driver = Driver(definition)
    driver.start(input_)
    driver.fail("T", error, cause)
    return driver


def test_the_error_output_replaces_the_input_by_default() -> None:
    driver = failed_with(catching({"ErrorEquals": ["E"], "Next": "H"}), {"in": 1}, "E", "why")
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"Error": "E", "Cause": "why"}
    assert driver.entered() == ["T", "H"]


def test_a_missing_cause_becomes_an_empty_string() -> None:
    driver = failed_with(catching({"ErrorEquals": ["E"], "Next": "H"}), {}, "E", None)
    assert driver.output == {"Error": "E", "Cause": ""}


def test_result_path_places_the_error_output_into_the_raw_input() -> None:
    definition = catching(
        {"ErrorEquals": ["E"], "ResultPath": "$.error", "Next": "H"},
        InputPath="$.sub",
        OutputPath="$.sub",
    )
    driver = failed_with(definition, {"sub": {"a": 1}, "top": 2}, "E", "c")
    # Neither InputPath nor the state's OutputPath touch what a catcher outputs.
    assert driver.output == {"sub": {"a": 1}, "top": 2, "error": {"Error": "E", "Cause": "c"}}


def test_a_null_result_path_keeps_the_raw_input() -> None:
    definition = catching({"ErrorEquals": ["E"], "ResultPath": None, "Next": "H"})
    assert failed_with(definition, {"in": 1}, "E", "c").output == {"in": 1}


def test_a_result_path_that_cannot_be_applied_fails_the_flow() -> None:
    definition = catching({"ErrorEquals": ["E"], "ResultPath": "$.error", "Next": "H"})
    driver = failed_with(definition, ["not", "an", "object"], "E", "c")
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.ResultPathMatchFailure"


def test_the_first_matching_catcher_wins() -> None:
    definition = catching(
        {"ErrorEquals": ["Other"], "Next": "A"},
        {"ErrorEquals": ["E", "F"], "Next": "B"},
        {"ErrorEquals": ["States.ALL"], "Next": "C"},
    )
    assert failed_with(definition, {}, "F", "x").entered() == ["T", "B"]
    assert failed_with(definition, {}, "Z", "x").entered() == ["T", "C"]
    assert failed_with(definition, {}, "Other", "x").entered() == ["T", "A"]


def test_an_unmatched_error_fails_the_flow() -> None:
    driver = failed_with(catching({"ErrorEquals": ["Other"], "Next": "A"}), {}, "E", "c")
    assert driver.status is Status.FAILED
    assert (driver.state.error, driver.state.cause) == ("E", "c")


@pytest.mark.parametrize(
    ("equals", "error", "caught"),
    [
        (["States.ALL"], "Custom.Error", True),
        (["States.ALL"], "States.Timeout", True),
        (["States.ALL"], "States.Runtime", False),
        (["States.Runtime"], "States.Runtime", False),
        (["States.TaskFailed"], "Custom.Error", True),
        (["States.TaskFailed"], "States.TaskFailed", True),
        (["States.TaskFailed"], "States.Timeout", False),
        (["States.TaskFailed"], "States.HeartbeatTimeout", False),
        (["States.Timeout"], "States.HeartbeatTimeout", True),
        (["States.HeartbeatTimeout"], "States.Timeout", False),
        (["Custom.Error"], "Custom.ErrorX", False),
    ],
)
def test_which_errors_a_catcher_matches(equals: list[str], error: str, caught: bool) -> None:
    driver = failed_with(catching({"ErrorEquals": equals, "Next": "H"}), {}, error, "c")
    assert (driver.status is Status.SUCCEEDED) is caught


def test_catch_applies_after_the_retries_are_exhausted() -> None:
    definition = catching(
        {"ErrorEquals": ["E"], "Next": "H"},
        Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 2}],
    )
    driver = Driver(definition)
    driver.start({})
    for _ in range(2):
        driver.fail("T", "E")
        assert driver.status is Status.RUNNING
        driver.fire_next()
    driver.fail("T", "E", "third")
    assert driver.entered() == ["T", "H"]
    assert driver.output == {"Error": "E", "Cause": "third"}


def test_catch_assign_reads_the_error_output_and_the_variables_from_before() -> None:
    definition = {
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"count": 1}, "Next": "T"},
            "T": {
                "Type": "Task",
                "Resource": "task:work",
                "Assign": {"count": 99},
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {"error.$": "$.Error", "seen.$": "$count"},
                        "ResultPath": None,
                        "Next": "Report",
                    }
                ],
                "End": True,
            },
            "Report": {
                "Type": "Pass",
                "Parameters": {"error.$": "$error", "seen.$": "$seen", "count.$": "$count"},
                "End": True,
            },
        },
    }
    driver = failed_with(definition, {}, "E", "c")
    # The state's own Assign is not applied when it fails.
    assert driver.output == {"error": "E", "seen": 1, "count": 1}


def test_jsonata_catch_output_and_assign_see_the_error_output_and_input() -> None:
    definition = catching(
        {
            "ErrorEquals": ["States.ALL"],
            "Output": {"input": "{% $states.input %}", "error": "{% $states.errorOutput.Error %}"},
            "Assign": {"cause": "{% $states.errorOutput.Cause %}"},
            "Next": "H",
        },
        language="JSONata",
        Arguments={"ignored": True},
    )
    definition["States"]["H"] = {
        "Type": "Pass",
        "Output": {"o": "{% $states.input %}", "c": "{% $cause %}"},
        "End": True,
    }
    driver = failed_with(definition, {"in": 1}, "E", "why")
    assert driver.output == {"o": {"input": {"in": 1}, "error": "E"}, "c": "why"}


def test_jsonata_catch_without_output_outputs_the_error_output() -> None:
    definition = catching({"ErrorEquals": ["States.ALL"], "Next": "H"}, language="JSONata")
    assert failed_with(definition, {"in": 1}, "E", "c").output == {"Error": "E", "Cause": "c"}


def test_the_history_shows_the_catch_and_the_state_exit() -> None:
    driver = failed_with(catching({"ErrorEquals": ["E"], "Next": "H"}), {}, "E", "c")
    tail = [(e.type, e.state) for e in driver.history][-6:]
    assert tail == [
        ("TaskFailed", "T"),
        ("Caught", "T"),
        ("StateExited", "T"),
        ("StateEntered", "H"),
        ("StateExited", "H"),
        ("FlowSucceeded", None),
    ]
    assert driver.exited("T").payload == {"Error": "E", "Cause": "c"}


def test_a_map_catches_an_iteration_failure() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "W",
                    "States": {"W": {"Type": "Task", "Resource": "task:w", "End": True}},
                },
                "Catch": [{"ErrorEquals": ["Bad"], "ResultPath": "$.error", "Next": "H"}],
                "End": True,
            },
            "H": {"Type": "Pass", "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({"items": [1, 2]})
    first, second = driver.jobs_for("W")
    driver.fail(first, "Bad", "item 1")
    assert driver.output == {"items": [1, 2], "error": {"Error": "Bad", "Cause": "item 1"}}
    assert second.token not in driver.jobs
    uncaught = Driver(definition)
    uncaught.start({"items": [1]})
    uncaught.fail("W", "Other", "item")
    assert uncaught.status is Status.FAILED
    assert uncaught.state.error == "Other"
