"""JSONPath input and output processing, in the order AWS applies it.

InputPath -> Parameters -> (the work) -> ResultSelector -> ResultPath -> OutputPath.
"""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import Driver

from sfc.core import Status


def task(**fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": "task:t", "End": True, **fields}},
    }


def through(fields: dict[str, Any], input_: Any, result: Any) -> tuple[Any, Driver]:
    """The job input a Task gets, and (after ``result``) the driver at the end."""
    driver = Driver(task(**fields))
    driver.start(input_)
    if driver.status is not Status.RUNNING:
        return None, driver
    job_input = driver.job("T").input
    driver.succeed("T", result)
    return job_input, driver


def test_all_five_fields_in_order() -> None:
    fields = {
        "InputPath": "$.order",
        "Parameters": {"id.$": "$.id", "static": 1},
        "ResultSelector": {"status.$": "$.body.status"},
        "ResultPath": "$.order.outcome",
        "OutputPath": "$.order",
    }
    job_input, driver = through(
        fields, {"order": {"id": 3, "qty": 2}, "user": "u"}, {"body": {"status": "ok", "x": 0}}
    )
    assert job_input == {"id": 3, "static": 1}
    # ResultPath writes into the raw input, so "qty" (dropped by Parameters) is still there.
    assert driver.output == {"id": 3, "qty": 2, "outcome": {"status": "ok"}}


@pytest.mark.parametrize(
    ("fields", "input_", "job_input"),
    [
        ({}, {"a": 1}, {"a": 1}),
        ({"InputPath": "$"}, {"a": 1}, {"a": 1}),
        ({"InputPath": None}, {"a": 1}, {}),
        ({"InputPath": "$.a.b"}, {"a": {"b": [1]}}, [1]),
        ({"InputPath": "$.items[*].id"}, {"items": [{"id": 1}, {"id": 2}]}, [1, 2]),
        ({"InputPath": "$.items[?(@.n < 2)]"}, {"items": [{"n": 1}, {"n": 2}]}, [{"n": 1}]),
        ({"InputPath": "$.list[1]"}, {"list": ["a", "b"]}, "b"),
        (
            {"Parameters": {"nested": {"x.$": "$.a", "list": [{"y.$": "$.a"}, 2]}}},
            {"a": 1},
            {"nested": {"x": 1, "list": [{"y": 1}, 2]}},
        ),
        ({"Parameters": {"n.$": "States.ArrayLength($.l)"}}, {"l": [1, 2]}, {"n": 2}),
        ({"InputPath": None, "Parameters": {"in.$": "$"}}, {"a": 1}, {"in": {}}),
    ],
)
def test_input_path_and_parameters(fields: dict[str, Any], input_: Any, job_input: Any) -> None:
    assert through(fields, input_, None)[0] == job_input


@pytest.mark.parametrize(
    ("fields", "input_", "result", "output"),
    [
        ({}, {"a": 1}, {"r": 1}, {"r": 1}),
        ({"ResultPath": "$"}, {"a": 1}, {"r": 1}, {"r": 1}),
        ({"ResultPath": None}, {"a": 1}, {"r": 1}, {"a": 1}),
        ({"ResultPath": None, "InputPath": "$.a"}, {"a": 1, "b": 2}, "r", {"a": 1, "b": 2}),
        ({"ResultPath": "$.r"}, {"a": 1}, 5, {"a": 1, "r": 5}),
        ({"ResultPath": "$.a"}, {"a": 1}, 5, {"a": 5}),
        ({"ResultPath": "$.x.y.z"}, {"a": 1}, 5, {"a": 1, "x": {"y": {"z": 5}}}),
        ({"ResultPath": "$.x.y"}, {"x": {"keep": 0}}, 5, {"x": {"keep": 0, "y": 5}}),
        ({"ResultPath": "$.list[1]"}, {"list": [0, 1, 2]}, "new", {"list": [0, "new", 2]}),
        (
            {"ResultSelector": {"v.$": "$.v", "c": "const"}},
            {},
            {"v": 1, "w": 2},
            {"v": 1, "c": "const"},
        ),
        ({"ResultSelector": {"n.$": "States.ArrayLength($.l)"}}, {}, {"l": [1]}, {"n": 1}),
        ({"OutputPath": "$.r", "ResultPath": "$.r"}, {"a": 1}, {"x": 1}, {"x": 1}),
        ({"OutputPath": None}, {"a": 1}, {"r": 1}, {}),
        ({"OutputPath": "$.a[*]"}, {}, {"a": [{"b": 1}]}, [{"b": 1}]),
    ],
)
def test_result_selector_result_path_and_output_path(
    fields: dict[str, Any], input_: Any, result: Any, output: Any
) -> None:
    _, driver = through(fields, input_, result)
    assert driver.status is Status.SUCCEEDED
    assert driver.output == output


@pytest.mark.parametrize(
    ("fields", "input_", "result", "error"),
    [
        ({"InputPath": "$.missing"}, {"a": 1}, None, "States.Runtime"),
        ({"Parameters": {"x.$": "$.missing"}}, {"a": 1}, None, "States.Runtime"),
        ({"OutputPath": "$.missing"}, {}, {"a": 1}, "States.Runtime"),
        ({"ResultSelector": {"x.$": "$.missing"}}, {}, {"a": 1}, "States.Runtime"),
        ({"ResultPath": "$.a.b"}, {"a": 1}, 2, "States.ResultPathMatchFailure"),
        ({"ResultPath": "$.list[5]"}, {"list": [1]}, 2, "States.ResultPathMatchFailure"),
        ({"ResultPath": "$.x"}, "a string", 2, "States.ResultPathMatchFailure"),
    ],
)
def test_paths_that_cannot_be_applied_fail_the_state(
    fields: dict[str, Any], input_: Any, result: Any, error: str
) -> None:
    _, driver = through(fields, input_, result)
    assert driver.status is Status.FAILED
    assert driver.state.error == error


def test_the_raw_input_is_left_unchanged_for_the_history() -> None:
    input_ = {"a": {"b": 1}}
    _, driver = through({"ResultPath": "$.a.c"}, input_, 2)
    entered = [e.payload for e in driver.history if e.type == "StateEntered"]
    assert entered == [{"a": {"b": 1}}]
    assert driver.output == {"a": {"b": 1, "c": 2}}


def test_variables_can_be_read_in_paths() -> None:
    definition = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"cfg": {"limit": 3}}, "Next": "T"},
            "T": {
                "Type": "Task",
                "Resource": "task:t",
                "Parameters": {"limit.$": "$cfg.limit", "ctx.$": "$$.State.Name"},
                "End": True,
            },
        },
    }
    driver = Driver(definition)
    driver.start({})
    assert driver.job("T").input == {"limit": 3, "ctx": "T"}
