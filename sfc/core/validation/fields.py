"""Rules between the fields of a state: exclusions, query languages, limits, error names.

A schema checks each field alone; these rules look at several fields at once, or at the
state's query language, which a field inherits from its state or the blueprint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from sfc.core.failure.names import PREDEFINED, StatesError
from sfc.core.jsonata import is_jsonata
from sfc.core.pointer import child
from sfc.core.timestamps import parse_timestamp
from sfc.core.types import Json
from sfc.core.validation.problems import Problem
from sfc.core.validation.structure import JSONATA, JSONPATH, Outline, StateNode

_EXCLUSIVE: Final[Mapping[str, tuple[tuple[str, ...], ...]]] = {
    "Task": (
        ("TimeoutSeconds", "TimeoutSecondsPath"),
        ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ),
    "Fail": (("Error", "ErrorPath"), ("Cause", "CausePath")),
    "Map": (
        ("ItemProcessor", "Iterator"),
        ("ItemSelector", "Parameters"),
        ("MaxConcurrency", "MaxConcurrencyPath"),
        ("ToleratedFailureCount", "ToleratedFailureCountPath"),
        ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ),
    "Join": (("TimeoutSeconds", "TimeoutSecondsPath"),),
}
"""Pairs of fields of which a state may have at most one."""

_ONE_OF: Final[Mapping[str, tuple[str, ...]]] = {
    "Wait": ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
    "Map": ("ItemProcessor", "Iterator"),
}
"""Fields of which a state must have one (and, for Wait, only one)."""

JSONPATH_ONLY: Final = frozenset(
    {
        "InputPath",
        "OutputPath",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "Result",
        "ItemsPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "SecondsPath",
        "TimestampPath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
        "ErrorPath",
        "CausePath",
        "MaxItemsPath",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatchPath",
        "CorrelationKeyPath",
    }
)
"""Fields that only JSONPath states may have, at any depth of a state."""

JSONATA_ONLY: Final = frozenset({"Arguments", "Output", "Items", "CorrelationKey"})
"""Fields that only JSONata states may have, at any depth of a state."""

_VALUE_FIELDS: Final = frozenset(
    {
        "TimeoutSeconds",
        "HeartbeatSeconds",
        "Seconds",
        "MaxConcurrency",
        "ToleratedFailureCount",
        "ToleratedFailurePercentage",
        "MaxItems",
        "MaxItemsPerBatch",
        "MaxInputBytesPerBatch",
    }
)
"""Fields that take a number, or in JSONata states a ``{% %}`` expression instead."""

_NESTED: Final = ("ItemReader", "ItemBatcher", "ResultWriter")
_ALL: Final = StatesError.ALL.value
_KNOWN_ERRORS: Final = PREDEFINED | {"States.Http.Socket"}
"""Reserved error names a Retrier or Catcher may name (the last is AWS's HTTP Task error)."""


def check_fields(outline: Outline) -> list[Problem]:
    """Check exclusions, query languages, limits and error names of every state."""
    problems: list[Problem] = []
    for state in outline.states:
        if not state.type:
            continue
        problems += _exclusions(state)
        problems += _languages(state, outline.language)
        problems += _limits(state)
        for field in ("Retry", "Catch"):
            problems += _error_names(state, field)
        if state.type == "Join":
            problems += _join_events(state)
    return problems


def _exclusions(state: StateNode) -> list[Problem]:
    spec, problems = state.spec, []
    for pair in _EXCLUSIVE.get(state.type, ()):
        if all(field in spec for field in pair):
            problems.append(_exclusive(state.pointer, pair, f"State {state.name!r}"))
    one_of = _ONE_OF.get(state.type)
    if one_of:
        present = [field for field in one_of if field in spec]
        if not present:
            shown = ", ".join(one_of)
            message = f"A {state.type} state must have one of {shown}; {state.name!r} has none."
            problems.append(Problem(state.pointer, "missing-field", message))
        elif len(present) > 1 and state.type == "Wait":
            problems.append(_exclusive(state.pointer, tuple(present), f"State {state.name!r}"))
    reader = spec.get("ItemReader")
    config = reader.get("ReaderConfig") if isinstance(reader, dict) else None
    if isinstance(config, dict) and "MaxItems" in config and "MaxItemsPath" in config:
        where = child(child(state.pointer, "ItemReader"), "ReaderConfig")
        problems.append(_exclusive(where, ("MaxItems", "MaxItemsPath"), "ReaderConfig"))
    batcher = spec.get("ItemBatcher")
    if isinstance(batcher, dict):
        for field in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
            if field in batcher and f"{field}Path" in batcher:
                where = child(state.pointer, "ItemBatcher")
                problems.append(_exclusive(where, (field, f"{field}Path"), "ItemBatcher"))
    return problems


def _exclusive(pointer: str, fields: tuple[str, ...], where: str) -> Problem:
    shown = " and ".join(fields)
    return Problem(pointer, "mutually-exclusive", f"{where} has {shown}; use only one of them.")


def _languages(state: StateNode, top: str) -> list[Problem]:
    problems: list[Problem] = []
    if top == JSONATA and state.spec.get("QueryLanguage") == JSONPATH:
        message = (
            "QueryLanguage is JSONPath in a blueprint whose QueryLanguage is JSONata; a "
            "JSONata blueprint cannot go back to JSONPath states."
        )
        where = child(state.pointer, "QueryLanguage")
        problems.append(Problem(where, "wrong-query-language", message))
    forbidden = JSONATA_ONLY if state.language == JSONPATH else JSONPATH_ONLY
    for pointer, field, value in _fields_in(state):
        if field in forbidden:
            message = (
                f"Field {field!r} cannot be used in state {state.name!r}, whose query "
                f"language is {state.language}."
            )
            problems.append(Problem(pointer, "wrong-query-language", message))
        elif state.language == JSONPATH and field in _VALUE_FIELDS and is_jsonata(value):
            message = (
                f"{field} is a {{% %}} expression, but state {state.name!r} uses JSONPath; "
                f"use {field}Path or a number."
            )
            problems.append(Problem(pointer, "wrong-query-language", message))
    return problems


def _fields_in(state: StateNode) -> Iterator[tuple[str, str, Json]]:
    """Every field of a state that a query language rule concerns, with its pointer."""
    for field, value in state.spec.items():
        yield child(state.pointer, field), field, value
    for field in _NESTED:
        nested = state.spec.get(field)
        if isinstance(nested, dict):
            where = child(state.pointer, field)
            for key, value in nested.items():
                yield child(where, key), key, value
            config = nested.get("ReaderConfig")
            if isinstance(config, dict):
                for key, value in config.items():
                    yield child(child(where, "ReaderConfig"), key), key, value
    for field in ("Catch", "Choices", "Events"):
        for pointer, item in _items(state, field):
            for key, value in item.items():
                if field != "Choices" or key == "Output":
                    yield child(pointer, key), key, value


def _items(state: StateNode, field: str) -> Iterator[tuple[str, dict[str, Json]]]:
    items = state.spec.get(field)
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict):
            yield child(child(state.pointer, field), index), item


