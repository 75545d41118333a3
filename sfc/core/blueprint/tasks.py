"""Task definitions: versioned defaults for the Task states that name them.

A task definition is a JSON object with any of ``TimeoutSeconds``, ``HeartbeatSeconds``
and ``Retry`` (plus a ``Comment``). A Task whose resource is ``task:<name>:<version>``
uses that version; a Task written ``task:<name>`` uses the version that was the latest
when its blueprint version was deployed (its *pin*), so a new task definition changes no
deployed blueprint. Fields the Task state sets itself win over the definition's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation import InvalidBlueprintError, Problem, validate

FIELDS: Final = ("TimeoutSeconds", "HeartbeatSeconds", "Retry")
"""What a task definition may set for the Task states that use it."""

_EXCLUSIVE: Final = {
    "TimeoutSeconds": ("TimeoutSeconds", "TimeoutSecondsPath"),
    "HeartbeatSeconds": ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    "Retry": ("Retry",),
}

Lookup = Callable[[str, int], Json | None]
"""Finds a task definition by name and version (None when there is none)."""


class InvalidTaskDefinitionError(InvalidBlueprintError):
    """A task definition failed validation; ``problems`` point into it."""

    code = "sfc.invalid_task_definition"


def validate_task_definition(definition: Json) -> list[Problem]:
    """Check a task definition; problems point into the definition itself."""
    if not isinstance(definition, dict):
        return [Problem("", "schema", "A task definition must be a JSON object.")]
    problems = [
        Problem(child("", key), "field-not-allowed", f"{key} is not a task definition field.")
        for key in definition
        if key not in (*FIELDS, "Comment")
    ]
    probe = {"Type": "Task", "Resource": "task:probe", "End": True}
    probe.update({k: v for k, v in definition.items() if k in FIELDS})
    prefix = "/States/T"
    for problem in validate({"StartAt": "T", "States": {"T": probe}}):
        if problem.pointer.startswith(prefix):
            problems.append(Problem(problem.pointer[len(prefix) :], problem.code, problem.message))
    return problems


def task_references(definition: Json) -> Iterator[tuple[str, int | None]]:
    """Every ``task:`` resource of a blueprint, as (name, version or None)."""
    for state in _task_states(definition):
        resource = state.get("Resource")
        if isinstance(resource, str) and resource.startswith("task:"):
            name, _, version = resource[5:].partition(":")
            yield name, int(version) if version.isdigit() else None


def apply_task_definitions(definition: Json, pins: Mapping[str, int], lookup: Lookup) -> Json:
    """A copy of the blueprint where each Task uses its task definition.

    Each ``task:`` resource gets its version written out (the pin for unversioned ones)
    and the definition's fields the state does not set itself.
    """
    return _rewrite(definition, pins, lookup)


def _rewrite(node: Json, pins: Mapping[str, int], lookup: Lookup) -> Json:
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = dict(node)
    if isinstance(copy.get("States"), dict):
        copy["States"] = {
            name: _rewrite_state(state, pins, lookup) for name, state in copy["States"].items()
        }
    return copy


def _rewrite_state(state: Json, pins: Mapping[str, int], lookup: Lookup) -> Json:
    if not isinstance(state, dict):
        return state
    state = dict(state)
    for key in ("Branches",):
        if isinstance(state.get(key), list):
            state[key] = [_rewrite(branch, pins, lookup) for branch in state[key]]
    for key in ("ItemProcessor", "Iterator"):
        if key in state:
            state[key] = _rewrite(state[key], pins, lookup)
    resource = state.get("Resource")
    if state.get("Type") != "Task" or not isinstance(resource, str):
        return state
    if not resource.startswith("task:"):
        return state
    name, _, written = resource[5:].partition(":")
    version = int(written) if written.isdigit() else pins.get(name)
    if version is None:
        return state
    found = lookup(name, version)
    state["Resource"] = f"task:{name}:{version}"
    if isinstance(found, dict):
        for field, exclusive in _EXCLUSIVE.items():
            if field in found and not any(k in state for k in exclusive):
                state[field] = found[field]
    return state


def _task_states(node: Json) -> Iterator[dict[str, Any]]:
    if not isinstance(node, dict) or not isinstance(node.get("States"), dict):
        return
    for state in node["States"].values():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Task":
            yield state
        for branch in state.get("Branches", ()) or ():
            yield from _task_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            yield from _task_states(state.get(key))
