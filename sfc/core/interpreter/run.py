"""The working copy of one flow while :func:`decide` applies one event to it.

A :class:`Run` copies the flow's containers on creation and mutates only its copies, so
the :class:`FlowState` it was given stays untouched; :meth:`Run.decision` freezes the
result. Everything a state handler does to the flow goes through it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Final

import msgspec

from sfc.core.blueprint import Blueprint
from sfc.core.blueprint.model import State
from sfc.core.interpreter.commands import (
    CancelJob,
    CancelTimer,
    Command,
    CompleteFlow,
    EmitEvent,
    HistoryEvent,
    StartTimer,
    Unsubscribe,
)
from sfc.core.interpreter.context import Context, Decision
from sfc.core.interpreter.outcomes import Outcome
from sfc.core.interpreter.records import (
    AwaitEvents,
    AwaitJob,
    FlowState,
    Mail,
    Status,
    Thread,
    Timer,
    TimerPurpose,
)
from sfc.core.scope import EMPTY_VARIABLES, Scope
from sfc.core.timestamps import format_timestamp
from sfc.core.types import Json

_RECENT: Final = 64
"""How many control-message ids a flow remembers to ignore their redeliveries."""


class Run:
    """One flow, mutable, for the length of one decision."""

    def __init__(self, flow: FlowState, ctx: Context) -> None:
        self.ctx = ctx
        self.now = ctx.now
        self.blueprint: Blueprint = ctx.blueprint
        self.flow = flow
        self.threads = dict(flow.threads)
        self.timers = dict(flow.timers)
        self.jobs = dict(flow.jobs)
        self.mailbox = list(flow.mailbox)
        self.seq = flow.seq
        self.serial = flow.serial
        self.status = flow.status
        self.paused = flow.paused
        self.stranded = flow.stranded
        self.commands: list[Command] = []
        self.queue: deque[tuple[Thread, Outcome | None]] = deque()
        self.fallen: dict[str, Thread] = {}
        self.output: Json = flow.output
        self.error = flow.error
        self.cause = flow.cause
        self.ended_at = flow.ended_at
        self.recent = flow.recent

    # -- history and ids -------------------------------------------------------------

    def emit(self, type_: str, thread: str = "", state: str | None = None, **data: Json) -> None:
        """Append a history event."""
        self.seq += 1
        event = HistoryEvent(self.seq, self.now, type_, thread, state, **data)
        self.commands.append(EmitEvent(event))

    def step(self, type_: str, thread: str, state: str, payload: Json) -> None:
        """Append a StateEntered / StateExited event (the hot path: no keyword arguments)."""
        self.seq += 1
        self.commands.append(
            EmitEvent(HistoryEvent(self.seq, self.now, type_, thread, state, payload))
        )

    def new_id(self, kind: str) -> str:
        """A new job token or timer id, unique within the flow and deterministic."""
        self.serial += 1
        return f"{self.flow.id}:{kind}{self.serial}"

    # -- threads ---------------------------------------------------------------------

    def state_of(self, thread: Thread) -> State:
        """The compiled state a thread is in."""
        return self.blueprint.machines[thread.machine].states[thread.state]

    def put(self, thread: Thread) -> Thread:
        """Store a thread's new version."""
        self.threads[thread.id] = thread
        return thread

    def spawn(self, parent: Thread, machine: str, index: int, input_: Json) -> Thread:
        """Start a branch or iteration of ``parent`` at its scope's first state."""
        start = self.blueprint.machines[machine].start_at
        child = Thread(
            id=f"{parent.id}/{parent.state}/{index}",
            machine=machine,
            state=start,
            input=input_,
            entered_at=self.now,
            parent=parent.id,
            index=index,
        )
        self.threads[child.id] = child
        self.step("StateEntered", child.id, start, input_)
        self.queue.append((child, None))
        return child

    def move(self, thread: Thread, state: str, input_: Json, variables: Json) -> Thread:
        """Enter ``state`` with ``input_``: the thread's new version."""
        moved = Thread(
            id=thread.id,
            machine=thread.machine,
            state=state,
            input=input_,
            entered_at=self.now,
            parent=thread.parent,
            index=thread.index,
            variables=variables,
        )
        self.threads[thread.id] = moved
        self.step("StateEntered", thread.id, state, input_)
        return moved

    def remove(self, thread: Thread) -> None:
        """Forget a finished thread."""
        self.threads.pop(thread.id, None)

    def cancel(self, thread: Thread) -> None:
        """Stop a thread and all its descendants: cancel their jobs and timers."""
        prefix = thread.id + "/"
        self._stop(
            [t for t in self.threads.values() if t.id == thread.id or t.id.startswith(prefix)]
        )

    def cancel_children(self, parent: Thread) -> None:
        """Stop every branch or iteration of ``parent``, and their descendants."""
        # A child's id starts with its parent's id and state: one pass finds them all.
        prefix = f"{parent.id}/{parent.state}/"
        self._stop([t for t in self.threads.values() if t.id.startswith(prefix)])

    def _stop(self, threads: list[Thread]) -> None:
        """Forget stopped threads, keeping them for a Retry, and drop what they wait for."""
        stopped: set[str] = set()
        for thread in threads:
            stopped.add(thread.id)
            self.fallen.setdefault(thread.id, thread)
            self._drop_wait(thread)
            del self.threads[thread.id]
        for timer_id, timer in list(self.timers.items()):
            if timer.thread in stopped and timer.purpose is not TimerPurpose.FLOW_TIMEOUT:
                self.cancel_timer(timer_id)

    def _drop_wait(self, thread: Thread) -> None:
        """Cancel the job a thread waits for, or its external events' subscriptions."""
        wait = thread.wait
        if isinstance(wait, AwaitJob):
            self.cancel_job(wait)
        elif isinstance(wait, AwaitEvents):
            # Events still routed here would only fill the mailbox of a flow that no
            # longer waits for them.
            for name, key in wait.keys.items():
                if name not in wait.received:
                    self.commands.append(Unsubscribe(name, key))

    def absorb(self, thread: Thread, *, itself: bool = False) -> None:
        """A failure under ``thread`` was handled (caught, retried, tolerated).

        The threads it cancelled are no longer part of a failure that a Retry of the flow
        would resume: forget them (and ``thread`` itself when ``itself``).
        """
        if not self.fallen:
            return
        prefix = thread.id + "/"
        for fallen_id in list(self.fallen):
            if fallen_id.startswith(prefix) or (itself and fallen_id == thread.id):
                del self.fallen[fallen_id]

    def variables_of(self, thread: Thread) -> Mapping[str, Json]:
        """The variables a thread can read: its own and its ancestors'."""
        own = thread.variables
        if thread.parent is None:
            return own if own is not None else EMPTY_VARIABLES
        parent = self.threads.get(thread.parent) or self.fallen.get(thread.parent)
        inherited = self.variables_of(parent) if parent is not None else EMPTY_VARIABLES
        if not own:
            return inherited
        return {**inherited, **own}

    # -- scopes ----------------------------------------------------------------------

    def scope(
        self, thread: Thread, *, token: str | None = None, item: tuple[int, Json] | None = None
    ) -> Scope:
        """The scope a thread's current state evaluates its expressions in."""

        def context() -> Json:
            return self.context_object(thread, token, item)

        return Scope(
            self.variables_of(thread),
            context,
            input=thread.input,
            now=self.now,
            seed=(self.ctx.entropy, self.flow.id, self.serial, thread.id),
        )

    def context_object(
        self, thread: Thread, token: str | None, item: tuple[int, Json] | None
    ) -> Json:
        """The context object (``$$``) of a thread's current state."""
        flow = self.flow
        context: dict[str, Json] = {
            "Execution": {
                "Id": flow.id,
                "Name": flow.id,
                "Input": flow.input,
                "StartTime": format_timestamp(flow.started_at),
                "RedriveCount": flow.redrives,
                "RoleArn": "",
            },
            "State": {
                "Name": thread.state,
                "EnteredTime": format_timestamp(thread.entered_at),
                "RetryCount": thread.attempt,
            },
            "StateMachine": {
                "Id": f"{self.blueprint.name}:{self.blueprint.version}",
                "Name": self.blueprint.name,
            },
        }
        if token is not None:
            context["Task"] = {"Token": token}
        if item is not None:
            context["Map"] = {"Item": {"Index": item[0], "Value": item[1]}}
        return context

    # -- timers and jobs -------------------------------------------------------------

    def start_timer(self, thread: Thread, purpose: TimerPurpose, seconds: float) -> str:
        """Start a timer due ``seconds`` from now."""
        timer_id = self.new_id("t")
        due = self.now + seconds
        self.timers[timer_id] = Timer(due, thread.id, purpose)
        self.commands.append(StartTimer(timer_id, due))
        return timer_id

    def cancel_timer(self, timer_id: str | None) -> None:
        """Cancel a timer if it is still pending."""
        if timer_id is not None and self.timers.pop(timer_id, None) is not None:
            self.commands.append(CancelTimer(timer_id))

    def cancel_job(self, job: AwaitJob) -> None:
        """Give up on a job's result, if it is still outstanding."""
        if self.jobs.pop(job.token, None) is not None:
            self.commands.append(CancelJob(job.token, job.resource))

    # -- the flow --------------------------------------------------------------------

    def end_flow(
        self,
        status: Status,
        output: Json = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> None:
        """End the flow: cancel what is pending and record the outcome."""
        if status is not Status.SUCCEEDED:
            self.stranded = {**self.fallen, **self.threads}
        self.release()
        self.status = status
        self.output, self.error, self.cause, self.ended_at = output, error, cause, self.now
        event_type = {
            Status.SUCCEEDED: "FlowSucceeded",
            Status.FAILED: "FlowFailed",
            Status.TIMED_OUT: "FlowTimedOut",
            Status.ABORTED: "FlowAborted",
        }[status]
        if status is Status.SUCCEEDED:
            self.emit(event_type, payload=output)
        else:
            self.emit(event_type, error=error, cause=cause)
        self.commands.append(CompleteFlow(status, output, error, cause))

    def release(self) -> None:
        """Stop every thread: cancel all jobs, timers and subscriptions of the flow."""
        for thread in self.threads.values():
            self._drop_wait(thread)
        for timer_id in list(self.timers):
            self.cancel_timer(timer_id)
        self.threads.clear()

    def remember(self, message_id: str) -> None:
        """Record a control message as applied, so that its redelivery is ignored."""
        self.recent = (*self.recent, message_id)[-_RECENT:]

    def decision(self, note: str | None = None) -> Decision:
        """Freeze the working copy into the flow's new state."""
        flow = msgspec.structs.replace(
            self.flow,
            threads=self.threads,
            timers=self.timers,
            jobs=self.jobs,
            mailbox=tuple(self.mailbox),
            seq=self.seq,
            serial=self.serial,
            status=self.status,
            paused=self.paused,
            stranded=self.stranded,
            output=self.output,
            error=self.error,
            cause=self.cause,
            ended_at=self.ended_at,
            recent=self.recent,
        )
        return Decision(flow, self.commands, note)

    def buffer(self, mail: Mail) -> None:
        """Keep an external event until a Join asks for it."""
        self.mailbox.append(mail)
