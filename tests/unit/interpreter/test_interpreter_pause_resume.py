"""Pause and Resume: a paused flow dispatches no new job, and resumes where it was."""

from __future__ import annotations

from typing import Any

from flow_harness import FLOW, Driver

from sfc.core import CompleteFlow, EmitEvent, Pause, Resume, ScheduleJob, Status
from sfc.core.interpreter.records import Parked

TWO_TASKS = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Task", "Resource": "task:a", "Next": "B"},
        "B": {
            "Type": "Task",
            "Resource": "task:b",
            "Parameters": {"token.$": "$$.Task.Token", "in.$": "$"},
            "End": True,
        },
    },
}


def test_pausing_records_it_and_changes_nothing_else() -> None:
    driver = Driver(TWO_TASKS)
    driver.start({})
    before = driver.state
    decision = driver.pause("maintenance")
    assert driver.state.paused
    assert driver.state.display_status == "PAUSED"
    assert driver.status is Status.RUNNING
    assert all(isinstance(c, EmitEvent) for c in decision.commands)
    paused = [e for e in driver.history if e.type == "FlowPaused"]
    assert [e.cause for e in paused] == ["maintenance"]
    assert driver.state.jobs == before.jobs
    assert driver.state.threads == before.threads


def test_a_running_job_finishes_but_the_next_task_is_parked() -> None:
    driver = Driver(TWO_TASKS)
    driver.start({})
    driver.pause()
    decision = driver.succeed("A", {"a": 1})
    assert not [c for c in decision.commands if isinstance(c, ScheduleJob)]
    thread = driver.state.threads[""]
    assert thread.state == "B"
    assert isinstance(thread.wait, Parked)
    assert thread.wait.job_input == {"token": thread.wait.token, "in": {"a": 1}}
    assert driver.state.jobs == {}
    assert driver.types()[-1] == "TaskParked"


def test_resume_dispatches_the_parked_job_with_its_token() -> None:
    driver = Driver(TWO_TASKS)
    driver.start({})
    driver.pause()
    driver.succeed("A", {"a": 1})
    parked = driver.state.threads[""].wait
    assert isinstance(parked, Parked)
    driver.resume()
    [schedule] = driver.last(ScheduleJob)
    assert schedule.job.token == parked.token
    assert schedule.job.input == parked.job_input
    assert not driver.state.paused
    assert "FlowResumed" in driver.types()
    driver.succeed("B", "done")
    assert driver.output == "done"


def test_pause_and_resume_redelivered_or_out_of_turn_change_nothing() -> None:
    driver = Driver(TWO_TASKS)
    driver.start({})
    pause = Pause("p-1", FLOW)
    driver.apply(pause)
    paused = driver.state
    again = driver.apply(pause)
    assert (again.flow, again.commands) == (paused, ())
    assert again.note is not None
    assert "p-1" in again.note
    other = driver.pause()
    assert (other.flow, other.note is not None) == (paused, True)
    resume = Resume("r-1", FLOW)
    driver.apply(resume)
    resumed = driver.state
    twice = driver.apply(resume)
    assert (twice.flow, twice.commands) == (resumed, ())
    assert twice.note is not None
    not_paused = driver.resume()
    assert not_paused.flow == resumed
    assert not_paused.note is not None


def test_a_retry_that_comes_due_while_paused_is_parked() -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "task:t",
                "Retry": [{"ErrorEquals": ["States.ALL"]}],
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.fail("T")
    driver.pause()
    decision = driver.fire_next("retry")
    assert not [c for c in decision.commands if isinstance(c, ScheduleJob)]
    assert isinstance(driver.state.threads[""].wait, Parked)
    driver.resume()
    assert driver.job("T").attempt == 1


def test_waits_still_elapse_while_paused() -> None:
    definition = {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 10, "Next": "T"},
            "T": {"Type": "Task", "Resource": "task:t", "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.pause()
    driver.fire_next()
    assert driver.state.threads[""].state == "T"
    assert isinstance(driver.state.threads[""].wait, Parked)
    assert not driver.jobs


def map_of_tasks(**fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "W",
                    "States": {"W": {"Type": "Task", "Resource": "task:w", "End": True}},
                },
                "End": True,
                **fields,
            }
        },
    }


def test_a_paused_map_parks_its_iterations_and_resume_respects_max_concurrency() -> None:
    driver = Driver(map_of_tasks(MaxConcurrency=2))
    driver.start([1, 2, 3])
    first = driver.jobs_for("W")
    assert len(first) == 2
    driver.pause()
    driver.succeed(first[0], 1)
    # The slot freed by item 1 goes to item 3, whose job is parked.
    parked = [t for t in driver.state.threads.values() if isinstance(t.wait, Parked)]
    assert [t.input for t in parked] == [3]
    driver.resume()
    assert sorted(j.input for j in driver.jobs.values()) == [2, 3]
    for job in list(driver.jobs.values()):
        driver.succeed(job, job.input)
    assert driver.output == [1, 2, 3]


def test_terminating_a_paused_flow_aborts_it() -> None:
    driver = Driver(TWO_TASKS)
    driver.start({})
    driver.pause()
    driver.succeed("A", {})
    driver.terminate("no longer needed")
    assert driver.status is Status.ABORTED
    assert driver.state.display_status == "ABORTED"
    assert driver.last(CompleteFlow) == [
        CompleteFlow(Status.ABORTED, None, "SFC.Terminated", "no longer needed")
    ]


def test_pausing_an_ended_flow_is_refused_with_a_note() -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    driver = Driver(definition)
    driver.start({})
    ended = driver.state
    decision = driver.pause()
    assert decision.flow == ended
    assert decision.note is not None
