"""Helpers for the scheduler tests: flows, the handlers' records, a sampler of pool sizes."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from aiokafka import AIOKafkaProducer, TopicPartition

from sfc.core import StartFlow
from sfc.kafka import Topics, make_consumer, make_headers, make_producer
from sfc.kafka.records import ENCODER, FlowOutcome
from sfc.registry import Registry
from sfc.scheduler import ReplicaState, Scheduler
from sfc.settings import Settings

HERE = Path(__file__).resolve().parent

TWO_STEPS: dict[str, Any] = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Task", "Resource": "task:pool.a", "Next": "B"},
        "B": {"Type": "Task", "Resource": "task:pool.b", "End": True},
    },
}


class Flows:
    """Deploys blueprints, starts flows and reads their outcomes, for one test's topics."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.producer: AIOKafkaProducer = make_producer(settings.kafka)
        self.registry = Registry(settings.kafka, self.producer)
        self._outcomes = make_consumer(settings.kafka)
        self.outcomes: dict[str, FlowOutcome] = {}
        self.ended_at: dict[str, float] = {}

    async def start(self) -> None:
        await self.producer.start()
        await self.registry.start()
        await self._outcomes.start()
        partitions = range(self.settings.kafka.partitions)
        self._outcomes.assign([TopicPartition(self.topics.outcomes, p) for p in partitions])

    async def stop(self) -> None:
        await self._outcomes.stop()
        await self.registry.stop()
        await self.producer.stop()

    async def start_flows(
        self, blueprint: str, inputs: list[Any], version: int | None = None
    ) -> list[str]:
        """Start one flow per input, as fast as the producer takes them.

        ``version`` pins the blueprint version, as the gateway does when it accepts a start.
        """
        ids = [str(uuid.uuid4()) for _ in inputs]
        sent = [
            await self.producer.send(
                self.topics.commands,
                ENCODER.encode(StartFlow(flow, flow, blueprint, data, version=version)),
                key=flow.encode(),
                headers=make_headers("StartFlow", flow, flow=flow),
            )
            for flow, data in zip(ids, inputs, strict=True)
        ]
        await asyncio.gather(*sent)
        return ids

    async def poll(self, timeout_ms: int = 100) -> None:
        for records in (await self._outcomes.getmany(timeout_ms=timeout_ms)).values():
            for record in records:
                outcome = msgspec.json.decode(record.value or b"", type=FlowOutcome)
                self.outcomes.setdefault(outcome.flow_id, outcome)
                self.ended_at.setdefault(outcome.flow_id, time.monotonic())

    async def wait_all(self, flow_ids: list[str], within: float) -> dict[str, FlowOutcome]:
        deadline = time.monotonic() + within
        while not set(flow_ids) <= self.outcomes.keys():
            if time.monotonic() > deadline:
                missing = len(set(flow_ids) - self.outcomes.keys())
                raise AssertionError(f"{missing} of {len(flow_ids)} flows did not end in {within}s")
            await self.poll()
        return {flow: self.outcomes[flow] for flow in flow_ids}


@dataclass(frozen=True)
class Run:
    """One job a handler finished: its token, the code's version, when, in which process."""

    token: str
    version: int
    at: float
    pid: int


def runs(folder: Path) -> list[Run]:
    """Every job the handlers recorded in ``folder``."""
    found = []
    for path in folder.glob("*.log"):
        for line in path.read_text().splitlines():
            token, version, at = line.split()
            found.append(Run(token, int(version), float(at), int(path.stem)))
    return found


@dataclass(frozen=True)
class Sample:
    """The pool's workers at one moment."""

    at: float
    ready: int
    live: int
    total: int
    desired: int | None


class Sampler:
    """Samples a pool's workers every 50 ms while it runs."""

    def __init__(self, scheduler: Scheduler, pool: str = "common") -> None:
        self._scheduler = scheduler
        self._pool = pool
        self.samples: list[Sample] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def first(self, condition: Callable[[Sample], bool], after: float = 0.0) -> float | None:
        """When ``condition`` first held, at or after ``after`` (monotonic), or None."""
        return next((s.at for s in self.samples if s.at >= after and condition(s)), None)

    async def _run(self) -> None:
        while True:
            replicas = self._scheduler.backend.replicas(self._pool)
            ready = sum(r.state is ReplicaState.READY for r in replicas)
            live = sum(r.state is not ReplicaState.DRAINING for r in replicas)
            desired = self._scheduler.desired(self._pool)
            self.samples.append(Sample(time.monotonic(), ready, live, len(replicas), desired))
            await asyncio.sleep(0.05)
