"""Task TimeoutSeconds and HeartbeatSeconds: their timers, heartbeats, and expiry."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import FLOW, T0, Driver

from sfc.core import (
    CancelJob,
    CancelTimer,
    StartTimer,
    Status,
    TaskHeartbeat,
)
from sfc.core.interpreter.records import AwaitJob


def timed(language: str = "JSONPath", **fields: Any) -> dict[str, Any]:
    state = {"Type": "Task", "Resource": "task:slow", "End": True, **fields}
    return {"QueryLanguage": language, "StartAt": "T", "States": {"T": state}}


def test_timeout_seconds_starts_a_timer_and_tells_the_job() -> None:
    driver = Driver(timed(TimeoutSeconds=30))
    driver.start({})
    [timer] = driver.last(StartTimer)
    assert timer.due == T0 + 30
    assert driver.state.timers[timer.timer].purpose == "timeout"
    assert driver.job("T").timeout_seconds == 30
    assert driver.job("T").heartbeat_seconds is None


def test_an_expired_timeout_cancels_the_job_and_fails_with_states_timeout() -> None:
    driver = Driver(timed(TimeoutSeconds=30))
    driver.start({})
    job = driver.job("T")
    decision = driver.fire_next()
    assert CancelJob(job.token, "task:slow") in decision.commands
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Timeout"
    timed_out = [e for e in driver.history if e.type == "TaskTimedOut"]
    assert [(e.state, e.token, e.error) for e in timed_out] == [("T", job.token, "States.Timeout")]


def test_a_result_after_the_timeout_is_ignored() -> None:
    definition = timed(
        TimeoutSeconds=5, Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Slow"}]
    )
    definition["States"]["T"].pop("End")
    definition["States"]["T"]["Next"] = "Ok"
    definition["States"]["Ok"] = {"Type": "Succeed"}
    definition["States"]["Slow"] = {"Type": "Wait", "Seconds": 60, "End": True}
    driver = Driver(definition)
    driver.start({})
    job = driver.job("T")
    driver.fire_next()
    assert driver.entered() == ["T", "Slow"]
    in_wait = driver.state
    late = driver.succeed(job, "late")
    assert late.flow == in_wait
    assert late.note is not None


def test_a_result_in_time_cancels_both_timers() -> None:
    driver = Driver(timed(TimeoutSeconds=30, HeartbeatSeconds=10))
    driver.start({})
    started = {t.timer for t in driver.timers_started()}
    decision = driver.succeed("T", "ok")
    assert {c.timer for c in decision.commands if isinstance(c, CancelTimer)} == started
    assert driver.output == "ok"


def test_a_failure_cancels_both_timers() -> None:
    driver = Driver(timed(TimeoutSeconds=30, HeartbeatSeconds=10))
    driver.start({})
    started = {t.timer for t in driver.timers_started()}
    driver.fail("T")
    assert driver.timers_cancelled() == started


def test_a_heartbeat_restarts_only_the_heartbeat_timer() -> None:
    driver = Driver(timed(TimeoutSeconds=100, HeartbeatSeconds=10))
    driver.start({})
    timeout = driver.next_timer("timeout")
    first = driver.next_timer("heartbeat")
    driver.now = T0 + 8
    decision = driver.heartbeat("T")
    [restarted] = driver.last(StartTimer)
    assert restarted.due == T0 + 18
    assert decision.commands[0] == CancelTimer(first)
    assert set(driver.state.timers) == {timeout, restarted.timer}
    wait = driver.state.threads[""].wait
    assert isinstance(wait, AwaitJob)
    assert wait.heartbeat_timer == restarted.timer
    assert driver.state.timers[timeout].due == T0 + 100


def test_no_heartbeat_in_time_fails_with_heartbeat_timeout() -> None:
    driver = Driver(timed(HeartbeatSeconds=10))
    driver.start({})
    job = driver.job("T")
    decision = driver.fire_next("heartbeat")
    assert CancelJob(job.token, "task:slow") in decision.commands
    assert driver.state.error == "States.HeartbeatTimeout"


def test_a_stale_heartbeat_timer_does_nothing_after_a_heartbeat() -> None:
    driver = Driver(timed(HeartbeatSeconds=10))
    driver.start({})
    stale = driver.next_timer("heartbeat")
    driver.heartbeat("T")
    decision = driver.fire(stale)
    assert decision.note is not None
    assert driver.status is Status.RUNNING


def test_a_heartbeat_for_a_task_without_heartbeat_seconds_changes_nothing() -> None:
    driver = Driver(timed(TimeoutSeconds=10))
    driver.start({})
    before = driver.state
    decision = driver.heartbeat("T")
    assert decision.flow == before
    assert not decision.commands


def test_a_heartbeat_for_an_unknown_job_is_ignored_with_a_note() -> None:
    driver = Driver(timed(HeartbeatSeconds=10))
    driver.start({})
    before = driver.state
    decision = driver.apply(TaskHeartbeat("hb", FLOW, "nobody"))
    assert decision.flow == before
    assert decision.note is not None


def test_path_forms_read_the_state_input() -> None:
    driver = Driver(timed(TimeoutSecondsPath="$.t", HeartbeatSecondsPath="$.h"))
    driver.start({"t": 60, "h": 20})
    assert sorted(t.due - T0 for t in driver.timers_started()) == [20, 60]
    job = driver.job("T")
    assert (job.timeout_seconds, job.heartbeat_seconds) == (60, 20)


def test_jsonata_timeout_expressions() -> None:
    driver = Driver(timed("JSONata", TimeoutSeconds="{% $states.input.t * 2 %}"))
    driver.start({"t": 15})
    assert [t.due - T0 for t in driver.timers_started()] == [30]


@pytest.mark.parametrize("value", [0, -5, "10", 1.5, None])
def test_an_invalid_timeout_value_fails_with_states_runtime(value: Any) -> None:
    driver = Driver(timed(TimeoutSecondsPath="$.t"))
    driver.start({"t": value})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"
    assert not driver.jobs


def test_a_timed_out_task_is_retried_with_fresh_timers() -> None:
    driver = Driver(
        timed(TimeoutSeconds=30, Retry=[{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5}])
    )
    driver.start({})
    first = driver.job("T")
    driver.fire_next("timeout")
    assert driver.status is Status.RUNNING
    driver.fire_next("retry")
    second = driver.job("T")
    assert second.token != first.token
    assert second.attempt == 1
    timeout = driver.state.timers[driver.next_timer("timeout")]
    assert timeout.due == driver.now + 30


def test_a_heartbeat_timeout_is_caught_by_states_timeout() -> None:
    definition = timed(
        HeartbeatSeconds=3, Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Handled"}]
    )
    definition["States"]["T"].pop("End")
    definition["States"]["T"]["Next"] = "Handled"
    definition["States"]["Handled"] = {"Type": "Pass", "End": True}
    driver = Driver(definition)
    driver.start({})
    driver.fire_next()
    assert driver.output == {"Error": "States.HeartbeatTimeout", "Cause": "no heartbeat in time"}
