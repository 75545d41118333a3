"""What :func:`decide` asks the adapters to do, and the history events it records."""

from __future__ import annotations

import msgspec

from sfc.core.interpreter.records import Status
from sfc.core.types import Json


class HistoryEvent(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One entry in a flow's history (the ``sfc.events`` topic).

    Attributes:
        seq: Its number in the flow's history, from 1.
        at: When it happened (seconds since the Unix epoch).
        type: What happened: ``FlowStarted``, ``StateEntered``, ``TaskScheduled``, ...
        thread: The thread it happened in (``""``: the main thread).
        state: The state it concerns, if any.
        payload: The JSON it carries: a state's input or output, a job's input or result.
        error: An error name, for failures.
        cause: An error cause, for failures.
        attempt: The retry count, for jobs.
        token: The job token, for jobs.
        resource: The Task resource, for jobs.
        variables: Variables the state assigned.
    """

    seq: int
    at: float
    type: str
    thread: str = ""
    state: str | None = None
    payload: Json = None
    error: str | None = None
    cause: str | None = None
    attempt: int | None = None
    token: str | None = None
    resource: str | None = None
    variables: dict[str, Json] | None = None


class Job(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """Work for the executor, a worker, or a Kafka service.

    Attributes:
        token: Identifies this attempt; the reply must carry it.
        flow_id: The flow it belongs to.
        blueprint: The flow's blueprint.
        version: The blueprint version.
        state: The Task state.
        resource: The Task's resource URI.
        input: The task's input (its effective input).
        attempt: 0 for the first try, then 1, 2, ... for retries.
        timeout_seconds: How long the job may take, if limited.
        heartbeat_seconds: How long between heartbeats, if required.
        message_type: ``common`` or ``specific`` job routing.
        reply_topic: Where a ``kafka://`` service replies.
    """

    token: str
    flow_id: str
    blueprint: str
    version: int
    state: str
    resource: str
    input: Json = None
    attempt: int = 0
    timeout_seconds: float | None = None
    heartbeat_seconds: float | None = None
    message_type: str = "common"
    reply_topic: str | None = None


class ScheduleJob(msgspec.Struct, frozen=True):
    """Send a job to whoever serves its resource."""

    job: Job


class CancelJob(msgspec.Struct, frozen=True):
    """A job's result is no longer wanted (timeout, termination, failed sibling)."""

    token: str
    resource: str


class StartTimer(msgspec.Struct, frozen=True):
    """Fire ``TimerFired(timer)`` at ``due`` (seconds since the Unix epoch)."""

    timer: str
    due: float


class CancelTimer(msgspec.Struct, frozen=True):
    """Forget a timer."""

    timer: str


class EmitEvent(msgspec.Struct, frozen=True):
    """Append an event to the flow's history."""

    event: HistoryEvent


class Subscribe(msgspec.Struct, frozen=True):
    """Route external events with this name and key to the flow."""

    name: str
    key: str
    source: str | None = None


class Unsubscribe(msgspec.Struct, frozen=True):
    """Stop routing external events with this name and key to the flow."""

    name: str
    key: str


class CompleteFlow(msgspec.Struct, frozen=True):
    """The flow ended."""

    status: Status
    output: Json = None
    error: str | None = None
    cause: str | None = None


Command = (
    ScheduleJob
    | CancelJob
    | StartTimer
    | CancelTimer
    | EmitEvent
    | Subscribe
    | Unsubscribe
    | CompleteFlow
)
"""Anything :func:`decide` asks an adapter to do."""
