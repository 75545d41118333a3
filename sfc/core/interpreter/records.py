"""The state of a flow: what :func:`~sfc.core.interpreter.decide.decide` reads and returns.

A flow runs as a tree of *threads*: the main thread, and one per running Parallel branch
or Map iteration. Each thread sits in one state and is either running or waiting for
something: a job's result, a timer, its children, external events. Everything here is a
frozen ``msgspec.Struct``, so a snapshot encodes to JSON and decodes to the same types.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from sfc.core.types import Json


class Status(StrEnum):
    """A flow's status, with ASL's names. A paused flow is RUNNING with ``paused`` set."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"


class AwaitJob(msgspec.Struct, frozen=True, tag="job"):
    """Waiting for the result of the job with this token.

    Attributes:
        token: The job's token.
        timeout_timer: The TimeoutSeconds timer, if any.
        heartbeat_timer: The HeartbeatSeconds timer, if any.
        heartbeat_seconds: HeartbeatSeconds, to restart its timer on each heartbeat.
        resource: The Task resource, so that the job can be cancelled without the
            blueprint version that scheduled it (a Restart on a newer version).
        beat: The message id of the last heartbeat applied, to ignore its redelivery.
    """

    token: str
    timeout_timer: str | None = None
    heartbeat_timer: str | None = None
    heartbeat_seconds: int | None = None
    resource: str = ""
    beat: str | None = None


class Parked(msgspec.Struct, frozen=True, tag="parked"):
    """A job ready to dispatch, held back because the flow is paused."""

    token: str
    job_input: Json


class AwaitTimer(msgspec.Struct, frozen=True, tag="timer"):
    """Waiting for a Wait state's timer, or (``retry``) for a retry's back-off."""

    timer: str
    retry: bool = False


class AwaitChildren(msgspec.Struct, frozen=True, tag="children"):
    """A Parallel or Map state waiting for its branches or iterations.

    Attributes:
        results: One slot per branch or item, filled as each one finishes.
        pending: How many have not finished.
        inputs: Map: every iteration's input; Parallel: empty.
        started: Map: how many iterations have been started.
        limit: Map: how many may run at once (0: no limit).
        failures: Map: how many iterations failed.
        tolerated_count: Map: failures tolerated (None: none tolerated unless a
            percentage is set).
        tolerated_percentage: Map: failures tolerated, in percent of the items.
    """

    results: list[Json]
    pending: int
    inputs: list[Json] = []
    started: int = 0
    limit: int = 0
    failures: int = 0
    tolerated_count: int | None = None
    tolerated_percentage: float | None = None


class AwaitEvents(msgspec.Struct, frozen=True, tag="events"):
    """A Join waiting for external events: their correlation keys and those received."""

    keys: dict[str, str]
    received: dict[str, Json]
    timer: str | None = None


Wait = AwaitJob | Parked | AwaitTimer | AwaitChildren | AwaitEvents


class Thread(msgspec.Struct, frozen=True):
    """A line of execution in one scope of the blueprint.

    Attributes:
        id: ``""`` for the main thread; ``<parent>/<state>/<index>`` for a branch or
            an iteration.
        machine: JSON pointer of its scope in the blueprint (``""``: top level).
        state: The state it is in.
        input: The state's raw input.
        entered_at: When it entered the state.
        parent: Its parent thread's id (None for the main thread).
        index: Its branch or item index in the parent.
        variables: Workflow variables assigned in this scope.
        wait: What it waits for; None while it runs.
        retries: Retries done by each of the state's retriers.
        attempt: Retries done in this state in all (``$$.State.RetryCount``).
    """

    id: str
    machine: str
    state: str
    input: Json
    entered_at: float
    parent: str | None = None
    index: int = 0
    variables: dict[str, Json] | None = None
    wait: Wait | None = None
    retries: tuple[int, ...] = ()
    attempt: int = 0


class TimerPurpose(StrEnum):
    """What a timer ends."""

    WAIT = "wait"
    RETRY = "retry"
    TASK_TIMEOUT = "timeout"
    HEARTBEAT = "heartbeat"
    JOIN_TIMEOUT = "join"
    FLOW_TIMEOUT = "flow"


class Timer(msgspec.Struct, frozen=True):
    """A pending timer of the flow."""

    due: float
    thread: str
    purpose: TimerPurpose


class Mail(msgspec.Struct, frozen=True):
    """An external event that arrived before a Join waited for it."""

    name: str
    key: str
    payload: Json


class FlowState(msgspec.Struct, frozen=True):
    """Everything the interpreter knows about one flow.

    Attributes:
        id: The flow id.
        blueprint: The blueprint's name.
        version: The blueprint version the flow is pinned to.
        input: The flow's input.
        started_at: When it (re)started.
        status: Its status.
        paused: Whether it is paused (it then schedules no new job).
        threads: Running threads by id.
        timers: Pending timers by id.
        jobs: Outstanding job tokens, mapped to the thread waiting for each.
        seq: Sequence number of the last history event.
        serial: Counter for the ids of jobs and timers.
        run: How many times the flow was restarted.
        redrives: How many times it was retried after failing.
        output: Its output once SUCCEEDED.
        error: Its error name once FAILED, TIMED_OUT or ABORTED.
        cause: Its cause, likewise.
        ended_at: When it ended.
        correlation_id: The caller's correlation key, if one was given.
        mailbox: External events received before a Join asked for them.
        recent: Ids of recently applied control messages, to ignore redeliveries.
        stranded: The threads as they were when the flow failed, for retrying it.
    """

    id: str
    blueprint: str
    version: int
    input: Json
    started_at: float
    status: Status = Status.RUNNING
    paused: bool = False
    threads: dict[str, Thread] = {}
    timers: dict[str, Timer] = {}
    jobs: dict[str, str] = {}
    seq: int = 0
    serial: int = 0
    run: int = 0
    redrives: int = 0
    output: Json = None
    error: str | None = None
    cause: str | None = None
    ended_at: float | None = None
    correlation_id: str | None = None
    mailbox: tuple[Mail, ...] = ()
    recent: tuple[str, ...] = ()
    stranded: dict[str, Thread] | None = None

    @property
    def display_status(self) -> str:
        """The status as the API shows it: PAUSED for a paused running flow."""
        if self.paused and self.status is Status.RUNNING:
            return "PAUSED"
        return self.status.value
