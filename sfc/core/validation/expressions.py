"""Expressions inside fields: paths, payload templates, intrinsics, JSONata, Choice rules.

Each is compiled with the module the interpreter uses, so that what validates is what
runs; a compile error becomes a :class:`Problem` at the pointer the compiler names.
Templates are compiled one ``.$`` field and one ``{% %}`` string at a time, so that every
bad expression is reported, not only the first of each field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from sfc.core.intrinsics import IntrinsicSyntaxError, compile_intrinsic, is_intrinsic
from sfc.core.jsonata import compile_jsonata_template, is_jsonata
from sfc.core.paths import PathSyntaxError, compile_path, compile_reference_path
from sfc.core.payload import compile_payload
from sfc.core.pointer import child
from sfc.core.states.choice.rules import compile_rule
from sfc.core.types import Json
from sfc.core.validation.problems import Problem
from sfc.core.validation.structure import JSONPATH, Outline, StateNode
from sfc.errors import SfcError

_PATHS: Final = (
    "InputPath",
    "OutputPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_PATH_OR_INTRINSIC: Final = ("ErrorPath", "CausePath")
_TEMPLATES: Final = ("Parameters", "ResultSelector", "ItemSelector", "Assign", "Credentials")
_JSONATA: Final = (
    "Arguments",
    "Output",
    "Assign",
    "Items",
    "ItemSelector",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Seconds",
    "Timestamp",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "Error",
    "Cause",
    "Credentials",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
)
_RULE_FIELDS: Final = frozenset({"Next", "Assign", "Output"})
_VARIABLE_ROOT: Final = re.compile(r"\$[A-Za-z_]")


def check_expressions(outline: Outline, definition: Json) -> list[Problem]:
    """Compile every path, template and expression of a blueprint."""
    problems: list[Problem] = []
    for state in outline.states:
        if not state.type:
            continue
        if state.language == JSONPATH:
            problems += _jsonpath_state(state)
        else:
            problems += _jsonata_state(state)
        problems += _choice_rules(state)
        for pointer, event in _items(state, "Events"):
            problems += _message_path(event, "MessageKeyPath", pointer)
    triggers = definition.get("Triggers") if isinstance(definition, dict) else None
    for index, trigger in enumerate(triggers if isinstance(triggers, list) else ()):
        if isinstance(trigger, dict):
            problems += _message_path(trigger, "IdempotencyKeyPath", child("/Triggers", index))
    return problems


def _jsonpath_state(state: StateNode) -> list[Problem]:
    spec, pointer, problems = state.spec, state.pointer, []
    for field in _PATHS:
        problems += _path(spec, field, pointer)
    problems += _reference_path(spec, "ResultPath", pointer)
    for field in _PATH_OR_INTRINSIC:
        value = spec.get(field)
        if isinstance(value, str) and is_intrinsic(value):
            try:
                compile_intrinsic(value)
            except SfcError as exc:
                message = f"{field} {value!r} is not a valid intrinsic function call: {exc.message}"
                problems.append(Problem(child(pointer, field), "invalid-intrinsic", message))
        else:
            problems += _path(spec, field, pointer)
    for field in _TEMPLATES:
        if field in spec:
            problems += _template(spec[field], child(pointer, field))
    for field, inner in (("ItemReader", "Parameters"), ("ResultWriter", "Parameters")):
        nested = spec.get(field)
        if isinstance(nested, dict) and inner in nested:
            problems += _template(nested[inner], child(child(pointer, field), inner))
    reader = spec.get("ItemReader")
    config = reader.get("ReaderConfig") if isinstance(reader, dict) else None
    if isinstance(config, dict):
        where = child(child(pointer, "ItemReader"), "ReaderConfig")
        problems += _path(config, "MaxItemsPath", where)
    batcher = spec.get("ItemBatcher")
    if isinstance(batcher, dict):
        where = child(pointer, "ItemBatcher")
        for field in ("MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"):
            problems += _path(batcher, field, where)
        if "BatchInput" in batcher:
            problems += _template(batcher["BatchInput"], child(where, "BatchInput"))
    for where, catcher in _items(state, "Catch"):
        problems += _reference_path(catcher, "ResultPath", where)
        if "Assign" in catcher:
            problems += _template(catcher["Assign"], child(where, "Assign"))
    for where, rule in _items(state, "Choices"):
        if "Assign" in rule:
            problems += _template(rule["Assign"], child(where, "Assign"))
    for where, event in _items(state, "Events"):
        problems += _path(event, "CorrelationKeyPath", where)
    return problems


def _jsonata_state(state: StateNode) -> list[Problem]:
    spec, pointer, problems = state.spec, state.pointer, []
    for field in _JSONATA:
        if field in spec:
            problems += _jsonata(spec[field], child(pointer, field))
    for field, names in (("Catch", ("Output", "Assign")), ("Choices", ("Output", "Assign"))):
        for where, item in _items(state, field):
            for name in names:
                if name in item:
                    problems += _jsonata(item[name], child(where, name))
    for where, event in _items(state, "Events"):
        if "CorrelationKey" in event:
            problems += _jsonata(event["CorrelationKey"], child(where, "CorrelationKey"))
    return problems


def _choice_rules(state: StateNode) -> list[Problem]:
    problems: list[Problem] = []
    if state.type != "Choice":
        return problems
    for where, rule in _items(state, "Choices"):
        body = {key: value for key, value in rule.items() if key not in _RULE_FIELDS}
        try:
            compile_rule(body, state.language, where)
        except SfcError as exc:
            found = getattr(exc, "pointer", "") or where
            problems.append(Problem(found, "invalid-choice-rule", exc.message))
    return problems


def _items(state: StateNode, field: str) -> Iterator[tuple[str, dict[str, Json]]]:
    items = state.spec.get(field)
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict):
            yield child(child(state.pointer, field), index), item


def _path(holder: Mapping[str, Json], field: str, pointer: str) -> list[Problem]:
    value = holder.get(field)
    if not isinstance(value, str):
        return []
    try:
        compile_path(value)
    except SfcError as exc:
        message = f"{field} {value!r} is not a valid path: {exc.message}"
        return [Problem(child(pointer, field), "invalid-path", message)]
    return []


def _reference_path(holder: Mapping[str, Json], field: str, pointer: str) -> list[Problem]:
    value = holder.get(field)
    if not isinstance(value, str):
        return []
    where = child(pointer, field)
    if _VARIABLE_ROOT.match(value):
        message = (
            f"{field} {value!r} names a workflow variable; {field} places the result in the "
            "state's data, so it must start with '$.' or be '$'. Use Assign to set a variable."
        )
        return [Problem(where, "variable-in-result-path", message)]
    try:
        compile_reference_path(value)
    except SfcError as exc:
        message = f"{field} {value!r} is not a valid reference path: {exc.message}"
        return [Problem(where, "invalid-path", message)]
    return []


def _message_path(holder: Mapping[str, Json], field: str, pointer: str) -> list[Problem]:
    """A path applied to an incoming Kafka message, which has no context or variables."""
    value = holder.get(field)
    if not isinstance(value, str):
        return []
    where = child(pointer, field)
    try:
        path = compile_path(value)
    except SfcError as exc:
        message = f"{field} {value!r} is not a valid path: {exc.message}"
        return [Problem(where, "invalid-path", message)]
    if path.root != "$":
        message = f"{field} {value!r} reads the incoming message, so it must start with '$'."
        return [Problem(where, "invalid-path", message)]
    return []


def _template(template: Json, pointer: str) -> list[Problem]:
    """Compile a JSONPath payload template one ``.$`` field at a time."""
    problems: list[Problem] = []
    for where, holder in _objects(template, pointer):
        for key, value in holder.items():
            if not key.endswith(".$"):
                continue
            if key[:-2] in holder:
                message = f"Fields {key[:-2]!r} and {key!r} both set {key[:-2]!r}; keep only one."
                problems.append(Problem(child(where, key), "duplicate-field", message))
            try:
                compile_payload({key: value}, where)
            except SfcError as exc:
                found = getattr(exc, "pointer", "") or child(where, key)
                problems.append(Problem(found, _payload_code(exc), exc.message))
    return problems


def _payload_code(exc: BaseException) -> str:
    cause = exc.__cause__
    if isinstance(cause, IntrinsicSyntaxError):
        return "invalid-intrinsic"
    if isinstance(cause, PathSyntaxError):
        return "invalid-path"
    return "invalid-payload"


def _objects(value: Json, pointer: str) -> Iterator[tuple[str, dict[str, Json]]]:
    """Every object in a template, with its pointer, not looking inside ``.$`` values."""
    if isinstance(value, dict):
        yield pointer, value
        for key, item in value.items():
            if not key.endswith(".$"):
                yield from _objects(item, child(pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _objects(item, child(pointer, index))


def _jsonata(template: Json, pointer: str) -> list[Problem]:
    """Compile every ``{% %}`` string of a JSONata template, one at a time."""
    problems: list[Problem] = []
    for where, text in _strings(template, pointer):
        opens, closes = text.startswith("{%"), text.endswith("%}")
        if opens != closes:
            missing = "end with '%}'" if opens else "start with '{%'"
            message = (
                f"{text!r} looks like a JSONata expression but does not {missing}; "
                "write it as {% expression %}."
            )
            problems.append(Problem(where, "invalid-jsonata", message))
        elif is_jsonata(text):
            try:
                compile_jsonata_template(text, where)
            except SfcError as exc:
                found = getattr(exc, "pointer", "") or where
                problems.append(Problem(found, "invalid-jsonata", exc.message))
    return problems


def _strings(value: Json, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, child(pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, child(pointer, index))
