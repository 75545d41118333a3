"""Kafka triggers: messages start flows, once each, while their blueprint is enabled."""

from __future__ import annotations

import asyncio
import logging

import msgspec
import pytest
import pytest_asyncio
from bridge_support import Bench
from prometheus_client import REGISTRY

from sfc.bridge.convention import trigger_flow_id
from sfc.core.types import Json
from tests.integration.waiting import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _echo(*triggers: dict[str, Json]) -> dict[str, Json]:
    return {
        "Triggers": list(triggers),
        "StartAt": "Echo",
        "States": {"Echo": {"Type": "Pass", "End": True}},
    }


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def orders(bench: Bench) -> str:
    """``orders``: started by messages on its topic, keyed by ``$.id``; returns the topic."""
    topic = bench.topic("orders")
    await bench.deploy(
        "orders", _echo({"Source": f"kafka://{topic}", "IdempotencyKeyPath": "$.id"})
    )
    await bench.consuming(bench.bridge.triggers, topic)
    return topic


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def raw(bench: Bench) -> str:
    """``raw``: started by every message on its topic (no idempotency key)."""
    topic = bench.topic("raw")
    await bench.deploy("raw", _echo({"Source": f"kafka://{topic}"}))
    await bench.consuming(bench.bridge.triggers, topic)
    return topic


def _inputs(bench: Bench, blueprint: str) -> list[Json]:
    return [outcome.output for outcome in bench.of_blueprint(blueprint)]


async def _settle(bench: Bench, seconds: float = 1.0) -> None:
    """Read outcomes for a while: long enough for a flow that should not start to show."""
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    while loop.time() < until:
        await bench.poll_outcomes(100)


async def test_a_message_starts_a_flow_with_itself_as_input(bench: Bench, orders: str) -> None:
    await bench.publish(orders, {"id": "o-1", "amount": 3})
    flow = trigger_flow_id("orders", "o-1", ("", 0, 0))
    outcome = await bench.outcome(flow)
    assert (outcome.status, outcome.output) == ("SUCCEEDED", {"id": "o-1", "amount": 3})
    assert outcome.version == 1


async def test_a_redelivered_message_starts_no_second_flow(bench: Bench, orders: str) -> None:
    for _ in range(2):
        await bench.publish(orders, {"id": "o-2", "amount": 1})
    await bench.publish(orders, {"id": "o-3"})
    await bench.outcome(trigger_flow_id("orders", "o-3", ("", 0, 0)))
    await _settle(bench, 0.5)
    assert _inputs(bench, "orders").count({"id": "o-2", "amount": 1}) == 1


async def test_messages_read_again_start_nothing_new(bench: Bench, raw: str) -> None:
    for n in range(3):
        await bench.publish(raw, {"n": n})
    await bench.read_outcomes_until(lambda: len(bench.of_blueprint("raw")) == 3)
    # Read every message again, as a member does after a crash before its commit: the
    # same positions give the same flow ids, which the engine already knows.
    triggers = bench.bridge.triggers
    assert triggers is not None
    before = _triggered("raw")
    for tp in triggers.consumer.assignment():
        if tp.topic == raw:
            triggers.seek(tp, 0)
    await wait_until(lambda: _triggered("raw") >= before + 3)
    await _settle(bench, 1.0)
    assert sorted(msgspec.json.encode(o) for o in _inputs(bench, "raw")) == [
        b'{"n":0}',
        b'{"n":1}',
        b'{"n":2}',
    ]
    assert bench.duplicate_outcomes == 0


async def test_a_message_that_is_not_json_is_skipped(
    bench: Bench, orders: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="sfc.bridge")
    skipped = REGISTRY.get_sample_value("sfc_bridge_trigger_messages_skipped_total") or 0
    await bench.publish(orders, b"{not json")
    await bench.publish(orders, {"id": "o-4"})
    await bench.outcome(trigger_flow_id("orders", "o-4", ("", 0, 0)))
    assert REGISTRY.get_sample_value("sfc_bridge_trigger_messages_skipped_total") == skipped + 1
    assert "it is not JSON" in caplog.text


async def test_disabling_stops_starting_flows_and_enabling_resumes(
    bench: Bench, orders: str
) -> None:
    await bench.registry.set_enabled("orders", False)
    await wait_until(lambda: orders not in bench.bridge.plan.triggers)
    await bench.publish(orders, {"id": "o-5"})
    flow = trigger_flow_id("orders", "o-5", ("", 0, 0))
    await _settle(bench, 1.5)
    assert flow not in bench.outcomes
    await bench.registry.set_enabled("orders", True)
    assert (await bench.outcome(flow)).output == {"id": "o-5"}


async def test_a_new_version_replaces_the_triggers(bench: Bench, orders: str) -> None:
    moved = bench.topic("orders.v2")
    await bench.deploy(
        "orders", _echo({"Source": f"kafka://{moved}", "IdempotencyKeyPath": "$.id"})
    )
    await bench.consuming(bench.bridge.triggers, moved)
    await bench.publish(orders, {"id": "o-6"})
    await bench.publish(moved, {"id": "o-7"})
    outcome = await bench.outcome(trigger_flow_id("orders", "o-7", ("", 0, 0)))
    assert outcome.version == 2
    await _settle(bench, 1.0)
    assert trigger_flow_id("orders", "o-6", ("", 0, 0)) not in bench.outcomes


def _triggered(blueprint: str) -> float:
    labels = {"blueprint": blueprint}
    return REGISTRY.get_sample_value("sfc_bridge_flows_triggered_total", labels) or 0.0
