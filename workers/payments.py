"""The order example's payment provider, simulated: confirms orders on ``payments.confirmed``.

Like a real provider's webhook feed, it knows nothing of SFC: it sees the shop's orders
(``raw_order_tmall``) and, a little later, publishes a confirmation keyed by the order id::

    {"order_id": "TM-...", "amount": 74.0, "currency": "CNY", "method": "alipay", "paid_at": "..."}

Orders whose ``payment.simulate`` is ``abandon`` are never paid. The ``order-tmall``
blueprint's Join waits for these confirmations, correlated by ``order_id``.

Run it alone with ``python -m workers.payments [--broker ...]``, or confirm one order by
hand (an order started over the API, say) with ``python -m workers.payments --confirm ID``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

ORDERS = "raw_order_tmall"
CONFIRMED = "payments.confirmed"


def confirmation(order: Mapping[str, Any]) -> dict[str, Any]:
    """The confirmation of an order's payment."""
    items = order.get("items") or []
    amount = sum(float(item.get("price", 0)) * int(item.get("qty", 0)) for item in items)
    payment = order.get("payment") or {}
    return {
        "order_id": order["order_id"],
        "amount": round(amount, 2),
        "currency": "CNY",
        "method": payment.get("method", "alipay"),
        "paid_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


class PaymentSimulator:
    """Confirms each order it sees, ``delay`` seconds after seeing it.

    Args:
        broker: ``host:port`` of Kafka.
        delay: Seconds between an order and its confirmation.
        orders: The topic orders are published to.
        confirmed: The topic confirmations go to.
        group: The simulator's consumer group.
    """

    def __init__(
        self,
        broker: str,
        *,
        delay: float = 2.0,
        orders: str = ORDERS,
        confirmed: str = CONFIRMED,
        group: str = "payment-simulator",
    ) -> None:
        self.delay = delay
        self.confirmed = confirmed
        self.sent = 0
        self._consumer = AIOKafkaConsumer(
            orders,
            bootstrap_servers=broker,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
        )
        self._producer = AIOKafkaProducer(bootstrap_servers=broker, acks="all")
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start confirming."""
        await self._producer.start()
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="payment-simulator")

    async def stop(self) -> None:
        """Stop (confirmations not yet sent are sent again after a restart)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
        await self._producer.stop()

    async def _run(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500)
            except KafkaError as exc:
                log.warning("reading orders failed (%s); retrying", exc)
                await asyncio.sleep(1.0)
                continue
            orders = [_order(r.value) for records in batches.values() for r in records]
            await asyncio.gather(*(self._confirm(o) for o in orders if o is not None))
            if batches:
                await self._consumer.commit()

    async def _confirm(self, order: Mapping[str, Any]) -> None:
        if (order.get("payment") or {}).get("simulate") == "abandon":
            log.info("order %s is never paid", order.get("order_id"))
            return
        await asyncio.sleep(self.delay)
        await send(self._producer, confirmation(order), self.confirmed)
        self.sent += 1


async def send(producer: AIOKafkaProducer, paid: Mapping[str, Any], topic: str = CONFIRMED) -> None:
    """Publish one confirmation, keyed by its order id."""
    key = str(paid["order_id"]).encode()
    await producer.send_and_wait(topic, json.dumps(paid).encode(), key=key)


def _order(value: bytes | None) -> dict[str, Any] | None:
    try:
        order = json.loads(value or b"")
    except ValueError:
        return None
    return order if isinstance(order, dict) and "order_id" in order else None


async def confirm(broker: str, order_id: str, amount: float) -> None:
    """Confirm one order's payment by hand (an order started over SFC's API, say)."""
    producer = AIOKafkaProducer(bootstrap_servers=broker, acks="all")
    await producer.start()
    try:
        paid = {**confirmation({"order_id": order_id}), "amount": amount}
        await send(producer, paid)
    finally:
        await producer.stop()


async def _simulate(broker: str, delay: float) -> None:
    simulator = PaymentSimulator(broker, delay=delay)
    await simulator.start()
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.stop()


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m workers.payments``."""
    parser = argparse.ArgumentParser(description="The example's payment provider, simulated.")
    parser.add_argument("--broker", default="127.0.0.1:9092", help="host:port of Kafka")
    parser.add_argument("--delay", type=float, default=2.0, help="seconds before confirming")
    parser.add_argument("--confirm", metavar="ORDER_ID", help="confirm this order and exit")
    parser.add_argument("--amount", type=float, default=0.0, help="with --confirm")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        if args.confirm:
            asyncio.run(confirm(args.broker, args.confirm, args.amount))
            print(f"confirmed the payment of order {args.confirm}")
        else:
            asyncio.run(_simulate(args.broker, args.delay))


if __name__ == "__main__":
    main()
