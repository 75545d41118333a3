"""The Wait state: waits a number of seconds, or until a timestamp."""

from __future__ import annotations

from typing import cast

import msgspec

from sfc.core.blueprint.model import State, WaitKind, WaitState
from sfc.core.failure import AslError, StatesError
from sfc.core.interpreter.outcomes import Blocked, Next, Outcome
from sfc.core.interpreter.records import AwaitTimer, Thread, TimerPurpose
from sfc.core.interpreter.run import Run
from sfc.core.timestamps import parse_timestamp
from sfc.core.types import Json


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Start the timer, or move on at once when the time has already come."""
    state = cast(WaitState, state)
    scope = run.scope(thread)
    effective = state.flow.effective_input(thread.input, scope)
    due = _due(state, state.until(effective, scope), run.now)
    if due <= run.now:
        return elapsed(run, thread)
    timer = run.start_timer(thread, TimerPurpose.WAIT, due - run.now)
    return Blocked(msgspec.structs.replace(thread, wait=AwaitTimer(timer)))


def elapsed(run: Run, thread: Thread) -> Outcome:
    """The wait is over: pass the input on."""
    state = run.state_of(thread)
    scope = run.scope(thread)
    effective = state.flow.effective_input(thread.input, scope)
    output, assigned = state.flow.finish(thread.input, effective, scope)
    return Next(output, assigned, state.next)


def _due(state: WaitState, value: Json, now: float) -> float:
    if state.kind is WaitKind.SECONDS:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if type(value) is not int or value < 0:
            raise AslError(
                StatesError.RUNTIME,
                f"The Wait state '{state.name}' needs a non-negative integer of seconds, "
                f"not {value!r}",
            )
        return now + value
    due = parse_timestamp(value)
    if due is None:
        raise AslError(
            StatesError.RUNTIME,
            f"The Wait state '{state.name}' needs an ISO-8601 timestamp such as "
            f"'2026-01-31T12:00:00Z', not {value!r}",
        )
    return due
