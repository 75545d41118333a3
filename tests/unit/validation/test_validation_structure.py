"""Structure: the JSON Schema, applied field by field."""

from __future__ import annotations

from typing import Any

import fastjsonschema
import pytest
from validation_helpers import codes, jsonata, machine, one, passing, problem, task, valid

from sfc.core.validation import schema, validate

Json = Any


def test_minimal_blueprint_is_valid() -> None:
    valid(one({"Type": "Succeed"}))


def test_blueprint_must_be_an_object() -> None:
    assert [(p.pointer, p.code) for p in validate([])] == [("", "schema")]


@pytest.mark.parametrize(
    ("top", "pointer", "code"),
    [
        ({"States": {"A": {"Type": "Succeed"}}}, "", "missing-field"),
        ({"StartAt": "A"}, "", "missing-field"),
        ({"StartAt": "A", "States": {}}, "/States", "schema"),
        ({"StartAt": "A", "States": []}, "/States", "schema"),
        ({"StartAt": 1, "States": {"A": {"Type": "Succeed"}}}, "/StartAt", "schema"),
    ],
)
def test_top_level_required_fields(top: dict[str, Json], pointer: str, code: str) -> None:
    problem(top, pointer, code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Version", "2.0"),
        ("Version", 1.0),
        ("TimeoutSeconds", 0),
        ("TimeoutSeconds", "10"),
        ("Comment", 3),
        ("QueryLanguage", "XPath"),
        ("schemaVersion", "2.0"),
        ("schemaVersion", 1),
        ("messageType", "shared"),
        ("Sla", "low"),
        ("Triggers", {}),
    ],
)
def test_top_level_field_values(field: str, value: Json) -> None:
    found = problem(one({"Type": "Succeed"}, **{field: value}), f"/{field}", "schema")
    assert field in found.message


@pytest.mark.parametrize(
    "top",
    [
        {"Version": "1.0", "TimeoutSeconds": 60, "Comment": "c", "QueryLanguage": "JSONata"},
        {"schemaVersion": "1.0", "messageType": "common", "Sla": "standard"},
        {"messageType": "specific", "Sla": "high"},
        {"Triggers": [{"Source": "kafka://orders", "IdempotencyKeyPath": "$.id", "Enabled": True}]},
        {"Triggers": [{"Source": "kafka://orders.v1_x-y"}]},
    ],
)
def test_top_level_fields_accepted(top: dict[str, Json]) -> None:
    valid(one({"Type": "Succeed"}, **top))


def test_unknown_top_level_field() -> None:
    problem(one({"Type": "Succeed"}, Sfc=1), "/Sfc", "field-not-allowed")


@pytest.mark.parametrize(
    ("trigger", "pointer", "code"),
    [
        ({}, "/Triggers/0", "missing-field"),
        ({"Source": "orders"}, "/Triggers/0/Source", "schema"),
        ({"Source": "kafka://bad topic"}, "/Triggers/0/Source", "schema"),
        ({"Source": "kafka://t", "Enabled": "yes"}, "/Triggers/0/Enabled", "schema"),
        ({"Source": "kafka://t", "Filter": "x"}, "/Triggers/0/Filter", "field-not-allowed"),
        (
            {"Source": "kafka://t", "IdempotencyKeyPath": "id"},
            "/Triggers/0/IdempotencyKeyPath",
            "invalid-path",
        ),
        (
            {"Source": "kafka://t", "IdempotencyKeyPath": "$$.x"},
            "/Triggers/0/IdempotencyKeyPath",
            "invalid-path",
        ),
    ],
)
def test_triggers(trigger: dict[str, Json], pointer: str, code: str) -> None:
    problem(one({"Type": "Succeed"}, Triggers=[trigger]), pointer, code)


def test_every_trigger_is_checked() -> None:
    definition = one({"Type": "Succeed"}, Triggers=[{"Source": "x"}, {"Source": "y"}])
    assert codes(definition) == {("/Triggers/0/Source", "schema"), ("/Triggers/1/Source", "schema")}


