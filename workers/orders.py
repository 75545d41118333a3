"""Service B of the order example: splits an order into parcels (an SDK worker handler).

The ``order-tmall`` blueprint calls it as ``task:order.split``; ``sfc dev``'s worker
serves it. Items are grouped by the warehouse that stocks them; a virtual order becomes
one digital delivery, and a presale order's parcels wait for the balance payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfc.worker import Handlers, TaskError

worker = Handlers()

WAREHOUSES: Mapping[str, str] = {"SKU-1001": "HZ-1", "SKU-1002": "SH-2", "SKU-1003": "HZ-1"}
"""Which warehouse stocks each SKU; others ship from the central one."""
CENTRAL = "CN-0"


@worker.task("order.split")
def split(order: dict[str, Any]) -> dict[str, Any]:
    """Group the order's items into parcels, one per warehouse (or one digital delivery).

    Raises:
        TaskError: ``Order.NoItems`` (not retryable) when the order has no items.
    """
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise TaskError(
            "Order.NoItems", f"order {order.get('order_id')!r} has no items", retryable=False
        )
    kind = order.get("type", "normal")
    if kind == "virtual":
        groups = {"DIGITAL": items}
    else:
        groups = {}
        for item in items:
            groups.setdefault(WAREHOUSES.get(str(item.get("sku")), CENTRAL), []).append(item)
    parcels = [
        {
            "parcel": f"{order.get('order_id')}-P{number}",
            "warehouse": warehouse,
            "items": [{"sku": item.get("sku"), "qty": item.get("qty")} for item in group],
            "holdUntilBalancePaid": kind == "presale",
        }
        for number, (warehouse, group) in enumerate(sorted(groups.items()), start=1)
    ]
    return {"parcels": parcels, "count": len(parcels)}
