"""The Fail state: ends its scope with an error name and a cause."""

from __future__ import annotations

from typing import cast

from sfc.core.blueprint.model import FailState, State
from sfc.core.failure import AslError, StatesError
from sfc.core.interpreter.outcomes import Failed, Outcome
from sfc.core.interpreter.records import Thread
from sfc.core.interpreter.run import Run
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Fail with the state's Error and Cause (each may be absent)."""
    state = cast(FailState, state)
    scope = run.scope(thread)
    error = _text(state.error, thread.input, scope, "Error")
    cause = _text(state.cause, thread.input, scope, "Cause")
    return Failed(error or "", cause)


def _text(evaluator: Evaluator | None, data: Json, scope: Scope, field: str) -> str | None:
    if evaluator is None:
        return None
    value = evaluator(data, scope)
    if not isinstance(value, str):
        raise AslError(
            StatesError.RUNTIME, f"The Fail state's {field} must be a string, not {value!r}"
        )
    return value
