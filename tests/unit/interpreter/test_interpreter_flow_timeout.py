"""The flow's own TimeoutSeconds: TIMED_OUT, whatever the flow is doing, uncatchable."""

from __future__ import annotations

from flow_harness import T0, Driver

from sfc.core import CancelJob, CancelTimer, CompleteFlow, StartTimer, Status

DEFINITION = {
    "TimeoutSeconds": 300,
    "StartAt": "P",
    "States": {
        "P": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "T",
                    "States": {"T": {"Type": "Task", "Resource": "task:t", "End": True}},
                },
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}},
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
            "End": True,
        },
        "Caught": {"Type": "Pass", "End": True},
    },
}


def test_the_flow_timer_starts_with_the_flow() -> None:
    driver = Driver(DEFINITION)
    driver.start({})
    flow_timers = [
        t for t in driver.timers_started() if driver.state.timers[t.timer].purpose == "flow"
    ]
    assert [t.due for t in flow_timers] == [T0 + 300]


def test_the_flow_times_out_cancelling_everything_and_no_catch_applies() -> None:
    driver = Driver(DEFINITION)
    driver.start({})
    token = driver.job("T").token
    wait = driver.next_timer("wait")
    decision = driver.fire_next("flow")
    assert driver.status is Status.TIMED_OUT
    assert driver.state.error == "States.Timeout"
    assert CancelJob(token, "task:t") in decision.commands
    assert CancelTimer(wait) in decision.commands
    assert decision.commands[-1] == CompleteFlow(
        Status.TIMED_OUT, None, "States.Timeout", driver.state.cause
    )
    assert "Caught" not in driver.entered()
    assert driver.types()[-1] == "FlowTimedOut"


def test_finishing_in_time_cancels_the_flow_timer() -> None:
    driver = Driver({**DEFINITION, "TimeoutSeconds": 5000})
    driver.start({})
    flow_timer = driver.next_timer("flow")
    driver.succeed("T", 1)
    driver.fire_next("wait")
    assert driver.status is Status.SUCCEEDED
    assert flow_timer in driver.timers_cancelled()
    assert driver.state.timers == {}


def test_retry_after_a_timeout_gets_a_new_flow_timer() -> None:
    driver = Driver(DEFINITION)
    driver.start({})
    driver.fire_next("flow")
    driver.now = T0 + 1000
    decision = driver.retry()
    restarted = [c for c in decision.commands if isinstance(c, StartTimer)]
    purposes = {driver.state.timers[t.timer].purpose: t.due for t in restarted}
    assert purposes == {"flow": T0 + 1300, "wait": T0 + 2000}
    assert [j.state for j in driver.jobs.values()] == ["T"]


def test_restart_replaces_the_flow_timer() -> None:
    driver = Driver(DEFINITION)
    driver.start({})
    first = driver.next_timer("flow")
    driver.now = T0 + 10
    driver.restart()
    assert first in driver.timers_cancelled()
    assert driver.state.timers[driver.next_timer("flow")].due == T0 + 310