def _limits(state: StateNode) -> list[Problem]:
    spec, problems = state.spec, []
    timeout, heartbeat = spec.get("TimeoutSeconds"), spec.get("HeartbeatSeconds")
    if isinstance(timeout, int) and isinstance(heartbeat, int) and heartbeat >= timeout:
        message = (
            f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout}), "
            "or the heartbeat could never fire before the timeout."
        )
        where = child(state.pointer, "HeartbeatSeconds")
        problems.append(Problem(where, "heartbeat-too-long", message))
    stamp = spec.get("Timestamp")
    if isinstance(stamp, str) and not is_jsonata(stamp) and parse_timestamp(stamp) is None:
        message = (
            f"Timestamp {stamp!r} is not an RFC 3339 date-time with an upper-case T and a "
            "zone, such as 2026-03-14T01:59:00Z."
        )
        problems.append(Problem(child(state.pointer, "Timestamp"), "schema", message))
    return problems


def _error_names(state: StateNode, field: str) -> list[Problem]:
    problems: list[Problem] = []
    handlers = list(_items(state, field))
    for position, (pointer, handler) in enumerate(handlers):
        names = handler.get("ErrorEquals")
        if not isinstance(names, list):
            continue
        where = child(pointer, "ErrorEquals")
        if _ALL in names and (len(names) > 1 or position != len(handlers) - 1):
            message = (
                f"States.ALL must be alone in its ErrorEquals and in the last element of "
                f"{field}; here it is in {field}[{position}] of {len(handlers)}"
                + (f" with {len(names) - 1} other name(s)." if len(names) > 1 else ".")
            )
            problems.append(Problem(where, "states-all-not-last", message))
        for index, name in enumerate(names):
            if isinstance(name, str) and name.startswith("States.") and name not in _KNOWN_ERRORS:
                message = (
                    f"{name!r} is not a predefined error name; names starting 'States.' "
                    "are reserved."
                )
                problems.append(Problem(child(where, index), "unknown-error-name", message))
    return problems


def _join_events(state: StateNode) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    key_field = "CorrelationKeyPath" if state.language == JSONPATH else "CorrelationKey"
    for pointer, event in _items(state, "Events"):
        index = int(pointer.rsplit("/", 1)[1])
        name = event.get("Name")
        if isinstance(name, str):
            if name in seen:
                message = f"Event name {name!r} is already used by Events[{seen[name]}]."
                problems.append(Problem(child(pointer, "Name"), "duplicate-event-name", message))
            else:
                seen[name] = index
        keys = [field for field in ("CorrelationKeyPath", "CorrelationKey") if field in event]
        if len(keys) == 2:
            problems.append(_exclusive(pointer, tuple(keys), f"Events[{index}]"))
        elif not keys:
            message = (
                f"Events[{index}] must say where the correlation key comes from: {key_field} "
                f"in a {state.language} state."
            )
            problems.append(Problem(pointer, "missing-field", message))
    return problems
