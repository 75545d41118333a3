"""Every SFC role in one process, on the embedded broker, for development.

The broker keeps its data in memory and the monitor's SQLite file lives in a temporary
folder (unless one is given): everything lasts as long as the process. Besides the roles
(engine, exporter, executor, scheduler and its worker processes, the gateway with its
Kafka bridge), the stack runs
the order example's services (:mod:`sfc.dev.example`) when ``example.enabled``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from sfc.bridge import Bridge
from sfc.broker import EmbeddedBroker
from sfc.dev.example import BLUEPRINT, ExampleOptions, OrderExample
from sfc.engine import Engine
from sfc.executor import Executor
from sfc.exporter import Exporter
from sfc.gateway.app import create_app
from sfc.gateway.server import GatewayServer, start_server
from sfc.gateway.services import open_services
from sfc.registry import BlueprintVersion, Registry
from sfc.roles import Service
from sfc.scheduler import Scheduler
from sfc.settings import Settings
from sfc.worker import load_handlers

log = logging.getLogger(__name__)

BLUEPRINT_SUFFIX = ".asl.json"


@dataclass
class DevOptions:
    """What ``sfc dev`` runs.

    Attributes:
        port: The gateway's port (every other port is picked free).
        host: The gateway's address.
        blueprints: A folder of ``<name>.asl.json`` files to deploy.
        worker_modules: Modules of handlers for the common pool, whose workers the
            scheduler runs as processes.
        data_dir: Where the monitor's SQLite file goes (a temporary folder when None).
        token: The API's bearer token, if any.
        example: The order example's services.
        root: Where ``workers/`` is (the repository's root).
    """

    port: int = 8080
    host: str = "127.0.0.1"
    blueprints: Path = Path("blueprints")
    worker_modules: list[str] = field(default_factory=list)
    data_dir: Path | None = None
    token: str | None = None
    example: ExampleOptions = field(default_factory=ExampleOptions)
    root: Path = field(default_factory=Path.cwd)


class DevStack:
    """Broker, roles, the order example's services and the gateway in this process."""

    def __init__(self, options: DevOptions, base: Settings | None = None) -> None:
        self.options = options
        self._base = base or Settings()
        self.broker = EmbeddedBroker()
        self.settings: Settings | None = None
        self.server: GatewayServer | None = None
        self.engine: Engine | None = None
        self.bridge: Bridge | None = None
        self.example: OrderExample | None = None
        self.deployed: list[BlueprintVersion] = []
        self.published: list[dict[str, Any]] = []
        self._stack = contextlib.AsyncExitStack()
        self._temp: Path | None = None

    async def start(self) -> None:
        """Start every role and service, deploy the blueprints, publish the sample orders."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        await asyncio.to_thread(self.broker.start)
        self._stack.callback(self.broker.stop)
        settings = self._settings()
        self.settings = settings
        services = await self._stack.enter_async_context(open_services(settings))
        self.engine = engine = Engine(settings, services.registry)
        self.bridge = Bridge(settings, services.registry)
        roles: list[Service] = [engine, Exporter(settings, services.index), self.bridge]
        roles.append(Executor(settings))
        if self.options.worker_modules:
            load_handlers(self.options.worker_modules)  # fail now on a missing module
            # Workers run as processes the scheduler starts, so they must find the same
            # modules this process imports (the working folder, tests' folders).
            path = os.pathsep.join(p for p in sys.path if p)
            roles.append(Scheduler(settings, env={"PYTHONPATH": path}))
        if self._runs_example():
            self.example = OrderExample(self.options.example, settings, self.options.root)
            roles.append(self.example)
        # Each role joins a consumer group, which takes the broker seconds: join together.
        await asyncio.gather(*(self._run(role) for role in roles))
        self.deployed = await self._deploy(services.registry)
        self.server = await start_server(create_app(services), self.options.host, self.options.port)
        self._stack.push_async_callback(self.server.stop)
        await _until(lambda: engine.ready, 30.0)
        if self.example is not None and self.options.example.orders:
            self.published = await self.example.publish_orders(self.options.example.orders)

    async def _run(self, role: Service) -> None:
        await role.start()
        self._stack.push_async_callback(role.stop)

    def _runs_example(self) -> bool:
        wanted = self.options.example.enabled
        return wanted and (self.options.blueprints / f"{BLUEPRINT}{BLUEPRINT_SUFFIX}").is_file()

    def _settings(self) -> Settings:
        data = self.options.data_dir
        if data is None:
            self._temp = data = Path(tempfile.mkdtemp(prefix="sfc-dev-"))
        data.mkdir(parents=True, exist_ok=True)
        tree = self._base.model_dump()
        tree["kafka"]["bootstrap_servers"] = self.broker.bootstrap_servers
        tree["gateway"].update(host=self.options.host, port=self.options.port)
        if self.options.token:
            tree["gateway"]["token"] = self.options.token
        tree["monitor"].update(store="sqlite", sqlite_path=str(data / "monitor.sqlite3"))
        if self.options.worker_modules:
            common = {"name": "common", "modules": self.options.worker_modules}
            tree["scheduler"]["pools"] = [{**common, "min_replicas": 1, "max_replicas": 2}]
        return Settings.model_validate(tree)

    async def _deploy(self, registry: Registry) -> list[BlueprintVersion]:
        deployed = []
        for path in sorted(self.options.blueprints.glob(f"*{BLUEPRINT_SUFFIX}")):
            name = path.name.removesuffix(BLUEPRINT_SUFFIX)
            definition = msgspec.json.decode(path.read_bytes())
            if name == BLUEPRINT and self.example is not None:
                definition = self.example.adapt(definition)
            deployed.append(await registry.deploy(name, definition, comment=f"sfc dev: {path}"))
        return deployed

    async def stop(self) -> None:
        """Stop every role and service, then the broker; remove the temporary folder."""
        await self._stack.aclose()
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)


async def _until(condition: Callable[[], bool], patience: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the engine did not take its partitions in time")
        await asyncio.sleep(0.05)
