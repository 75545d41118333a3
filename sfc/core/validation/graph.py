"""The state graph: names, transitions within a scope, reachability and termination.

A scope (the top level, each Parallel branch, each Map processor) is closed: ``StartAt``
and every ``Next``, ``Default`` and Catcher ``Next`` must name a state of the same scope.
State names are unique across the whole blueprint, nested scopes included, because the
history and the context object name states without saying which scope they are in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import Final

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation.problems import Problem
from sfc.core.validation.structure import Outline, ScopeNode, StateNode

MAX_NAME_LENGTH: Final = 80
"""Step Functions' limit on state names (and so SFC's: names appear in ARNs and history)."""

_FLOWING: Final = frozenset({"Task", "Pass", "Wait", "Parallel", "Map", "Join"})
"""Types that continue with ``Next`` or end with ``End: true``."""


def check_graph(outline: Outline) -> list[Problem]:
    """Check names, transitions, reachability and termination in every scope."""
    problems = _check_names(outline)
    by_scope: dict[int, dict[str, StateNode]] = {}
    owner: dict[str, int] = {}
    for state in outline.states:
        by_scope.setdefault(state.scope, {}).setdefault(state.name, state)
        owner.setdefault(state.name, state.scope)
    for index, scope in enumerate(outline.scopes):
        states = by_scope.get(index, {})
        problems += _check_scope(scope, states, owner)
    return problems


def _check_names(outline: Outline) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for state in outline.states:
        if state.name in first:
            message = (
                f"State name {state.name!r} is already used at {first[state.name]}; names must "
                "be unique across the whole blueprint, nested branches included."
            )
            problems.append(Problem(state.pointer, "duplicate-state-name", message))
        else:
            first[state.name] = state.pointer
        if not state.name:
            problems.append(Problem(state.pointer, "invalid-state-name", "A state name is empty."))
        elif len(state.name) > MAX_NAME_LENGTH:
            message = (
                f"State name {state.name[:20]!r}... is {len(state.name)} characters long; "
                f"the limit is {MAX_NAME_LENGTH}."
            )
            problems.append(Problem(state.pointer, "state-name-too-long", message))
    return problems


def transitions(state: StateNode) -> Iterator[tuple[str, str]]:
    """Every ``(pointer, target)`` transition a state declares: Next, Default, rules, Catchers."""
    spec = state.spec
    if isinstance(spec.get("Next"), str):
        yield child(state.pointer, "Next"), spec["Next"]
    if state.type == "Choice":
        if isinstance(spec.get("Default"), str):
            yield child(state.pointer, "Default"), spec["Default"]
        yield from _targets(spec.get("Choices"), child(state.pointer, "Choices"))
    yield from _targets(spec.get("Catch"), child(state.pointer, "Catch"))


def _targets(items: Json, pointer: str) -> Iterator[tuple[str, str]]:
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("Next"), str):
            yield child(child(pointer, index), "Next"), item["Next"]


def _check_scope(
    scope: ScopeNode, states: Mapping[str, StateNode], owner: Mapping[str, int]
) -> list[Problem]:
    problems: list[Problem] = []
    if scope.start_at is not None and scope.start_at not in states:
        message = f"StartAt names {scope.start_at!r}, {_why_missing(scope.start_at, owner)}."
        problems.append(Problem(child(scope.pointer, "StartAt"), "start-at-missing", message))
    edges: dict[str, list[str]] = {name: [] for name in states}
    for name, state in states.items():
        problems += _check_ending(state)
        for pointer, target in transitions(state):
            if target in states:
                edges[name].append(target)
            else:
                message = (
                    f"{pointer.rsplit('/', 1)[-1]} names {target!r}, {_why_missing(target, owner)}."
                )
                problems.append(Problem(pointer, "next-missing", message))
    terminals = {name for name, state in states.items() if _is_terminal(state)}
    # A state whose Type is unusable is already reported; treating it as an ending keeps
    # that one mistake from being reported again as loops that never end.
    unknown = {name for name, state in states.items() if not state.type}
    if states and not terminals and not unknown:
        message = "No state in this scope ends it: add a Succeed or Fail state, or End: true."
        problems.append(Problem(child(scope.pointer, "States"), "no-terminal", message))
    if scope.start_at is None or scope.start_at not in states:
        return problems
    reached = _reach(scope.start_at, edges)
    for name, state in states.items():
        if name not in reached:
            message = f"State {name!r} cannot be reached from StartAt {scope.start_at!r}."
            problems.append(Problem(state.pointer, "unreachable-state", message))
    if terminals or unknown:
        reversed_edges: dict[str, list[str]] = {name: [] for name in states}
        for source, targets in edges.items():
            for target in targets:
                reversed_edges[target].append(source)
        ending = _reach_all(terminals | unknown, reversed_edges)
        for name in reached - ending:
            message = f"State {name!r} can never reach a state that ends its scope."
            problems.append(Problem(states[name].pointer, "no-terminal", message))
    return problems


def _check_ending(state: StateNode) -> list[Problem]:
    if state.type not in _FLOWING:
        return []
    has_next = "Next" in state.spec
    ends = state.spec.get("End") is True
    if has_next and ends:
        message = f"State {state.name!r} has both Next and End: true; they are mutually exclusive."
        return [Problem(state.pointer, "mutually-exclusive", message)]
    if not has_next and not ends:
        message = f"A {state.type} state must have Next or End: true; {state.name!r} has neither."
        return [Problem(state.pointer, "transition-missing", message)]
    return []


def _is_terminal(state: StateNode) -> bool:
    return state.type in ("Succeed", "Fail") or (
        state.type in _FLOWING and state.spec.get("End") is True
    )


def _why_missing(target: str, owner: Mapping[str, int]) -> str:
    if target in owner:
        return (
            "a state of another scope; transitions cannot enter or leave a Parallel branch "
            "or a Map processor"
        )
    return "but there is no such state"


def _reach(start: str, edges: Mapping[str, list[str]]) -> set[str]:
    return _reach_all({start}, edges)


def _reach_all(starts: set[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
