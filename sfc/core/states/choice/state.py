"""The Choice state: the first rule that holds picks the next state."""

from __future__ import annotations

from typing import cast

from sfc.core.blueprint.model import ChoiceState, State
from sfc.core.failure import StatesError
from sfc.core.interpreter.outcomes import Failed, Next, Outcome
from sfc.core.interpreter.records import Thread
from sfc.core.interpreter.run import Run


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Evaluate the rules in order; fall back to ``Default``; else States.NoChoiceMatched."""
    state = cast(ChoiceState, state)
    scope = run.scope(thread)
    effective = state.flow.effective_input(thread.input, scope)
    for branch in state.choices:
        if branch.predicate(effective, scope):
            output, assigned = branch.flow.finish(thread.input, effective, scope)
            return Next(output, assigned, branch.next)
    if state.default is None:
        return Failed(
            StatesError.NO_CHOICE_MATCHED,
            f"No Choice Rules matched and no Default was specified in state '{state.name}'",
        )
    output, assigned = state.flow.finish(thread.input, effective, scope)
    return Next(output, assigned, state.default)
