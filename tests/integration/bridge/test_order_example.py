"""The order example end to end, under ``sfc dev``'s stack run in this process.

Orders go in as service A publishes them (``raw_order_tmall``), or over the API; every
service of the example takes part: the split worker, the Faust statistics service, the
inventory (HTTP) and pricing (gRPC) services through the executor, the payment simulator.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from bridge_support import Flows, eventually

from sfc.bridge.convention import trigger_flow_id
from sfc.dev.example import ExampleOptions, OrderExample
from sfc.dev.stack import DevOptions, DevStack
from sfc.kafka.records import FlowOutcome
from sfc.settings import Settings

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def on_path() -> Iterator[None]:
    """``workers`` importable, as ``sfc dev`` makes it from the repository's root."""
    sys.path.insert(0, str(REPO))
    yield
    sys.path.remove(str(REPO))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(on_path: None, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevStack]:
    """``sfc dev``'s stack, with no orders published at start and a quick payer."""
    options = DevOptions(
        port=0,
        blueprints=REPO / "blueprints",
        worker_modules=["workers.examples", "workers.orders"],
        data_dir=tmp_path_factory.mktemp("dev"),
        example=ExampleOptions(orders=0, fail_every=0, payment_delay=0.3),
        root=REPO,
    )
    base = Settings.model_validate(
        {"kafka": {"partitions": 2}, "bridge": {"refresh_seconds": 0.2}, "log": {"level": "INFO"}}
    )
    running = DevStack(options, base)
    await running.start()
    yield running
    await running.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def flows(stack: DevStack) -> AsyncIterator[Flows]:
    """Outcomes and history of the stack's flows."""
    assert stack.settings is not None
    reader = Flows(stack.settings)
    await reader.start()
    yield reader
    await reader.stop()


def _output(outcome: FlowOutcome) -> dict[str, Any]:
    assert isinstance(outcome.output, dict), outcome
    return outcome.output


def _example(stack: DevStack) -> OrderExample:
    assert stack.example is not None
    return stack.example


async def _order_flow(
    stack: DevStack, flows: Flows, **order: Any
) -> tuple[dict[str, Any], FlowOutcome]:
    """Publish one order as service A does; wait for the flow it starts to end."""
    publisher = sys.modules["workers.order_publisher"]
    made = publisher.make_order(0, **order)
    await publisher.publish(_example(stack).broker, [made])
    flow = trigger_flow_id("order-tmall", made["order_id"], ("", 0, 0))
    return made, await flows.outcome(flow, within=60)


async def test_a_normal_order_is_split_counted_reserved_priced_and_paid(
    stack: DevStack, flows: Flows
) -> None:
    order, outcome = await _order_flow(stack, flows, kind="normal", quantity=2)
    assert outcome.status == "SUCCEEDED", outcome
    result = outcome.output
    assert isinstance(result, dict)
    assert (result["status"], result["type"]) == ("CONFIRMED", "normal")
    assert result["fulfilment"]["mode"] == "standard"
    assert [p["warehouse"] for p in result["parcels"]] == ["HZ-1", "SH-2"]
    assert result["finance"]["orderId"] == order["order_id"]
    assert result["finance"]["total"] == pytest.approx((2 * 12.5 + 2 * 49.0) * 1.13)
    assert [r["sku"] for r in result["reservations"]] == ["SKU-1001", "SKU-1002"]
    assert [(q["sku"], q["currency"], q["quantity"]) for q in result["quotes"]] == [
        ("SKU-1001", "CNY", 2),
        ("SKU-1002", "CNY", 2),
    ]
    assert result["payment"]["order_id"] == order["order_id"]
    assert result["payment"]["amount"] == 123.0


async def test_a_presale_order_holds_its_parcels(stack: DevStack, flows: Flows) -> None:
    _, outcome = await _order_flow(stack, flows, kind="presale")
    result = outcome.output
    assert isinstance(result, dict)
    assert (result["status"], result["fulfilment"]["mode"]) == ("CONFIRMED", "presale")
    assert [p["holdUntilBalancePaid"] for p in result["parcels"]] == [True]


