"""Retry: which retrier applies, how long it waits, and how retries are counted."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import FLOW, T0, Driver

from sfc.core import Status, TaskFailed
from sfc.core.interpreter.records import AwaitTimer


def retrying(*retriers: dict[str, Any], catch: bool = False, **fields: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": "task:work",
        "Parameters": {"retry.$": "$$.State.RetryCount"},
        "Retry": list(retriers),
        "End": True,
        **fields,
    }
    states: dict[str, Any] = {"T": state}
    if catch:
        state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]
        states["Caught"] = {"Type": "Pass", "End": True}
    return {"StartAt": "T", "States": states}


def delays(driver: Driver, errors: list[str]) -> list[float]:
    """Fail the task with each error in turn; return the back-off of each retry."""
    found = []
    for error in errors:
        if driver.status is not Status.RUNNING or not driver.jobs_for("T"):
            break
        driver.fail("T", error)
        thread = driver.state.threads.get("")
        if thread is None or not isinstance(thread.wait, AwaitTimer):
            break
        timer = driver.state.timers[thread.wait.timer]
        found.append(round(timer.due - driver.now, 6))
        driver.fire(thread.wait.timer)
    return found


def test_defaults_are_three_attempts_one_second_doubling() -> None:
    driver = Driver(retrying({"ErrorEquals": ["States.ALL"]}))
    driver.start({})
    assert delays(driver, ["E"] * 5) == [1, 2, 4]
    assert driver.status is Status.FAILED
    assert driver.state.error == "E"


def test_interval_backoff_and_max_delay() -> None:
    retrier = {
        "ErrorEquals": ["E"],
        "IntervalSeconds": 3,
        "BackoffRate": 1.5,
        "MaxAttempts": 5,
        "MaxDelaySeconds": 8,
    }
    driver = Driver(retrying(retrier))
    driver.start({})
    assert delays(driver, ["E"] * 6) == [3, 4.5, 6.75, 8, 8]


def test_the_retry_timer_is_due_at_now_plus_the_delay_and_the_job_comes_back() -> None:
    driver = Driver(retrying({"ErrorEquals": ["E"], "IntervalSeconds": 7}))
    driver.start({})
    driver.fail("T", "E")
    assert driver.status is Status.RUNNING
    assert not driver.jobs
    [timer] = driver.timers_started()
    assert timer.due == T0 + 7
    driver.fire(timer.timer)
    job = driver.job("T")
    assert (job.attempt, job.input) == (1, {"retry": 1})
    driver.succeed(job, "ok")
    assert driver.output == "ok"


def test_max_attempts_zero_never_retries_and_goes_to_catch() -> None:
    driver = Driver(retrying({"ErrorEquals": ["E"], "MaxAttempts": 0}, catch=True))
    driver.start({})
    driver.fail("T", "E", "cause")
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"Error": "E", "Cause": "cause"}
    assert not driver.timers_started()


def test_the_first_matching_retrier_wins_even_when_exhausted() -> None:
    first = {"ErrorEquals": ["E"], "MaxAttempts": 1}
    fallback = {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}
    driver = Driver(retrying(first, fallback))
    driver.start({})
    # The second failure exhausts the first retrier; the broader one is not consulted.
    assert delays(driver, ["E", "E"]) == [1]
    assert driver.status is Status.FAILED


def test_retriers_are_skipped_when_their_errors_do_not_match() -> None:
    other = {"ErrorEquals": ["Other"], "IntervalSeconds": 100}
    mine = {"ErrorEquals": ["E"], "IntervalSeconds": 5}
    driver = Driver(retrying(other, mine))
    driver.start({})
    assert delays(driver, ["E"]) == [5]


def test_retries_are_counted_per_retrier() -> None:
    a = {"ErrorEquals": ["A"], "MaxAttempts": 2, "IntervalSeconds": 1}
    b = {"ErrorEquals": ["B"], "MaxAttempts": 1, "IntervalSeconds": 10}
    driver = Driver(retrying(a, b))
    driver.start({})
    # A's back-off doubles only on A's own retries; B's first retry waits its own interval.
    assert delays(driver, ["A", "B", "A", "A"]) == [1, 10, 2]
    assert driver.status is Status.FAILED
    assert driver.state.error == "A"


def test_retry_count_in_the_context_counts_every_retry_of_the_state() -> None:
    a = {"ErrorEquals": ["A"], "MaxAttempts": 3}
    b = {"ErrorEquals": ["B"], "MaxAttempts": 3}
    driver = Driver(retrying(a, b))
    driver.start({})
    seen = [driver.job("T").input["retry"]]
    for error in ["A", "B", "A"]:
        driver.fail("T", error)
        driver.fire_next()
        seen.append(driver.job("T").input["retry"])
    assert seen == [0, 1, 2, 3]


def test_retry_counts_start_again_when_the_state_is_entered_again() -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "task:work",
                "Parameters": {"retry.$": "$$.State.RetryCount"},
                "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
                "Next": "Again",
            },
            "Again": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.again", "BooleanEquals": True, "Next": "T"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.fail("T", "E")
    driver.fire_next()
    assert driver.job("T").input == {"retry": 1}
    driver.succeed("T", {"again": True})
    # Entered anew: the retrier may retry once more and the count is back to 0.
    assert driver.job("T").input == {"retry": 0}
    driver.fail("T", "E")
    assert driver.status is Status.RUNNING
    driver.fire_next()
    driver.succeed("T", {"again": False})
    assert driver.state.status is Status.SUCCEEDED
    assert driver.entered() == ["T", "Again", "T", "Again", "Done"]


def test_a_retry_does_not_enter_the_state_again_in_the_history() -> None:
    driver = Driver(retrying({"ErrorEquals": ["E"]}))
    driver.start({})
    driver.fail("T", "E")
    driver.fire_next()
    driver.succeed("T", 1)
    assert driver.entered() == ["T"]
    scheduled = [e.attempt for e in driver.history if e.type == "TaskScheduled"]
    assert scheduled == [0, 1]
    retries = [(e.error, e.attempt) for e in driver.history if e.type == "RetryScheduled"]
    assert retries == [("E", 1)]


@pytest.mark.parametrize(
    ("equals", "error", "retried"),
    [
        (["States.ALL"], "Anything", True),
        (["States.ALL"], "States.Runtime", False),
        (["States.TaskFailed"], "Custom", True),
        (["States.TaskFailed"], "States.Timeout", False),
        (["States.Timeout"], "States.Timeout", True),
        (["States.Timeout"], "States.HeartbeatTimeout", True),
        (["A", "B"], "B", True),
        (["A"], "a", False),
    ],
)
def test_which_errors_a_retrier_matches(equals: list[str], error: str, retried: bool) -> None:
    driver = Driver(retrying({"ErrorEquals": equals}))
    driver.start({})
    driver.fail("T", error)
    assert (driver.status is Status.RUNNING) is retried


def test_full_jitter_waits_at_most_the_computed_delay_and_is_deterministic() -> None:
    retrier = {
        "ErrorEquals": ["E"],
        "IntervalSeconds": 10,
        "MaxAttempts": 3,
        "JitterStrategy": "FULL",
    }
    runs = []
    for _ in range(2):
        driver = Driver(retrying(retrier))
        driver.start({})
        runs.append(delays(driver, ["E"] * 3))
    assert runs[0] == runs[1]
    assert len(runs[0]) == 3
    for delay, ceiling in zip(runs[0], [10, 20, 40], strict=True):
        assert 0 <= delay <= ceiling
    assert runs[0] != [10, 20, 40]


def test_full_jitter_is_drawn_from_the_decision_entropy() -> None:
    retrier = {
        "ErrorEquals": ["E"],
        "IntervalSeconds": 100,
        "MaxAttempts": 1,
        "JitterStrategy": "FULL",
    }

    def jittered(message_id: str) -> float:
        driver = Driver(retrying(retrier))
        driver.start({})
        driver.apply(TaskFailed(message_id, FLOW, driver.job("T").token, "E"))
        return driver.state.timers[driver.next_timer()].due - driver.now

    assert jittered("reply-1") == jittered("reply-1")
    assert len({jittered(f"reply-{n}") for n in range(5)}) == 5


def test_a_retried_state_succeeding_clears_the_retry_timer() -> None:
    driver = Driver(retrying({"ErrorEquals": ["E"]}))
    driver.start({})
    driver.fail("T", "E")
    driver.fire_next()
    driver.succeed("T", 1)
    assert driver.state.timers == {}
    assert driver.status is Status.SUCCEEDED


def test_a_failure_marked_not_retryable_skips_retry_and_is_caught() -> None:
    from sfc.core import Context, StartFlow, TaskFailed, decide
    from sfc.core.blueprint import load_blueprint
    from sfc.core.interpreter.commands import CompleteFlow, ScheduleJob, StartTimer

    blueprint = load_blueprint(
        {
            "StartAt": "Work",
            "States": {
                "Work": {
                    "Type": "Task",
                    "Resource": "task:work",
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}],
                    "Catch": [{"ErrorEquals": ["Bad.Input"], "Next": "Rejected"}],
                    "End": True,
                },
                "Rejected": {"Type": "Succeed"},
            },
        },
        "permanent",
    )
    ctx = Context(1000.0, blueprint, "e")
    started = decide(None, StartFlow("m1", "f1", "permanent", {}), ctx)
    (job,) = [c.job for c in started.commands if isinstance(c, ScheduleJob)]
    retried = decide(started.flow, TaskFailed("m2", "f1", job.token, "Bad.Input", "no"), ctx)
    assert any(isinstance(c, StartTimer) for c in retried.commands)
    started = decide(None, StartFlow("m3", "f2", "permanent", {}), ctx)
    (job,) = [c.job for c in started.commands if isinstance(c, ScheduleJob)]
    failed = TaskFailed("m4", "f2", job.token, "Bad.Input", "no", retryable=False)
    caught = decide(started.flow, failed, ctx)
    assert not any(isinstance(c, StartTimer) for c in caught.commands)
    (end,) = [c for c in caught.commands if isinstance(c, CompleteFlow)]
    assert end.status.value == "SUCCEEDED"
    assert end.output == {"Error": "Bad.Input", "Cause": "no"}
