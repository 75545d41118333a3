"""Retry of a flow that failed, timed out or was aborted: it resumes where it stopped."""

from __future__ import annotations

from typing import Any

from flow_harness import FLOW, Driver

from sfc.core import CompleteFlow, Retry, ScheduleJob, Status, Subscribe
from sfc.core.interpreter.records import Mail

A_B_C = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Task", "Resource": "task:a", "ResultPath": "$.a", "Next": "B"},
        "B": {
            "Type": "Task",
            "Resource": "task:b",
            "Parameters": {"a.$": "$.a", "redrives.$": "$$.Execution.RedriveCount"},
            "ResultPath": "$.b",
            "Next": "C",
        },
        "C": {"Type": "Task", "Resource": "task:c", "ResultPath": "$.c", "End": True},
    },
}


def failed_at_b() -> Driver:
    driver = Driver(A_B_C)
    driver.start({"in": 0})
    driver.succeed("A", "a-result")
    driver.fail("B", "B.Broken", "bug")
    assert driver.status is Status.FAILED
    return driver


def test_retry_runs_the_failed_state_again_keeping_earlier_results() -> None:
    driver = failed_at_b()
    decision = driver.retry()
    assert driver.status is Status.RUNNING
    assert (driver.state.error, driver.state.cause, driver.state.redrives) == (None, None, 1)
    [schedule] = [c for c in decision.commands if isinstance(c, ScheduleJob)]
    assert schedule.job.state == "B"
    assert schedule.job.input == {"a": "a-result", "redrives": 1}
    assert schedule.job.attempt == 0
    driver.succeed("B", "b-result")
    driver.succeed("C", "c-result")
    assert driver.state.status is Status.SUCCEEDED
    assert driver.output == {"in": 0, "a": "a-result", "b": "b-result", "c": "c-result"}
    # A ran once; B was entered again by the retry.
    assert driver.entered() == ["A", "B", "B", "C"]
    assert [e.type for e in driver.history].count("FlowRetried") == 1


def test_retry_applies_once_and_only_to_an_ended_flow() -> None:
    driver = failed_at_b()
    message = Retry("retry-1", FLOW)
    driver.apply(message)
    running = driver.state
    again = driver.apply(message)
    assert (again.flow, again.commands) == (running, ())
    assert again.note is not None
    another = driver.retry()
    assert another.flow == running
    assert another.note is not None
    driver.succeed("B", 1)
    driver.succeed("C", 2)
    succeeded = driver.state
    after_success = driver.retry()
    assert after_success.flow == succeeded
    assert after_success.note is not None


def test_a_flow_can_fail_and_be_retried_again() -> None:
    driver = failed_at_b()
    driver.retry()
    driver.fail("B", "B.Broken", "still")
    assert driver.status is Status.FAILED
    driver.retry()
    assert driver.state.redrives == 2
    assert driver.job("B").input["redrives"] == 2
    assert len(driver.all(CompleteFlow)) == 2


def test_an_aborted_flow_resumes_the_job_it_was_waiting_for() -> None:
    driver = Driver(A_B_C)
    driver.start({})
    driver.succeed("A", 1)
    driver.terminate()
    driver.retry()
    assert driver.status is Status.RUNNING
    assert [j.state for j in driver.jobs.values()] == ["B"]


def test_a_paused_then_aborted_flow_is_not_paused_after_retry() -> None:
    driver = Driver(A_B_C)
    driver.start({})
    driver.pause()
    driver.terminate()
    driver.retry()
    assert not driver.state.paused
    assert [j.state for j in driver.jobs.values()] == ["A"]


def parallel_of_tasks(*names: str, **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": name,
                        "States": {name: {"Type": "Task", "Resource": "task:t", "End": True}},
                    }
                    for name in names
                ],
                "Next": "After",
                **fields,
            },
            "After": {"Type": "Pass", "End": True},
        },
    }


def test_retry_reruns_only_the_unfinished_branches_of_a_parallel() -> None:
    driver = Driver(parallel_of_tasks("X", "Y", "Z"))
    driver.start({})
    driver.succeed("X", "x")
    driver.fail("Y")  # Z is cancelled
    driver.retry()
    assert sorted(j.state for j in driver.jobs.values()) == ["Y", "Z"]
    driver.succeed("Z", "z")
    driver.succeed("Y", "y")
    assert driver.output == ["x", "y", "z"]


