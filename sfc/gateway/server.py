"""Serving the gateway over HTTP, alone (``sfc gateway``) or inside another process."""

from __future__ import annotations

import contextlib
import logging
from typing import Final

from aiohttp import web

from sfc.bridge import Bridge
from sfc.gateway.app import create_app
from sfc.gateway.services import open_services
from sfc.settings import Settings

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT: Final = 5.0
"""Seconds requests in progress (``?wait=`` ones) get to finish when the server stops."""


class GatewayServer:
    """An HTTP server running a gateway application; see :func:`start_server`."""

    def __init__(self, runner: web.AppRunner, host: str, port: int) -> None:
        self._runner = runner
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """The base URL clients use, e.g. ``http://127.0.0.1:8080``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        """Stop accepting requests and let those in progress finish (briefly)."""
        await self._runner.cleanup()


async def start_server(app: web.Application, host: str, port: int) -> GatewayServer:
    """Serve ``app`` on ``host:port`` (port 0 picks a free one) until stopped."""
    runner = web.AppRunner(
        app,
        access_log=logging.getLogger("sfc.gateway.access"),
        shutdown_timeout=SHUTDOWN_TIMEOUT,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    server = GatewayServer(runner, host, int(bound))
    log.info("gateway listening on %s", server.url)
    return server


class GatewayRole:
    """The gateway role run alone (``sfc gateway``): a :class:`sfc.roles.Service`.

    :meth:`start` builds its own services (:func:`~sfc.gateway.services.open_services`:
    topics, producer, registry, outcome waiter, SQLite index store), starts the Kafka
    bridge (:class:`sfc.bridge.Bridge`: replies of ``kafka://`` tasks, triggers, Join
    events; unless ``bridge.enabled`` is false) and serves the API on
    ``settings.gateway.host:port``; :meth:`stop` undoes it all.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stack = contextlib.AsyncExitStack()
        self.server: GatewayServer | None = None
        self.bridge: Bridge | None = None

    async def start(self) -> None:
        """Start everything and serve.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        try:
            services = await self._stack.enter_async_context(open_services(self._settings))
            if self._settings.bridge.enabled:
                self.bridge = Bridge(self._settings, services.registry)
                await self.bridge.start()
                self._stack.push_async_callback(self.bridge.stop)
            host, port = self._settings.gateway.host, self._settings.gateway.port
            self.server = await start_server(create_app(services), host, port)
            self._stack.push_async_callback(self.server.stop)
        except BaseException:
            await self._stack.aclose()
            raise

    async def stop(self) -> None:
        """Stop serving, then stop the services."""
        log.info("gateway stopping")
        await self._stack.aclose()
