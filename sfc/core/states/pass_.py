"""The Pass state: passes its input, or ``Result``, on to the next state."""

from __future__ import annotations

from typing import cast

from sfc.core.blueprint.model import PassState, State
from sfc.core.interpreter.outcomes import Next, Outcome
from sfc.core.interpreter.records import Thread
from sfc.core.interpreter.run import Run
from sfc.core.scope import NO_SCOPE


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Run a Pass state: its result is ``Result`` if given, else its effective input."""
    state = cast(PassState, state)
    scope = run.scope(thread) if state.reads_scope else NO_SCOPE
    flow = state.flow
    effective = flow.effective_input(thread.input, scope)
    result = state.result if state.has_result else effective
    output, assigned = flow.finish(thread.input, result, scope)
    return Next(output, assigned, state.next)
