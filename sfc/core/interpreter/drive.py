"""Run threads through their states until each waits or ends.

Threads to run sit in the run's queue with an optional outcome already known (a job
result, a fired timer). A thread runs state after state without going back to the queue;
a child's end hands the parent its outcome; failures go through Retry and Catch.
"""

from __future__ import annotations

import msgspec

from sfc.core.blueprint.model import Catcher, Recoverable, State
from sfc.core.failure import AslError, error_matches
from sfc.core.interpreter.handlers import ENTER, PARENTS
from sfc.core.interpreter.outcomes import Blocked, Failed, Next, Outcome, error_output
from sfc.core.interpreter.records import AwaitTimer, Status, Thread, TimerPurpose
from sfc.core.interpreter.run import Run

Step = tuple[Thread, Outcome | None] | None


def drive(run: Run) -> None:
    """Run every queued thread until it waits or ends."""
    queue = run.queue
    while queue:
        thread, outcome = queue.popleft()
        if run.threads.get(thread.id) is thread:
            _advance(run, thread, outcome)


def _advance(run: Run, thread: Thread, outcome: Outcome | None) -> None:
    step: Step = (thread, outcome)
    while step is not None:
        thread, outcome = step
        state = run.state_of(thread)
        if outcome is None:
            outcome = _enter(run, thread, state)
        if type(outcome) is Next:
            step = _exit(run, thread, state, outcome)
        elif type(outcome) is Blocked:
            run.put(outcome.thread)
            step = None
        else:
            assert isinstance(outcome, Failed)
            step = _recover(run, thread, state, outcome)


def _enter(run: Run, thread: Thread, state: State) -> Outcome:
    try:
        return ENTER[state.type](run, thread, state)
    except AslError as exc:
        return Failed(exc.error, exc.cause)


def _exit(run: Run, thread: Thread, state: State, outcome: Next) -> Step:
    assigned = outcome.assigned
    if assigned:
        run.emit("StateExited", thread.id, state.name, payload=outcome.output, variables=assigned)
    else:
        run.step("StateExited", thread.id, state.name, outcome.output)
    if outcome.next is None:
        return _finish(run, thread, outcome.output)
    variables = thread.variables
    if assigned:
        variables = {**variables, **assigned} if variables else assigned
    return run.move(thread, outcome.next, outcome.output, variables), None


def _finish(run: Run, thread: Thread, output: object) -> Step:
    run.remove(thread)
    if thread.parent is None:
        run.end_flow(Status.SUCCEEDED, output)
        return None
    parent = run.threads[thread.parent]
    handlers = PARENTS[run.state_of(parent).type]
    try:
        outcome = handlers.child_done(run, parent, thread, output)
    except AslError as exc:
        outcome = Failed(exc.error, exc.cause)
    return None if outcome is None else (run.threads[parent.id], outcome)


def _recover(run: Run, thread: Thread, state: State, failure: Failed) -> Step:
    if isinstance(state, Recoverable):
        if failure.retryable and _retry(run, thread, state, failure):
            return None
        for catcher in state.catch:
            if error_matches(catcher.error_equals, failure.error):
                return _catch(run, thread, state, catcher, failure)
    return _fall(run, thread, failure)


def _retry(run: Run, thread: Thread, state: Recoverable, failure: Failed) -> bool:
    for index, retrier in enumerate(state.retry):
        if not error_matches(retrier.error_equals, failure.error):
            continue
        retries = thread.retries or (0,) * len(state.retry)
        done = retries[index]
        if done >= retrier.max_attempts:
            return False
        delay = retrier.delay(done, run.scope(thread).random.random)
        timer = run.start_timer(thread, TimerPurpose.RETRY, delay)
        counted = (*retries[:index], done + 1, *retries[index + 1 :])
        run.emit(
            "RetryScheduled",
            thread.id,
            state.name,
            error=failure.error,
            cause=failure.cause,
            attempt=thread.attempt + 1,
        )
        retrying = msgspec.structs.replace(
            thread, wait=AwaitTimer(timer, retry=True), retries=counted, attempt=thread.attempt + 1
        )
        run.put(retrying)
        run.absorb(thread)
        return True
    return False


def _catch(run: Run, thread: Thread, state: State, catcher: Catcher, failure: Failed) -> Step:
    run.emit("Caught", thread.id, state.name, error=failure.error, cause=failure.cause)
    try:
        output, assigned = catcher.flow.finish(
            thread.input, error_output(failure), run.scope(thread)
        )
    except AslError as exc:
        # The catcher's own processing failed: that error is not caught again.
        return _fall(run, thread, Failed(exc.error, exc.cause))
    run.absorb(thread)
    return thread, Next(output, assigned, catcher.next)


def _fall(run: Run, thread: Thread, failure: Failed) -> Step:
    """The thread fails for good; its parent (or the flow) takes the failure."""
    run.emit("StateFailed", thread.id, thread.state, error=failure.error, cause=failure.cause)
    run.cancel(thread)
    if thread.parent is None:
        run.end_flow(Status.FAILED, error=failure.error or None, cause=failure.cause)
        return None
    parent = run.threads.get(thread.parent)
    if parent is None:
        return None
    handlers = PARENTS[run.state_of(parent).type]
    outcome = handlers.child_failed(run, parent, thread, failure.error, failure.cause)
    return None if outcome is None else (run.threads[parent.id], outcome)
