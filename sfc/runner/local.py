"""The local runner: drives :func:`sfc.core.decide` in a loop, without Kafka.

Jobs call local functions; timers run on the real clock or, with ``fast_timers``, on a
virtual clock that jumps to the next timer at once, so a one-hour Wait takes no time.
This is what ``sfc blueprint exec`` runs, and a Python API for tests.
"""

from __future__ import annotations

import heapq
import importlib
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from sfc.core import (
    Blueprint,
    CompleteFlow,
    Context,
    Event,
    FlowState,
    ScheduleJob,
    StartFlow,
    StartTimer,
    Status,
    TaskFailed,
    TaskSucceeded,
    TimerFired,
    decide,
)
from sfc.core.interpreter.commands import EmitEvent, HistoryEvent, Job
from sfc.core.types import Json
from sfc.errors import InputError

TaskFunction = Callable[[Json], Json]
"""A local task: takes the task's input, returns its result or raises to fail it."""


class RunResult(msgspec.Struct, frozen=True):
    """How a flow ended, in the shape ``sfc blueprint exec`` prints.

    Attributes:
        status: SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
        output: The flow's output when it succeeded.
        error: The error name when it did not.
        cause: The error cause when it did not.
    """

    status: str
    output: Json = None
    error: str | None = None
    cause: str | None = None


STALLED = "SFC.Stalled"
"""The error of a flow that waits for something that cannot happen in a local run."""


class LocalRunner:
    """Runs flows of one blueprint in this process.

    Args:
        blueprint: The compiled blueprint.
        tasks: Local functions by state name, resource URI, or task name
            (``task:<name>`` resources); looked up in that order.
        fast_timers: Run timers on a virtual clock that jumps to each timer at once.
        clock: The real clock, for timers when ``fast_timers`` is off.
        sleep: How to wait for a real timer.
        history: Keep the flow's history events (see :attr:`events`).
    """

    def __init__(
        self,
        blueprint: Blueprint,
        tasks: Mapping[str, TaskFunction] | None = None,
        *,
        fast_timers: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        history: bool = False,
    ) -> None:
        self.blueprint = blueprint
        self.tasks = dict(tasks or {})
        self.fast_timers = fast_timers
        self._clock = clock
        self._sleep = sleep
        self._history = history
        self._ids = itertools.count(1)
        self.events: list[HistoryEvent] = []
        self.flow: FlowState | None = None

    def run(self, input_: Json = None, flow_id: str | None = None) -> RunResult:
        """Run one flow to its end and say how it ended."""
        flow_id = flow_id or f"local-{next(self._ids)}"
        now = self._clock()
        inbox: deque[Event] = deque([StartFlow("start", flow_id, self.blueprint.name, input_)])
        timers: list[tuple[float, int, str]] = []
        serial = itertools.count()
        flow: FlowState | None = None
        while True:
            if inbox:
                event = inbox.popleft()
                if not self.fast_timers:
                    # Tasks take real time; timers they start must count from their end.
                    now = max(now, self._clock())
            elif timers:
                due, _, timer = heapq.heappop(timers)
                if flow is None or timer not in flow.timers:
                    continue
                now = max(now, due) if self.fast_timers else self._wait_until(due)
                event = TimerFired(f"timer-{timer}", flow_id, timer)
            else:
                self.flow = flow
                return _stalled(flow)
            decision = decide(flow, event, Context(now, self.blueprint, event.id))
            flow = decision.flow
            for command in decision.commands:
                if isinstance(command, EmitEvent):
                    continue
                if isinstance(command, ScheduleJob):
                    inbox.append(self._call(command.job))
                elif isinstance(command, StartTimer):
                    heapq.heappush(timers, (command.due, next(serial), command.timer))
                elif isinstance(command, CompleteFlow):
                    self.flow = flow
                    if self._history:
                        self._record(decision.commands)
                    return RunResult(
                        command.status.value, command.output, command.error, command.cause
                    )
            if self._history:
                self._record(decision.commands)

    def _record(self, commands: Iterable[object]) -> None:
        self.events.extend(c.event for c in commands if type(c) is EmitEvent)

    def _wait_until(self, due: float) -> float:
        delay = due - self._clock()
        if delay > 0:
            self._sleep(delay)
        return self._clock()

    def _call(self, job: Job) -> Event:
        function = self._function_for(job)
        message_id = f"result-{job.token}"
        if function is None:
            return TaskFailed(
                message_id,
                job.flow_id,
                job.token,
                "SFC.NoTaskFunction",
                f"no local function for state {job.state!r} (resource {job.resource!r}); "
                f"pass --task {job.state}=module:function",
            )
        try:
            output = function(job.input)
        except Exception as exc:  # the task's own failure, reported like a worker's
            error = getattr(exc, "error", None) or type(exc).__name__
            return TaskFailed(message_id, job.flow_id, job.token, str(error), str(exc))
        return TaskSucceeded(message_id, job.flow_id, job.token, output)

    def _function_for(self, job: Job) -> TaskFunction | None:
        tasks = self.tasks
        found = tasks.get(job.state) or tasks.get(job.resource)
        if found is None and job.resource.startswith("task:"):
            found = tasks.get(job.resource[5:].split(":")[0])
        return found


def _stalled(flow: FlowState | None) -> RunResult:
    waiting = sorted(t.state for t in flow.threads.values()) if flow else []
    return RunResult(
        Status.FAILED.value,
        error=STALLED,
        cause=f"the flow waits in {', '.join(waiting) or 'no state'} for something that "
        "cannot happen in a local run (an external event with no timeout)",
    )


def resolve_task_functions(specs: Iterable[str]) -> dict[str, TaskFunction]:
    """Resolve ``NAME=module:function`` pairs given on the command line.

    Raises:
        InputError: A pair is malformed, or its module or function cannot be loaded.
    """
    functions: dict[str, TaskFunction] = {}
    for spec in specs:
        name, sep, target = spec.partition("=")
        module_name, colon, attribute = target.partition(":")
        if not sep or not colon or not name or not module_name or not attribute:
            raise InputError(f"--task {spec!r} must look like NAME=module:function", field="task")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise InputError(
                f"--task {spec!r}: cannot import {module_name!r}: {exc}", field="task"
            ) from exc
        function: Any = getattr(module, attribute, None)
        if not callable(function):
            raise InputError(
                f"--task {spec!r}: {module_name!r} has no function {attribute!r}", field="task"
            )
        functions[name] = function
    return functions
