"""The history and the snapshot: what the monitor and the Kafka engine rely on."""

from __future__ import annotations

from collections import defaultdict

import msgspec
from flow_harness import T0, Driver, snapshot_round_trip

from sfc.core import HistoryEvent, Status
from sfc.core.interpreter.records import (
    AwaitChildren,
    AwaitEvents,
    AwaitJob,
    AwaitTimer,
    Parked,
)

DEFINITION = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {
            "Type": "Task",
            "Resource": "task:fetch",
            "Retry": [{"ErrorEquals": ["Flaky"]}],
            "ResultPath": "$.fetched",
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ItemProcessor": {
                                "StartAt": "Work",
                                "States": {
                                    "Work": {"Type": "Task", "Resource": "task:w", "Next": "Tag"},
                                    "Tag": {"Type": "Pass", "Result": "tagged", "End": True},
                                },
                            },
                            "End": True,
                        }
                    },
                },
                {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 5, "End": True}}},
                {
                    "StartAt": "Gate",
                    "States": {
                        "Gate": {
                            "Type": "Join",
                            "Events": [{"Name": "Open", "CorrelationKeyPath": "$.key"}],
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Finish",
        },
        "Finish": {"Type": "Pass", "End": True},
    },
}


def run_everything() -> Driver:
    driver = Driver(DEFINITION)
    driver.start({"items": [1, 2], "key": "k"})
    driver.fail("Fetch", "Flaky")
    driver.fire_next("retry")
    driver.succeed("Fetch", "f")
    for job in list(driver.jobs.values()):
        driver.succeed(job, job.input * 10)
    driver.fire_next("wait")
    driver.send("Open", "k", {"opened": True})
    assert driver.status is Status.SUCCEEDED
    return driver


def by_thread(history: list[HistoryEvent]) -> dict[str, list[HistoryEvent]]:
    threads: dict[str, list[HistoryEvent]] = defaultdict(list)
    for event in history:
        if event.type in ("StateEntered", "StateExited", "StateFailed"):
            threads[event.thread].append(event)
    return threads


def test_each_thread_enters_and_leaves_states_in_turn_handing_its_output_on() -> None:
    driver = run_everything()
    for thread, events in by_thread(driver.history).items():
        kinds = [e.type for e in events]
        assert kinds == ["StateEntered", "StateExited"] * (len(kinds) // 2), thread
        for entered, exited in zip(events[::2], events[1::2], strict=True):
            assert entered.state == exited.state
        for exited, entered in zip(events[1::2], events[2::2], strict=False):
            assert entered.payload == exited.payload, f"{thread}: output is not the next input"


def test_no_state_is_entered_twice_without_a_loop_even_with_a_retry() -> None:
    driver = run_everything()
    entered = [(e.thread, e.state) for e in driver.history if e.type == "StateEntered"]
    assert len(entered) == len(set(entered))
    assert "RetryScheduled" in driver.types()
    assert driver.entered("") == ["Fetch", "Fan", "Finish"]
    assert driver.entered("/Fan/0/Each/1") == ["Work", "Tag"]


def test_the_history_is_numbered_and_timed_and_ends_with_the_flow() -> None:
    driver = run_everything()
    assert [e.seq for e in driver.history] == list(range(1, len(driver.history) + 1))
    assert driver.history[0].type == "FlowStarted"
    assert driver.history[-1].type == "FlowSucceeded"
    assert driver.history[-1].payload == driver.output
    times = [e.at for e in driver.history]
    assert times == sorted(times)
    assert times[0] == T0
    assert driver.state.seq == driver.history[-1].seq


def test_history_events_encode_to_json_with_camel_case_names() -> None:
    driver = run_everything()
    scheduled = next(e for e in driver.history if e.type == "TaskScheduled")
    encoded = msgspec.json.decode(msgspec.json.encode(scheduled))
    # Defaults are left out: the main thread's name "" and absent errors are not written.
    assert set(encoded) == {"seq", "at", "type", "state", "payload", "token", "resource", "attempt"}


def test_snapshots_with_every_kind_of_wait_round_trip() -> None:
    driver = Driver(DEFINITION)
    driver.start({"items": [1, 2], "key": "k"})
    driver.send("Early", "x", {"kept": "in the mailbox"})
    driver.pause()
    driver.succeed("Fetch", "f")
    paused = driver.state
    waits = {type(t.wait) for t in paused.threads.values()}
    assert waits == {AwaitChildren, Parked, AwaitTimer, AwaitEvents}
    assert paused.mailbox
    driver.resume()
    running = driver.state
    assert AwaitJob in {type(t.wait) for t in running.threads.values()}
    for flow in (paused, running):
        copy = snapshot_round_trip(flow)
        assert copy == flow
        assert msgspec.json.encode(copy) == msgspec.json.encode(flow)


def test_a_failed_flow_keeps_its_stranded_threads_in_the_snapshot() -> None:
    driver = Driver(DEFINITION)
    driver.start({"items": [1], "key": "k"})
    driver.succeed("Fetch", "f")
    driver.fail("Work", "Fatal")
    flow = driver.state
    assert flow.status is Status.FAILED
    assert flow.stranded is not None
    assert "/Fan/0/Each/0" in flow.stranded
    assert snapshot_round_trip(flow) == flow
