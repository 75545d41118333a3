"""Service A of the order example: a shop front publishing orders to ``raw_order_tmall``.

It knows nothing of SFC: it publishes each order as JSON, keyed by its ``order_id``. The
``order-tmall`` blueprint's trigger starts a flow for each.

    python -m workers.order_publisher --count 5 [--broker 127.0.0.1:9092] [--type presale]

Orders cycle through the types ``normal``, ``presale`` and ``virtual``. ``--abandon``
marks them so that the payment simulator never confirms them (their flows wait for the
payment until the window closes); ``--quantity`` orders that many of each item (more than
the inventory holds takes the out-of-stock path).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

TOPIC = "raw_order_tmall"
TYPES = ("normal", "presale", "virtual")
SHOPS = ("tmall-flagship", "tmall-outlet")
ITEMS: dict[str, list[tuple[str, float]]] = {
    "normal": [("SKU-1001", 12.5), ("SKU-1002", 49.0)],
    "presale": [("SKU-1003", 199.99)],
    "virtual": [("SKU-1002", 49.0)],
}


def make_order(
    number: int,
    *,
    kind: str | None = None,
    quantity: int = 1,
    abandon: bool = False,
    payment_window: int = 120,
) -> dict[str, Any]:
    """A sample order; ``kind`` defaults to the ``number``-th of :data:`TYPES`."""
    kind = kind or TYPES[number % len(TYPES)]
    now = dt.datetime.now(dt.UTC)
    payment: dict[str, Any] = {"method": "alipay", "windowSeconds": payment_window}
    if abandon:
        payment["simulate"] = "abandon"
    return {
        "order_id": f"TM-{now:%Y%m%d}-{uuid.uuid4().hex[:8]}",
        "shop": SHOPS[number % len(SHOPS)],
        "type": kind,
        "customer": f"c-{1000 + number}",
        "created_at": now.isoformat(timespec="seconds"),
        "items": [
            {"sku": sku, "qty": quantity, "price": price} for sku, price in ITEMS.get(kind, [])
        ]
        or [{"sku": "SKU-1001", "qty": quantity, "price": 12.5}],
        "payment": payment,
    }


async def publish(
    broker: str, orders: Sequence[dict[str, Any]], topic: str = TOPIC
) -> list[dict[str, Any]]:
    """Publish orders (acknowledged by the broker); returns them."""
    producer = AIOKafkaProducer(bootstrap_servers=broker, acks="all")
    await producer.start()
    try:
        for order in orders:
            await producer.send_and_wait(
                topic, json.dumps(order).encode(), key=str(order["order_id"]).encode()
            )
    finally:
        await producer.stop()
    return list(orders)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m workers.order_publisher``."""
    parser = argparse.ArgumentParser(description="Publish example orders to raw_order_tmall.")
    parser.add_argument("--broker", default="127.0.0.1:9092", help="host:port of Kafka")
    parser.add_argument("--count", type=int, default=1, help="how many orders")
    parser.add_argument("--type", choices=TYPES, help="every order of this type")
    parser.add_argument("--quantity", type=int, default=1, help="units of each item")
    parser.add_argument("--abandon", action="store_true", help="never pay for them")
    parser.add_argument("--topic", default=TOPIC)
    args = parser.parse_args(argv)
    orders = [
        make_order(n, kind=args.type, quantity=args.quantity, abandon=args.abandon)
        for n in range(args.count)
    ]
    for order in asyncio.run(publish(args.broker, orders, args.topic)):
        print(f"published {order['type']} order {order['order_id']}")


if __name__ == "__main__":
    main()
