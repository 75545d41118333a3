"""Fixtures for engine tests: engines, workers and topic readers on the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from engine_support import EngineProcess, Kafka, echo_handlers

from sfc.kafka import Topics
from sfc.settings import Settings
from sfc.worker import Worker


@pytest.fixture
async def kafka(settings: Settings, topics: Topics) -> AsyncIterator[Kafka]:
    """Producer, registry and topic readers for this test."""
    client = Kafka(settings)
    await client.start()
    yield client
    await client.stop()


@pytest.fixture
async def worker(settings: Settings, topics: Topics) -> AsyncIterator[Worker]:
    """A common-pool worker with the echo handlers."""
    running = Worker(settings, "common", echo_handlers())
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def engine_processes(settings: Settings) -> Iterator[list[EngineProcess]]:
    """Child-process engines, terminated after the test."""
    processes: list[EngineProcess] = []
    yield processes
    for process in processes:
        process.terminate()
