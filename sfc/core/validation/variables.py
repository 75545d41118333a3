"""Workflow variables: the names ``Assign`` may use, and which scope may assign them.

Following Step Functions: a variable name is an identifier and ``states`` is reserved
(``$states`` is JSONata's view of the state). A Parallel branch or Map processor runs in
a scope of its own that can read the variables of the scopes around it, but may not
assign a variable that an enclosing scope assigns; what a branch or iteration computes
leaves it through its output only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation.problems import Problem
from sfc.core.validation.structure import JSONPATH, Outline, StateNode

RESERVED: Final = frozenset({"states"})
MAX_NAME_LENGTH: Final = 80


def check_variables(outline: Outline) -> list[Problem]:
    """Check every ``Assign`` of every state, Choice rule and Catcher."""
    problems: list[Problem] = []
    assigned: dict[int, dict[str, str]] = {}
    for state in outline.states:
        for pointer, key, name in _assignments(state):
            problem = _check_name(pointer, key, name, state.language)
            if problem is not None:
                problems.append(problem)
                continue
            assigned.setdefault(state.scope, {}).setdefault(name, pointer)
    for state in outline.states:
        enclosing = outline.scopes[state.scope].parent if outline.scopes else None
        for pointer, _key, name in _assignments(state):
            scope = enclosing
            while scope is not None:
                outer = assigned.get(scope, {}).get(name)
                if outer is not None:
                    message = (
                        f"Variable {name!r} is assigned at {outer}, in a scope enclosing this "
                        "branch or processor, which may read it but not assign it."
                    )
                    problems.append(Problem(pointer, "variable-scope", message))
                    break
                scope = outline.scopes[scope].parent
    return problems


def _assignments(state: StateNode) -> Iterator[tuple[str, str, str]]:
    """``(pointer, key, variable name)`` of every assignment a state makes."""
    yield from _pairs(state.spec.get("Assign"), child(state.pointer, "Assign"), state.language)
    for field in ("Choices", "Catch"):
        items = state.spec.get(field)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict):
                where = child(child(child(state.pointer, field), index), "Assign")
                yield from _pairs(item.get("Assign"), where, state.language)


def _pairs(assign: Json, pointer: str, language: str) -> Iterator[tuple[str, str, str]]:
    if not isinstance(assign, dict):
        return
    for key in assign:
        name = key[:-2] if language == JSONPATH and key.endswith(".$") else key
        yield child(pointer, key), key, name


def _check_name(pointer: str, key: str, name: str, language: str) -> Problem | None:
    if key.endswith(".$") and language != JSONPATH:
        message = f"Assign key {key!r} ends in '.$', which only JSONPath states use."
        return Problem(pointer, "invalid-variable-name", message)
    # Step Functions follows Unicode identifiers (UAX #31), as str.isidentifier() does.
    if not name.isidentifier():
        message = (
            f"{name!r} is not a valid variable name: use letters, digits and '_', "
            "not starting with a digit."
        )
        return Problem(pointer, "invalid-variable-name", message)
    if len(name) > MAX_NAME_LENGTH:
        message = f"Variable name {name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters."
        return Problem(pointer, "invalid-variable-name", message)
    if name in RESERVED:
        return Problem(pointer, "invalid-variable-name", f"Variable name {name!r} is reserved.")
    return None
