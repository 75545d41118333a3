"""Real flow histories for the index tests: the interpreter's own events, decision by decision.

:class:`Recorder` drives :func:`sfc.core.decide` like the engine does and keeps what the
engine writes to ``sfc.events``: one :class:`HistoryBatch` per decision that emitted
events. :func:`fold` applies batches the way a store does (records kept between batches,
a new projection per batch), so tests can compare any split of a history with another.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from sfc.core import (
    Blueprint,
    CancelJob,
    Context,
    EmitEvent,
    Event,
    FlowState,
    Pause,
    Restart,
    Resume,
    Retry,
    ScheduleJob,
    StartFlow,
    TaskFailed,
    TaskSucceeded,
    Terminate,
    TimerFired,
    decide,
    load_blueprint,
)
from sfc.core.interpreter.commands import HistoryEvent, Job
from sfc.core.types import Json
from sfc.index import FlowRecord, StepRecord
from sfc.index.projection import FlowProjection
from sfc.kafka.records import HistoryBatch

T0 = 1_700_000_000.0


def task(name: str = "work", **fields: Any) -> dict[str, Any]:
    """A Task state on an async resource."""
    return {"Type": "Task", "Resource": f"task:{name}", **fields}


def chain(*states: tuple[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A machine of states run one after the other, the last one ending it."""
    built: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        follow = {"Next": states[index + 1][0]} if index + 1 < len(states) else {"End": True}
        built[name] = {**state, **follow}
    return {"StartAt": states[0][0], "States": built}


