"""The Join state (SFC): waits for external events correlated to the flow by a key."""

from __future__ import annotations

from typing import cast

import msgspec

from sfc.core.blueprint.model import JoinMode, JoinState, State
from sfc.core.failure import StatesError
from sfc.core.interpreter.commands import Subscribe, Unsubscribe
from sfc.core.interpreter.outcomes import Blocked, Failed, Next, Outcome
from sfc.core.interpreter.records import AwaitEvents, Thread, TimerPurpose
from sfc.core.interpreter.run import Run
from sfc.core.states.numbers import whole_number
from sfc.core.types import Json


def correlation_key(value: Json) -> str:
    """The text form of a correlation key: strings as they are, other JSON encoded."""
    return value if isinstance(value, str) else msgspec.json.encode(value).decode()


def enter(run: Run, thread: Thread, state: State) -> Outcome:
    """Work out the keys, take events that already arrived, and wait for the rest."""
    state = cast(JoinState, state)
    scope = run.scope(thread)
    effective = state.flow.effective_input(thread.input, scope)
    keys = {event.name: correlation_key(event.key(effective, scope)) for event in state.events}
    # Evaluated before the mailbox is read, so that a bad value fails the state without
    # consuming events that a Catch or Retry could still use.
    timeout = whole_number(state.timeout, thread.input, scope, "TimeoutSeconds", 1)
    received = _take_mail(run, state, keys)
    if _satisfied(state, received):
        return _finish(run, thread, state, received)
    timer = None
    if timeout is not None:
        timer = run.start_timer(thread, TimerPurpose.JOIN_TIMEOUT, timeout)
    for event in state.events:
        if event.name not in received:
            run.commands.append(Subscribe(event.name, keys[event.name], event.source))
    return Blocked(msgspec.structs.replace(thread, wait=AwaitEvents(keys, received, timer)))


def _take_mail(run: Run, state: JoinState, keys: dict[str, str]) -> dict[str, Json]:
    """Take the events that arrived early, oldest first, until the Mode is satisfied."""
    received: dict[str, Json] = {}
    for mail in list(run.mailbox):
        if _satisfied(state, received):
            break
        if keys.get(mail.name) == mail.key and mail.name not in received:
            received[mail.name] = mail.payload
            run.mailbox.remove(mail)
    return received


def accepts(thread: Thread, name: str, key: str) -> bool:
    """Whether ``thread`` is a Join waiting for this event."""
    wait = thread.wait
    return (
        isinstance(wait, AwaitEvents) and wait.keys.get(name) == key and name not in wait.received
    )


def received(run: Run, thread: Thread, name: str, payload: Json) -> Outcome | None:
    """An awaited event arrived; finish when the Join's Mode is satisfied."""
    wait = thread.wait
    assert isinstance(wait, AwaitEvents)
    state = cast(JoinState, run.state_of(thread))
    got = {**wait.received, name: payload}
    run.commands.append(Unsubscribe(name, wait.keys[name]))
    if not _satisfied(state, got):
        run.put(msgspec.structs.replace(thread, wait=msgspec.structs.replace(wait, received=got)))
        return None
    _stop_waiting(run, wait, got)
    return _finish(run, thread, state, got)


def timed_out(run: Run, thread: Thread) -> Outcome:
    """The Join's timeout fired before its events arrived."""
    wait = thread.wait
    assert isinstance(wait, AwaitEvents)
    _stop_waiting(run, wait, wait.received)
    missing = sorted(set(wait.keys) - set(wait.received))
    return Failed(StatesError.TIMEOUT, f"Join timed out waiting for {', '.join(missing)}")


def _stop_waiting(run: Run, wait: AwaitEvents, got: dict[str, Json]) -> None:
    run.cancel_timer(wait.timer)
    for name, key in wait.keys.items():
        if name not in got:
            run.commands.append(Unsubscribe(name, key))


def _satisfied(state: JoinState, received: dict[str, Json]) -> bool:
    if state.mode is JoinMode.ANY:
        return bool(received)
    return len(received) == len(state.events)


def _finish(run: Run, thread: Thread, state: JoinState, got: dict[str, Json]) -> Outcome:
    result = {event.name: got[event.name] for event in state.events if event.name in got}
    output, assigned = state.flow.finish(thread.input, result, run.scope(thread))
    return Next(output, assigned, state.next)
