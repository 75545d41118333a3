"""The projection of real interpreter histories into flow and step records."""

from __future__ import annotations

from typing import Any

import msgspec
from histories import T0, Recorder, chain, fold, project, task

from sfc.core import load_blueprint
from sfc.core.interpreter.commands import HistoryEvent
from sfc.index.projection import FlowProjection
from sfc.kafka.records import HistoryBatch

TWO_TASKS = chain(("A", task("a")), ("B", task("b")))


def states_of(projection: FlowProjection) -> list[tuple[str, str, str]]:
    return [(s.thread, s.state, s.status) for s in projection.steps()]


def test_a_flow_runs_through_its_steps_to_success() -> None:
    recorder = Recorder(TWO_TASKS, correlation_id="order-7").start({"order": 7})
    running = project(*recorder.batches).flow()
    assert running is not None
    assert (running.status, running.current_states, running.started_at) == (
        "RUNNING",
        ["A"],
        T0 + 1,
    )
    recorder.succeed("A", {"a": 1}).succeed("B", {"b": 2}, after=2.5)
    projection = project(*recorder.batches)
    flow = projection.flow()
    assert flow is not None
    assert flow.status == "SUCCEEDED"
    assert flow.output == {"b": 2}
    assert flow.current_states == []
    assert (flow.correlation_id, flow.blueprint, flow.version) == ("order-7", "orders", 1)
    assert (flow.ended_at, flow.updated_at) == (T0 + 4.5, T0 + 4.5)
    assert flow.last_seq == recorder.events[-1].seq
    a, b = projection.steps()
    assert (a.state, a.status, a.input, a.output) == ("A", "SUCCEEDED", {"order": 7}, {"a": 1})
    assert (a.entered_at, a.exited_at, a.seq) == (T0 + 1, T0 + 2, 2)
    assert (b.state, b.input, b.output, b.exited_at) == ("B", {"a": 1}, {"b": 2}, T0 + 4.5)
    assert [s.at for s in projection.starts] == [T0 + 1]
    assert [(e.status, e.duration) for e in projection.endings] == [("SUCCEEDED", 3.5)]


def test_parallel_branches_are_threads_with_their_own_steps() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [chain(("A", task("a"))), chain(("B", task("b")), ("C", task("c")))],
                "End": True,
            }
        },
    }
    recorder = Recorder(definition).start({})
    flow = project(*recorder.batches).flow()
    assert flow is not None
    assert flow.current_states == ["P", "A", "B"]
    recorder.succeed("B", 1)
    flow = project(*recorder.batches).flow()
    assert flow is not None
    assert flow.current_states == ["P", "A", "C"]
    recorder.succeed("C", 2).succeed("A", 3)
    projection = project(*recorder.batches)
    assert states_of(projection) == [
        ("", "P", "SUCCEEDED"),
        ("/P/0", "A", "SUCCEEDED"),
        ("/P/1", "B", "SUCCEEDED"),
        ("/P/1", "C", "SUCCEEDED"),
    ]
    assert projection.steps()[0].output == [3, 2]


def test_a_failing_branch_cancels_its_siblings_and_fails_the_flow() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [chain(("A", task("a"))), chain(("B", task("b")))],
                "End": True,
            }
        },
    }
    recorder = Recorder(definition).start({}).fail("A", "Boom", "disk full")
    projection = project(*recorder.batches)
    assert states_of(projection) == [
        ("", "P", "FAILED"),
        ("/P/0", "A", "FAILED"),
        ("/P/1", "B", "CANCELLED"),
    ]
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.error, flow.cause, flow.current_states) == (
        "FAILED",
        "Boom",
        "disk full",
        [],
    )
    closed = {c.state: c.exited_at for c in projection.closed}
    assert closed == {"A": T0 + 2, "B": T0 + 2, "P": T0 + 2}


def test_map_iterations_are_threads_and_limited_concurrency_shows_in_current_states() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 2,
                "ItemProcessor": chain(("Work", task("w"))),
                "End": True,
            }
        },
    }
    recorder = Recorder(definition).start([1, 2, 3])
    projection = project(*recorder.batches)
    flow = projection.flow()
    assert flow is not None
    assert flow.current_states == ["M", "Work"]
    assert [s.thread for s in projection.open_steps()] == ["", "/M/0", "/M/1"]
    for _ in range(3):
        recorder.succeed(next(iter(recorder.jobs)), "done")
    projection = project(*recorder.batches)
    assert [(s.thread, s.status) for s in projection.steps()] == [
        ("", "SUCCEEDED"),
        ("/M/0", "SUCCEEDED"),
        ("/M/1", "SUCCEEDED"),
        ("/M/2", "SUCCEEDED"),
    ]
    assert projection.steps()[0].output == ["done", "done", "done"]


