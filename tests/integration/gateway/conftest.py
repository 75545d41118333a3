"""Fixtures for the gateway tests: real services on the session broker, an app, a client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from gateway_support import Client, ThreadedGateway

from sfc.gateway import GatewayServices, create_app, open_services
from sfc.kafka import Topics
from sfc.settings import Settings


@pytest.fixture
async def services(settings: Settings, topics: Topics) -> AsyncIterator[GatewayServices]:
    """Started gateway services: producer, registry, outcome waiter, SQLite index."""
    async with open_services(settings) as started:
        yield started


@pytest.fixture
async def client(services: GatewayServices) -> AsyncIterator[Client]:
    """An HTTP client of the gateway app over :func:`services`, served on loopback."""
    async with TestClient(TestServer(create_app(services))) as running:
        yield running


@pytest.fixture
def live_gateway(settings: Settings) -> Iterator[ThreadedGateway]:
    """The gateway role serving in a thread, for the synchronous CLI."""
    gateway = ThreadedGateway(settings)
    gateway.start()
    yield gateway
    gateway.stop()
