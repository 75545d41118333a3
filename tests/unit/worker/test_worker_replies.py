"""Replies made from how a job ended: success, errors, timeouts, invalid output."""

from __future__ import annotations

import datetime
from typing import Any

import msgspec

from sfc.core import Job, TaskFailed, TaskHeartbeat, TaskSucceeded
from sfc.kafka.records import COMMAND_DECODER
from sfc.worker import TaskError
from sfc.worker.replies import MAX_CAUSE, failure, heartbeat, success, timed_out

JOB = Job("tok", "flow", "bp", 1, "Step", "task:x", timeout_seconds=2)


def decoded(value: bytes) -> Any:
    return COMMAND_DECODER.decode(value)


def test_a_success_carries_the_output_and_a_stable_id() -> None:
    sent = success(JOB, {"a": [1, 2]}, 10_000)
    reply = decoded(sent.value)
    assert reply == TaskSucceeded("tok:reply", "flow", "tok", {"a": [1, 2]})
    assert (sent.flow_id, sent.type, sent.failed, sent.blueprint) == (
        "flow",
        "TaskSucceeded",
        False,
        "bp",
    )


def test_values_the_encoder_knows_become_json() -> None:
    when = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    reply = decoded(success(JOB, {"when": when, "tags": {"x"}}, 10_000).value)
    assert reply.output == {"when": "2024-05-01T12:00:00Z", "tags": ["x"]}


def test_an_output_that_is_not_json_fails_the_task() -> None:
    class Opaque:
        pass

    sent = success(JOB, {"thing": Opaque()}, 10_000)
    reply = decoded(sent.value)
    assert isinstance(reply, TaskFailed)
    assert sent.failed
    assert reply.error == "SFC.InvalidOutput"
    assert "Opaque" in (reply.cause or "")


def test_an_output_too_big_fails_the_task_for_good() -> None:
    reply = decoded(success(JOB, "x" * 5000, 2048).value)
    assert isinstance(reply, TaskFailed)
    assert (reply.error, reply.retryable) == ("SFC.InvalidOutput", False)
    assert "more than the limit of 2048" in (reply.cause or "")


def test_a_task_error_gives_its_name_cause_and_retryability() -> None:
    reply = decoded(failure(JOB, TaskError("Order.Bad", "no lines", retryable=False)).value)
    assert reply == TaskFailed("tok:reply", "flow", "tok", "Order.Bad", "no lines", False)


def test_any_other_exception_gives_its_class_name_and_a_cut_message() -> None:
    reply = decoded(failure(JOB, ValueError("v" * (MAX_CAUSE + 10))).value)
    assert (reply.error, reply.retryable, len(reply.cause)) == ("ValueError", True, MAX_CAUSE)


def test_an_exception_without_a_message_has_no_cause() -> None:
    assert decoded(failure(JOB, RuntimeError()).value).cause is None


def test_a_timeout_is_states_timeout() -> None:
    reply = decoded(timed_out(JOB).value)
    assert (reply.error, reply.retryable) == ("States.Timeout", True)
    assert "within 2 s" in reply.cause


def test_a_heartbeat_names_the_token() -> None:
    sent = heartbeat(JOB, "tok:beat:w:1")
    assert decoded(sent.value) == TaskHeartbeat("tok:beat:w:1", "flow", "tok")
    assert msgspec.json.decode(sent.value)["type"] == "TaskHeartbeat"
