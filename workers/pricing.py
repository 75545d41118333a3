"""The example pricing service: a gRPC service (``workers/pricing.proto``) with server reflection.

Its schema is built in :mod:`workers.pricing_schema`, so the example needs no generated
code.

Reflection lets SFC's executor call it from a blueprint with no generated code::

    "Price": {
      "Type": "Task",
      "Resource": "grpc://127.0.0.1:50051/shop.Pricing/Quote",
      "Parameters": {"sku.$": "$.sku", "quantity.$": "$.quantity", "currency": "EUR"},
      "ResultPath": "$.quote",
      "Catch": [{"ErrorEquals": ["SFC.Grpc.NOT_FOUND"], "Next": "UnknownProduct"}],
      "Next": "Pay"
    }

The input is the request message in protobuf's JSON mapping; the result is the reply, e.g.
``{"sku": "SKU-1001", "quantity": 2, "currency": "EUR", "unitPrice": 12.5, "total": 25.0}``
(note ``unit_price`` becomes ``unitPrice``). Unknown SKUs fail with ``NOT_FOUND``, a
quantity below 1 or an unknown currency with ``INVALID_ARGUMENT``.

Run it alone with ``python -m workers.pricing [--port 50051]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

import grpc
from grpc_reflection.v1alpha import reflection

from workers import pricing_schema
from workers.pricing_schema import QuoteReply, QuoteRequest

PRICES: Mapping[str, float] = {"SKU-1001": 12.5, "SKU-1002": 49.0, "SKU-1003": 199.99}
"""Unit prices in euros, per SKU."""

RATES: Mapping[str, float] = {"EUR": 1.0, "USD": 1.08, "CNY": 7.8}
"""What one euro is worth in each currency the service quotes in."""


class Pricing:
    """The ``shop.Pricing`` service."""

    def __init__(self, prices: Mapping[str, float]) -> None:
        self.prices = prices

    async def quote(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        """The price of ``quantity`` units of ``sku`` in ``currency`` (EUR by default)."""
        currency = request.currency or "EUR"
        if request.sku not in self.prices:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no price for SKU {request.sku}")
        if request.quantity < 1 or currency not in RATES:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"quantity must be at least 1 and currency one of {', '.join(RATES)}",
            )
        unit_price = round(self.prices[request.sku] * RATES[currency], 2)
        return QuoteReply(
            sku=request.sku,
            quantity=request.quantity,
            currency=currency,
            unit_price=unit_price,
            total=round(unit_price * request.quantity, 2),
        )


class PricingService:
    """The pricing service on ``host:port`` (port 0 picks a free one).

    Args:
        host: Address to bind.
        port: Port to bind; after :meth:`start`, the port bound.
        prices: Unit prices per SKU (default: :data:`PRICES`).
        with_reflection: Serve gRPC server reflection (SFC needs it unless it is given a
            descriptor set of ``pricing.proto``).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        prices: Mapping[str, float] | None = None,
        with_reflection: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.prices = PRICES if prices is None else prices
        self.with_reflection = with_reflection
        self._server: grpc.aio.Server | None = None

    @property
    def address(self) -> str:
        """``host:port``, as in a ``grpc://`` resource."""
        return f"{self.host}:{self.port}"

    async def start(self) -> None:
        """Start serving."""
        # A grpc.aio server belongs to the event loop it is made in: make it here.
        self._server = grpc.aio.server()
        quote = grpc.unary_unary_rpc_method_handler(
            Pricing(self.prices).quote,
            request_deserializer=QuoteRequest.FromString,
            response_serializer=QuoteReply.SerializeToString,
        )
        handlers = grpc.method_handlers_generic_handler(pricing_schema.SERVICE, {"Quote": quote})
        self._server.add_generic_rpc_handlers((handlers,))
        if self.with_reflection:
            names = (pricing_schema.SERVICE, reflection.SERVICE_NAME)
            reflection.enable_server_reflection(names, self._server)
        self.port = self._server.add_insecure_port(f"{self.host}:{self.port}")
        await self._server.start()

    async def stop(self) -> None:
        """Stop serving, letting calls in progress finish for up to a second."""
        if self._server is not None:
            await self._server.stop(grace=1.0)
            self._server = None


async def _serve(args: argparse.Namespace) -> None:
    service = PricingService(args.host, args.port)
    await service.start()
    print(f"pricing on grpc://{service.address}/shop.Pricing/Quote (Ctrl-C stops it)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await service.stop()


def main() -> None:
    """``python -m workers.pricing``."""
    parser = argparse.ArgumentParser(description="The example pricing gRPC service.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=50051)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
