"""Join events from Kafka: routed by correlation key to the flows waiting for them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import pytest_asyncio
from aiokafka import TopicPartition
from bridge_support import Bench, eventually
from prometheus_client import REGISTRY

from sfc.core.types import Json
from sfc.kafka import make_consumer
from tests.integration.waiting import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="module")

EARLY_SECONDS = 4.0


@pytest.fixture(scope="module")
def bridge_options() -> dict[str, Any]:
    """Early messages expire quickly here, so that expiry can be seen."""
    return {"early_event_seconds": EARLY_SECONDS}


def _wait(events: list[Json], mode: str = "ALL", timeout: int = 30, **more: Json) -> Json:
    return {
        "Type": "Join",
        "Events": events,
        "Mode": mode,
        "TimeoutSeconds": timeout,
        "ResultPath": "$.events",
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}],
        **({"End": True} if "Next" not in more else {}),
        **more,
    }


def _join(events: list[Json], mode: str = "ALL", timeout: int = 30) -> Json:
    return {
        "StartAt": "Wait",
        "States": {
            "Wait": _wait(events, mode, timeout),
            "TimedOut": {"Type": "Pass", "Result": "timed out", "End": True},
        },
    }


class Sources:
    """The event sources of this module and the Join events on them."""

    def __init__(self, bench: Bench) -> None:
        self.payments = bench.topic("payments")
        self.shipments = bench.topic("shipments")
        self.paid: Json = {
            "Name": "paid",
            "Source": f"kafka://{self.payments}",
            "CorrelationKeyPath": "$.order",
            "MessageKeyPath": "$.order_id",
        }
        # No MessageKeyPath: the record key is the correlation key.
        self.shipped: Json = {
            "Name": "shipped",
            "Source": f"kafka://{self.shipments}",
            "CorrelationKeyPath": "$.order",
        }


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sources(bench: Bench) -> Sources:
    """Every blueprint of the module, deployed; the router reads both sources."""
    on = Sources(bench)
    await bench.deploy("pay", _join([on.paid]))
    await bench.deploy("both", _join([on.paid, on.shipped], "ALL"))
    await bench.deploy("either", _join([on.paid, on.shipped], "ANY"))
    await bench.deploy("short", _join([on.paid], timeout=1))
    await bench.deploy(
        "twice",
        {
            "StartAt": "Wait",
            "States": {
                "Wait": _wait([on.paid], Next="Again"),
                "Again": _wait([on.paid], timeout=5, ResultPath="$.again", End=True),
                "TimedOut": {"Type": "Pass", "Result": "timed out", "End": True},
            },
        },
    )
    for topic in (on.payments, on.shipments):
        await bench.consuming(bench.bridge.events, topic)
    return on


def _order() -> str:
    return f"order-{uuid.uuid4().hex[:8]}"


async def _subscribed(bench: Bench, name: str, order: str, topic: str, flow: str) -> None:
    index = _router(bench).index
    await wait_until(lambda: flow in index.flows(name, order, f"kafka://{topic}"))


def _router(bench: Bench) -> Any:
    assert bench.bridge.events is not None
    return bench.bridge.events


def _count(outcome: str) -> float:
    labels = {"outcome": outcome}
    return REGISTRY.get_sample_value("sfc_bridge_join_events_total", labels) or 0.0


async def test_a_message_after_the_subscription_is_delivered(
    bench: Bench, sources: Sources
) -> None:
    order = _order()
    flow = await bench.start_flow("pay", {"order": order})
    await _subscribed(bench, "paid", order, sources.payments, flow)
    await bench.publish(sources.payments, {"order_id": order, "amount": 12})
    outcome = await bench.outcome(flow)
    assert outcome.output == {"order": order, "events": {"paid": {"order_id": order, "amount": 12}}}
    # Received: the flow no longer subscribes.
    await wait_until(
        lambda: not _router(bench).index.flows("paid", order, f"kafka://{sources.payments}")
    )


async def test_a_message_before_the_subscription_is_kept_uncommitted_then_delivered(
    bench: Bench, sources: Sources
) -> None:
    order = _order()
    kept = _count("kept")
    sent = await bench.publish(sources.payments, {"order_id": order, "amount": 7})
    await wait_until(lambda: _count("kept") > kept)
    tp = TopicPartition(sources.payments, sent.partition)
    assert (await _committed(bench, tp) or 0) <= sent.offset
    flow = await bench.start_flow("pay", {"order": order})
    outcome = await bench.outcome(flow)
    assert outcome.output == {"order": order, "events": {"paid": {"order_id": order, "amount": 7}}}
    await _eventually_committed_past(bench, tp, sent.offset)


async def test_all_waits_for_every_event_and_any_for_one(bench: Bench, sources: Sources) -> None:
    order = _order()
    both = await bench.start_flow("both", {"order": order})
    either = await bench.start_flow("either", {"order": order})
    await _subscribed(bench, "shipped", order, sources.shipments, both)
    await _subscribed(bench, "shipped", order, sources.shipments, either)
    await bench.publish(sources.shipments, {"carrier": "ups"}, key=order)
    assert (await bench.outcome(either)).output == {
        "order": order,
        "events": {"shipped": {"carrier": "ups"}},
    }
    assert both not in bench.outcomes
    await bench.publish(sources.payments, {"order_id": order, "amount": 1})
    assert (await bench.outcome(both)).output == {
        "order": order,
        "events": {"paid": {"order_id": order, "amount": 1}, "shipped": {"carrier": "ups"}},
    }


async def test_a_join_without_its_event_times_out_into_its_catch(
    bench: Bench, sources: Sources
) -> None:
    order = _order()
    flow = await bench.start_flow("short", {"order": order})
    assert (await bench.outcome(flow)).output == "timed out"
    await wait_until(
        lambda: not _router(bench).index.flows("paid", order, f"kafka://{sources.payments}")
    )


async def test_an_early_message_nobody_subscribes_to_expires_and_is_committed(
    bench: Bench, sources: Sources
) -> None:
    order = _order()
    expired = _count("expired")
    sent = await bench.publish(sources.payments, {"order_id": order, "amount": 3})
    await wait_until(lambda: _count("expired") > expired, within=EARLY_SECONDS + 5)
    await _eventually_committed_past(
        bench, TopicPartition(sources.payments, sent.partition), sent.offset
    )
    flow = await bench.start_flow("short", {"order": order})
    assert (await bench.outcome(flow)).output == "timed out"


async def test_messages_read_again_change_no_flow(bench: Bench, sources: Sources) -> None:
    order = _order()
    flow = await bench.start_flow("twice", {"order": order})
    await _subscribed(bench, "paid", order, sources.payments, flow)
    await bench.publish(sources.payments, {"order_id": order, "amount": 5})
    # The flow took the payment in its first Join and waits in the second for another.
    history: list[str] = []

    async def second_join() -> bool:
        history[:] = await bench.history_of(flow, idle_ms=100)
        return history.count("StateEntered") >= 2

    await eventually(second_join)
    # The router reads the payment again, as a member does after a crash before its
    # commit, and sends it again with the same message id, which the flow has applied.
    delivered = _count("delivered")
    router = _router(bench)
    for tp in router.consumer.assignment():
        if tp.topic == sources.payments:
            router.seek(tp, 0)
    await wait_until(lambda: _count("delivered") > delivered)
    assert "FlowSucceeded" not in await bench.history_of(flow, idle_ms=50)
    outcome = await bench.outcome(flow, within=20)
    assert outcome.output == "timed out"
    assert (await bench.history_of(flow)).count("EventReceived") == 1


async def _committed(bench: Bench, tp: TopicPartition) -> int | None:
    consumer = make_consumer(bench.settings.kafka, group_id=bench.settings.bridge.event_group)
    await consumer.start()
    try:
        return await consumer.committed(tp)
    finally:
        await consumer.stop()


async def _eventually_committed_past(bench: Bench, tp: TopicPartition, offset: int) -> None:
    async def past() -> bool:
        return (await _committed(bench, tp) or 0) > offset

    await eventually(past)
