"""Version 1 of the scheduler tests' handlers (``task:pool.a`` and ``task:pool.b``)."""

from __future__ import annotations

from typing import Any

from pool_records import work

from sfc.worker import Handlers

VERSION = 1
worker = Handlers()


@worker.task("pool.a")
async def step_a(data: dict[str, Any]) -> dict[str, Any]:
    """The first step."""
    return await work(data, VERSION)


@worker.task("pool.b")
async def step_b(data: dict[str, Any]) -> dict[str, Any]:
    """The second step."""
    return await work(data, VERSION)
