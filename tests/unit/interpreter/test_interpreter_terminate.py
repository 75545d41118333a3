"""Terminate: the flow ends ABORTED and everything it waited for is cancelled."""

from __future__ import annotations

from flow_harness import FLOW, Driver

from sfc.core import (
    CancelJob,
    CancelTimer,
    CompleteFlow,
    Status,
    Terminate,
    Unsubscribe,
)

BUSY = {
    "TimeoutSeconds": 3600,
    "StartAt": "P",
    "States": {
        "P": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "T",
                    "States": {
                        "T": {
                            "Type": "Task",
                            "Resource": "https://svc/x",
                            "TimeoutSeconds": 60,
                            "End": True,
                        }
                    },
                },
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}},
                {
                    "StartAt": "J",
                    "States": {
                        "J": {
                            "Type": "Join",
                            "Events": [{"Name": "Go", "CorrelationKeyPath": "$.k"}],
                            "End": True,
                        }
                    },
                },
            ],
            "End": True,
        }
    },
}


def test_terminate_cancels_every_job_timer_and_subscription() -> None:
    driver = Driver(BUSY)
    driver.start({"k": "key"})
    token = driver.job("T").token
    timers = set(driver.state.timers)
    assert len(timers) == 3  # the flow's, the task's and the wait's
    decision = driver.terminate("operator")
    assert CancelJob(token, "https://svc/x") in decision.commands
    cancelled = {c.timer for c in decision.commands if isinstance(c, CancelTimer)}
    assert cancelled == timers
    assert Unsubscribe("Go", "key") in decision.commands
    assert decision.commands[-1] == CompleteFlow(Status.ABORTED, None, "SFC.Terminated", "operator")
    assert driver.status is Status.ABORTED
    assert (driver.state.threads, driver.state.timers, driver.state.jobs) == ({}, {}, {})
    assert driver.types()[-1] == "FlowAborted"


def test_terminate_twice_or_after_the_end_changes_nothing() -> None:
    driver = Driver(BUSY)
    driver.start({"k": "key"})
    message = Terminate("stop-1", FLOW, "first")
    driver.apply(message)
    aborted = driver.state
    again = driver.apply(message)
    assert (again.flow, again.commands) == (aborted, ())
    assert again.note is not None
    other = driver.terminate("second")
    assert other.flow == aborted
    assert other.note is not None
    assert aborted.cause == "first"


def test_results_and_timers_after_termination_are_ignored() -> None:
    driver = Driver(BUSY)
    driver.start({"k": "key"})
    job = driver.job("T")
    timer = driver.next_timer("wait")
    driver.terminate()
    aborted = driver.state
    for decision in (driver.succeed(job, 1), driver.fire(timer), driver.send("Go", "key")):
        assert decision.flow == aborted
        assert decision.note is not None
