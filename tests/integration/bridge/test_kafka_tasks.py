"""``kafka://`` tasks: a plain aiokafka service, its replies on its own topic, back to flows."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable

import msgspec
import pytest
import pytest_asyncio
from bridge_support import Bench, Headers, Service

from sfc.core.types import Json

pytestmark = pytest.mark.asyncio(loop_scope="module")

Reply = tuple[bytes, Headers, bytes | None]


def _answer(value: Json, headers: dict[str, str], key: str | None) -> Iterable[Reply]:
    """The service: sums ``values``; how it replies depends on the input's ``mode``."""
    assert isinstance(value, dict)
    token = headers["sfc-token"].encode()
    total = msgspec.json.encode({"sum": sum(value.get("values", []))})
    mode = value.get("mode", "ok")
    if mode == "ok":
        return [(total, [("sfc-token", token)], None)]
    if mode == "keyed":
        assert key is not None
        return [(total, [], key.encode())]
    if mode == "twice":
        # Keyed alike, so both land on one partition and keep their order: the first wins.
        return [
            (total, [("sfc-token", token)], token),
            (b'{"sum": -1}', [("sfc-token", token)], token),
        ]
    if mode == "junk":
        return [(b"not json", [("sfc-token", token)], None)]
    failure = [("sfc-token", token), ("sfc-error", b"Stats.Rejected"), ("sfc-cause", b"no values")]
    return [(b"{}", failure, None)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(bench: Bench) -> AsyncIterator[Service]:
    """The stats service, and the ``stats`` blueprint that calls it."""
    source, output = bench.topic("stats.in"), bench.topic("stats.out")
    await bench.deploy(
        "stats",
        {
            "StartAt": "Stats",
            "States": {
                "Stats": {
                    "Type": "Task",
                    "Resource": f"kafka://{source}",
                    "ReplyTopic": output,
                    "Parameters": {"values.$": "$.values", "mode.$": "$.mode"},
                    "ResultPath": "$.stats",
                    "TimeoutSeconds": 30,
                    "Catch": [
                        {"ErrorEquals": ["Stats.Rejected"], "ResultPath": "$.error", "Next": "No"}
                    ],
                    "Next": "Done",
                },
                "Done": {"Type": "Pass", "OutputPath": "$.stats", "End": True},
                "No": {"Type": "Pass", "OutputPath": "$.error", "End": True},
            },
        },
    )
    running = Service(bench.settings, source, _answer)
    await running.start(output)
    await bench.consuming(bench.bridge.replies, output)
    yield running
    await running.stop()


async def test_the_service_gets_the_input_alone_and_its_reply_is_the_result(
    bench: Bench, service: Service
) -> None:
    flow = await bench.start_flow("stats", {"values": [1, 2, 3], "mode": "ok", "noise": "x"})
    outcome = await bench.outcome(flow)
    assert (outcome.status, outcome.output) == ("SUCCEEDED", {"sum": 6})
    job = next(r for r in service.received if (r.key or b"").startswith(flow.encode()))
    assert msgspec.json.decode(job.value or b"") == {"values": [1, 2, 3], "mode": "ok"}
    headers = {name: value.decode() for name, value in job.headers}
    assert job.key is not None
    assert headers["sfc-token"] == job.key.decode()
    assert headers["sfc-token"].startswith(f"{flow}:j")
    assert headers["sfc-flow"] == flow
    assert headers["sfc-reply-to"] == bench.topic("stats.out")
    assert headers["sfc-blueprint"] == "stats"
    assert headers["sfc-state"] == "Stats"


async def test_a_reply_keyed_by_the_token_without_headers_is_correlated(
    bench: Bench, service: Service
) -> None:
    flow = await bench.start_flow("stats", {"values": [5, 5], "mode": "keyed"})
    assert (await bench.outcome(flow)).output == {"sum": 10}


async def test_a_reply_with_sfc_error_fails_the_task_into_its_catch(
    bench: Bench, service: Service
) -> None:
    flow = await bench.start_flow("stats", {"values": [], "mode": "fail"})
    outcome = await bench.outcome(flow)
    assert outcome.status == "SUCCEEDED"
    assert outcome.output == {"Error": "Stats.Rejected", "Cause": "no values"}


async def test_a_reply_that_is_not_json_fails_the_task(bench: Bench, service: Service) -> None:
    flow = await bench.start_flow("stats", {"values": [1], "mode": "junk"})
    outcome = await bench.outcome(flow)
    assert (outcome.status, outcome.error) == ("FAILED", "SFC.Kafka.InvalidReply")
    assert "not JSON" in (outcome.cause or "")


async def test_a_duplicate_reply_changes_nothing(bench: Bench, service: Service) -> None:
    flow = await bench.start_flow("stats", {"values": [2, 2], "mode": "twice"})
    assert (await bench.outcome(flow)).output == {"sum": 4}
    history = await bench.history_of(flow)
    assert history.count("TaskSucceeded") == 1
    assert bench.duplicate_outcomes == 0


async def test_replies_for_unknown_or_finished_flows_are_logged_and_dropped(
    bench: Bench, service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    finished = await bench.start_flow("stats", {"values": [1], "mode": "ok"})
    await bench.outcome(finished)
    output = bench.topic("stats.out")
    caplog.set_level(logging.WARNING, logger="sfc.bridge")
    await bench.publish(output, {"sum": 0}, headers=[("sfc-token", b"not a token")])
    await bench.publish(output, {"sum": 0})
    await bench.publish(output, {"sum": 0}, headers=[("sfc-token", b"no-such-flow:j1")])
    await bench.publish(output, {"sum": 0}, headers=[("sfc-token", f"{finished}:j1".encode())])
    # Everything keeps working, and the finished flow did not change.
    after = await bench.start_flow("stats", {"values": [4], "mode": "ok"})
    assert (await bench.outcome(after)).output == {"sum": 4}
    history = await bench.history_of(finished)
    assert history[-1] == "FlowSucceeded"
    assert history.count("TaskSucceeded") == 1
    assert bench.outcomes[finished].output == {"sum": 1}
    assert bench.duplicate_outcomes == 0
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "'not a token' is not an SFC job token" in messages
    assert "no sfc-token header and no key" in messages
