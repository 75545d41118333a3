"""Walk a blueprint: check each object field by field against the schema, and outline it.

The outline lists every *scope* (the top-level machine, each Parallel branch, each Map
processor) and every state with the facts the other checks need: its pointer, type,
effective query language and scope. States whose ``Type`` is unusable are kept in the
outline (so that transitions to them resolve) but get no further checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation import schema
from sfc.core.validation.problems import Problem

JSONPATH: Final = "JSONPath"
JSONATA: Final = "JSONata"
STATE_TYPES: Final = (
    "Task",
    "Pass",
    "Choice",
    "Wait",
    "Succeed",
    "Fail",
    "Parallel",
    "Map",
    "Join",
)

_DESCENT: Final = frozenset({"states", "branch", "processor"})
"""Definitions the walker enters itself, as scopes, instead of checking them as values."""

_LABELS: Final = {
    "machine": "the blueprint",
    "branch": "a Parallel branch",
    "processor": "a Map processor",
    "retrier": "a Retrier",
    "catcher": "a Catcher",
    "choiceRule": "a Choice rule",
    "joinEvent": "a Join event",
    "trigger": "a Trigger",
    "itemReader": "ItemReader",
    "itemBatcher": "ItemBatcher",
    "resultWriter": "ResultWriter",
    "readerConfig": "ReaderConfig",
    "processorConfig": "ProcessorConfig",
}


class StateNode(msgspec.Struct, frozen=True):
    """One state, as the semantic checks see it.

    Attributes:
        name: The state's name.
        spec: The state as written.
        pointer: Its JSON pointer.
        type: Its ``Type``, or ``""`` when that is missing or unknown.
        language: Its effective query language, ``"JSONPath"`` or ``"JSONata"``.
        scope: Index of its scope in :attr:`Outline.scopes`.
    """

    name: str
    spec: Mapping[str, Json]
    pointer: str
    type: str
    language: str
    scope: int


class ScopeNode(msgspec.Struct, frozen=True):
    """A set of states that may transition to each other.

    Attributes:
        pointer: JSON pointer of the object holding ``StartAt`` and ``States``.
        start_at: The ``StartAt`` value when it is a string.
        names: Names of the scope's states, in order.
        parent: Index of the enclosing scope; None for the top level.
    """

    pointer: str
    start_at: str | None
    names: tuple[str, ...]
    parent: int | None


class Outline(msgspec.Struct, frozen=True):
    """Every scope and every state of a blueprint, in document order.

    Attributes:
        language: The top-level query language.
        scopes: The scopes; index 0 is the top level when the blueprint has one.
        states: The states of all scopes.
    """

    language: str
    scopes: tuple[ScopeNode, ...]
    states: tuple[StateNode, ...]


def outline(definition: Json) -> tuple[Outline, list[Problem]]:
    """Check the structure of a blueprint and list its scopes and states."""
    walker = _Walker()
    if not isinstance(definition, dict):
        problem = Problem(
            "", "schema", f"A blueprint must be a JSON object, not {_kind(definition)}."
        )
        return Outline(JSONPATH, (), ()), [problem]
    walker.check_object("machine", definition, "", _LABELS["machine"])
    language = definition.get("QueryLanguage")
    top = language if language in (JSONPATH, JSONATA) else JSONPATH
    walker.scope(definition, "", top, None)
    return Outline(top, tuple(walker.scopes), tuple(walker.states)), walker.problems


class _Walker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.scopes: list[ScopeNode] = []
        self.states: list[StateNode] = []

    def check_object(self, name: str, value: dict[str, Json], pointer: str, label: str) -> None:
        body = schema.definition(name)
        properties: Mapping[str, Any] = body.get("properties", {})
        for field in body.get("required", ()):
            if field not in value:
                self.problems.append(
                    Problem(pointer, "missing-field", f"{label} must have a field {field!r}.")
                )
        for field, item in value.items():
            where = child(pointer, field)
            if field not in properties:
                if body.get("additionalProperties", True) is False:
                    message = f"Field {field!r} is not allowed in {label}."
                    self.problems.append(Problem(where, "field-not-allowed", message))
                continue
            self._check_field(name, field, properties[field], item, where)

    def _check_field(
        self, name: str, field: str, spec: Mapping[str, Any], value: Json, pointer: str
    ) -> None:
        target = schema.ref_target(spec)
        if target in _DESCENT:
            self._check_descent(target, value, pointer, field)
            return
        body = schema.definition(target) if target is not None else spec
        if target is not None and "properties" in body:
            if not isinstance(value, dict):
                self._add(schema.check(target, value, pointer, field))
            else:
                self.check_object(
                    target, value, pointer, f"{field} ({_LABELS.get(target, target)})"
                )
            return
        items = body.get("items")
        item_target = schema.ref_target(items) if isinstance(items, dict) else None
        if item_target is None:
            self._add(schema.check(schema.field_piece(name, field), value, pointer, field))
            return
        piece = schema.shallow_definition(target) if target else schema.shallow(name, field)
        problem = schema.check(piece, value, pointer, field)
        self._add(problem)
        if problem is not None or not isinstance(value, list) or item_target in _DESCENT:
            return
        has_fields = "properties" in schema.definition(item_target)
        for index, element in enumerate(value):
            where, shown = child(pointer, index), f"{field}[{index}]"
            if has_fields and isinstance(element, dict):
                self.check_object(item_target, element, where, f"{shown} ({_LABELS[item_target]})")
            else:
                self._add(schema.check(item_target, element, where, shown))

    def _check_descent(self, target: str, value: Json, pointer: str, field: str) -> None:
        # The scopes themselves are checked when the walker enters them; only the shape here.
        if target == "states":
            if not isinstance(value, dict) or not value:
                message = f"{field} must be a non-empty object of states, not {_kind(value)}."
                self.problems.append(Problem(pointer, "schema", message))
        elif not isinstance(value, dict):
            message = f"{field} must be an object with StartAt and States, not {_kind(value)}."
            self.problems.append(Problem(pointer, "schema", message))

    def _add(self, problem: Problem | None) -> None:
        if problem is not None:
            self.problems.append(problem)

    def scope(
        self, holder: dict[str, Json], pointer: str, language: str, parent: int | None
    ) -> None:
        index = len(self.scopes)
        states = holder.get("States")
        states = states if isinstance(states, dict) else {}
        start_at = holder.get("StartAt")
        node = ScopeNode(
            pointer,
            start_at if isinstance(start_at, str) else None,
            tuple(states),
            parent,
        )
        self.scopes.append(node)
        states_pointer = child(pointer, "States")
        for name, spec in states.items():
            self._state(name, spec, child(states_pointer, name), language, index)

    def _state(self, name: str, spec: Json, pointer: str, inherited: str, scope: int) -> None:
        if not isinstance(spec, dict):
            message = f"State {name!r} must be a JSON object, not {_kind(spec)}."
            self.problems.append(Problem(pointer, "schema", message))
            self.states.append(StateNode(name, {}, pointer, "", inherited, scope))
            return
        declared = spec.get("QueryLanguage")
        language = declared if declared in (JSONPATH, JSONATA) else inherited
        kind = spec.get("Type")
        if kind not in STATE_TYPES:
            if "Type" not in spec:
                message = f"State {name!r} must have a field 'Type'."
                self.problems.append(Problem(pointer, "missing-field", message))
            else:
                shown = ", ".join(STATE_TYPES)
                message = f"Type of state {name!r} must be one of {shown}, not {kind!r}."
                self.problems.append(Problem(child(pointer, "Type"), "schema", message))
            self.states.append(StateNode(name, spec, pointer, "", language, scope))
            return
        self.check_object(kind, spec, pointer, f"a {kind} state")
        self.states.append(StateNode(name, spec, pointer, kind, language, scope))
        if kind == "Parallel":
            branches = spec.get("Branches")
            for index, branch in enumerate(branches if isinstance(branches, list) else ()):
                where = child(child(pointer, "Branches"), index)
                if not isinstance(branch, dict):
                    message = f"Branches[{index}] must be an object with StartAt and States."
                    self.problems.append(Problem(where, "schema", message))
                    continue
                self.check_object("branch", branch, where, f"Branches[{index}]")
                self.scope(branch, where, language, scope)
        elif kind == "Map":
            for field in ("ItemProcessor", "Iterator"):
                processor = spec.get(field)
                if isinstance(processor, dict):
                    where = child(pointer, field)
                    self.check_object("processor", processor, where, field)
                    self.scope(processor, where, language, scope)


def _kind(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number"
