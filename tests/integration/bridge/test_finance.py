"""The Faust financial statistics service (``workers/finance.py``) as a ``kafka://`` task."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from bridge_support import Bench

from sfc.core.types import Json
from sfc.dev.children import ChildProcess
from sfc.kafka.records import FlowOutcome

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPO = Path(__file__).resolve().parents[3]


def _order(order_id: str, *items: tuple[str, int, float], shop: str = "s1") -> dict[str, object]:
    return {
        "order_id": order_id,
        "shop": shop,
        "created_at": "2026-11-21T10:00:00+00:00",
        "items": [{"sku": sku, "qty": qty, "price": price} for sku, qty, price in items],
    }


def _daily(outcome: FlowOutcome) -> Json:
    assert isinstance(outcome.output, dict)
    return outcome.output["daily"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def finance(bench: Bench) -> AsyncIterator[ChildProcess]:
    """The Faust service in a child process, on this module's topics; ``stats`` calls it."""
    source, output = bench.topic("finance.in"), bench.topic("finance.out")
    await bench.deploy(
        "stats",
        {
            "StartAt": "Stats",
            "States": {
                "Stats": {
                    "Type": "Task",
                    "Resource": f"kafka://{source}",
                    "ReplyTopic": output,
                    "TimeoutSeconds": 60,
                    "Catch": [
                        {
                            "ErrorEquals": ["Finance.InvalidOrder"],
                            "ResultPath": "$.error",
                            "Next": "Bad",
                        }
                    ],
                    "End": True,
                },
                "Bad": {"Type": "Pass", "OutputPath": "$.error", "End": True},
            },
        },
    )
    argv = [
        sys.executable,
        "-m",
        "workers.finance",
        "--broker",
        bench.settings.kafka.bootstrap_servers,
    ]
    argv += ["--app-id", f"{bench.prefix}-finance", "--source", source, "--output", output]
    argv += ["--partitions", "2", "--quiet"]
    child = ChildProcess("finance", argv, cwd=REPO)
    await child.start()
    await bench.consuming(bench.bridge.replies, output)
    yield child
    await child.stop()


async def test_an_order_gets_its_figures_and_counts_into_the_daily_total(
    bench: Bench, finance: ChildProcess
) -> None:
    first = await bench.start_flow("stats", _order("A-1", ("SKU-1", 2, 12.5), ("SKU-2", 1, 49.0)))
    outcome = await bench.outcome(first, within=60)
    assert outcome.status == "SUCCEEDED"
    assert outcome.output == {
        "orderId": "A-1",
        "items": 3,
        "subtotal": 74.0,
        "discount": 0.0,
        "tax": 9.62,
        "total": 83.62,
        "daily": {"shop": "s1", "day": "2026-11-21", "orders": 1, "total": 83.62},
    }
    second = await bench.start_flow("stats", _order("A-2", ("SKU-1", 1, 10.0)))
    daily = _daily(await bench.outcome(second))
    assert daily == {"shop": "s1", "day": "2026-11-21", "orders": 2, "total": 94.92}
    # The same order again (a retry, say) is not counted twice.
    again = await bench.start_flow("stats", _order("A-2", ("SKU-1", 1, 10.0)))
    assert _daily(await bench.outcome(again)) == daily


async def test_an_order_it_cannot_read_fails_the_task_with_its_error(
    bench: Bench, finance: ChildProcess
) -> None:
    flow = await bench.start_flow("stats", {"order_id": "A-3", "shop": "s1", "items": []})
    outcome = await bench.outcome(flow, within=60)
    assert outcome.output == {
        "Error": "Finance.InvalidOrder",
        "Cause": "an order needs an order_id, a shop and items",
    }
    assert finance.running
