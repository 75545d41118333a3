"""Fixtures for the scheduler tests: an engine, schedulers running real ``sfc worker``
processes (with this folder's handler modules), and short timings.

Every test has consumer groups of its own, with short sessions (the bundled broker lets
a consumer join in about half a session timeout), short grace periods, and a scheduler
that decides four times a second.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from scheduler_support import HERE, Flows

from sfc.kafka import Topics
from sfc.scheduler import Scheduler
from sfc.settings import PoolSettings, Settings

StartScheduler = Callable[..., Awaitable[Scheduler]]
"""``start_scheduler(settings=None)``: a started scheduler, stopped after the test."""

WORKERS_ENV = {"PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}


def common_pool(**changes: Any) -> PoolSettings:
    """The tests' common pool: version 1 of the handlers, 1 to 4 workers."""
    base: dict[str, Any] = {
        "name": "common",
        "modules": ["pool_v1"],
        "min_replicas": 1,
        "max_replicas": 4,
        "target_pending": 50,
        "cooldown_seconds": 3.0,
        "concurrency": 4,
    }
    return PoolSettings.model_validate({**base, **changes})


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings, with short timings."""
    tree = settings.model_dump()
    tree["kafka"]["session_timeout_ms"] = 1500
    tree["worker"].update(shutdown_grace_seconds=5.0, rebalance_grace_seconds=0.5)
    tree["log"]["level"] = "WARNING"
    tree["scheduler"] = {
        "group_id": tree["scheduler"]["group_id"],
        "interval_seconds": 0.25,
        "load_interval_seconds": 0.25,
        "load_ttl_seconds": 1.5,
        "backoff_seconds": 0.5,
        "max_backoff_seconds": 4.0,
        "start_timeout_seconds": 20.0,
        "pools": [common_pool().model_dump()],
    }
    return Settings.model_validate(tree)


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """Where the handlers record the jobs they finish."""
    folder = tmp_path / "runs"
    folder.mkdir()
    return folder


@pytest.fixture
async def flows(settings: Settings, topics: Topics) -> AsyncIterator[Flows]:
    """Deploys blueprints, starts flows, reads outcomes."""
    client = Flows(settings)
    await client.start()
    yield client
    await client.stop()


@pytest.fixture
async def start_scheduler(settings: Settings, topics: Topics) -> AsyncIterator[StartScheduler]:
    """Starts schedulers in this process; those still running at the end are stopped."""
    started: list[Scheduler] = []

    async def start(tuned: Settings | None = None) -> Scheduler:
        scheduler = Scheduler(tuned or settings, env=WORKERS_ENV)
        await scheduler.start()
        started.append(scheduler)
        return scheduler

    yield start
    await asyncio.gather(*(s.stop() for s in started if s.ready))
