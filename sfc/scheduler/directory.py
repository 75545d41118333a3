"""The pools as the API shows and changes them: configuration, live figures, advice.

A gateway holds one :class:`PoolDirectory`. It starts reading ``sfc.pools`` and
``sfc.load`` at its first request (gateways that nobody asks about pools pay nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, Final

import msgspec

from sfc.core.validation import InvalidBlueprintError
from sfc.errors import InputError, NotFoundError, UnavailableError
from sfc.index import IndexStore
from sfc.registry import Registry
from sfc.scheduler.advice import BlueprintFacts, advise
from sfc.scheduler.book import PoolBook
from sfc.scheduler.live import LiveView
from sfc.scheduler.pools import (
    PoolChanges,
    changed,
    check_name,
    check_replicas,
    from_settings,
)
from sfc.scheduler.records import PoolConfig, PoolStatus, SchedulerStatus
from sfc.scheduler.rule import Demand
from sfc.settings import PoolSettings, Settings

_DAY: Final = 86_400.0
_FIRST_STATUS: Final = 1.5
"""Seconds a directory just started waits for the leader's first status."""


class UnknownPoolError(NotFoundError):
    """A request names a pool that does not exist."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no pool named {name!r}; create it with PUT /api/v1/pools/{name}")
        self.field = "name"


class PoolDirectory:
    """Reads and changes pools for the API.

    Args:
        settings: The settings tree (the pools declared, the broker, the advice threshold).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._opened: tuple[PoolBook, LiveView] | None = None
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        """Stop reading."""
        if self._opened is not None:
            book, live = self._opened
            self._opened = None
            await live.stop()
            await book.stop()

    async def overview(self, registry: Registry, index: IndexStore) -> dict[str, Any]:
        """Every pool with its live figures, the advice, and the leading scheduler."""
        book, live = await self._open()
        status = live.status()
        running = {pool.name: pool for pool in status.pools} if status else {}
        demands = live.demands()
        pools = book.pools()
        facts = await _facts(registry, index)
        threshold = self._settings.scheduler.high_volume_flows_per_day
        return {
            "items": [
                pool_body(p, running.get(p.name), demands.get(p.name, Demand(0))) for p in pools
            ],
            "advice": advise(facts, {p.name for p in pools}, threshold),
            "scheduler": _scheduler_body(status),
        }

    async def pool(self, name: str) -> dict[str, Any]:
        """One pool with its live figures.

        Raises:
            UnknownPoolError: There is no such pool.
        """
        book, live = await self._open()
        config = book.get(name)
        if config is None:
            raise UnknownPoolError(name)
        status = live.status()
        running = next((p for p in status.pools if p.name == name), None) if status else None
        return pool_body(config, running, live.demand(name))

    async def update(self, name: str, changes: PoolChanges, registry: Registry) -> dict[str, Any]:
        """Create a pool or change it.

        Raises:
            InputError: The pool cannot exist, a value is out of range, a module unknown.
        """
        book, live = await self._open()
        check_name(name, _message_types(registry))
        current = book.get(name)
        config = changed(current or from_settings(PoolSettings(name=name)), changes)
        if current is None and not config.modules:
            raise InputError("a new pool needs a handler module", field="modules")
        stored = await book.put(config)
        return pool_body(stored, None, live.demand(name))

    async def scale(self, name: str, replicas: int | None) -> dict[str, Any]:
        """Give a pool a fixed size, or (None) hand it back to the scaling rule.

        Raises:
            UnknownPoolError: There is no such pool.
            InputError: The size is outside the pool's bounds, or it has no module.
        """
        book, live = await self._open()
        config = book.get(name)
        if config is None:
            raise UnknownPoolError(name)
        if replicas is not None:
            if not config.modules:
                raise InputError(f"pool {name!r} has no handler module to run", field="name")
            check_replicas(config, replicas)
        update = {"replicas": replicas, "source": "api", "updated_at": time.time()}
        stored = await book.put(msgspec.structs.replace(config, **update))
        return pool_body(stored, None, live.demand(name))

    async def _open(self) -> tuple[PoolBook, LiveView]:
        async with self._lock:
            if self._opened is None:
                # Kafka clients bind to the running event loop: they are made here.
                book, live = PoolBook(self._settings), LiveView(self._settings.kafka)
                await book.start()
                try:
                    await live.start()
                except UnavailableError:
                    await book.stop()
                    raise
                self._opened = (book, live)
                # The live topic is read from its end: the leader's next status is near.
                await live.wait_status(_FIRST_STATUS)
        return self._opened


def pool_body(config: PoolConfig, running: PoolStatus | None, demand: Demand) -> dict[str, Any]:
    """A pool as the API answers it: its configuration and what runs.

    ``desired`` and the counts of workers are None when no scheduler leads (or the
    answer comes from a change, before the leader has seen it).
    """
    body: dict[str, Any] = msgspec.to_builtins(config)
    body.pop("type", None)
    workers = running.replicas if running is not None else []
    body.update(
        pending=demand.pending,
        oldestAgeSeconds=demand.oldest_age,
        desired=running.desired if running is not None else None,
        workers=msgspec.to_builtins(workers),
        ready=_count(running, "ready"),
        starting=_count(running, "starting"),
        draining=_count(running, "draining"),
        failure=msgspec.to_builtins(running.failure) if running and running.failure else None,
    )
    return body


def _count(running: PoolStatus | None, state: str) -> int | None:
    if running is None:
        return None
    return sum(replica.state == state for replica in running.replicas)


def _scheduler_body(status: SchedulerStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {"id": status.scheduler, "epoch": status.epoch, "at": status.at}


def _message_types(registry: Registry) -> dict[str, str]:
    found = {}
    for name in registry.catalog.names():
        with contextlib.suppress(InvalidBlueprintError):
            blueprint = registry.catalog.blueprint(name)
            if blueprint is not None:
                found[name] = blueprint.message_type
    return found


async def _facts(registry: Registry, index: IndexStore) -> list[BlueprintFacts]:
    now = time.time()
    try:
        started = {s.blueprint: s.started for s in await index.stats(now - _DAY, now)}
    except UnavailableError:
        started = None
    facts = []
    for name in registry.catalog.names():
        with contextlib.suppress(InvalidBlueprintError):
            blueprint = registry.catalog.blueprint(name)
            if blueprint is not None:
                per_day = None if started is None else started.get(name, 0)
                facts.append(BlueprintFacts(name, blueprint.sla, blueprint.message_type, per_day))
    return facts
