"""The Task state: a job for the executor, a worker or a Kafka service."""

from __future__ import annotations

from typing import cast

import msgspec

from sfc.core.blueprint.model import State, TaskState
from sfc.core.interpreter.commands import Job, ScheduleJob
from sfc.core.interpreter.outcomes import Blocked, Next, Outcome
from sfc.core.interpreter.records import AwaitJob, Parked, Thread, TimerPurpose
from sfc.core.interpreter.run import Run
from sfc.core.scope import NO_SCOPE, Scope
from sfc.core.states.numbers import whole_number
from sfc.core.types import Json


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Prepare the job; dispatch it, or hold it back while the flow is paused."""
    state = cast(TaskState, state)
    token = run.new_id("j")
    scope = run.scope(thread, token=token) if state.reads_scope else NO_SCOPE
    job_input = state.flow.effective_input(thread.input, scope)
    if run.paused:
        run.emit("TaskParked", thread.id, state.name, token=token)
        return Blocked(msgspec.structs.replace(thread, wait=Parked(token, job_input)))
    return dispatch(run, thread, state, token, job_input, scope)


def dispatch(
    run: Run, thread: Thread, state: TaskState, token: str, job_input: Json, scope: Scope
) -> Outcome:
    """Schedule the job and wait for its result, starting its timeout timers."""
    timeout = whole_number(state.timeout, thread.input, scope, "TimeoutSeconds", 1)
    heartbeat = whole_number(state.heartbeat, thread.input, scope, "HeartbeatSeconds", 1)
    run.jobs[token] = thread.id
    timeout_timer = heartbeat_timer = None
    if timeout is not None:
        timeout_timer = run.start_timer(thread, TimerPurpose.TASK_TIMEOUT, timeout)
    if heartbeat is not None:
        heartbeat_timer = run.start_timer(thread, TimerPurpose.HEARTBEAT, heartbeat)
    blueprint = run.blueprint
    resource = state.resource.uri
    run.commands.append(
        ScheduleJob(
            Job(
                token=token,
                flow_id=run.flow.id,
                blueprint=blueprint.name,
                version=blueprint.version,
                state=state.name,
                resource=resource,
                input=job_input,
                attempt=thread.attempt,
                timeout_seconds=timeout,
                heartbeat_seconds=heartbeat,
                message_type=blueprint.message_type,
                reply_topic=state.reply_topic,
            )
        )
    )
    run.emit(
        "TaskScheduled",
        thread.id,
        state.name,
        payload=job_input,
        token=token,
        resource=resource,
        attempt=thread.attempt,
    )
    wait = AwaitJob(token, timeout_timer, heartbeat_timer, heartbeat, resource)
    return Blocked(msgspec.structs.replace(thread, wait=wait))


def resume(run: Run, thread: Thread) -> Outcome:
    """Dispatch a job that was held back by a pause."""
    wait = thread.wait
    assert isinstance(wait, Parked)
    state = cast(TaskState, run.state_of(thread))
    scope = run.scope(thread, token=wait.token)
    return dispatch(run, thread, state, wait.token, wait.job_input, scope)


def succeeded(run: Run, thread: Thread, result: Json) -> Outcome:
    """The job's result arrived: the state's output follows from it."""
    wait = thread.wait
    if isinstance(wait, AwaitJob) and (wait.timeout_timer or wait.heartbeat_timer):
        run.cancel_timer(wait.timeout_timer)
        run.cancel_timer(wait.heartbeat_timer)
    state = run.state_of(thread)
    scope = run.scope(thread) if state.reads_scope else NO_SCOPE
    output, assigned = state.flow.finish(thread.input, result, scope)
    return Next(output, assigned, state.next)


def beat(run: Run, thread: Thread, message_id: str) -> Thread:
    """A heartbeat arrived: restart the heartbeat timer."""
    wait = thread.wait
    assert isinstance(wait, AwaitJob)
    if wait.heartbeat_timer is None or wait.heartbeat_seconds is None:
        return thread
    run.cancel_timer(wait.heartbeat_timer)
    timer = run.start_timer(thread, TimerPurpose.HEARTBEAT, wait.heartbeat_seconds)
    updated = msgspec.structs.replace(wait, heartbeat_timer=timer, beat=message_id)
    return run.put(msgspec.structs.replace(thread, wait=updated))
