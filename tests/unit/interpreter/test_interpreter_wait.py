"""The Wait state: Seconds, Timestamp, their Path forms, and values that cannot be waited on."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import T0, Driver

from sfc.core import StartTimer, Status
from sfc.core.interpreter.records import AwaitTimer
from sfc.core.timestamps import format_timestamp


def wait(fields: dict[str, Any], *, language: str = "JSONPath") -> dict[str, Any]:
    return {
        "QueryLanguage": language,
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Next": "After", **fields},
            "After": {"Type": "Pass", "End": True},
        },
    }


def iso(seconds: float) -> str:
    return format_timestamp(seconds)


@pytest.mark.parametrize(
    ("fields", "input_", "delay"),
    [
        ({"Seconds": 10}, {}, 10),
        ({"SecondsPath": "$.s"}, {"s": 30}, 30),
        ({"SecondsPath": "$.s"}, {"s": 30.0}, 30),
        ({"Timestamp": iso(T0 + 3600)}, {}, 3600),
        ({"TimestampPath": "$.at"}, {"at": iso(T0 + 60)}, 60),
        ({"InputPath": "$.inner", "SecondsPath": "$.s"}, {"inner": {"s": 5}}, 5),
    ],
)
def test_a_wait_starts_one_timer_due_at_the_right_time(
    fields: dict[str, Any], input_: Any, delay: float
) -> None:
    driver = Driver(wait(fields))
    driver.start(input_)
    [timer] = driver.last(StartTimer)
    assert timer.due == pytest.approx(T0 + delay)
    thread = driver.state.threads[""]
    assert thread.state == "W"
    assert thread.wait == AwaitTimer(timer.timer)
    assert driver.status is Status.RUNNING
    driver.fire(timer.timer)
    assert driver.state.status is Status.SUCCEEDED
    assert driver.entered() == ["W", "After"]


def test_the_wait_outputs_its_input_through_input_and_output_path() -> None:
    driver = Driver(wait({"Seconds": 1, "InputPath": "$.a", "OutputPath": "$.b"}))
    driver.start({"a": {"b": "kept"}, "b": "not this"})
    driver.fire_next()
    assert driver.output == "kept"


@pytest.mark.parametrize(
    ("fields", "input_"),
    [
        ({"Timestamp": iso(T0 - 60)}, {}),
        ({"Timestamp": iso(T0)}, {}),
        ({"TimestampPath": "$.at"}, {"at": "2000-01-01T00:00:00Z"}),
        ({"SecondsPath": "$.s"}, {"s": 0}),
    ],
)
def test_a_time_already_reached_moves_on_without_a_timer(
    fields: dict[str, Any], input_: Any
) -> None:
    driver = Driver(wait(fields))
    driver.start(input_)
    assert driver.status is Status.SUCCEEDED
    assert not driver.all(StartTimer)
    assert driver.entered() == ["W", "After"]


@pytest.mark.parametrize(
    ("fields", "input_"),
    [
        ({"SecondsPath": "$.s"}, {"s": -1}),
        ({"SecondsPath": "$.s"}, {"s": "10"}),
        ({"SecondsPath": "$.s"}, {"s": 1.5}),
        ({"SecondsPath": "$.s"}, {"s": True}),
        ({"SecondsPath": "$.s"}, {"s": None}),
        ({"SecondsPath": "$.s"}, {}),
        ({"TimestampPath": "$.at"}, {"at": "tomorrow"}),
        ({"TimestampPath": "$.at"}, {"at": "2030-01-01 00:00:00Z"}),
        ({"TimestampPath": "$.at"}, {"at": 1234567890}),
        ({"TimestampPath": "$.at"}, {}),
    ],
)
def test_a_value_that_cannot_be_waited_on_fails_with_states_runtime(
    fields: dict[str, Any], input_: Any
) -> None:
    driver = Driver(wait(fields))
    driver.start(input_)
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"
    assert not driver.all(StartTimer)


def test_states_runtime_from_a_wait_is_not_caught_by_states_all() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "W",
                        "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}},
                    }
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({"s": "soon"})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"


def test_jsonata_seconds_and_timestamp_expressions() -> None:
    seconds = Driver(wait({"Seconds": "{% $states.input.s * 2 %}"}, language="JSONata"))
    seconds.start({"s": 4})
    assert [t.due for t in seconds.timers_started()] == [T0 + 8]
    stamp = Driver(wait({"Timestamp": "{% $states.input.at %}"}, language="JSONata"))
    stamp.start({"at": iso(T0 + 90)})
    assert [t.due for t in stamp.timers_started()] == [T0 + 90]


def test_a_timer_fired_twice_is_applied_once() -> None:
    driver = Driver(wait({"Seconds": 5}))
    driver.start({})
    timer = driver.next_timer()
    driver.fire(timer)
    done = driver.state
    again = driver.fire(timer)
    assert again.flow == done
    assert again.commands == ()
    assert again.note is not None
    assert timer in again.note


def test_waits_in_parallel_branches_each_get_their_own_timer() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "W1",
                        "States": {"W1": {"Type": "Wait", "Seconds": 20, "End": True}},
                    },
                    {
                        "StartAt": "W2",
                        "States": {"W2": {"Type": "Wait", "Seconds": 10, "End": True}},
                    },
                ],
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({"x": 1})
    assert sorted(t.due for t in driver.timers_started()) == [T0 + 10, T0 + 20]
    driver.fire_next()
    assert driver.status is Status.RUNNING
    driver.fire_next()
    assert driver.state.status is Status.SUCCEEDED
    assert driver.output == [{"x": 1}, {"x": 1}]
    assert driver.now == T0 + 20
