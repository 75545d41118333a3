"""SFC's extensions: resources and Mode, ReplyTopic, the Join state, top-level fields."""

from __future__ import annotations

from typing import Any

import pytest
from validation_helpers import codes, jsonata, machine, one, problem, task, valid

from sfc.core.validation import validate

Json = Any


@pytest.mark.parametrize(
    "resource",
    [
        "http://payments.internal/charge",
        "https://api.example.com:8443/v1/orders?dry=1",
        "grpc://inventory:50051/shop.Inventory/Reserve",
        "grpc://10.0.0.7:9000/acme.billing.v1.Billing/Charge",
        "grpc://[::1]:50051/pkg.Service/Method",
        "task:send-email",
        "task:send_email.v2:3",
        "kafka://orders.created",
        "arn:aws:lambda:us-east-1:123456789012:function:Hello",
        "arn:aws:lambda:::function:publish-to-slack-lambda",
        "arn:aws:lambda:region-1:1234567890:function:F:$LATEST",
        "arn:aws:lambda:region-1:1234567890:function:F:AZaz12-_",
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::batch:submitJob.sync",
        "arn:aws:states:us-west-2:42:activity:a-task",
        "arn:aws-cn:states:::sqs:sendMessage",
    ],
)
def test_valid_resources(resource: str) -> None:
    valid(one(task(resource)))


@pytest.mark.parametrize(
    "resource",
    [
        "http://",
        "http://host name/x",
        "grpc://inventory/shop.Inventory/Reserve",
        "grpc://inventory:50051/Inventory/Reserve",
        "grpc://inventory:70000/shop.Inventory/Reserve",
        "grpc://inventory:50051/shop.Inventory",
        "task:",
        "task:send email",
        "task:send:0",
        "task:send:v2",
        "kafka://",
        "kafka://bad topic",
        "kafka://" + "t" * 250,
        "arn:aws:lambda:region-1:1234567890:function:F:",
        "arn:aws:lambda:region-1:1234567890:function:F:$*#$7485",
        "arn:aws",
        "{% $resource %}",
    ],
)
def test_invalid_resources(resource: str) -> None:
    found = problem(one(task(resource)), "/States/S/Resource", "invalid-resource")
    assert repr(resource) in found.message


def test_resource_must_be_a_string() -> None:
    problem(one(task({"Ref": "Fn"})), "/States/S/Resource", "invalid-resource")


@pytest.mark.parametrize("resource", ["foo:bar", "urn:example:task", "${lambdaArn}"])
def test_any_absolute_uri_and_template_placeholders_are_resources(resource: Json) -> None:
    valid(one(task(resource)))


@pytest.mark.parametrize(
    "resource",
    [
        "${lambdaArn",
        "not a uri",
        "task:bad name",
        "arn:aws:lambda:r:1:function:F:",
        {"Other": 1},
        {"Ref": "Fn"},
        3,
    ],
)
def test_malformed_resources_are_rejected(resource: Json) -> None:
    problem(one(task(resource)), "/States/S/Resource", "invalid-resource")


@pytest.mark.parametrize(
    ("resource", "mode"),
    [
        ("https://api/x", "Sync"),
        ("grpc://h:1/p.S/M", "Sync"),
        ("task:work", "Async"),
        ("kafka://jobs", "Async"),
        ("arn:aws:states:::lambda:invoke", "Async"),
    ],
)
def test_mode_that_agrees_with_the_resource(resource: str, mode: str) -> None:
    valid(one(task(resource, Mode=mode)))


@pytest.mark.parametrize(
    ("resource", "mode"),
    [
        ("https://api/x", "Async"),
        ("grpc://h:1/p.S/M", "Async"),
        ("task:work", "Sync"),
        ("kafka://jobs", "Sync"),
        ("arn:aws:states:::lambda:invoke", "Sync"),
    ],
)
def test_mode_mismatch(resource: str, mode: str) -> None:
    found = problem(one(task(resource, Mode=mode)), "/States/S/Mode", "mode-mismatch")
    assert mode in found.message


def test_mode_values() -> None:
    problem(one(task(Mode="Later")), "/States/S/Mode", "schema")


def test_reply_topic_with_kafka() -> None:
    valid(one(task("kafka://jobs", ReplyTopic="jobs.replies")))


@pytest.mark.parametrize(
    "resource", ["task:work", "https://api/x", "arn:aws:states:::lambda:invoke"]
)
def test_reply_topic_only_with_kafka(resource: str) -> None:
    found = problem(
        one(task(resource, ReplyTopic="replies")), "/States/S/ReplyTopic", "field-not-allowed"
    )
    assert "kafka://" in found.message


def test_reply_topic_must_be_a_topic_name() -> None:
    problem(one(task("kafka://jobs", ReplyTopic="bad topic")), "/States/S/ReplyTopic", "schema")


