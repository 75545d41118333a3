"""The local backend: pools' workers as ``sfc worker`` processes of this scheduler.

A loop converges each pool to what :meth:`LocalBackend.ensure` last asked for, every
quarter of a second or as soon as asked:

1. workers that exited are forgotten; one that died without being drained is replaced
   (at once if it had been ready, after a back-off if it never got ready);
2. starting workers are probed on their ``/readyz``; one not ready within
   ``scheduler.start_timeout_seconds`` has failed to start and is killed;
3. workers of an older command are drained as soon as enough workers of the current
   command are ready to take their place, and surplus workers are drained (starting ones
   first, then the newest);
4. missing workers are started, plus one while rolling over (a surge of one): the pool
   never has fewer ready workers than asked for because of a roll-over.

A failed start is logged with the worker's standard error and tried again after
``backoff_seconds``, doubling up to ``max_backoff_seconds``, one worker at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import msgspec
from pydantic import BaseModel, SecretStr

from sfc.scheduler import metrics
from sfc.scheduler.backend import Replica, ReplicaState
from sfc.scheduler.pools import WorkerCommand
from sfc.scheduler.process import WorkerProcess
from sfc.scheduler.records import StartFailure
from sfc.settings import Settings

log = logging.getLogger(__name__)

_PASS_SECONDS = 0.25
_STOP_GRACE = 10.0
"""Seconds a draining worker gets beyond its own shutdown grace before it is killed."""
_OWN = frozenset({"host", "port", "pool", "concurrency"})
"""Worker settings each process gets from its command and from this backend."""


@dataclass
class _Pool:
    command: WorkerCommand
    replicas: int
    workers: list[WorkerProcess] = field(default_factory=list)
    failures: int = 0
    retry_at: float = 0.0
    failure: StartFailure | None = None

    def live(self) -> list[WorkerProcess]:
        return [w for w in self.workers if w.state is not ReplicaState.DRAINING]

    def current(self) -> list[WorkerProcess]:
        return [w for w in self.live() if w.command == self.command]

    def old(self) -> list[WorkerProcess]:
        return [w for w in self.live() if w.command != self.command]


class LocalBackend:
    """Runs workers as child processes (see the module's description).

    Args:
        settings: The settings tree; workers get its ``kafka``, ``worker`` and ``log``
            sections as ``SFC_`` environment variables.
        env: Environment variables for the workers on top of this process's.
    """

    def __init__(self, settings: Settings, env: Mapping[str, str] | None = None) -> None:
        self._config = settings.scheduler
        self._host = settings.worker.host
        self._patience = self._config.stop_timeout_seconds or (
            settings.worker.shutdown_grace_seconds + _STOP_GRACE
        )
        self._env = worker_environment(settings, env or {})
        self._pools: dict[str, _Pool] = {}
        self._serial = itertools.count(1)
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Start converging."""
        self._session = aiohttp.ClientSession()
        self._loop = asyncio.create_task(self._run(), name="local-backend")

    async def stop(self) -> None:
        """Drain every worker, wait for them to exit (killing those past their patience)."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        workers = [(name, w) for name, pool in self._pools.items() for w in pool.workers]
        for name, worker in workers:
            if worker.state is not ReplicaState.DRAINING:
                log.info("draining worker %s of pool %s", worker.id, name)
                worker.drain(self._patience)
        await asyncio.gather(*(self._close(worker) for _, worker in workers))
        self._pools.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def ensure(self, pool: str, command: WorkerCommand, replicas: int) -> None:
        """Have ``replicas`` workers of ``pool`` run ``command``."""
        found = self._pools.get(pool)
        if found is None:
            self._pools[pool] = _Pool(command, replicas)
        else:
            if found.command != command:
                # A new command deserves a fresh start: an old failure says nothing of it.
                found.failures, found.retry_at, found.failure = 0, 0.0, None
            found.command, found.replicas = command, replicas
        self._wake.set()

    def replicas(self, pool: str) -> list[Replica]:
        """The pool's workers, draining ones included."""
        found = self._pools.get(pool)
        return [] if found is None else [w.view(pool) for w in found.workers]

    async def remove(self, pool: str, replica: str) -> bool:
        """Drain one worker now."""
        found = self._pools.get(pool)
        for worker in found.live() if found is not None else ():
            if worker.id == replica:
                worker.drain(self._patience)
                self._wake.set()
                return True
        return False

    def failure(self, pool: str) -> StartFailure | None:
        """The pool's last failed start, while starts keep failing."""
        found = self._pools.get(pool)
        return None if found is None else found.failure

    def process(self, pool: str, replica: str) -> WorkerProcess | None:
        """A worker's process (for tests and tools: its pid, its standard error)."""
        found = self._pools.get(pool)
        workers = found.workers if found is not None else []
        return next((w for w in workers if w.id == replica), None)

    async def _run(self) -> None:
        while True:
            for name, pool in list(self._pools.items()):
                try:
                    await self._converge(name, pool)
                except Exception:
                    log.exception("managing the workers of pool %s failed", name)
            self._report()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), _PASS_SECONDS)
            self._wake.clear()

    async def _converge(self, name: str, pool: _Pool) -> None:
        await self._reap(name, pool)
        await self._probe(name, pool)
        self._drain_surplus(name, pool)
        await self._start_missing(name, pool)
        for worker in pool.workers:
            if worker.state is ReplicaState.DRAINING and worker.overdue:
                log.warning(
                    "worker %s of pool %s did not drain in time; killing it", worker.id, name
                )
                worker.kill()

    async def _reap(self, name: str, pool: _Pool) -> None:
        for worker in [w for w in pool.workers if w.returncode is not None]:
            pool.workers.remove(worker)
            await worker.closed()
            code = worker.returncode
            if worker.state is ReplicaState.DRAINING:
                log.info("worker %s of pool %s exited (status %s)", worker.id, name, code)
            elif worker.ready_once:
                metrics.DEATHS.labels(name).inc()
                log.warning(
                    "worker %s of pool %s died (status %s); replacing it", worker.id, name, code
                )
            else:
                self._failed(name, pool, f"exited with status {code} before it was ready", worker)

    async def _probe(self, name: str, pool: _Pool) -> None:
        assert self._session is not None
        starting = [w for w in pool.workers if w.state is ReplicaState.STARTING]
        answers = await asyncio.gather(*(w.probe(self._session) for w in starting))
        for worker, ready in zip(starting, answers, strict=True):
            if ready:
                worker.state, worker.ready_once = ReplicaState.READY, True
                pool.failures, pool.failure = 0, None
                log.info("worker %s of pool %s ready in %.1f s", worker.id, name, worker.age)
            elif worker.age > self._config.start_timeout_seconds:
                worker.kill()
                timeout = self._config.start_timeout_seconds
                self._failed(name, pool, f"not ready after {timeout:.0f} s", worker)

    def _drain_surplus(self, name: str, pool: _Pool) -> None:
        current, old = pool.current(), pool.old()
        ready = sum(w.state is ReplicaState.READY for w in current)
        # An old worker goes once a ready worker of the new command can take its place.
        victims = _victims(old, min(len(old), ready + len(old) - pool.replicas))
        victims += _victims(current, len(current) - pool.replicas)
        for worker in victims:
            log.info("draining worker %s of pool %s", worker.id, name)
            worker.drain(self._patience)

    async def _start_missing(self, name: str, pool: _Pool) -> None:
        if time.monotonic() < pool.retry_at:
            return
        current = pool.current()
        starting = any(w.state is ReplicaState.STARTING for w in current)
        short = max(0, pool.replicas - len(pool.live()))
        surge = 1 if pool.old() and len(current) < pool.replicas and not starting else 0
        count = min(pool.replicas - len(current), short + surge)
        if pool.failures:
            # While starts fail, one worker at a time finds out whether they still do.
            count = 0 if starting else min(count, 1)
        for _ in range(count):
            await self._spawn(name, pool)

    async def _spawn(self, name: str, pool: _Pool) -> None:
        worker = WorkerProcess(f"{name}-{next(self._serial)}", pool.command, self._env, self._host)
        try:
            await worker.spawn()
        except OSError as exc:
            self._failed(name, pool, f"cannot be run: {exc}", None)
            return
        pool.workers.append(worker)
        metrics.STARTS.labels(name).inc()
        log.info("started worker %s of pool %s (pid %s)", worker.id, name, worker.pid)

    def _failed(self, name: str, pool: _Pool, message: str, worker: WorkerProcess | None) -> None:
        pool.failures += 1
        config = self._config
        delay = min(config.backoff_seconds * 2 ** (pool.failures - 1), config.max_backoff_seconds)
        pool.retry_at = time.monotonic() + delay
        stderr = worker.stderr() if worker is not None else ""
        now = time.time()
        pool.failure = StartFailure(message, now, now + delay, pool.failures, stderr)
        metrics.START_FAILURES.labels(name).inc()
        worker_id = worker.id if worker is not None else "?"
        log.warning(
            "worker %s of pool %s failed to start: %s (%d in a row); next try in %.1f s%s",
            worker_id,
            name,
            message,
            pool.failures,
            delay,
            f"\nits stderr:\n{stderr}" if stderr else "",
        )

    async def _close(self, worker: WorkerProcess) -> None:
        try:
            await asyncio.wait_for(worker.closed(), self._patience)
        except TimeoutError:
            log.warning("worker %s did not drain in time; killing it", worker.id)
            worker.kill()
            await worker.closed()

    def _report(self) -> None:
        for name, pool in self._pools.items():
            for state in ReplicaState:
                count = sum(w.state is state for w in pool.workers)
                metrics.REPLICAS.labels(name, state.value).set(count)


def _victims(workers: list[WorkerProcess], count: int) -> list[WorkerProcess]:
    """The workers to drain first: starting ones, then the newest."""
    if count <= 0:
        return []
    order = sorted(workers, key=lambda w: (w.state is ReplicaState.READY, -w.started_at))
    return order[:count]


def worker_environment(settings: Settings, extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with the settings workers need as ``SFC_`` variables.

    Workers read the same broker, topics, worker and log settings as this process, even
    when those came from a settings file they do not see.
    """
    env = dict(os.environ)
    sections: dict[str, BaseModel] = {
        "kafka": settings.kafka,
        "worker": settings.worker,
        "log": settings.log,
    }
    for section, model in sections.items():
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value is None or (section == "worker" and name in _OWN):
                continue
            env[f"SFC_{section.upper()}__{name.upper()}"] = _env_value(value)
    env.update(extra)
    return env


def _env_value(value: object) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, str | Path):
        return str(value)
    return msgspec.json.encode(value).decode()
