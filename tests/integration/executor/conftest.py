"""Fixtures for executor tests: real HTTP and gRPC services, an engine and an executor."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from executor_support import HttpService

from sfc.engine import Engine
from sfc.executor import Calls, Executor
from sfc.kafka import Topics
from sfc.settings import Settings
from tests.integration.waiting import wait_until
from workers.inventory import InventoryService
from workers.pricing import PricingService

# The engine tests' Kafka helper (deploy, start flows, read outcomes and history) serves
# here unchanged; its folder is on sys.path only when those tests are collected too.
_ENGINE_TESTS = str(Path(__file__).resolve().parent.parent / "engine")
if _ENGINE_TESTS not in sys.path:
    sys.path.append(_ENGINE_TESTS)
engine_support = importlib.import_module("engine_support")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test's settings, with a short default call timeout and cause size."""
    settings.executor.default_timeout_seconds = 2.0
    settings.executor.max_cause_bytes = 200
    return settings


@pytest.fixture
async def http_service() -> AsyncIterator[HttpService]:
    """The test HTTP service."""
    service = HttpService()
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def inventory() -> AsyncIterator[InventoryService]:
    """The example inventory service."""
    service = InventoryService()
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def pricing() -> AsyncIterator[PricingService]:
    """The example pricing service, with server reflection."""
    service = PricingService()
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def calls(settings: Settings) -> AsyncIterator[Calls]:
    """The executor's calls without Kafka."""
    running = Calls(settings.executor)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def kafka(settings: Settings, topics: Topics) -> AsyncIterator[Any]:
    """Producer, registry and topic readers for this test."""
    client = engine_support.Kafka(settings)
    await client.start()
    yield client
    await client.stop()


@pytest.fixture
async def executor(settings: Settings, topics: Topics) -> AsyncIterator[Executor]:
    """An executor in this process."""
    running = Executor(settings)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def conductor(settings: Settings, topics: Topics) -> AsyncIterator[Executor]:
    """An engine owning every partition and an executor, started together (joining a
    consumer group takes the broker seconds)."""
    engine = Engine(settings)
    executor = Executor(settings)
    await asyncio.gather(engine.start(), executor.start())
    await wait_until(lambda: len(engine.partitions) == settings.kafka.partitions)
    yield executor
    await asyncio.gather(executor.stop(), engine.stop())
