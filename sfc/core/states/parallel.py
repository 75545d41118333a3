"""The Parallel state: runs every branch on the same input; its result is their outputs."""

from __future__ import annotations

from typing import cast

import msgspec

from sfc.core.blueprint.model import ParallelState, State
from sfc.core.interpreter.outcomes import Blocked, Failed, Next, Outcome
from sfc.core.interpreter.records import AwaitChildren, Thread
from sfc.core.interpreter.run import Run
from sfc.core.types import Json


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Start one child thread per branch."""
    state = cast(ParallelState, state)
    scope = run.scope(thread)
    effective = state.flow.effective_input(thread.input, scope)
    count = len(state.branches)
    wait = AwaitChildren(results=[None] * count, pending=count)
    parent = run.put(msgspec.structs.replace(thread, wait=wait))
    for index, machine in enumerate(state.branches):
        run.spawn(parent, machine, index, effective)
    return Blocked(parent)


def child_done(run: Run, parent: Thread, child: Thread, output: Json) -> Outcome | None:
    """A branch finished; when all have, the state's result is their outputs in order."""
    wait = parent.wait
    assert isinstance(wait, AwaitChildren)
    results = list(wait.results)
    results[child.index] = output
    if wait.pending > 1:
        updated = msgspec.structs.replace(wait, results=results, pending=wait.pending - 1)
        run.put(msgspec.structs.replace(parent, wait=updated))
        return None
    state = run.state_of(parent)
    output, assigned = state.flow.finish(parent.input, results, run.scope(parent))
    return Next(output, assigned, state.next)


def child_failed(
    run: Run, parent: Thread, child: Thread, error: str, cause: str | None
) -> Outcome | None:
    """A branch failed: stop the others; the state fails with the branch's error."""
    run.cancel_children(parent)
    return Failed(error, cause)
