"""The Map state: runs its processor once per item; its result is their outputs."""

from __future__ import annotations

from typing import cast

import msgspec

from sfc.core.blueprint.model import MapState, State
from sfc.core.failure import AslError, StatesError
from sfc.core.interpreter.outcomes import Blocked, Failed, Next, Outcome, error_output
from sfc.core.interpreter.records import AwaitChildren, Thread
from sfc.core.interpreter.run import Run
from sfc.core.states.numbers import percentage, whole_number
from sfc.core.types import Json


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Work out every iteration's input and start as many as MaxConcurrency allows."""
    state = cast(MapState, state)
    scope = run.scope(thread)
    effective = state.flow.effective_input(thread.input, scope)
    items = state.items(effective, scope)
    if not isinstance(items, list):
        raise AslError(
            StatesError.RUNTIME,
            f"The Map state '{state.name}' needs an array of items, not {type(items).__name__}",
        )
    inputs = _iteration_inputs(run, thread, state, effective, items)
    if not inputs:
        output, assigned = state.flow.finish(thread.input, [], scope)
        return Next(output, assigned, state.next)
    limit = whole_number(state.max_concurrency, effective, scope, "MaxConcurrency", 0) or 0
    started = len(inputs) if limit == 0 else min(limit, len(inputs))
    wait = AwaitChildren(
        results=[None] * len(inputs),
        pending=len(inputs),
        inputs=inputs,
        started=started,
        limit=limit,
        tolerated_count=whole_number(
            state.tolerated_count, effective, scope, "ToleratedFailureCount", 0
        ),
        tolerated_percentage=percentage(
            state.tolerated_percentage, effective, scope, "ToleratedFailurePercentage"
        ),
    )
    parent = run.put(msgspec.structs.replace(thread, wait=wait))
    for index in range(started):
        run.spawn(parent, state.processor, index, inputs[index])
    return Blocked(parent)


def _iteration_inputs(
    run: Run, thread: Thread, state: MapState, effective: Json, items: list[Json]
) -> list[Json]:
    selector = state.item_input
    if selector is None:
        return items
    return [
        selector(effective, run.scope(thread, item=(index, item)))
        for index, item in enumerate(items)
    ]


def child_done(run: Run, parent: Thread, child: Thread, output: Json) -> Outcome | None:
    """An iteration finished: record it, start the next one, or finish the state."""
    return _settle(run, parent, child, output)


def child_failed(
    run: Run, parent: Thread, child: Thread, error: str, cause: str | None
) -> Outcome | None:
    """An iteration failed: tolerate it if the thresholds allow, else fail the state."""
    wait = parent.wait
    assert isinstance(wait, AwaitChildren)
    failures = wait.failures + 1
    tolerates = wait.tolerated_count is not None or wait.tolerated_percentage is not None
    if not tolerates or _exceeds(wait, failures):
        run.cancel_children(parent)
        if not tolerates:
            return Failed(error, cause)
        return Failed(
            StatesError.EXCEED_TOLERATED_FAILURE_THRESHOLD,
            f"The Map state failed: {failures} of {len(wait.results)} iterations failed, "
            "more than its tolerated failure threshold",
        )
    counted = msgspec.structs.replace(wait, failures=failures)
    parent = run.put(msgspec.structs.replace(parent, wait=counted))
    run.absorb(child, itself=True)
    return _settle(run, parent, child, error_output(Failed(error, cause)))


def _exceeds(wait: AwaitChildren, failures: int) -> bool:
    if wait.tolerated_count is not None and failures > wait.tolerated_count:
        return True
    percentage = wait.tolerated_percentage
    return percentage is not None and failures * 100 > percentage * len(wait.results)


def _settle(run: Run, parent: Thread, child: Thread, output: Json) -> Outcome | None:
    wait = parent.wait
    assert isinstance(wait, AwaitChildren)
    state = cast(MapState, run.state_of(parent))
    results = list(wait.results)
    results[child.index] = output
    pending = wait.pending - 1
    if pending == 0:
        output, assigned = state.flow.finish(parent.input, results, run.scope(parent))
        return Next(output, assigned, state.next)
    started = wait.started
    updated = msgspec.structs.replace(wait, results=results, pending=pending)
    if started < len(wait.inputs):
        updated = msgspec.structs.replace(updated, started=started + 1)
    parent = run.put(msgspec.structs.replace(parent, wait=updated))
    if started < len(wait.inputs):
        run.spawn(parent, state.processor, started, wait.inputs[started])
    return None