def test_retries_count_attempts_on_one_step_and_success_clears_the_error() -> None:
    retried = task("a", Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 3, "IntervalSeconds": 5}])
    recorder = Recorder(chain(("A", retried))).start({}).fail("A").fire_next()
    during = project(*recorder.batches).steps()
    assert [(s.status, s.attempt, s.error) for s in during] == [("RUNNING", 1, "Boom")]
    recorder.fail("A").fire_next().succeed("A", "ok")
    (step,) = project(*recorder.batches).steps()
    assert (step.status, step.attempt, step.error, step.cause, step.output) == (
        "SUCCEEDED",
        2,
        None,
        None,
        "ok",
    )


def test_a_caught_error_ends_the_step_caught_and_the_flow_goes_on() -> None:
    caught = task("a", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Fallback"}])
    definition = {
        "StartAt": "A",
        "States": {"A": {**caught, "End": True}, "Fallback": {"Type": "Pass", "End": True}},
    }
    recorder = Recorder(definition).start({}).fail("A", "Boom", "no stock")
    projection = project(*recorder.batches)
    a, fallback = projection.steps()
    assert (a.status, a.error, a.cause) == ("CAUGHT", "Boom", "no stock")
    assert a.output == {"Error": "Boom", "Cause": "no stock"}
    assert (fallback.state, fallback.status) == ("Fallback", "SUCCEEDED")
    flow = projection.flow()
    assert flow is not None
    assert flow.status == "SUCCEEDED"


def test_a_task_timeout_is_the_step_error() -> None:
    recorder = Recorder(chain(("A", task("a", TimeoutSeconds=30)))).start({}).fire_next()
    projection = project(*recorder.batches)
    (step,) = projection.steps()
    assert (step.status, step.error) == ("FAILED", "States.Timeout")
    assert step.exited_at == T0 + 31
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.error) == ("FAILED", "States.Timeout")


def test_pause_and_resume_show_in_the_status_and_a_parked_task_stays_current() -> None:
    recorder = Recorder(TWO_TASKS).start({}).pause("maintenance")
    flow = project(*recorder.batches).flow()
    assert flow is not None
    assert (flow.status, flow.current_states) == ("PAUSED", ["A"])
    recorder.succeed("A", 1)  # a running job's result still counts; B is parked
    projection = project(*recorder.batches)
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.current_states) == ("PAUSED", ["B"])
    assert projection.paused
    recorder.resume()
    flow = project(*recorder.batches).flow()
    assert flow is not None
    assert (flow.status, flow.current_states) == ("RUNNING", ["B"])


def test_a_paused_flow_that_fails_and_is_retried_runs_unpaused() -> None:
    recorder = Recorder(TWO_TASKS).start({}).pause().fail("A")
    held = fold(recorder.batches)
    assert held.flow is not None
    assert (held.flow.status, held.paused) == ("FAILED", True)
    recorder.retry()
    held = fold(recorder.batches[-1:], held)
    assert held.flow is not None
    assert (held.flow.status, held.flow.error, held.flow.ended_at) == ("RUNNING", None, None)
    assert held.flow.current_states == ["A"]


def test_termination_aborts_the_flow_and_cancels_its_open_steps() -> None:
    recorder = Recorder(TWO_TASKS).start({}).terminate("by operator")
    projection = project(*recorder.batches)
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.error, flow.cause, flow.current_states) == (
        "ABORTED",
        "SFC.Terminated",
        "by operator",
        [],
    )
    assert states_of(projection) == [("", "A", "CANCELLED")]


def test_a_flow_timeout_times_the_flow_out() -> None:
    definition = {**TWO_TASKS, "TimeoutSeconds": 60}
    recorder = Recorder(definition).start({}).fire_next()
    projection = project(*recorder.batches)
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.error, flow.ended_at) == ("TIMED_OUT", "States.Timeout", T0 + 61)
    assert states_of(projection) == [("", "A", "CANCELLED")]
    assert [e.status for e in projection.endings] == ["TIMED_OUT"]


def test_a_retried_flow_runs_again_and_its_parallel_state_carries_on() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [chain(("A", task("a"))), chain(("B", task("b")))],
                "End": True,
            }
        },
    }
    recorder = Recorder(definition).start({}).fail("A").retry()
    flow = fold(recorder.batches).flow
    assert flow is not None
    assert (flow.status, flow.error, flow.cause, flow.ended_at) == ("RUNNING", None, None, None)
    assert flow.current_states == ["P", "A", "B"]
    recorder.succeed("A", 1).succeed("B", 2)
    held = fold(recorder.batches)
    assert held.flow is not None
    assert (held.flow.status, held.flow.output) == ("SUCCEEDED", [1, 2])
    assert [(s.thread, s.state, s.status) for s in held.ordered_steps()] == [
        ("", "P", "SUCCEEDED"),  # the same step, resumed by the retry
        ("/P/0", "A", "FAILED"),
        ("/P/1", "B", "CANCELLED"),
        ("/P/0", "A", "SUCCEEDED"),
        ("/P/1", "B", "SUCCEEDED"),
    ]


