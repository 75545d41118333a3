"""The example inventory service: an HTTP (aiohttp) service that reserves stock.

A blueprint calls it through SFC's executor with a sync HTTP Task::

    "Reserve": {
      "Type": "Task",
      "Resource": "http://127.0.0.1:8081/reserve",
      "Parameters": {"RequestBody": {"sku.$": "$.sku", "quantity.$": "$.quantity"}},
      "ResultSelector": {"reservation.$": "$.ResponseBody"},
      "Retry": [{"ErrorEquals": ["SFC.Http.503"], "IntervalSeconds": 1, "MaxAttempts": 3}],
      "Catch": [{"ErrorEquals": ["SFC.Http.409"], "Next": "OutOfStock"}],
      "Next": "Price"
    }

Endpoints (JSON in, JSON out):

- ``POST /reserve`` ``{"sku", "quantity"}``: 200 ``{"reservationId", "sku", "quantity",
  "remaining"}``; 404 for an unknown SKU, 409 when too little is left, 400 for a bad body.
- ``GET /stock/{sku}``: 200 ``{"sku", "available"}`` or 404.
- ``POST /admin/flaky`` ``{"failEvery": N}``: from now on every N-th ``/reserve`` answers
  503 (1: all of them, 0: none), so that a blueprint's Retry has something to do.

Run it alone with ``python -m workers.inventory [--port 8081] [--fail-every 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from typing import Any

from aiohttp import web

CATALOGUE: Mapping[str, int] = {"SKU-1001": 100, "SKU-1002": 25, "SKU-1003": 3}
"""The stock the service starts with, per SKU."""


class InventoryService:
    """The inventory service on ``host:port`` (port 0 picks a free one).

    Args:
        host: Address to bind.
        port: Port to bind; after :meth:`start`, the port bound.
        fail_every: Answer every N-th ``/reserve`` with 503 (0: never).
        stock: Starting stock per SKU (default: :data:`CATALOGUE`).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        fail_every: int = 0,
        stock: Mapping[str, int] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.fail_every = fail_every
        self.stock = dict(CATALOGUE if stock is None else stock)
        self.calls = 0
        """``/reserve`` requests received."""
        self.reservations = 0
        """``/reserve`` requests that reserved stock."""
        app = web.Application()
        app.router.add_post("/reserve", self._reserve)
        app.router.add_get("/stock/{sku}", self._available)
        app.router.add_post("/admin/flaky", self._flaky)
        self._runner = web.AppRunner(app, access_log=None)

    @property
    def url(self) -> str:
        """The service's base URL."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Start serving."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving."""
        await self._runner.cleanup()

    async def _reserve(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.fail_every and self.calls % self.fail_every == 0:
            return _error(503, "the inventory is busy, try again")
        body = await _json_body(request)
        sku, quantity = body.get("sku"), body.get("quantity")
        if not isinstance(sku, str) or not isinstance(quantity, int) or quantity < 1:
            return _error(400, "send {'sku': string, 'quantity': positive integer}")
        if sku not in self.stock:
            return _error(404, f"unknown SKU {sku}")
        if self.stock[sku] < quantity:
            return _error(409, f"only {self.stock[sku]} of {sku} left")
        self.stock[sku] -= quantity
        self.reservations += 1
        reservation = {
            "reservationId": str(uuid.uuid4()),
            "sku": sku,
            "quantity": quantity,
            "remaining": self.stock[sku],
        }
        return web.json_response(reservation)

    async def _available(self, request: web.Request) -> web.Response:
        sku = request.match_info["sku"]
        if sku not in self.stock:
            return _error(404, f"unknown SKU {sku}")
        return web.json_response({"sku": sku, "available": self.stock[sku]})

    async def _flaky(self, request: web.Request) -> web.Response:
        every = (await _json_body(request)).get("failEvery")
        if not isinstance(every, int) or every < 0:
            return _error(400, "send {'failEvery': N} with N >= 0")
        self.fail_every = every
        return web.json_response({"failEvery": every})


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _serve(args: argparse.Namespace) -> None:
    service = InventoryService(args.host, args.port, fail_every=args.fail_every)
    await service.start()
    print(f"inventory on {service.url} (Ctrl-C stops it)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await service.stop()


def main() -> None:
    """``python -m workers.inventory``."""
    parser = argparse.ArgumentParser(description="The example inventory HTTP service.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--fail-every", type=int, default=0, help="answer every N-th with 503")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