def join(*events: dict[str, Json], **fields: Json) -> dict[str, Json]:
    return {"Type": "Join", "Events": list(events), "End": True, **fields}


def test_join_state_in_jsonpath() -> None:
    state = join(
        {
            "Name": "paid",
            "Source": "kafka://payments",
            "MessageKeyPath": "$.orderId",
            "CorrelationKeyPath": "$.id",
        },
        {"Name": "shipped", "CorrelationKeyPath": "$$.Execution.Input.id"},
        Mode="ALL",
        TimeoutSeconds=3600,
        InputPath="$",
        ResultSelector={"paid.$": "$.paid"},
        ResultPath="$.events",
        OutputPath="$",
        Assign={"joined": True},
        Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Late"}],
        Comment="waits for payment and shipping",
    )
    valid(machine({"J": state, "Late": {"Type": "Fail"}}))


def test_join_state_in_jsonata() -> None:
    state = jsonata(
        join(
            {"Name": "paid", "CorrelationKey": "{% $states.input.id %}"},
            {"Name": "fixed", "CorrelationKey": "order-1"},
            Mode="ANY",
            TimeoutSeconds="{% $states.input.wait %}",
            Output={"events": "{% $states.result %}"},
        )
    )
    valid(one(state))


@pytest.mark.parametrize(
    ("state", "pointer", "code"),
    [
        (join(), "/States/S/Events", "schema"),
        ({"Type": "Join", "End": True}, "/States/S", "missing-field"),
        (join({"CorrelationKeyPath": "$.id"}), "/States/S/Events/0", "missing-field"),
        (join({"Name": "a"}), "/States/S/Events/0", "missing-field"),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id", "CorrelationKey": "k"}),
            "/States/S/Events/0",
            "mutually-exclusive",
        ),
        (
            join(
                {"Name": "a", "CorrelationKeyPath": "$.id"},
                {"Name": "a", "CorrelationKeyPath": "$.x"},
            ),
            "/States/S/Events/1/Name",
            "duplicate-event-name",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id", "Source": "payments"}),
            "/States/S/Events/0/Source",
            "schema",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "id"}),
            "/States/S/Events/0/CorrelationKeyPath",
            "invalid-path",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id", "MessageKeyPath": "$$.x"}),
            "/States/S/Events/0/MessageKeyPath",
            "invalid-path",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id", "Filter": 1}),
            "/States/S/Events/0/Filter",
            "field-not-allowed",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, Mode="SOME"),
            "/States/S/Mode",
            "schema",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, TimeoutSeconds=0),
            "/States/S/TimeoutSeconds",
            "schema",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, Retry=[]),
            "/States/S/Retry",
            "field-not-allowed",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, Parameters={}),
            "/States/S/Parameters",
            "field-not-allowed",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, TimeoutSecondsPath="t"),
            "/States/S/TimeoutSecondsPath",
            "invalid-path",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, TimeoutSeconds="{% 5 %}"),
            "/States/S/TimeoutSeconds",
            "wrong-query-language",
        ),
        (
            join({"Name": "a", "CorrelationKeyPath": "$.id"}, ResultPath="$v"),
            "/States/S/ResultPath",
            "variable-in-result-path",
        ),
    ],
)
def test_join_state_problems(state: dict[str, Json], pointer: str, code: str) -> None:
    problem(one(state), pointer, code)


def test_join_in_jsonata_needs_correlation_key_not_path() -> None:
    state = jsonata(join({"Name": "a", "CorrelationKeyPath": "$.id"}))
    pairs = codes(one(state))
    assert ("/States/S/Events/0/CorrelationKeyPath", "wrong-query-language") in pairs


def test_join_transitions_are_checked() -> None:
    state = join(
        {"Name": "a", "CorrelationKeyPath": "$.id"},
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Nope"}],
    )
    problem(one(state), "/States/S/Catch/0/Next", "next-missing")


def test_extensions_in_a_realistic_blueprint() -> None:
    definition = machine(
        {
            "Charge": task(
                "grpc://billing:50051/acme.Billing/Charge", Mode="Sync", End=None, Next="Ship"
            ),
            "Ship": task(
                "kafka://shipping.requests", ReplyTopic="shipping.replies", End=None, Next="Wait"
            ),
            "Wait": join(
                {
                    "Name": "delivered",
                    "Source": "kafka://deliveries",
                    "MessageKeyPath": "$.order",
                    "CorrelationKeyPath": "$.order",
                }
            ),
        },
        schemaVersion="1.0",
        messageType="specific",
        Sla="high",
        Triggers=[{"Source": "kafka://orders", "IdempotencyKeyPath": "$.orderId"}],
    )
    for name in ("Charge", "Ship"):
        del definition["States"][name]["End"]
    assert validate(definition) == []
