"""Every SFC role in one process, on the embedded broker, for development.

The broker keeps its data in memory and the monitor's SQLite file lives in a temporary
folder (unless one is given): everything lasts as long as the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from sfc.broker import EmbeddedBroker
from sfc.engine import Engine
from sfc.exporter import Exporter
from sfc.gateway.app import create_app
from sfc.gateway.server import GatewayServer, start_server
from sfc.gateway.services import open_services
from sfc.registry import BlueprintVersion, Registry
from sfc.settings import Settings
from sfc.worker import Worker, load_handlers

log = logging.getLogger(__name__)

BLUEPRINT_SUFFIX = ".asl.json"


@dataclass
class DevOptions:
    """What ``sfc dev`` runs.

    Attributes:
        port: The gateway's port (every other port is picked free).
        host: The gateway's address.
        blueprints: A folder of ``<name>.asl.json`` files to deploy.
        worker_modules: Modules whose handlers the in-process worker serves.
        data_dir: Where the monitor's SQLite file goes (a temporary folder when None).
        token: The API's bearer token, if any.
    """

    port: int = 8080
    host: str = "127.0.0.1"
    blueprints: Path = Path("blueprints")
    worker_modules: list[str] = field(default_factory=list)
    data_dir: Path | None = None
    token: str | None = None


class DevStack:
    """Broker, engine, exporter, worker and gateway in this process."""

    def __init__(self, options: DevOptions, base: Settings | None = None) -> None:
        self.options = options
        self._base = base or Settings()
        self.broker = EmbeddedBroker()
        self.settings: Settings | None = None
        self.server: GatewayServer | None = None
        self.deployed: list[BlueprintVersion] = []
        self._stack = contextlib.AsyncExitStack()
        self._temp: Path | None = None

    async def start(self) -> None:
        """Start every role and deploy the example blueprints."""
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
        engine = Engine(settings, services.registry)
        roles: list[Engine | Exporter | Worker] = [engine, Exporter(settings, services.index)]
        if self.options.worker_modules:
            handlers = load_handlers(self.options.worker_modules)
            roles.append(Worker(settings, "common", handlers))
        # Each role joins a consumer group, which takes the broker seconds: join together.
        await asyncio.gather(*(self._run(role) for role in roles))
        self.deployed = await self._deploy(services.registry)
        self.server = await start_server(create_app(services), self.options.host, self.options.port)
        self._stack.push_async_callback(self.server.stop)
        await _until(lambda: engine.ready, 30.0)

    async def _run(self, role: Engine | Exporter | Worker) -> None:
        await role.start()
        self._stack.push_async_callback(role.stop)

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
        return Settings.model_validate(tree)

    async def _deploy(self, registry: Registry) -> list[BlueprintVersion]:
        deployed = []
        for path in sorted(self.options.blueprints.glob(f"*{BLUEPRINT_SUFFIX}")):
            name = path.name.removesuffix(BLUEPRINT_SUFFIX)
            definition = msgspec.json.decode(path.read_bytes())
            deployed.append(await registry.deploy(name, definition, comment=f"sfc dev: {path}"))
        return deployed

    async def stop(self) -> None:
        """Stop every role, then the broker; remove the temporary folder."""
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