@pytest.mark.parametrize(
    ("state", "pointer", "code"),
    [
        ({}, "/States/S", "missing-field"),
        ({"Type": "Loop"}, "/States/S/Type", "schema"),
        ({"Type": "Task", "End": True}, "/States/S", "missing-field"),
        ({"Type": "Choice"}, "/States/S", "missing-field"),
        ({"Type": "Parallel", "End": True}, "/States/S", "missing-field"),
        ({"Type": "Join", "End": True}, "/States/S", "missing-field"),
        ({"Type": "Succeed", "Next": "S"}, "/States/S/Next", "field-not-allowed"),
        ({"Type": "Fail", "End": True}, "/States/S/End", "field-not-allowed"),
        ({"Type": "Fail", "InputPath": "$"}, "/States/S/InputPath", "field-not-allowed"),
        (
            {"Type": "Wait", "Seconds": 1, "ResultPath": "$.x", "End": True},
            "/States/S/ResultPath",
            "field-not-allowed",
        ),
        (passing(ResultSelector={"a.$": "$"}), "/States/S/ResultSelector", "field-not-allowed"),
        (passing(bugInputPath="$"), "/States/S/bugInputPath", "field-not-allowed"),
        (
            task(Retry=[{"ErrorEquals": ["E"], "Mode": 1}]),
            "/States/S/Retry/0/Mode",
            "field-not-allowed",
        ),
        (task(Retry=[{}]), "/States/S/Retry/0", "missing-field"),
    ],
)
def test_state_fields(state: dict[str, Json], pointer: str, code: str) -> None:
    problem(one(state), pointer, code)


@pytest.mark.parametrize(
    ("state", "pointer"),
    [
        (passing(End="yes"), "/States/S/End"),
        (passing(InputPath=3), "/States/S/InputPath"),
        (task(TimeoutSeconds=0), "/States/S/TimeoutSeconds"),
        (task(TimeoutSeconds=100000000), "/States/S/TimeoutSeconds"),
        (task(HeartbeatSeconds=-1), "/States/S/HeartbeatSeconds"),
        (task(Credentials=None), "/States/S/Credentials"),
        (task(Credentials="arn:aws:iam::1:role/r"), "/States/S/Credentials"),
        (task(ResultSelector="x"), "/States/S/ResultSelector"),
        (task(Retry={}), "/States/S/Retry"),
        (task(Retry=[{"ErrorEquals": []}]), "/States/S/Retry/0/ErrorEquals"),
        (task(Retry=[{"ErrorEquals": [True]}]), "/States/S/Retry/0/ErrorEquals/0"),
        (task(Retry=[{"ErrorEquals": ["E"], "BackoffRate": 0.5}]), "/States/S/Retry/0/BackoffRate"),
        (task(Retry=[{"ErrorEquals": ["E"], "BackoffRate": -2}]), "/States/S/Retry/0/BackoffRate"),
        (
            task(Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 0}]),
            "/States/S/Retry/0/IntervalSeconds",
        ),
        (task(Retry=[{"ErrorEquals": ["E"], "MaxAttempts": -1}]), "/States/S/Retry/0/MaxAttempts"),
        (
            task(Retry=[{"ErrorEquals": ["E"], "MaxDelaySeconds": -1}]),
            "/States/S/Retry/0/MaxDelaySeconds",
        ),
        (
            task(Retry=[{"ErrorEquals": ["E"], "JitterStrategy": "PARTIAL"}]),
            "/States/S/Retry/0/JitterStrategy",
        ),
        ({"Type": "Wait", "Seconds": -1, "End": True}, "/States/S/Seconds"),
        ({"Type": "Wait", "Timestamp": "2016-03-14 01:59:00", "End": True}, "/States/S/Timestamp"),
        ({"Type": "Fail", "Error": 1}, "/States/S/Error"),
        (
            {"Type": "Map", "ItemsPath": None, "ItemProcessor": {}, "End": True},
            "/States/S/ItemsPath",
        ),
        (
            {"Type": "Map", "ToleratedFailurePercentage": 105, "Iterator": {}, "End": True},
            "/States/S/ToleratedFailurePercentage",
        ),
        (
            {"Type": "Map", "MaxConcurrency": -1, "Iterator": {}, "End": True},
            "/States/S/MaxConcurrency",
        ),
        ({"Type": "Map", "Label": "x" * 41, "Iterator": {}, "End": True}, "/States/S/Label"),
        ({"Type": "Parallel", "Branches": [], "End": True}, "/States/S/Branches"),
        ({"Type": "Parallel", "Branches": [[]], "End": True}, "/States/S/Branches/0"),
        ({"Type": "Choice", "Choices": []}, "/States/S/Choices"),
        (
            {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": 3}]},
            "/States/S/Choices/0/Next",
        ),
    ],
)
def test_field_values(state: dict[str, Json], pointer: str) -> None:
    definition = one(state)
    found = problem(definition, pointer, "schema")
    assert pointer.rsplit("/", 1)[-1] in found.message or pointer.endswith("/0")


