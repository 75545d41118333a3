"""Kafka delivers at least once: every event applied a second time changes nothing.

Each scenario is run step by step; after every step the very same event is delivered
again and must leave the flow as it was, command nothing, and say why in its note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flow_harness import FLOW, Driver

from sfc.core import Event, StartFlow, TaskHeartbeat, TaskSucceeded

DEFINITION = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {
            "Type": "Task",
            "Resource": "task:prepare",
            "HeartbeatSeconds": 30,
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2}],
            "Next": "Both",
        },
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 10, "End": True}}},
                {
                    "StartAt": "Await",
                    "States": {
                        "Await": {
                            "Type": "Join",
                            "Events": [{"Name": "Approved", "CorrelationKeyPath": "$.id"}],
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Finish",
        },
        "Finish": {"Type": "Task", "Resource": "task:finish", "End": True},
    },
}

Step = Callable[[Driver], Any]

SCENARIO: list[Step] = [
    lambda d: d.start({"id": "order-7"}),
    lambda d: d.heartbeat("Prepare"),
    lambda d: d.fail("Prepare", "Flaky"),
    lambda d: d.fire_next("retry"),
    lambda d: d.pause(),
    lambda d: d.resume(),
    lambda d: d.succeed("Prepare", {"id": "order-7"}),
    lambda d: d.send("Approved", "order-7", {"by": "ann"}),
    lambda d: d.send("Unrelated", "x", 1),
    lambda d: d.fire_next("wait"),
    lambda d: d.terminate("stop"),
    lambda d: d.retry(),
    lambda d: d.succeed("Finish", "done"),
    lambda d: d.restart(),
]


def redeliver(driver: Driver, event: Event) -> None:
    before = driver.state
    decision = driver.apply(event)
    assert decision.flow == before, f"{type(event).__name__} applied twice changed the flow"
    assert not decision.commands, f"{type(event).__name__} applied twice commanded"
    assert decision.note, f"{type(event).__name__} applied twice gave no reason"


@pytest.mark.parametrize("length", range(1, len(SCENARIO) + 1))
def test_every_event_redelivered_right_away_changes_nothing(length: int) -> None:
    driver = Driver(DEFINITION)
    for step in SCENARIO[:length]:
        step(driver)
    redeliver(driver, driver.events[-1])


def test_a_whole_history_delivered_again_changes_nothing() -> None:
    driver = Driver(DEFINITION)
    for step in SCENARIO[:-1]:
        step(driver)
    ended = driver.state
    for event in list(driver.events):
        if isinstance(event, TaskHeartbeat):
            continue  # only its latest redelivery is recognised; see the test below
        redeliver(driver, event)
    assert driver.state == ended


def test_a_start_for_an_existing_flow_is_ignored() -> None:
    driver = Driver(DEFINITION)
    driver.start({"id": 1})
    running = driver.state
    decision = driver.apply(StartFlow("another-start", FLOW, "bp", {"id": 2}))
    assert decision.flow == running
    assert decision.note is not None
    assert "already exists" in decision.note


def test_a_result_redelivered_after_the_flow_moved_on_is_ignored() -> None:
    driver = Driver(DEFINITION)
    driver.start({"id": 1})
    token = driver.job("Prepare").token
    result = TaskSucceeded("result-1", FLOW, token, {"id": 1})
    driver.apply(result)
    driver.fire_next("wait")
    redeliver(driver, result)


def test_an_older_heartbeat_redelivered_only_extends_the_heartbeat() -> None:
    driver = Driver(DEFINITION)
    driver.start({"id": 1})
    driver.heartbeat("Prepare")
    first = driver.events[-1]
    driver.heartbeat("Prepare")
    driver.apply(first)
    # Nothing but the heartbeat timer moves: the flow still waits for the same job.
    assert [j.state for j in driver.jobs.values()] == ["Prepare"]
    assert {t.purpose for t in driver.state.timers.values()} == {"heartbeat"}
