"""Fixtures for worker tests: an engine, workers and child-process workers on the real broker.

Every test has consumer groups of its own, with short sessions (the bundled broker lets
a consumer join in about half a session timeout) and short grace periods.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from worker_support import Flows, StartWorker, WorkerProcess

from sfc.kafka import Topics
from sfc.settings import Settings
from sfc.worker import Handlers, Worker


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings, with short timings."""
    kafka = settings.kafka.model_copy(update={"session_timeout_ms": 1500})
    worker = settings.worker.model_copy(
        update={"shutdown_grace_seconds": 5.0, "rebalance_grace_seconds": 0.5}
    )
    return settings.model_copy(update={"kafka": kafka, "worker": worker})


@pytest.fixture
async def flows(settings: Settings, topics: Topics) -> AsyncIterator[Flows]:
    """Deploys, starts flows, reads outcomes, history, replies and jobs."""
    client = Flows(settings)
    await client.start()
    yield client
    await client.stop()


@pytest.fixture
async def start_worker(settings: Settings, topics: Topics) -> AsyncIterator[StartWorker]:
    """Starts workers in this process (``start_worker(handlers, pool=..., **settings)``).

    Keyword arguments other than ``pool`` and ``concurrency`` override worker settings.
    Workers still running at the end are stopped.
    """
    started: list[Worker] = []

    async def start(handlers: Handlers, pool: str = "common", **options: object) -> Worker:
        concurrency = options.pop("concurrency", None)
        assert concurrency is None or isinstance(concurrency, int)
        tuned = settings.model_copy(update={"worker": settings.worker.model_copy(update=options)})
        worker = Worker(tuned, pool, handlers, concurrency)
        await worker.start()
        started.append(worker)
        return worker

    yield start
    await asyncio.gather(*(worker.drain(0) for worker in started))


@pytest.fixture
def worker_processes() -> Iterator[list[WorkerProcess]]:
    """Child-process workers, terminated after the test."""
    processes: list[WorkerProcess] = []
    yield processes
    for process in processes:
        process.terminate()
