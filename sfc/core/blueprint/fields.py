"""Compile the fields states share: dataflow, Retry, Catch, and values given three ways.

A *value field* (TimeoutSeconds, Seconds, MaxConcurrency, ...) may be a constant, a
``...Path`` read from the input, or (in JSONata states) a ``{% %}`` expression; each
compiles to one :data:`~sfc.core.scope.Evaluator`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sfc.core.blueprint.model import Catcher, Retrier
from sfc.core.dataflow import Dataflow
from sfc.core.dataflow.jsonata import Default, JsonataFlow
from sfc.core.dataflow.jsonpath import DISCARD, JsonPathFlow
from sfc.core.intrinsics import compile_intrinsic, is_intrinsic
from sfc.core.jsonata import JsonataEvaluator, compile_jsonata_template, is_jsonata
from sfc.core.paths import Path, ReferencePath, compile_path, compile_reference_path
from sfc.core.payload import compile_payload, reads_scope
from sfc.core.pointer import child
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json

JSONATA: Final = "JSONata"
ABSENT: Final = object()


def is_jsonata_language(language: str) -> bool:
    """Tell whether a state's query language is JSONata (else JSONPath)."""
    return language == JSONATA


def path_field(spec: Mapping[str, Json], key: str) -> Path | str | None:
    """InputPath / OutputPath / ...: None when absent, DISCARD when null."""
    value = spec.get(key, ABSENT)
    if value is ABSENT:
        return None
    if value is None:
        return DISCARD
    return compile_path(value)


def result_path_field(spec: Mapping[str, Json]) -> ReferencePath | str | None:
    """ResultPath: None when absent or ``$`` (the result replaces the input)."""
    value = spec.get("ResultPath", ABSENT)
    if value is ABSENT or value == "$":
        return None
    if value is None:
        return DISCARD
    return compile_reference_path(value)


def template_field(spec: Mapping[str, Json], key: str, pointer: str) -> Evaluator | None:
    """A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign)."""
    if key not in spec:
        return None
    return compile_payload(spec[key], child(pointer, key))


def jsonata_field(spec: Mapping[str, Json], key: str, pointer: str) -> JsonataEvaluator | None:
    """A JSONata template field (Arguments, Output, Assign, Items, ...)."""
    if key not in spec:
        return None
    return compile_jsonata_template(spec[key], child(pointer, key))


def jsonpath_flow(
    spec: Mapping[str, Json], pointer: str, *, parameters: str | None, results: bool
) -> JsonPathFlow:
    """The JSONPath dataflow of a state.

    Args:
        spec: The state as written.
        pointer: Its JSON pointer.
        parameters: Which template field shapes the effective input, if any.
        results: Whether the state has a result to select and place (ResultSelector,
            ResultPath).
    """
    templates = [parameters, "ResultSelector" if results else None, "Assign"]
    return JsonPathFlow(
        input_path=path_field(spec, "InputPath"),
        parameters=template_field(spec, parameters, pointer) if parameters else None,
        result_selector=template_field(spec, "ResultSelector", pointer) if results else None,
        result_path=result_path_field(spec) if results else None,
        output_path=path_field(spec, "OutputPath"),
        assign=template_field(spec, "Assign", pointer),
        templates_read_scope=any(reads_scope(spec[k]) for k in templates if k and k in spec),
    )


def jsonata_flow(
    spec: Mapping[str, Json], pointer: str, *, arguments: bool, default: Default
) -> JsonataFlow:
    """The JSONata dataflow of a state."""
    return JsonataFlow(
        arguments=jsonata_field(spec, "Arguments", pointer) if arguments else None,
        output=jsonata_field(spec, "Output", pointer),
        assign=jsonata_field(spec, "Assign", pointer),
        default=default,
    )


def retriers(spec: Mapping[str, Json]) -> tuple[Retrier, ...]:
    """The state's ``Retry`` list."""
    return tuple(
        Retrier(
            error_equals=tuple(r["ErrorEquals"]),
            interval_seconds=r.get("IntervalSeconds", 1),
            max_attempts=r.get("MaxAttempts", 3),
            backoff_rate=r.get("BackoffRate", 2.0),
            max_delay_seconds=r.get("MaxDelaySeconds"),
            full_jitter=r.get("JitterStrategy", "NONE") == "FULL",
        )
        for r in spec.get("Retry", ())
    )


def catchers(spec: Mapping[str, Json], pointer: str, language: str) -> tuple[Catcher, ...]:
    """The state's ``Catch`` list, each with the dataflow that maps the error output."""
    compiled = []
    for index, catcher in enumerate(spec.get("Catch", ())):
        where = child(child(pointer, "Catch"), index)
        flow: Dataflow
        if is_jsonata_language(language):
            flow = JsonataFlow(
                output=jsonata_field(catcher, "Output", where),
                assign=jsonata_field(catcher, "Assign", where),
                error_output=True,
            )
        else:
            flow = JsonPathFlow(
                result_path=result_path_field(catcher),
                assign=template_field(catcher, "Assign", where),
            )
        compiled.append(Catcher(tuple(catcher["ErrorEquals"]), catcher["Next"], flow))
    return tuple(compiled)


def value_field(
    spec: Mapping[str, Json], key: str, pointer: str, language: str
) -> Evaluator | None:
    """A value given as ``key`` (constant or JSONata) or ``key + "Path"`` (JSONPath)."""
    if key in spec:
        value = spec[key]
        if is_jsonata_language(language) and is_jsonata(value):
            return jsonata_evaluator(value, child(pointer, key))
        return lambda _data, _scope: value
    path_key = key + "Path"
    if path_key in spec:
        return reference_field(spec[path_key], child(pointer, path_key))
    return None


def reference_field(value: str, pointer: str) -> Evaluator:
    """A ``...Path`` value: a path, or (ErrorPath, CausePath) an intrinsic call."""
    if is_intrinsic(value):
        return compile_intrinsic(value)
    path = compile_path(value)
    return path.select


def jsonata_evaluator(value: Json, pointer: str) -> Evaluator:
    """A JSONata template as an evaluator that ignores the ``$`` data."""
    expression = compile_jsonata_template(value, pointer)

    def evaluate(_data: Json, scope: Scope) -> Json:
        return expression(scope)

    return evaluate
