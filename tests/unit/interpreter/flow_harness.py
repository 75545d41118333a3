"""Drive :func:`sfc.core.decide` by hand, checking its contract on every single step.

Every event a test applies through :class:`Driver` is decided twice and the two decisions
must be equal (determinism); the flow given to ``decide`` must come out unchanged (purity);
the new snapshot must survive a JSON round trip through msgspec unchanged, and deciding
on the restored snapshot must give the same decision (the Kafka engine stores exactly
these snapshots and restores flows from them); and the invariants of
:func:`check_invariants` must hold. Tests therefore check these properties on every
flow they run, not only in the tests dedicated to them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import msgspec

from sfc.core import (
    Blueprint,
    CancelJob,
    CancelTimer,
    Command,
    CompleteFlow,
    Context,
    Decision,
    EmitEvent,
    Event,
    ExternalEvent,
    FlowState,
    HistoryEvent,
    Job,
    Pause,
    Restart,
    Resume,
    Retry,
    ScheduleJob,
    StartFlow,
    StartTimer,
    Status,
    Subscribe,
    TaskFailed,
    TaskHeartbeat,
    TaskSucceeded,
    Terminate,
    TimerFired,
    decide,
    load_blueprint,
)
from sfc.core.interpreter.records import AwaitChildren, AwaitJob
from sfc.core.types import Json

T = TypeVar("T")

T0 = 1_700_000_000.0
"""The time every driven flow starts at (2023-11-14T22:13:20Z)."""

FLOW = "flow-1"


def blueprint(definition: Mapping[str, Any], name: str = "bp", version: int = 1) -> Blueprint:
    """Validate and compile a test definition."""
    return load_blueprint(definition, name, version)


def pass_machine(**states: Mapping[str, Any]) -> dict[str, Any]:
    """A definition whose states are given as keyword arguments, starting at the first."""
    return {"StartAt": next(iter(states)), "States": dict(states)}


def of_type(commands: Iterable[Command], kind: type[T]) -> list[T]:
    """The commands of one type, in order."""
    return [c for c in commands if isinstance(c, kind)]


def snapshot_round_trip(flow: FlowState) -> FlowState:
    """Encode a snapshot to JSON and decode it back, as the Kafka engine does."""
    return msgspec.json.decode(msgspec.json.encode(flow), type=FlowState)


def check_invariants(before: FlowState | None, decision: Decision) -> None:
    """What must hold after every decision, whatever the flow."""
    flow = decision.flow
    assert flow is not None
    emitted = [c.event.seq for c in decision.commands if isinstance(c, EmitEvent)]
    first = 1 if before is None else before.seq + 1
    assert emitted == list(range(first, first + len(emitted))), "history seq has gaps"
    assert flow.seq == first + len(emitted) - 1
    completions = of_type(decision.commands, CompleteFlow)
    assert len(completions) <= 1, "the flow completed twice in one decision"
    if completions:
        assert completions[0].status is flow.status
    if flow.status is not Status.RUNNING:
        assert not flow.threads
        assert not flow.timers
        assert not flow.jobs
        if not completions:
            assert before is not None, "the flow ended without completing"
            assert before.status is flow.status, "the flow ended without completing"
        return
    for token, thread_id in flow.jobs.items():
        waiting = flow.threads[thread_id].wait
        assert isinstance(waiting, AwaitJob), f"job {token} has no waiting thread"
        assert waiting.token == token
    for timer_id, timer in flow.timers.items():
        assert timer.thread in flow.threads or timer.purpose == "flow", f"orphan timer {timer_id}"
    for thread in flow.threads.values():
        if thread.parent is not None:
            parent = flow.threads[thread.parent]
            assert isinstance(parent.wait, AwaitChildren), f"{thread.id}: parent not waiting"


class Driver:
    """One flow of one blueprint, driven event by event.

    Attributes:
        blueprint: The compiled blueprint.
        now: The time the next event is decided at.
        flow: The flow's current snapshot.
        decisions: Every decision so far.
        events: Every event applied so far, in order.
        contexts: The context each event was decided with.
        history: Every history event emitted so far.
        commands: Every command emitted so far, history events excluded.
        jobs: Jobs scheduled and neither answered nor cancelled, by token.
    """

    def __init__(self, definition: Mapping[str, Any] | Blueprint, *, now: float = T0) -> None:
        self.blueprint = definition if isinstance(definition, Blueprint) else blueprint(definition)
        self.now = now
        self.flow: FlowState | None = None
        self.decisions: list[Decision] = []
        self.events: list[Event] = []
        self.contexts: list[Context] = []
        self.history: list[HistoryEvent] = []
        self.commands: list[Command] = []
        self.jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)

    # -- applying events -------------------------------------------------------------

    def message_id(self) -> str:
        """A fresh message id."""
        return f"m{next(self._ids)}"

    def apply(self, event: Event, *, blueprint: Blueprint | None = None) -> Decision:
        """Decide ``event`` and check the decision's contract before keeping it."""
        ctx = Context(self.now, blueprint or self.blueprint, entropy=event.id)
        before = None if self.flow is None else msgspec.json.encode(self.flow)
        decision = decide(self.flow, event, ctx)
        assert decide(self.flow, event, ctx) == decision, "decide is not deterministic"
        if self.flow is not None:
            assert msgspec.json.encode(self.flow) == before, "decide mutated its input flow"
            restored = snapshot_round_trip(self.flow)
            assert decide(restored, event, ctx) == decision, "a restored snapshot decides apart"
        if decision.flow is not None:
            assert snapshot_round_trip(decision.flow) == decision.flow, "snapshot changed"
            check_invariants(self.flow, decision)
        self._record(event, ctx, decision)
        return decision

    def _record(self, event: Event, ctx: Context, decision: Decision) -> None:
        self.events.append(event)
        self.contexts.append(ctx)
        self.decisions.append(decision)
        self.flow = decision.flow
        for command in decision.commands:
            if isinstance(command, EmitEvent):
                self.history.append(command.event)
                continue
            self.commands.append(command)
            if isinstance(command, ScheduleJob):
                self.jobs[command.job.token] = command.job
            elif isinstance(command, CancelJob):
                self.jobs.pop(command.token, None)

    def start(self, input_: Json = None, **options: Any) -> Decision:
        """Start the flow."""
        return self.apply(
            StartFlow(self.message_id(), FLOW, self.blueprint.name, input_, **options)
        )

    def succeed(self, job: str | Job, output: Json = None) -> Decision:
        """Report a job's success; ``job`` is a Job, a token, or a state name."""
        token = self.job(job).token
        self.jobs.pop(token, None)
        return self.apply(TaskSucceeded(self.message_id(), FLOW, token, output))

    def fail(self, job: str | Job, error: str = "Boom", cause: str | None = "it broke") -> Decision:
        """Report a job's failure."""
        token = self.job(job).token
        self.jobs.pop(token, None)
        return self.apply(TaskFailed(self.message_id(), FLOW, token, error, cause))

    def heartbeat(self, job: str | Job) -> Decision:
        """Report that a job is still being worked on."""
        return self.apply(TaskHeartbeat(self.message_id(), FLOW, self.job(job).token))

    def fire(self, timer: str) -> Decision:
        """Fire a timer, moving the clock to its due time first."""
        assert self.flow is not None
        pending = self.flow.timers.get(timer)
        if pending is not None:
            self.now = max(self.now, pending.due)
        return self.apply(TimerFired(self.message_id(), FLOW, timer))

    def fire_next(self, purpose: str | None = None) -> Decision:
        """Fire the earliest pending timer (of one purpose, if given)."""
        return self.fire(self.next_timer(purpose))

    def next_timer(self, purpose: str | None = None) -> str:
        """The id of the earliest pending timer (of one purpose, if given)."""
        assert self.flow is not None
        timers = [
            (t.due, timer_id)
            for timer_id, t in self.flow.timers.items()
            if purpose is None or t.purpose == purpose
        ]
        assert timers, f"no pending {purpose or ''} timer"
        return min(timers)[1]

    def pause(self, reason: str | None = None) -> Decision:
        """Pause the flow."""
        return self.apply(Pause(self.message_id(), FLOW, reason))

    def resume(self) -> Decision:
        """Resume the flow."""
        return self.apply(Resume(self.message_id(), FLOW))

    def terminate(self, reason: str | None = None) -> Decision:
        """Terminate the flow."""
        return self.apply(Terminate(self.message_id(), FLOW, reason))

    def retry(self) -> Decision:
        """Retry (redrive) the flow after it failed."""
        return self.apply(Retry(self.message_id(), FLOW))

    def restart(self, input_: Json = None, *, replace_input: bool = False) -> Decision:
        """Restart the flow from its first state."""
        return self.apply(Restart(self.message_id(), FLOW, input_, replace_input))

    def send(self, name: str, key: str, payload: Json = None) -> Decision:
        """Deliver an external event."""
        return self.apply(ExternalEvent(self.message_id(), FLOW, name, key, payload))

    # -- reading the flow ------------------------------------------------------------

    @property
    def state(self) -> FlowState:
        """The current snapshot (the flow must exist)."""
        assert self.flow is not None
        return self.flow

    @property
    def status(self) -> Status:
        """The flow's status."""
        return self.state.status

    @property
    def output(self) -> Json:
        """The flow's output."""
        return self.state.output

    def job(self, job: str | Job) -> Job:
        """The outstanding job with this token or for this (unique) state name."""
        if isinstance(job, Job):
            return job
        if job in self.jobs:
            return self.jobs[job]
        found = [j for j in self.jobs.values() if j.state == job]
        assert len(found) == 1, f"expected one outstanding job for {job!r}, found {found}"
        return found[0]

    def jobs_for(self, state: str) -> list[Job]:
        """The outstanding jobs of one state, oldest first."""
        return [j for j in self.jobs.values() if j.state == state]

    def last(self, kind: type[T]) -> list[T]:
        """The commands of one type in the last decision."""
        return of_type(self.decisions[-1].commands, kind)

    def all(self, kind: type[T]) -> list[T]:
        """The commands of one type over the whole run (history events excluded)."""
        return of_type(self.commands, kind)

    def types(self, thread: str | None = None) -> list[str]:
        """The history event types, optionally of one thread only."""
        return [e.type for e in self.history if thread is None or e.thread == thread]

    def entered(self, thread: str | None = None) -> list[str]:
        """The states entered, in order (optionally in one thread)."""
        return [
            e.state or ""
            for e in self.history
            if e.type == "StateEntered" and (thread is None or e.thread == thread)
        ]

    def exited(self, state: str) -> HistoryEvent:
        """The last StateExited event of a state."""
        found = [e for e in self.history if e.type == "StateExited" and e.state == state]
        assert found, f"{state} never exited"
        return found[-1]

    def completion(self) -> CompleteFlow:
        """The CompleteFlow command (the flow must have ended)."""
        found = self.all(CompleteFlow)
        assert found, "the flow has not completed"
        return found[-1]

    def timers_started(self) -> list[StartTimer]:
        """Every StartTimer so far."""
        return self.all(StartTimer)

    def timers_cancelled(self) -> set[str]:
        """The ids of every cancelled timer."""
        return {c.timer for c in self.all(CancelTimer)}

    def subscriptions(self) -> list[Subscribe]:
        """Every Subscribe so far."""
        return self.all(Subscribe)

    # -- running to the end ----------------------------------------------------------

    def run(
        self,
        tasks: Mapping[str, Callable[[Json], Json]] | None = None,
        *,
        limit: int = 10_000,
    ) -> Status:
        """Answer jobs with ``tasks`` (by state name) and fire timers until nothing is left.

        A task function may raise :class:`TaskError` to fail its job.
        """
        tasks = tasks or {}
        for _ in range(limit):
            if self.flow is None or self.flow.status is not Status.RUNNING:
                break
            if self.jobs:
                job = next(iter(self.jobs.values()))
                self._answer(job, tasks.get(job.state))
            elif self.flow.timers:
                self.fire_next()
            else:
                break
        return self.status

    def _answer(self, job: Job, task: Callable[[Json], Json] | None) -> None:
        if task is None:
            self.succeed(job, job.input)
            return
        try:
            output = task(job.input)
        except TaskError as exc:
            self.fail(job, exc.error, exc.cause)
            return
        self.succeed(job, output)


class TaskError(Exception):
    """Raised by a task function given to :meth:`Driver.run` to fail its job."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(error)
        self.error = error
        self.cause = cause


def run_flow(
    definition: Mapping[str, Any],
    input_: Json = None,
    tasks: Mapping[str, Callable[[Json], Json]] | None = None,
) -> Driver:
    """Start a flow and run it as far as it goes."""
    driver = Driver(definition)
    driver.start(input_)
    driver.run(tasks)
    return driver
