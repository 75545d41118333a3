"""Fold a flow's history events into the records the monitor shows: pure, no I/O.

A :class:`FlowProjection` starts from what the index already holds for a flow (its
:class:`FlowRecord`, whether it is paused, its open steps, and, to apply a retry, its
ended steps) and applies history batches to it. Everything the fold needs to carry on
later is stored, so applying a flow's events in any split into batches gives the same
records. Events at or below the flow's ``last_seq`` are skipped: the engine may emit a
decision's events again, with the same numbers, after a crash.

Steps: a ``StateEntered`` opens a step in its thread; the thread's ``StateExited``
(SUCCEEDED, or CAUGHT after a ``Caught``) or ``StateFailed`` (FAILED) closes it. The
interpreter stops threads silently when a sibling branch fails, a Parallel or Map state
is caught or retried, or the flow ends, restarts or times out: their open steps close as
CANCELLED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

import msgspec
from msgspec.structs import astuple

from sfc.core.interpreter.commands import HistoryEvent
from sfc.core.types import Json
from sfc.index.port import FlowRecord, StepRecord
from sfc.kafka.records import HistoryBatch

RUNNING: Final = "RUNNING"
PAUSED: Final = "PAUSED"
SUCCEEDED: Final = "SUCCEEDED"
FAILED: Final = "FAILED"
CAUGHT: Final = "CAUGHT"
CANCELLED: Final = "CANCELLED"

FLOW_ENDINGS: Final = {
    "FlowSucceeded": SUCCEEDED,
    "FlowFailed": FAILED,
    "FlowTimedOut": "TIMED_OUT",
    "FlowAborted": "ABORTED",
}
"""The events that end a flow, and the status each gives it."""

FLOW_STATUSES: Final = (RUNNING, PAUSED, *FLOW_ENDINGS.values())
STEP_STATUSES: Final = (RUNNING, SUCCEEDED, FAILED, CAUGHT, CANCELLED)


class Started(NamedTuple):
    """A flow started (again, after a restart), running this blueprint version."""

    blueprint: str
    version: int
    at: float


class Ending(NamedTuple):
    """A flow ended (it may end again after a retry or a restart)."""

    blueprint: str
    version: int
    status: str
    at: float
    duration: float | None


class Closed(NamedTuple):
    """A step ended, in a flow running this blueprint version."""

    blueprint: str
    version: int
    state: str
    status: str
    entered_at: float
    exited_at: float


class _Flow(msgspec.Struct):
    """The mutable working copy of a :class:`FlowRecord` (the same fields, in order)."""

    id: str
    blueprint: str
    version: int
    status: str
    current_states: list[str] = []
    input: Json = None
    output: Json = None
    error: str | None = None
    cause: str | None = None
    correlation_id: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    updated_at: float | None = None
    last_seq: int = 0
    run: int = 0


class _Step(msgspec.Struct):
    """The mutable working copy of a :class:`StepRecord` (the same fields, in order)."""

    flow_id: str
    seq: int
    thread: str
    state: str
    status: str
    entered_at: float
    input: Json = None
    output: Json = None
    error: str | None = None
    cause: str | None = None
    attempt: int = 0
    exited_at: float | None = None
    worker: str | None = None


class FlowProjection:
    """One flow's records, folded from its history.

    Args:
        flow: What the index holds for the flow; None for a flow it has not seen.
        open_steps: The flow's steps that have not ended yet.
        paused: Whether the flow is paused (kept apart from the status, which a flow
            that ends while paused loses).
        ended_steps: Steps of the flow that ended before; needed only to apply a
            ``FlowRetried`` (it resumes some of those its ending stopped).

    Attributes:
        paused: Whether the flow is paused now.
        starts: Every ``FlowStarted`` applied so far.
        endings: Every time the flow ended in the events applied so far.
        closed: Every step that ended in the events applied so far.

    ``starts``, ``endings`` and ``closed`` name the blueprint version the flow ran at the
    time, for the statistics (a restart may move a flow to another version).
    """

    def __init__(
        self,
        flow: FlowRecord | None = None,
        open_steps: Iterable[StepRecord] = (),
        *,
        paused: bool = False,
        ended_steps: Iterable[StepRecord] = (),
    ) -> None:
        # Copied field by field in order: the working structs mirror the records.
        self._flow = None if flow is None else _Flow(*astuple(flow))
        self._open = {s.thread: _Step(*astuple(s)) for s in open_steps}
        self._ended = {s.seq: _Step(*astuple(s)) for s in ended_steps}
        self._changed: dict[int, _Step] = {}
        self.paused = paused
        self.starts: list[Started] = []
        self.endings: list[Ending] = []
        self.closed: list[Closed] = []
        self._handlers: dict[str, Callable[[_Flow, HistoryEvent], None]] = {
            "FlowStarted": self._flow_started,
            "FlowRestarted": self._flow_restarted,
            "FlowRetried": self._flow_retried,
            "FlowPaused": self._flow_paused,
            "FlowResumed": self._flow_resumed,
            "StateEntered": self._state_entered,
            "StateExited": self._state_exited,
            "StateFailed": self._state_failed,
            "Caught": self._caught,
            "RetryScheduled": self._retry_scheduled,
            "TaskScheduled": self._task_scheduled,
            "TaskFailed": self._task_failed,
            "TaskTimedOut": self._task_failed,
        }

    @property
    def last_seq(self) -> int:
        """The sequence number of the last event applied (0: none yet)."""
        return 0 if self._flow is None else self._flow.last_seq

    def apply(self, batch: HistoryBatch) -> list[HistoryEvent]:
        """Apply a batch's events that are new to the flow.

        Returns:
            The events applied, in order; empty when the batch held nothing new.
        """
        fresh = [e for e in batch.events if e.seq > self.last_seq]
        if not fresh:
            return []
        fresh.sort(key=lambda e: e.seq)
        flow = self._adopt(batch, fresh[0])
        applied: list[HistoryEvent] = []
        for event in fresh:
            if event.seq <= flow.last_seq:
                continue  # the same number twice within one batch
            handler = self._handlers.get(event.type)
            if handler is not None:
                handler(flow, event)
            elif event.type in FLOW_ENDINGS:
                self._flow_ended(flow, event)
            flow.last_seq = event.seq
            flow.updated_at = event.at
            applied.append(event)
        return applied

    def flow(self) -> FlowRecord | None:
        """The flow as the index should now hold it; None before any event."""
        flow = self._flow
        if flow is None:
            return None
        states = [self._open[t].state for t in sorted(self._open)]
        flow.current_states = list(dict.fromkeys(states))
        return FlowRecord(*astuple(flow))

    def steps(self) -> list[StepRecord]:
        """The steps the applied events opened or changed, in seq order."""
        return [_step_record(self._changed[seq]) for seq in sorted(self._changed)]

    def open_steps(self) -> list[StepRecord]:
        """The steps still open, in thread order."""
        return [_step_record(self._open[t]) for t in sorted(self._open)]

    # -- the flow --------------------------------------------------------------------

    def _adopt(self, batch: HistoryBatch, first: HistoryEvent) -> _Flow:
        flow = self._flow
        if flow is None:
            flow = _Flow(batch.flow_id, batch.blueprint, batch.version, RUNNING)
            flow.started_at = first.at  # until a FlowStarted says better: first seen
            self._flow = flow
        # Only a batch with new events speaks for the flow now; an old one replayed
        # after a restart onto a new version must not move it back.
        flow.blueprint, flow.version = batch.blueprint, batch.version
        flow.run = max(flow.run, batch.run)
        if batch.correlation_id is not None:
            flow.correlation_id = batch.correlation_id
        return flow

    def _running(self) -> str:
        return PAUSED if self.paused else RUNNING

    def _reopen(self, flow: _Flow) -> None:
        flow.status = self._running()
        flow.output = flow.error = flow.cause = flow.ended_at = None

    def _flow_started(self, flow: _Flow, event: HistoryEvent) -> None:
        self._reopen(flow)
        flow.input = event.payload
        flow.started_at = event.at
        self.starts.append(Started(flow.blueprint, flow.version, event.at))

    def _flow_restarted(self, flow: _Flow, event: HistoryEvent) -> None:
        self._close_threads("", event.at, everything=True)
        self.paused = False  # a restart begins a new run, unpaused
        self._reopen(flow)
        flow.input = event.payload
        flow.started_at = event.at
        flow.run = max(flow.run, event.attempt or 0)

    def _flow_retried(self, flow: _Flow, event: HistoryEvent) -> None:
        ended_at = flow.ended_at
        self.paused = False  # as in the engine: a retried flow runs unpaused
        self._reopen(flow)
        if ended_at is None:
            return
        # The interpreter puts a Parallel or Map state that waited for its children back
        # as it was, without a StateEntered, and re-enters the children: that step
        # carries on. Its threads are the stranded ones with stranded descendants.
        stranded = [
            step
            for step in {**self._ended, **self._changed}.values()
            if step.exited_at == ended_at and step.status != SUCCEEDED
        ]
        threads = [step.thread for step in stranded]
        for step in stranded:
            prefix = step.thread + "/"
            if step.thread not in self._open and any(t.startswith(prefix) for t in threads):
                step.status, step.exited_at, step.error, step.cause = RUNNING, None, None, None
                self._open[step.thread] = step
                self._changed[step.seq] = step

    def _flow_paused(self, flow: _Flow, event: HistoryEvent) -> None:
        self.paused = True
        if flow.status == RUNNING:
            flow.status = PAUSED

    def _flow_resumed(self, flow: _Flow, event: HistoryEvent) -> None:
        self.paused = False
        if flow.status == PAUSED:
            flow.status = RUNNING

    def _flow_ended(self, flow: _Flow, event: HistoryEvent) -> None:
        self._close_threads("", event.at, everything=True)
        status = FLOW_ENDINGS[event.type]
        flow.status = status
        flow.output = event.payload
        flow.error, flow.cause = event.error, event.cause
        flow.ended_at = event.at
        took = None if flow.started_at is None else event.at - flow.started_at
        self.endings.append(Ending(flow.blueprint, flow.version, status, event.at, took))

    # -- steps -----------------------------------------------------------------------

    def _state_entered(self, flow: _Flow, event: HistoryEvent) -> None:
        thread = event.thread
        if thread in self._open:
            # The thread was stopped silently (a failed sibling, a retried Parallel)
            # and now starts again under the same id.
            self._close(self._open.pop(thread), CANCELLED, event.at)
            self._close_threads(thread, event.at)
        step = _Step(flow.id, event.seq, thread, event.state or "", RUNNING, event.at)
        step.input = event.payload
        self._open[thread] = step
        self._changed[step.seq] = step

    def _step(self, event: HistoryEvent) -> _Step | None:
        step = self._open.get(event.thread)
        if step is None or step.state != event.state:
            return None  # its StateEntered came before the index started
        self._changed[step.seq] = step
        return step

    def _state_exited(self, flow: _Flow, event: HistoryEvent) -> None:
        step = self._step(event)
        if step is None:
            return
        step.output = event.payload
        if step.status != CAUGHT:
            step.error = step.cause = None  # failures a retry got past
        self._end_step(step, CAUGHT if step.status == CAUGHT else SUCCEEDED, event.at)

    def _state_failed(self, flow: _Flow, event: HistoryEvent) -> None:
        step = self._step(event)
        if step is None:
            return
        step.error, step.cause = event.error, event.cause
        self._end_step(step, FAILED, event.at)

    def _caught(self, flow: _Flow, event: HistoryEvent) -> None:
        step = self._step(event)
        if step is not None:
            step.status = CAUGHT
            step.error, step.cause = event.error, event.cause
            self._close_threads(step.thread, event.at)

    def _retry_scheduled(self, flow: _Flow, event: HistoryEvent) -> None:
        step = self._step(event)
        if step is not None:
            step.attempt = event.attempt or step.attempt
            step.error, step.cause = event.error, event.cause
            self._close_threads(step.thread, event.at)

    def _task_scheduled(self, flow: _Flow, event: HistoryEvent) -> None:
        step = self._step(event)
        if step is not None and event.attempt is not None:
            step.attempt = event.attempt

    def _task_failed(self, flow: _Flow, event: HistoryEvent) -> None:
        step = self._step(event)
        if step is not None:
            step.error, step.cause = event.error, event.cause

    def _end_step(self, step: _Step, status: str, at: float) -> None:
        del self._open[step.thread]
        self._close(step, status, at)
        self._close_threads(step.thread, at)

    def _close(self, step: _Step, status: str, at: float) -> None:
        step.status = status
        step.exited_at = at
        self._changed[step.seq] = step
        flow = self._flow
        assert flow is not None  # steps exist only in a flow
        self.closed.append(
            Closed(flow.blueprint, flow.version, step.state, status, step.entered_at, at)
        )

    def _close_threads(self, parent: str, at: float, *, everything: bool = False) -> None:
        """Cancel the open steps of ``parent``'s descendants (of every thread)."""
        prefix = parent + "/"
        stopped = [t for t in self._open if everything or t.startswith(prefix)]
        for thread in sorted(stopped):
            self._close(self._open.pop(thread), CANCELLED, at)


def _step_record(step: _Step) -> StepRecord:
    return StepRecord(*astuple(step))
