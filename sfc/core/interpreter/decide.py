"""``decide``: apply one event to one flow, purely.

``decide(flow, event, ctx) -> Decision(flow, commands)`` reads no clock, does no I/O and
draws no random number but from ``ctx``: the same arguments give the same decision, so a
flow can be replayed from its history and run the same on Kafka, locally and in tests.
An event that was already applied (a redelivery) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

import msgspec

from sfc.core.failure import AslError, StatesError
from sfc.core.interpreter.context import Context, Decision
from sfc.core.interpreter.drive import drive
from sfc.core.interpreter.inputs import (
    Event,
    ExternalEvent,
    Pause,
    Restart,
    Resume,
    Retry,
    StartFlow,
    TaskFailed,
    TaskHeartbeat,
    TaskSucceeded,
    Terminate,
    TimerFired,
)
from sfc.core.interpreter.outcomes import Failed, Outcome
from sfc.core.interpreter.records import (
    AwaitChildren,
    AwaitEvents,
    AwaitJob,
    FlowState,
    Mail,
    Parked,
    Status,
    Thread,
    TimerPurpose,
)
from sfc.core.interpreter.run import Run
from sfc.core.states import join, task, wait
from sfc.core.types import Json

_MAILBOX: Final = 100
"""How many early external events a flow keeps for Joins that have not started yet."""

_ENDED: Final = frozenset({Status.FAILED, Status.TIMED_OUT, Status.ABORTED})


def decide(flow: FlowState | None, event: Event, ctx: Context) -> Decision:
    """Apply ``event`` to ``flow``.

    Args:
        flow: The flow's current state; None if the flow does not exist yet.
        event: What happened: a start, a job result, a timer, a control message...
        ctx: The time, the blueprint version and the entropy to decide with.

    Returns:
        The flow's new state and the commands the adapter must carry out; an event that
        does not apply (redelivered, for an unknown job, for a finished flow) returns the
        flow unchanged, no commands, and a ``note`` saying why.
    """
    if isinstance(event, StartFlow):
        return _start(flow, event, ctx)
    if flow is None:
        return Decision(None, (), f"no flow {event.flow_id!r}")
    match event:
        case TaskSucceeded():
            return _task_succeeded(flow, event, ctx)
        case TaskFailed():
            return _task_failed(flow, event, ctx)
        case TaskHeartbeat():
            return _task_heartbeat(flow, event, ctx)
        case TimerFired():
            return _timer_fired(flow, event, ctx)
        case Pause():
            return _pause(flow, event, ctx)
        case Resume():
            return _resume(flow, event, ctx)
        case Terminate():
            return _terminate(flow, event, ctx)
        case Retry():
            return _retry(flow, event, ctx)
        case Restart():
            return _restart(flow, event, ctx)
        case ExternalEvent():
            return _external_event(flow, event, ctx)


def _start(flow: FlowState | None, event: StartFlow, ctx: Context) -> Decision:
    if flow is not None:
        return Decision(flow, (), f"flow {event.flow_id!r} already exists")
    blueprint = ctx.blueprint
    new = FlowState(
        id=event.flow_id,
        blueprint=blueprint.name,
        version=blueprint.version,
        input=event.input,
        started_at=ctx.now,
        correlation_id=event.correlation_id,
    )
    run = Run(new, ctx)
    _begin(run, event.input)
    return run.decision()


def _begin(run: Run, input_: Json) -> None:
    blueprint = run.blueprint
    start = blueprint.root.start_at
    run.emit("FlowStarted", payload=input_)
    root = run.put(Thread("", "", start, input_, run.now))
    if blueprint.timeout_seconds:
        run.start_timer(root, TimerPurpose.FLOW_TIMEOUT, blueprint.timeout_seconds)
    run.step("StateEntered", "", start, input_)
    run.queue.append((root, None))
    drive(run)


def _job_note(flow: FlowState, token: str) -> str | None:
    if flow.status is not Status.RUNNING:
        return f"flow {flow.id!r} is {flow.status.value}"
    if token not in flow.jobs:
        return f"no outstanding job {token!r} (a redelivery, or a job given up on)"
    return None


def _task_succeeded(flow: FlowState, event: TaskSucceeded, ctx: Context) -> Decision:
    note = _job_note(flow, event.token)
    if note:
        return Decision(flow, (), note)
    run = Run(flow, ctx)
    thread = run.threads[run.jobs.pop(event.token)]
    run.emit("TaskSucceeded", thread.id, thread.state, payload=event.output, token=event.token)
    outcome = _guard(lambda: task.succeeded(run, thread, event.output))
    return _continue(run, thread, outcome)


def _task_failed(flow: FlowState, event: TaskFailed, ctx: Context) -> Decision:
    note = _job_note(flow, event.token)
    if note:
        return Decision(flow, (), note)
    run = Run(flow, ctx)
    thread = run.threads[run.jobs.pop(event.token)]
    _stop_job_timers(run, thread)
    run.emit(
        "TaskFailed",
        thread.id,
        thread.state,
        error=event.error,
        cause=event.cause,
        token=event.token,
    )
    return _continue(run, thread, Failed(event.error, event.cause, event.retryable))


def _task_heartbeat(flow: FlowState, event: TaskHeartbeat, ctx: Context) -> Decision:
    note = _job_note(flow, event.token)
    if note:
        return Decision(flow, (), note)
    thread = flow.threads[flow.jobs[event.token]]
    wait = thread.wait
    if isinstance(wait, AwaitJob) and wait.beat == event.id:
        return Decision(flow, (), f"heartbeat {event.id!r} was already applied")
    run = Run(flow, ctx)
    task.beat(run, thread, event.id)
    return run.decision()


def _timer_fired(flow: FlowState, event: TimerFired, ctx: Context) -> Decision:
    timer = flow.timers.get(event.timer)
    if timer is None or flow.status is not Status.RUNNING:
        return Decision(flow, (), f"no pending timer {event.timer!r}")
    run = Run(flow, ctx)
    del run.timers[event.timer]
    if timer.purpose is TimerPurpose.FLOW_TIMEOUT:
        seconds = run.blueprint.timeout_seconds
        run.end_flow(
            Status.TIMED_OUT,
            error=StatesError.TIMEOUT,
            cause=f"The flow did not finish within its TimeoutSeconds ({seconds})",
        )
        return run.decision()
    thread = run.threads[timer.thread]
    outcome: Outcome | None
    if timer.purpose is TimerPurpose.WAIT:
        outcome = _guard(lambda: wait.elapsed(run, thread))
    elif timer.purpose is TimerPurpose.RETRY:
        thread = run.put(msgspec.structs.replace(thread, wait=None))
        outcome = None
    elif timer.purpose is TimerPurpose.JOIN_TIMEOUT:
        outcome = join.timed_out(run, thread)
    else:
        outcome = _task_timed_out(run, thread, timer.purpose)
    return _continue(run, thread, outcome)


def _task_timed_out(run: Run, thread: Thread, purpose: TimerPurpose) -> Outcome:
    job = thread.wait
    assert isinstance(job, AwaitJob)
    _stop_job_timers(run, thread)
    run.cancel_job(job)
    heartbeat = purpose is TimerPurpose.HEARTBEAT
    error = StatesError.HEARTBEAT_TIMEOUT if heartbeat else StatesError.TIMEOUT
    cause = "no heartbeat in time" if heartbeat else "the task did not finish in time"
    run.emit("TaskTimedOut", thread.id, thread.state, error=error, cause=cause, token=job.token)
    return Failed(error, cause)


def _stop_job_timers(run: Run, thread: Thread) -> None:
    job = thread.wait
    if isinstance(job, AwaitJob):
        run.cancel_timer(job.timeout_timer)
        run.cancel_timer(job.heartbeat_timer)


def _guard(step: Callable[[], Outcome]) -> Outcome:
    try:
        return step()
    except AslError as exc:
        return Failed(exc.error, exc.cause)


def _continue(run: Run, thread: Thread, outcome: Outcome | None) -> Decision:
    run.queue.append((run.threads[thread.id], outcome))
    drive(run)
    return run.decision()


def _control(flow: FlowState, message_id: str) -> str | None:
    if message_id in flow.recent:
        return f"message {message_id!r} was already applied"
    return None


def _pause(flow: FlowState, event: Pause, ctx: Context) -> Decision:
    note = _control(flow, event.id)
    if note or flow.status is not Status.RUNNING or flow.paused:
        return Decision(flow, (), note or f"flow {flow.id!r} is not running unpaused")
    run = Run(flow, ctx)
    run.remember(event.id)
    run.paused = True
    run.emit("FlowPaused", cause=event.reason)
    return run.decision()


def _resume(flow: FlowState, event: Resume, ctx: Context) -> Decision:
    note = _control(flow, event.id)
    if note or flow.status is not Status.RUNNING or not flow.paused:
        return Decision(flow, (), note or f"flow {flow.id!r} is not paused")
    run = Run(flow, ctx)
    run.remember(event.id)
    run.paused = False
    run.emit("FlowResumed")
    for thread in list(run.threads.values()):
        if isinstance(thread.wait, Parked):
            run.queue.append((thread, _guard(partial(task.resume, run, thread))))
    drive(run)
    return run.decision()


def _terminate(flow: FlowState, event: Terminate, ctx: Context) -> Decision:
    note = _control(flow, event.id)
    if note or flow.status is not Status.RUNNING:
        return Decision(flow, (), note or f"flow {flow.id!r} has already ended")
    run = Run(flow, ctx)
    run.remember(event.id)
    run.end_flow(Status.ABORTED, error="SFC.Terminated", cause=event.reason or "terminated")
    return run.decision()


def _retry(flow: FlowState, event: Retry, ctx: Context) -> Decision:
    note = _control(flow, event.id)
    if note or flow.status not in _ENDED or not flow.stranded:
        return Decision(flow, (), note or f"flow {flow.id!r} has not failed; nothing to retry")
    base = msgspec.structs.replace(
        flow,
        status=Status.RUNNING,
        paused=False,
        output=None,
        error=None,
        cause=None,
        ended_at=None,
        stranded=None,
        redrives=flow.redrives + 1,
        threads={},
    )
    run = Run(base, ctx)
    run.remember(event.id)
    run.emit("FlowRetried", attempt=base.redrives)
    if run.blueprint.timeout_seconds:
        root = flow.stranded.get("") or Thread("", "", "", None, ctx.now)
        run.start_timer(root, TimerPurpose.FLOW_TIMEOUT, run.blueprint.timeout_seconds)
    parents = {thread.parent for thread in flow.stranded.values()}
    for thread in sorted(flow.stranded.values(), key=lambda t: t.id):
        _redrive(run, thread, thread.id in parents)
    drive(run)
    return run.decision()


def _redrive(run: Run, thread: Thread, has_children: bool) -> None:
    """Put a thread of a failed flow back: parents keep waiting, the others start over.

    A Parallel or Map with no child left to resume failed on its own (its ResultSelector,
    say) after its children were done; it starts over like any other state.
    """
    wait = thread.wait
    if isinstance(wait, AwaitChildren) and has_children:
        run.put(thread)
        return
    if isinstance(wait, AwaitEvents):
        # Events a Join had received will not be sent again: its new run must find them.
        for name, payload in wait.received.items():
            run.buffer(Mail(name, wait.keys[name], payload))
    fresh = msgspec.structs.replace(thread, wait=None, retries=(), attempt=0, entered_at=run.now)
    run.put(fresh)
    run.emit("StateEntered", fresh.id, fresh.state, payload=fresh.input)
    run.queue.append((fresh, None))


def _restart(flow: FlowState, event: Restart, ctx: Context) -> Decision:
    note = _control(flow, event.id)
    if note:
        return Decision(flow, (), note)
    input_ = event.input if event.replace_input else flow.input
    previous = Run(flow, ctx)
    previous.release()
    base = FlowState(
        id=flow.id,
        blueprint=ctx.blueprint.name,
        version=ctx.blueprint.version,
        input=input_,
        started_at=ctx.now,
        seq=flow.seq,
        serial=flow.serial,
        run=flow.run + 1,
        correlation_id=flow.correlation_id,
        recent=flow.recent,
    )
    run = Run(base, ctx)
    run.commands.extend(previous.commands)
    run.remember(event.id)
    run.emit("FlowRestarted", attempt=base.run, payload=input_)
    _begin(run, input_)
    return run.decision()


def _external_event(flow: FlowState, event: ExternalEvent, ctx: Context) -> Decision:
    note = _control(flow, event.id)
    if note or flow.status is not Status.RUNNING:
        return Decision(flow, (), note or f"flow {flow.id!r} has ended")
    run = Run(flow, ctx)
    run.remember(event.id)
    for thread in list(run.threads.values()):
        if join.accepts(thread, event.name, event.key):
            run.emit(
                "EventReceived", thread.id, thread.state, payload=event.payload, resource=event.name
            )
            outcome = join.received(run, thread, event.name, event.payload)
            if outcome is not None:
                run.queue.append((run.threads[thread.id], outcome))
                drive(run)
            return run.decision()
    run.buffer(Mail(event.name, event.key, event.payload))
    del run.mailbox[:-_MAILBOX]
    run.emit("EventBuffered", payload=event.payload, resource=event.name)
    return run.decision()
