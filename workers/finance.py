"""Financial statistics of orders: a Faust service that knows nothing of SFC.

It only follows the ``kafka://`` convention (``docs/blueprints.md``): it reads orders from
its input topic (``finance.stats.in``) and writes each order's statistics to its own output
topic (``finance.stats.out``), echoing the ``sfc-token`` header it was given. An order it
cannot read is answered with the ``sfc-error`` header instead.

Besides each order's subtotal, discount, tax and total, it keeps a running daily total
per shop in a Faust table. Orders are first re-keyed by shop (through the internal topic
``<app id>-orders-by-shop``) so that one shop's orders meet in one partition, and with
them its table entries. An order counted once is not counted again when delivered again
(at-least-once) or retried.

Run it with ``python -m workers.finance --broker 127.0.0.1:9092``; ``sfc dev`` runs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import faust
from faust.types import EventT, TopicT

log = logging.getLogger(__name__)

TAX_RATE = Decimal("0.13")
"""Value-added tax on goods."""
CENT = Decimal("0.01")
TOKEN = "sfc-token"


class InvalidOrderError(ValueError):
    """An order the service cannot compute statistics for."""


@dataclass(frozen=True)
class Statistics:
    """One order's figures (in the order's currency)."""

    order_id: str
    shop: str
    day: str
    items: int
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


def statistics(order: Any, today: dt.date | None = None) -> Statistics:
    """The figures of one order.

    Raises:
        InvalidOrderError: The order has no id, no shop, no items, or an item without a
            positive quantity and a price.
    """
    if not isinstance(order, Mapping):
        raise InvalidOrderError("an order is a JSON object")
    order_id, shop, lines = order.get("order_id"), order.get("shop"), order.get("items")
    if not order_id or not shop or not isinstance(lines, list) or not lines:
        raise InvalidOrderError("an order needs an order_id, a shop and items")
    subtotal, count = Decimal(0), 0
    for line in lines:
        quantity, price = _line(line)
        subtotal += quantity * price
        count += quantity
    discount = min(_money(order.get("discount", 0)), subtotal)
    tax = ((subtotal - discount) * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    created = str(order.get("created_at") or (today or dt.datetime.now(dt.UTC).date()).isoformat())
    return Statistics(
        str(order_id),
        str(shop),
        created[:10],
        count,
        subtotal.quantize(CENT),
        discount.quantize(CENT),
        tax,
        (subtotal - discount + tax).quantize(CENT),
    )


def _line(line: Any) -> tuple[int, Decimal]:
    if not isinstance(line, Mapping):
        raise InvalidOrderError("an item is a JSON object")
    quantity = line.get("qty")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidOrderError(f"item {line.get('sku')!r} needs a positive whole qty")
    return quantity, _money(line.get("price"))


def _money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidOrderError(f"{value!r} is not an amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidOrderError(f"{value!r} is not an amount") from exc
    if not amount.is_finite() or amount < 0:
        raise InvalidOrderError(f"{value!r} is not an amount")
    return amount


def create_app(
    broker: str,
    *,
    app_id: str = "finance-stats",
    source: str = "finance.stats.in",
    output: str = "finance.stats.out",
    partitions: int = 4,
) -> faust.App:
    """The Faust app: two agents and the daily totals table.

    Args:
        broker: ``host:port`` of a Kafka broker.
        app_id: The app's id: its consumer group and the prefix of its own topics.
        source: The topic orders arrive on.
        output: The topic statistics are written to.
        partitions: Partitions of the topics the app creates (and of its table).
    """
    app = faust.App(
        app_id,
        broker=f"kafka://{broker}",
        store="memory://",
        topic_partitions=partitions,
        topic_replication_factor=1,
        # The bundled broker rebalances slowly with longer sessions.
        broker_session_timeout=6.0,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
    )
    orders = app.topic(source, value_serializer="raw", internal=True, partitions=partitions)
    results = app.topic(output, value_serializer="raw", internal=True, partitions=partitions)
    by_shop = app.topic(
        f"{app_id}-orders-by-shop", value_serializer="raw", internal=True, partitions=partitions
    )
    daily = app.Table("daily-totals", default=dict, partitions=partitions)

    @app.agent(orders)
    async def intake(stream: faust.Stream) -> None:
        """Re-key each order by its shop; answer unreadable ones at once."""
        async for event in stream.events():
            await _intake(event, by_shop, results)

    @app.agent(by_shop)
    async def tally(stream: faust.Stream) -> None:
        """Count each order into its shop's daily total and answer with its figures."""
        async for event in stream.events():
            await _tally(event, daily, results)

    return app


async def _intake(event: EventT, by_shop: TopicT, results: TopicT) -> None:
    token = _token(event)
    try:
        shop = statistics(json.loads(event.value)).shop
    except ValueError as exc:  # not JSON, or not an order (InvalidOrderError)
        await _fail(results, token, str(exc))
        return
    # Forwarded with the token as its only header: the reply echoes it.
    await event.forward(by_shop, key=shop.encode(), headers={TOKEN: token})


async def _tally(event: EventT, daily: faust.Table, results: TopicT) -> None:
    figures = statistics(json.loads(event.value))
    key = f"{figures.shop}|{figures.day}"
    day = dict(daily[key])
    counted: list[str] = list(day.get("orders", []))
    if figures.order_id not in counted:
        counted.append(figures.order_id)
        total = Decimal(str(day.get("total", "0"))) + figures.total
        # Tables only log what is assigned: store a new value, never mutate the old one.
        daily[key] = day = {"orders": counted, "total": str(total)}
    answer = json.dumps(_answer(figures, day)).encode()
    await results.send(value=answer, headers={TOKEN: _token(event)})


def _token(event: EventT) -> bytes:
    headers = dict(event.headers or {})
    token = headers.get(TOKEN)
    if token is None and event.key:
        # A sender that put the token in the key only: echo it as the header.
        return bytes(event.key)
    return bytes(token or b"")


async def _fail(results: TopicT, token: bytes, cause: str) -> None:
    headers = {TOKEN: token, "sfc-error": b"Finance.InvalidOrder", "sfc-cause": cause.encode()}
    await results.send(value=b"{}", headers={**headers, "sfc-retryable": b"false"})


def _answer(figures: Statistics, day: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "orderId": figures.order_id,
        "items": figures.items,
        "subtotal": float(figures.subtotal),
        "discount": float(figures.discount),
        "tax": float(figures.tax),
        "total": float(figures.total),
        "daily": {
            "shop": figures.shop,
            "day": figures.day,
            "orders": len(day.get("orders", [])),
            "total": float(Decimal(str(day.get("total", "0")))),
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the service until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", default="127.0.0.1:9092", help="host:port of Kafka")
    parser.add_argument("--app-id", default="finance-stats")
    parser.add_argument("--source", default="finance.stats.in")
    parser.add_argument("--output", default="finance.stats.out")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--loglevel", default="warning")
    parser.add_argument("--quiet", action="store_true", help="no start-up banner")
    args = parser.parse_args(argv)
    app = create_app(
        args.broker,
        app_id=args.app_id,
        source=args.source,
        output=args.output,
        partitions=args.partitions,
    )
    worker = faust.Worker(app, loglevel=args.loglevel, quiet=args.quiet)
    if args.quiet:
        # Faust draws a terminal spinner at warning level and above; keep output plain.
        worker.spinner = None
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
