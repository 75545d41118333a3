"""The order example that ``sfc dev`` runs around the ``order-tmall`` blueprint.

Its services live in ``workers/`` (imported by name, so that ``sfc`` does not depend on
them): the inventory (HTTP) and pricing (gRPC) services and the payment simulator run in
this process, the financial statistics service (Faust) as a child process. The blueprint
names the services at ``127.0.0.1:8081`` and ``127.0.0.1:50051``; when those ports are
taken (another ``sfc dev``, a test), free ones are used and the blueprint's resources are
rewritten to match before it is deployed.
"""

from __future__ import annotations

import importlib
import logging
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from sfc.core.types import Json
from sfc.dev.children import ChildProcess
from sfc.errors import InputError
from sfc.net import free_port
from sfc.settings import Settings

log = logging.getLogger(__name__)

BLUEPRINT = "order-tmall"
INVENTORY = ("127.0.0.1", 8081)
"""Where the blueprint expects the inventory service."""
PRICING = ("127.0.0.1", 50051)
"""Where the blueprint expects the pricing service."""


@dataclass
class ExampleOptions:
    """What the order example runs.

    Attributes:
        enabled: Whether to run it at all.
        orders: Orders published when everything is up.
        fail_every: The inventory answers every N-th reservation with 503 (0: never), so
            that the blueprint's Retry has something to do.
        payment_delay: Seconds before the payment simulator confirms an order.
        finance: Whether to run the financial statistics service (Faust).
    """

    enabled: bool = True
    orders: int = 3
    fail_every: int = 4
    payment_delay: float = 2.0
    finance: bool = True


class _Service(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class OrderExample:
    """The example's services (a :class:`sfc.roles.Service`).

    Args:
        options: What to run.
        settings: The stack's settings (where the broker is).
        root: The repository's root, where ``workers/`` is.

    Raises:
        InputError: The ``workers`` package cannot be imported.
    """

    def __init__(self, options: ExampleOptions, settings: Settings, root: Path) -> None:
        self.options = options
        self.broker = settings.kafka.bootstrap_servers
        self._partitions = settings.kafka.partitions
        self._root = root
        self._modules = {name: _module(f"workers.{name}") for name in _MODULES}
        self.inventory: Any = None
        self.pricing: Any = None
        self.payments: Any = None
        self.finance: ChildProcess | None = None
        self._started: list[_Service] = []

    @property
    def inventory_address(self) -> str:
        """``host:port`` of the inventory service."""
        return f"{self.inventory.host}:{self.inventory.port}"

    @property
    def pricing_address(self) -> str:
        """``host:port`` of the pricing service."""
        return str(self.pricing.address)

    async def start(self) -> None:
        """Start the services (the Faust one gets ready on its own, in seconds)."""
        inventory = self._modules["inventory"].InventoryService
        pricing = self._modules["pricing"].PricingService
        payments = self._modules["payments"].PaymentSimulator
        self.inventory = inventory(*_address(INVENTORY), fail_every=self.options.fail_every)
        self.pricing = pricing(*_address(PRICING))
        self.payments = payments(self.broker, delay=self.options.payment_delay)
        services: list[_Service] = [self.inventory, self.pricing, self.payments]
        if self.options.finance:
            self.finance = self._finance()
            services.append(self.finance)
        for service in services:
            await service.start()
            self._started.append(service)

    async def stop(self) -> None:
        """Stop every service started."""
        while self._started:
            await self._started.pop().stop()

    def adapt(self, definition: Json) -> Json:
        """The blueprint with its resources pointing where the services really are."""
        moved = {
            f"{INVENTORY[0]}:{INVENTORY[1]}": self.inventory_address,
            f"{PRICING[0]}:{PRICING[1]}": self.pricing_address,
        }
        return _rewrite(definition, {old: new for old, new in moved.items() if old != new})

    async def publish_orders(self, count: int) -> list[dict[str, Any]]:
        """Publish ``count`` sample orders to ``raw_order_tmall`` (as service A does)."""
        publisher = self._modules["order_publisher"]
        orders = [publisher.make_order(n) for n in range(count)]
        published: list[dict[str, Any]] = await publisher.publish(self.broker, orders)
        return published

    def _finance(self) -> ChildProcess:
        argv = [sys.executable, "-m", "workers.finance", "--broker", self.broker]
        argv += ["--partitions", str(self._partitions), "--loglevel", "warning", "--quiet"]
        return ChildProcess("the financial statistics service (Faust)", argv, cwd=self._root)


_MODULES = ("inventory", "pricing", "payments", "order_publisher")


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise InputError(
            f"cannot import {name} for the order example ({exc}); run sfc dev from SFC's "
            "repository, or without the example"
        ) from exc


def _address(preferred: tuple[str, int]) -> tuple[str, int]:
    """The preferred address if its port is free, else the same host on a free port."""
    host, port = preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            log.info("port %d is taken; the order example uses another", port)
            return host, free_port(host)
    return host, port


def _rewrite(value: Json, moved: dict[str, str]) -> Json:
    if not moved:
        return value
    if isinstance(value, dict):
        return {
            key: _moved(item, moved) if key == "Resource" else _rewrite(item, moved)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(item, moved) for item in value]
    return value


def _moved(resource: Json, moved: dict[str, str]) -> Json:
    if not isinstance(resource, str):
        return resource
    for old, new in moved.items():
        resource = resource.replace(f"//{old}/", f"//{new}/")
    return resource