def test_retry_reports_every_retrier_and_every_field() -> None:
    state = task(
        Retry=[
            {"ErrorEquals": ["A"], "BackoffRate": 0.3},
            {"ErrorEquals": ["B"], "MaxAttempts": -1, "JitterStrategy": "SOME"},
        ]
    )
    assert codes(one(state)) == {
        ("/States/S/Retry/0/BackoffRate", "schema"),
        ("/States/S/Retry/1/MaxAttempts", "schema"),
        ("/States/S/Retry/1/JitterStrategy", "schema"),
    }


def test_each_state_reports_its_own_problem() -> None:
    definition = machine(
        {
            "A": passing(Next="B", End="no"),
            "B": task(TimeoutSeconds="x"),
            "C": {"Type": "Succeed", "X": 1},
        }
    )
    pairs = codes(definition)
    assert ("/States/A/End", "schema") in pairs
    assert ("/States/B/TimeoutSeconds", "schema") in pairs
    assert ("/States/C/X", "field-not-allowed") in pairs


def test_catcher_fields() -> None:
    state = task(Catch=[{"ErrorEquals": ["E"]}, {"ErrorEquals": ["E"], "Next": "S", "Retry": 1}])
    pairs = codes(one(state))
    assert ("/States/S/Catch/0", "missing-field") in pairs
    assert ("/States/S/Catch/1/Retry", "field-not-allowed") in pairs


def test_nested_scopes_are_checked_too() -> None:
    inner = {"StartAt": "I", "States": {"I": passing(Oops=1)}, "Extra": True}
    definition = one({"Type": "Parallel", "Branches": [inner], "End": True})
    pairs = codes(definition)
    assert ("/States/S/Branches/0/Extra", "field-not-allowed") in pairs
    assert ("/States/S/Branches/0/States/I/Oops", "field-not-allowed") in pairs


def test_map_processor_and_distributed_map_fields_are_accepted() -> None:
    state = {
        "Type": "Map",
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 10},
            "Parameters": {"Bucket": "b", "Key.$": "$.key"},
        },
        "ItemBatcher": {"MaxItemsPerBatch": 10, "BatchInput": {"k": "v"}},
        "ResultWriter": {
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "b"},
        },
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "I",
            "States": {"I": passing()},
        },
        "MaxConcurrency": 5,
        "ToleratedFailureCount": 1,
        "ToleratedFailurePercentage": 2.5,
        "Label": "Items",
        "End": True,
    }
    valid(one(state))


def test_processor_config_values() -> None:
    processor = {"ProcessorConfig": {"Mode": "ASYNC"}, "StartAt": "I", "States": {"I": passing()}}
    state = {"Type": "Map", "ItemProcessor": processor, "End": True}
    problem(one(state), "/States/S/ItemProcessor/ProcessorConfig/Mode", "schema")


def test_jsonata_values_in_value_fields() -> None:
    state = jsonata(task(TimeoutSeconds="{% 120 %}", HeartbeatSeconds="{% 20 %}"))
    valid(one(state))


def test_whole_language_schema_compiles_and_accepts_a_definition() -> None:
    # The schema file also describes a whole blueprint at once.
    check = fastjsonschema.compile(dict(schema.language()))
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "A", "States": {"A": task()}}],
                "Next": "J",
            },
            "J": {
                "Type": "Join",
                "Events": [{"Name": "paid", "CorrelationKeyPath": "$.id"}],
                "End": True,
            },
        }
    )
    check(definition)
    definition["States"]["P"]["Branches"][0]["States"]["A"]["Retry"] = [{"ErrorEquals": []}]
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        check(definition)


def test_schema_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[object] = []
    original = fastjsonschema.compile

    def counting(definition: Json, *args: Json, **kwargs: Json) -> Json:
        compiled.append(definition)
        return original(definition, *args, **kwargs)

    monkeypatch.setattr(fastjsonschema, "compile", counting)
    schema._dispatcher.cache_clear()
    try:
        for _ in range(3):
            validate(one(task(Retry=[{"ErrorEquals": ["E"], "BackoffRate": 0}])))
    finally:
        schema._dispatcher.cache_clear()
    assert len(compiled) == 1
