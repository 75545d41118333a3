"""Compile a validated ASL definition into a :class:`~sfc.core.blueprint.model.Blueprint`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from sfc.core.blueprint import fields as f
from sfc.core.blueprint.model import (
    Blueprint,
    ChoiceBranch,
    ChoiceState,
    FailState,
    JoinEvent,
    JoinMode,
    JoinState,
    MapState,
    ParallelState,
    PassState,
    State,
    StateMachine,
    StateType,
    SucceedState,
    TaskState,
    Trigger,
    WaitKind,
    WaitState,
)
from sfc.core.blueprint.resources import parse_resource
from sfc.core.dataflow import Dataflow
from sfc.core.dataflow.jsonata import Default
from sfc.core.failure import AslError, StatesError
from sfc.core.pointer import child
from sfc.core.scope import Evaluator, Scope
from sfc.core.states.choice.rules import compile_rule
from sfc.core.types import Json
from sfc.core.validation import InvalidBlueprintError, Problem

Spec = Mapping[str, Any]


def compile_blueprint(definition: Spec, name: str = "", version: int = 1) -> Blueprint:
    """Compile a definition that :func:`sfc.core.validation.validate` accepted.

    Args:
        definition: The ASL JSON.
        name: The blueprint's registry name.
        version: Its version.
    """
    machines: dict[str, StateMachine] = {}
    language = definition.get("QueryLanguage", "JSONPath")
    _compile_machine(definition, "", language, machines)
    return Blueprint(
        name=name,
        version=version,
        definition=definition,
        machines=machines,
        timeout_seconds=definition.get("TimeoutSeconds"),
        message_type=definition.get("messageType", "common"),
        sla=definition.get("Sla", "standard"),
        triggers=tuple(
            Trigger(t["Source"], t.get("IdempotencyKeyPath"), t.get("Enabled", True))
            for t in definition.get("Triggers", ())
        ),
    )


def _compile_machine(
    spec: Spec, pointer: str, language: str, machines: dict[str, StateMachine]
) -> None:
    states_pointer = child(pointer, "States")
    states: dict[str, State] = {}
    for name, state_spec in spec["States"].items():
        state_pointer = child(states_pointer, name)
        state_language = state_spec.get("QueryLanguage", language)
        compiler = _COMPILERS[StateType(state_spec["Type"])]
        states[name] = compiler(name, state_spec, state_pointer, state_language, machines)
    machines[pointer] = StateMachine(pointer, spec["StartAt"], states)


Compiler = Callable[[str, Spec, str, str, dict[str, StateMachine]], State]


def _flow(
    spec: Spec, pointer: str, language: str, *, parameters: str | None, results: bool
) -> Dataflow:
    if f.is_jsonata_language(language):
        arguments = parameters is not None
        default = Default.RESULT if results else Default.INPUT
        return f.jsonata_flow(spec, pointer, arguments=arguments, default=default)
    return f.jsonpath_flow(spec, pointer, parameters=parameters, results=results)


def _common(name: str, spec: Spec, pointer: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": StateType(spec["Type"]),
        "pointer": pointer,
        "next": spec.get("Next"),
    }


def _recovery(spec: Spec, pointer: str, language: str) -> dict[str, Any]:
    return {"retry": f.retriers(spec), "catch": f.catchers(spec, pointer, language)}


def _pass(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    flow = _pass_flow(spec, pointer, language)
    return PassState(
        **_common(name, spec, pointer),
        flow=flow,
        reads_scope=flow.reads_scope,
        result=spec.get("Result"),
        has_result="Result" in spec,
    )


def _pass_flow(spec: Spec, pointer: str, language: str) -> Dataflow:
    if f.is_jsonata_language(language):
        return f.jsonata_flow(spec, pointer, arguments=False, default=Default.INPUT)
    return f.jsonpath_flow(spec, pointer, parameters="Parameters", results=True)


def _task(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    flow = _flow(spec, pointer, language, parameters=_arguments_field(language), results=True)
    timeout = f.value_field(spec, "TimeoutSeconds", pointer, language)
    heartbeat = f.value_field(spec, "HeartbeatSeconds", pointer, language)
    return TaskState(
        **_common(name, spec, pointer),
        **_recovery(spec, pointer, language),
        flow=flow,
        reads_scope=flow.reads_scope or timeout is not None or heartbeat is not None,
        resource=parse_resource(spec["Resource"]),
        timeout=timeout,
        heartbeat=heartbeat,
        reply_topic=spec.get("ReplyTopic"),
    )


def _arguments_field(language: str) -> str:
    return "Arguments" if f.is_jsonata_language(language) else "Parameters"


def _choice(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    choices_pointer = child(pointer, "Choices")
    shared = {k: v for k, v in spec.items() if k not in _RULE_OUTPUTS}
    branches = []
    for index, rule in enumerate(spec["Choices"]):
        where = child(choices_pointer, index)
        rule_body = {k: v for k, v in rule.items() if k not in ("Next", *_RULE_OUTPUTS)}
        outputs = {k: rule[k] for k in _RULE_OUTPUTS if k in rule}
        branch_flow = _flow({**shared, **outputs}, where, language, **_NO_RESULT)
        predicate = compile_rule(rule_body, language, where)
        branches.append(ChoiceBranch(predicate, rule["Next"], branch_flow))
    return ChoiceState(
        **_common(name, spec, pointer),
        flow=_flow(spec, pointer, language, **_NO_RESULT),
        choices=tuple(branches),
        default=spec.get("Default"),
    )


_NO_RESULT: dict[str, Any] = {"parameters": None, "results": False}
_RULE_OUTPUTS = ("Assign", "Output")


def _wait(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    seconds = f.value_field(spec, "Seconds", pointer, language)
    until = seconds or f.value_field(spec, "Timestamp", pointer, language)
    assert until is not None, "validation guarantees one of the Wait fields"
    return WaitState(
        **_common(name, spec, pointer),
        flow=_flow(spec, pointer, language, **_NO_RESULT),
        kind=WaitKind.SECONDS if seconds else WaitKind.TIMESTAMP,
        until=until,
    )


def _succeed(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    flow = _flow(spec, pointer, language, **_NO_RESULT)
    return SucceedState(**_common(name, spec, pointer), flow=flow, reads_scope=flow.reads_scope)


def _fail(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    return FailState(
        **_common(name, spec, pointer),
        flow=_flow(spec, pointer, language, **_NO_RESULT),
        error=f.value_field(spec, "Error", pointer, language),
        cause=f.value_field(spec, "Cause", pointer, language),
    )


def _parallel(
    name: str, spec: Spec, pointer: str, language: str, machines: dict[str, StateMachine]
) -> State:
    branches_pointer = child(pointer, "Branches")
    branches = []
    for index, branch in enumerate(spec["Branches"]):
        branch_pointer = child(branches_pointer, index)
        _compile_machine(branch, branch_pointer, branch.get("QueryLanguage", language), machines)
        branches.append(branch_pointer)
    return ParallelState(
        **_common(name, spec, pointer),
        **_recovery(spec, pointer, language),
        flow=_flow(spec, pointer, language, parameters=_arguments_field(language), results=True),
        branches=tuple(branches),
    )


_UNSUPPORTED_MAP_FIELDS = ("ItemReader", "ResultWriter", "ItemBatcher")
"""Distributed Map fields that read from or write to AWS services, which SFC cannot."""


def _map(
    name: str, spec: Spec, pointer: str, language: str, machines: dict[str, StateMachine]
) -> State:
    unsupported = [key for key in _UNSUPPORTED_MAP_FIELDS if key in spec]
    if unsupported:
        raise InvalidBlueprintError(
            [
                Problem(
                    child(pointer, key),
                    "unsupported",
                    f"{key} is valid ASL but SFC cannot run it: a Map iterates the items of "
                    "its input (ItemsPath / Items) and returns its results as its output.",
                )
                for key in unsupported
            ]
        )
    processor_key = "ItemProcessor" if "ItemProcessor" in spec else "Iterator"
    processor_pointer = child(pointer, processor_key)
    processor = spec[processor_key]
    _compile_machine(
        processor, processor_pointer, processor.get("QueryLanguage", language), machines
    )
    jsonata = f.is_jsonata_language(language)
    return MapState(
        **_common(name, spec, pointer),
        **_recovery(spec, pointer, language),
        flow=_flow(spec, pointer, language, parameters=None, results=True),
        processor=processor_pointer,
        items=_map_items(spec, pointer, jsonata),
        item_input=_map_item_input(spec, pointer, jsonata),
        max_concurrency=f.value_field(spec, "MaxConcurrency", pointer, language),
        tolerated_count=f.value_field(spec, "ToleratedFailureCount", pointer, language),
        tolerated_percentage=f.value_field(spec, "ToleratedFailurePercentage", pointer, language),
    )


def _map_items(spec: Spec, pointer: str, jsonata: bool) -> Evaluator:
    if jsonata:
        if "Items" in spec:
            return _jsonata_items(spec["Items"], child(pointer, "Items"))
        return lambda data, _scope: data
    path = f.path_field(spec, "ItemsPath")
    if path is None or isinstance(path, str):
        return lambda data, _scope: data
    return path.select


def _jsonata_items(items: Json, pointer: str) -> Evaluator:
    evaluate = f.jsonata_evaluator(items, pointer)

    def items_array(data: Json, scope: Scope) -> Json:
        value = evaluate(data, scope)
        if isinstance(value, list):
            return value
        # AWS reports an expression that gives no array as an evaluation error, which a
        # Catch can handle, unlike the States.Runtime of a JSONPath ItemsPath.
        shown = msgspec.json.encode(value).decode()
        raise AslError(
            StatesError.QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{items}' specified for the field 'Items' returned an "
            f"unexpected result type. Expected 'array', but was '{_json_type(value)}' for "
            f"value: {shown}",
        )

    return items_array


def _json_type(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "object"


def _map_item_input(spec: Spec, pointer: str, jsonata: bool) -> Evaluator | None:
    key = "ItemSelector" if "ItemSelector" in spec else "Parameters"
    if key not in spec:
        return None
    if jsonata:
        return f.jsonata_evaluator(spec[key], child(pointer, key))
    return f.template_field(spec, key, pointer)


def _join(name: str, spec: Spec, pointer: str, language: str, _m: object) -> State:
    events_pointer = child(pointer, "Events")
    events = []
    for index, event in enumerate(spec["Events"]):
        where = child(events_pointer, index)
        if "CorrelationKeyPath" in event:
            key = f.reference_field(event["CorrelationKeyPath"], child(where, "CorrelationKeyPath"))
        elif f.is_jsonata_language(language):
            key = f.jsonata_evaluator(event["CorrelationKey"], child(where, "CorrelationKey"))
        else:
            constant = event["CorrelationKey"]
            key = _constant(constant)
        events.append(
            JoinEvent(event["Name"], key, event.get("Source"), event.get("MessageKeyPath"))
        )
    return JoinState(
        **_common(name, spec, pointer),
        **_recovery(spec, pointer, language),
        flow=_flow(spec, pointer, language, parameters=None, results=True),
        events=tuple(events),
        mode=JoinMode(spec.get("Mode", "ALL")),
        timeout=f.value_field(spec, "TimeoutSeconds", pointer, language),
    )


def _constant(value: Json) -> Evaluator:
    return lambda _data, _scope: value


_COMPILERS: dict[StateType, Compiler] = {
    StateType.PASS: _pass,
    StateType.TASK: _task,
    StateType.CHOICE: _choice,
    StateType.WAIT: _wait,
    StateType.SUCCEED: _succeed,
    StateType.FAIL: _fail,
    StateType.PARALLEL: _parallel,
    StateType.MAP: _map,
    StateType.JOIN: _join,
}