class Recorder:
    """One flow of one blueprint, driven by hand; its history kept as batches."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        *,
        flow_id: str = "flow-1",
        name: str = "orders",
        correlation_id: str | None = None,
    ) -> None:
        self.blueprint: Blueprint = load_blueprint(definition, name)
        self.flow_id = flow_id
        self.correlation_id = correlation_id
        self.now = T0
        self.flow: FlowState | None = None
        self.batches: list[HistoryBatch] = []
        self.jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)

    @property
    def events(self) -> list[HistoryEvent]:
        """Every history event so far, in order."""
        return [event for batch in self.batches for event in batch.events]

    def apply(
        self, event: Event, *, blueprint: Blueprint | None = None, after: float = 1.0
    ) -> None:
        """Decide one event a little later than the last one, and record its batch."""
        self.now += after
        decision = decide(self.flow, event, Context(self.now, blueprint or self.blueprint))
        assert decision.note is None, decision.note
        self.flow = decision.flow
        assert self.flow is not None
        events = [c.event for c in decision.commands if isinstance(c, EmitEvent)]
        for command in decision.commands:
            if isinstance(command, ScheduleJob):
                self.jobs[command.job.token] = command.job
            elif isinstance(command, CancelJob):
                self.jobs.pop(command.token, None)
        if events:
            flow = self.flow
            self.batches.append(
                HistoryBatch(
                    flow.id, flow.blueprint, flow.version, events, flow.correlation_id, flow.run
                )
            )

    def _id(self) -> str:
        return f"m{next(self._ids)}"

    def job(self, state: str) -> Job:
        """The outstanding job with this token, or of this state (the only one)."""
        if state in self.jobs:
            return self.jobs[state]
        found = [job for job in self.jobs.values() if job.state == state]
        assert len(found) == 1, f"{len(found)} jobs for {state}"
        return found[0]

    def start(self, input_: Json = None) -> Recorder:
        self.apply(
            StartFlow(
                self._id(), self.flow_id, self.blueprint.name, input_, None, self.correlation_id
            )
        )
        return self

    def succeed(self, state: str, output: Json = None, *, after: float = 1.0) -> Recorder:
        token = self.job(state).token
        del self.jobs[token]
        self.apply(TaskSucceeded(self._id(), self.flow_id, token, output), after=after)
        return self

    def fail(self, state: str, error: str = "Boom", cause: str = "it broke") -> Recorder:
        token = self.job(state).token
        del self.jobs[token]
        self.apply(TaskFailed(self._id(), self.flow_id, token, error, cause))
        return self

    def fire_next(self) -> Recorder:
        """Fire the earliest pending timer, moving the clock to it."""
        assert self.flow is not None
        assert self.flow.timers
        timer, pending = min(self.flow.timers.items(), key=lambda item: item[1].due)
        self.apply(
            TimerFired(self._id(), self.flow_id, timer), after=max(0.0, pending.due - self.now)
        )
        return self

    def pause(self, reason: str | None = None) -> Recorder:
        self.apply(Pause(self._id(), self.flow_id, reason))
        return self

    def resume(self) -> Recorder:
        self.apply(Resume(self._id(), self.flow_id))
        return self

    def terminate(self, reason: str | None = None) -> Recorder:
        self.apply(Terminate(self._id(), self.flow_id, reason))
        return self

    def retry(self) -> Recorder:
        self.apply(Retry(self._id(), self.flow_id))
        return self

    def restart(
        self, input_: Json = None, *, replace: bool = False, blueprint: Blueprint | None = None
    ) -> Recorder:
        self.apply(Restart(self._id(), self.flow_id, input_, replace), blueprint=blueprint)
        return self


class Folded(msgspec.Struct):
    """What a store would hold after applying batches: the flow and every step by seq."""

    flow: FlowRecord | None = None
    paused: bool = False
    steps: dict[int, StepRecord] = {}

    def open_steps(self) -> list[StepRecord]:
        return [s for s in self.steps.values() if s.exited_at is None]

    def ordered_steps(self) -> list[StepRecord]:
        return [self.steps[seq] for seq in sorted(self.steps)]


def fold(batches: Iterable[HistoryBatch], into: Folded | None = None) -> Folded:
    """Apply batches one at a time, as separate applies of a store would."""
    held = into or Folded()
    for batch in batches:
        ended = [s for s in held.steps.values() if s.exited_at is not None]
        projection = FlowProjection(
            held.flow, held.open_steps(), paused=held.paused, ended_steps=ended
        )
        if projection.apply(batch):
            held.flow = projection.flow()
            held.paused = projection.paused
            held.steps = {**held.steps, **{s.seq: s for s in projection.steps()}}
    return held


def project(*batches: HistoryBatch) -> FlowProjection:
    """One projection with every batch applied to it."""
    projection = FlowProjection()
    for batch in batches:
        projection.apply(batch)
    return projection


# -- stories, each ending somewhere else ---------------------------------------------

PARALLEL = {
    "StartAt": "P",
    "States": {
        "P": {
            "Type": "Parallel",
            "Branches": [chain(("A", task("a"))), chain(("B", task("b")), ("C", task("c")))],
            "Next": "After",
        },
        "After": {"Type": "Pass", "End": True},
    },
}
MAP = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "MaxConcurrency": 2,
            "ItemProcessor": chain(
                ("Work", task("w", Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 1}]))
            ),
            "End": True,
        }
    },
}
CAUGHT = {
    "StartAt": "A",
    "States": {
        "A": {**task("a", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "B"}]), "Next": "B"},
        "B": {**task("b"), "End": True},
    },
    "TimeoutSeconds": 3600,
}
TWO = chain(("A", task("a")), ("B", task("b")))


def parallel_failed_retried_and_done() -> Recorder:
    recorder = Recorder(PARALLEL).start({"n": 1}).succeed("B", 1).fail("A").retry()
    return recorder.succeed("C", 3).succeed("A", 2)


def map_with_a_retried_iteration() -> Recorder:
    recorder = Recorder(MAP).start([1, 2, 3])
    recorder.fail(next(iter(recorder.jobs))).fire_next()
    while recorder.jobs:
        recorder.succeed(next(iter(recorder.jobs)), "ok")
    return recorder


def caught_then_paused_and_resumed() -> Recorder:
    recorder = Recorder(CAUGHT, correlation_id="c-1").start({"q": "x"}).fail("A")
    return recorder.pause().resume().succeed("B", {"done": True})


def paused_failed_retried() -> Recorder:
    return Recorder(TWO).start({}).pause().fail("A").retry().pause()


def restarted_on_a_new_version_then_terminated() -> Recorder:
    recorder = Recorder(TWO).start({"v": 1}).succeed("A", 1)
    recorder.restart({"v": 2}, replace=True, blueprint=load_blueprint(TWO, "orders", 2))
    return recorder.terminate("enough")


def timed_out() -> Recorder:
    return Recorder({**TWO, "TimeoutSeconds": 10}).start({}).fire_next()


SCENARIOS: dict[str, Callable[[], Recorder]] = {
    f.__name__: f
    for f in (
        parallel_failed_retried_and_done,
        map_with_a_retried_iteration,
        caught_then_paused_and_resumed,
        paused_failed_retried,
        restarted_on_a_new_version_then_terminated,
        timed_out,
    )
}
HISTORIES = {name: build() for name, build in SCENARIOS.items()}