def test_retry_reruns_only_the_failed_iterations_of_a_map() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 2,
                "ItemProcessor": {
                    "StartAt": "W",
                    "States": {"W": {"Type": "Task", "Resource": "task:w", "End": True}},
                },
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start([1, 2, 3, 4])
    first, second = driver.jobs_for("W")
    driver.succeed(first, "one")
    third = next(j for j in driver.jobs.values() if j.input == 3)
    driver.fail(second)  # item 3 is cancelled; item 4 never started
    assert third.token not in driver.jobs
    driver.retry()
    assert sorted(j.input for j in driver.jobs.values()) == [2, 3]
    while driver.jobs:
        job = next(iter(driver.jobs.values()))
        driver.succeed(job, f"#{job.input}")
    assert driver.output == ["one", "#2", "#3", "#4"]


def second_time_lucky(next_state: str) -> dict[str, Any]:
    """A Choice that fails with States.NoChoiceMatched until the flow has been retried."""
    return {
        "Type": "Choice",
        "Choices": [
            {"Variable": "$$.Execution.RedriveCount", "NumericGreaterThan": 0, "Next": next_state}
        ],
    }


def test_branches_a_catch_already_handled_are_not_run_again() -> None:
    # The Parallel's failure is caught; the flow then fails in the same decision at a
    # Choice. Retry must resume at the Choice only, not revive the branches.
    definition = parallel_of_tasks(
        "X", "Y", Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Check"}]
    )
    definition["States"]["Check"] = second_time_lucky("After")
    driver = Driver(definition)
    driver.start({})
    driver.fail("X")
    assert driver.state.error == "States.NoChoiceMatched"
    decision = driver.retry()
    assert driver.status is Status.SUCCEEDED
    assert not [c for c in decision.commands if isinstance(c, ScheduleJob)]
    assert [e.state for e in driver.history if e.type == "StateEntered"][-2:] == [
        "Check",
        "After",
    ]
    assert {e.thread for e in driver.history[-6:]} == {""}


def test_tolerated_map_failures_are_not_run_again() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ToleratedFailureCount": 1,
                "ItemProcessor": {
                    "StartAt": "W",
                    "States": {"W": {"Type": "Task", "Resource": "task:w", "End": True}},
                },
                "Next": "P",
            },
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Gate",
                        "States": {
                            "Gate": second_time_lucky("Fine"),
                            "Fine": {"Type": "Pass", "End": True},
                        },
                    }
                ],
                "End": True,
            },
        },
    }
    driver = Driver(definition)
    driver.start([1])
    # The only iteration fails, tolerated; the Map ends and P fails in the same decision.
    driver.fail("W", "Item.Bad", "x")
    assert driver.state.error == "States.NoChoiceMatched"
    decision = driver.retry()
    assert driver.status is Status.SUCCEEDED
    assert driver.output == [[{"Error": "Item.Bad", "Cause": "x"}]]
    assert not [c for c in decision.commands if isinstance(c, ScheduleJob)]


def test_a_join_keeps_the_events_it_had_received() -> None:
    definition = {
        "TimeoutSeconds": 60,
        "StartAt": "J",
        "States": {
            "J": {
                "Type": "Join",
                "Events": [
                    {"Name": "One", "CorrelationKeyPath": "$.k"},
                    {"Name": "Two", "CorrelationKeyPath": "$.k"},
                ],
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({"k": "key"})
    driver.send("One", "key", 1)
    driver.fire_next("flow")
    assert driver.status is Status.TIMED_OUT
    decision = driver.retry()
    assert driver.state.mailbox == ()
    assert [c for c in decision.commands if isinstance(c, Subscribe)] == [
        Subscribe("Two", "key", None)
    ]
    driver.send("Two", "key", 2)
    assert driver.output == {"One": 1, "Two": 2}
    assert Mail("One", "key", 1) not in driver.state.mailbox


def test_a_parallel_that_failed_after_its_branches_finished_runs_again() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "T",
                        "States": {"T": {"Type": "Task", "Resource": "task:t", "End": True}},
                    }
                ],
                # 1/0 is no JSON number: the first run fails once the branch is done.
                "Output": "{% $states.context.Execution.RedriveCount = 0 ? 1/0 : $states.result %}",
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.succeed("T", "first")
    assert driver.state.error == "States.QueryEvaluationError"
    driver.retry()
    driver.succeed("T", "second")
    assert driver.status is Status.SUCCEEDED
    assert driver.output == ["second"]