def test_a_restart_begins_a_new_run_with_its_new_input_and_version() -> None:
    recorder = Recorder(TWO_TASKS).start({"v": 1}).succeed("A", 1)
    newer = load_blueprint(TWO_TASKS, "orders", 2)
    recorder.restart({"v": 2}, replace=True, blueprint=newer)
    projection = project(*recorder.batches)
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.run, flow.version, flow.input) == ("RUNNING", 1, 2, {"v": 2})
    assert flow.started_at == T0 + 3
    assert flow.current_states == ["A"]
    assert states_of(projection) == [
        ("", "A", "SUCCEEDED"),
        ("", "B", "CANCELLED"),
        ("", "A", "RUNNING"),
    ]
    assert [(s.version, s.at) for s in projection.starts] == [(1, T0 + 1), (2, T0 + 3)]


def test_redelivered_events_change_nothing() -> None:
    recorder = Recorder(TWO_TASKS).start({}).succeed("A", 1)
    first, second = recorder.batches
    projection = project(first, second)
    before = (projection.flow(), projection.steps())
    assert projection.apply(second) == []
    assert projection.apply(first) == []
    assert (projection.flow(), projection.steps()) == before


def test_an_old_batch_replayed_after_a_restart_on_a_new_version_does_not_move_it_back() -> None:
    recorder = Recorder(TWO_TASKS).start({})
    recorder.restart(blueprint=load_blueprint(TWO_TASKS, "orders", 2))
    held = fold(recorder.batches)
    held = fold(recorder.batches[:1], held)
    assert held.flow is not None
    assert (held.flow.version, held.flow.run) == (2, 1)


def test_events_repeated_inside_one_batch_count_once() -> None:
    recorder = Recorder(TWO_TASKS).start({})
    (batch,) = recorder.batches
    doubled = msgspec.structs.replace(batch, events=[*batch.events, *batch.events])
    once = project(batch)
    twice = project(doubled)
    assert (twice.flow(), twice.steps()) == (once.flow(), once.steps())


def event(seq: int, type_: str, **fields: Any) -> HistoryEvent:
    return HistoryEvent(seq, T0 + seq, type_, **fields)


def test_a_flow_first_seen_in_the_middle_starts_at_its_first_event() -> None:
    batch = HistoryBatch(
        "late",
        "orders",
        3,
        [
            event(7, "TaskSucceeded", state="A", payload=1, token="t"),
            event(8, "StateExited", state="A", payload=1),
            event(9, "StateEntered", state="B", payload=1),
        ],
    )
    projection = project(batch)
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.started_at, flow.current_states, flow.last_seq) == (
        "RUNNING",
        T0 + 7,
        ["B"],
        9,
    )
    assert states_of(projection) == [("", "B", "RUNNING")]
    assert projection.starts == []


def test_events_of_no_interest_only_move_the_flow_in_time() -> None:
    start = [event(1, "FlowStarted", payload={}), event(2, "StateEntered", state="J")]
    later = [
        event(3, "EventBuffered", payload={"x": 1}, resource="paid"),
        event(4, "EventReceived", state="J", payload={"x": 1}, resource="paid"),
        event(5, "SomethingNew"),
    ]
    projection = project(HistoryBatch("f", "orders", 1, start))
    steps = projection.steps()
    projection.apply(HistoryBatch("f", "orders", 1, later))
    flow = projection.flow()
    assert flow is not None
    assert (flow.status, flow.current_states, flow.updated_at, flow.last_seq) == (
        "RUNNING",
        ["J"],
        T0 + 5,
        5,
    )
    assert projection.steps() == steps


def test_an_empty_or_stale_batch_creates_no_flow() -> None:
    projection = FlowProjection()
    assert projection.apply(HistoryBatch("f", "orders", 1, [])) == []
    assert projection.flow() is None


def test_a_tolerated_map_failure_ends_one_iteration_and_the_rest_go_on() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ToleratedFailureCount": 1,
                "ItemProcessor": chain(("Work", task("w"))),
                "End": True,
            }
        },
    }
    recorder = Recorder(definition).start(["a", "b", "c"])
    first, second, third = list(recorder.jobs)
    recorder.fail(second, "Boom", "bad item")
    during = project(*recorder.batches)
    flow = during.flow()
    assert flow is not None
    assert flow.current_states == ["M", "Work"]
    assert [s.thread for s in during.open_steps()] == ["", "/M/0", "/M/2"]
    recorder.succeed(first, 1).succeed(third, 3)
    projection = project(*recorder.batches)
    assert [(s.thread, s.status, s.error) for s in projection.steps()] == [
        ("", "SUCCEEDED", None),
        ("/M/0", "SUCCEEDED", None),
        ("/M/1", "FAILED", "Boom"),
        ("/M/2", "SUCCEEDED", None),
    ]
    assert projection.steps()[0].output == [1, {"Error": "Boom", "Cause": "bad item"}, 3]