async def test_a_virtual_order_reserves_no_stock(stack: DevStack, flows: Flows) -> None:
    calls = _example(stack).inventory.calls
    _, outcome = await _order_flow(stack, flows, kind="virtual")
    result = outcome.output
    assert isinstance(result, dict)
    assert (result["status"], result["fulfilment"]["mode"]) == ("CONFIRMED", "digital")
    assert result["reservations"] == []
    assert [p["warehouse"] for p in result["parcels"]] == ["DIGITAL"]
    assert _example(stack).inventory.calls == calls


async def test_an_order_of_an_unknown_type_fails(stack: DevStack, flows: Flows) -> None:
    _, outcome = await _order_flow(stack, flows, kind="wholesale")
    assert (outcome.status, outcome.error) == ("FAILED", "Order.UnknownType")


async def test_the_flaky_inventory_is_retried(stack: DevStack, flows: Flows) -> None:
    inventory = _example(stack).inventory
    inventory.fail_every = 2
    try:
        calls = inventory.calls
        _, outcome = await _order_flow(stack, flows, kind="normal")
    finally:
        inventory.fail_every = 0
    assert _output(outcome)["status"] == "CONFIRMED"
    events = await flows.events_of(outcome.flow_id)
    reserves = [e for e in events if e.type == "TaskScheduled" and "/reserve" in (e.resource or "")]
    # Every other call answers 503: the two items' reservations took retries, each a call.
    assert len(reserves) == inventory.calls - calls > 2
    assert max(e.attempt or 0 for e in reserves) >= 1


async def test_too_little_stock_takes_the_catch_path(stack: DevStack, flows: Flows) -> None:
    _, outcome = await _order_flow(stack, flows, kind="normal", quantity=1000)
    result = outcome.output
    assert isinstance(result, dict)
    assert (result["status"], result["reason"]) == ("REJECTED", "out of stock")
    assert result["error"]["Error"] == "SFC.Http.409"


async def test_an_inventory_that_keeps_failing_is_caught_after_its_retries(
    stack: DevStack, flows: Flows
) -> None:
    inventory = _example(stack).inventory
    inventory.fail_every = 1
    try:
        _, outcome = await _order_flow(stack, flows, kind="presale")
    finally:
        inventory.fail_every = 0
    assert (outcome.status, outcome.error) == ("FAILED", "Order.InventoryUnavailable")
    assert "busy" in (outcome.cause or "")


async def test_an_order_never_paid_is_cancelled_when_its_window_closes(
    stack: DevStack, flows: Flows
) -> None:
    _, outcome = await _order_flow(stack, flows, kind="virtual", abandon=True, payment_window=2)
    result = outcome.output
    assert isinstance(result, dict)
    assert (result["status"], result["reason"]) == (
        "CANCELLED",
        "the payment was not confirmed in time",
    )


async def test_an_order_started_over_the_api_waits_for_its_payment(
    stack: DevStack, flows: Flows
) -> None:
    publisher = sys.modules["workers.order_publisher"]
    order = publisher.make_order(1, kind="virtual")
    assert stack.server is not None
    async with aiohttp.ClientSession() as http:
        body = {"blueprint": "order-tmall", "input": order}
        async with http.post(f"{stack.server.url}/api/v1/flows", json=body) as response:
            assert response.status == 202
            flow = (await response.json())["id"]

        async def waiting() -> bool:
            events = await flows.events_of(flow, idle_ms=100)
            return any(e.type == "StateEntered" and e.state == "AwaitPayment" for e in events)

        await eventually(waiting, within=60)
        payments = sys.modules["workers.payments"]
        await payments.confirm(_example(stack).broker, order["order_id"], 49.0)
    outcome = await flows.outcome(flow, within=30)
    assert _output(outcome)["payment"]["amount"] == 49.0
