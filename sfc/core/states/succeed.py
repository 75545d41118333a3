"""The Succeed state: ends its scope successfully."""

from __future__ import annotations

from sfc.core.blueprint.model import State
from sfc.core.interpreter.outcomes import Next, Outcome
from sfc.core.interpreter.records import Thread
from sfc.core.interpreter.run import Run
from sfc.core.scope import NO_SCOPE


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """End the thread's scope with the state's output."""
    scope = run.scope(thread) if state.reads_scope else NO_SCOPE
    effective = state.flow.effective_input(thread.input, scope)
    output, assigned = state.flow.finish(thread.input, effective, scope)
    return Next(output, assigned, None)
