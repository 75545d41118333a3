"""Helpers for engine tests: readers of SFC's topics, echo handlers, child engines."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import defaultdict

import msgspec
from aiokafka import AIOKafkaProducer, TopicPartition

from sfc.core import HistoryEvent, StartFlow
from sfc.core.interpreter.inputs import Event
from sfc.kafka import Topics, make_consumer, make_headers, make_producer
from sfc.kafka.records import ENCODER, FlowOutcome, HistoryBatch
from sfc.registry import Registry
from sfc.settings import Settings
from sfc.worker import Handlers

TWO_TASKS = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Task", "Resource": "task:step.a", "Next": "B"},
        "B": {"Type": "Task", "Resource": "task:step.b", "End": True},
    },
}


def echo_handlers() -> Handlers:
    """Handlers that add a field each, like the benchmark's echo workers."""
    handlers = Handlers()

    @handlers.task("step.a")
    async def step_a(data: dict[str, object]) -> dict[str, object]:
        return {**data, "a": 1}

    @handlers.task("step.b")
    async def step_b(data: dict[str, object]) -> dict[str, object]:
        return {**data, "b": 2}

    return handlers


class Kafka:
    """Produces commands and reads outcomes and history for one test's topics."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.producer: AIOKafkaProducer = make_producer(settings.kafka)
        self.registry = Registry(settings.kafka)
        self._outcomes = make_consumer(settings.kafka)
        self._events = make_consumer(settings.kafka)
        self.outcomes: dict[str, FlowOutcome] = {}
        self.duplicate_outcomes = 0
        self.history: dict[str, dict[int, HistoryEvent]] = defaultdict(dict)
        self.conflicts: list[str] = []

    async def start(self) -> None:
        await self.producer.start()
        await self.registry.start()
        partitions = range(self.settings.kafka.partitions)
        for consumer, topic in (
            (self._outcomes, self.topics.outcomes),
            (self._events, self.topics.events),
        ):
            await consumer.start()
            consumer.assign([TopicPartition(topic, p) for p in partitions])

    async def stop(self) -> None:
        await self._outcomes.stop()
        await self._events.stop()
        await self.registry.stop()
        await self.producer.stop()

    async def send(self, event: Event) -> None:
        await self.producer.send_and_wait(
            self.topics.commands,
            ENCODER.encode(event),
            key=event.flow_id.encode(),
            headers=make_headers(type(event).__name__, event.id, flow=event.flow_id),
        )

    async def start_flows(
        self, blueprint: str, count: int, version: int | None = None
    ) -> list[str]:
        ids = [str(uuid.uuid4()) for _ in range(count)]
        pending = [
            await self.producer.send(
                self.topics.commands,
                ENCODER.encode(StartFlow(f, f, blueprint, {"i": i}, version=version)),
                key=f.encode(),
            )
            for i, f in enumerate(ids)
        ]
        await asyncio.gather(*pending)
        return ids

    async def wait_outcomes(
        self, flow_ids: list[str], within: float = 60.0
    ) -> dict[str, FlowOutcome]:
        wanted = set(flow_ids)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not wanted <= self.outcomes.keys():
            if loop.time() > deadline:
                missing = len(wanted - self.outcomes.keys())
                raise AssertionError(f"{missing} of {len(wanted)} flows did not end in {within}s")
            await self.poll_outcomes()
        return {f: self.outcomes[f] for f in flow_ids}

    async def poll_outcomes(self) -> None:
        batches = await self._outcomes.getmany(timeout_ms=200)
        for records in batches.values():
            for record in records:
                outcome = msgspec.json.decode(record.value or b"", type=FlowOutcome)
                if outcome.flow_id in self.outcomes:
                    self.duplicate_outcomes += 1
                self.outcomes[outcome.flow_id] = outcome

    async def read_history(self, idle_ms: int = 1000) -> None:
        """Read sfc.events until nothing new arrives for ``idle_ms``."""
        while True:
            batches = await self._events.getmany(timeout_ms=idle_ms, max_records=10000)
            if not batches:
                return
            for records in batches.values():
                for record in records:
                    batch = msgspec.json.decode(record.value or b"", type=HistoryBatch)
                    for event in batch.events:
                        self._keep(batch.flow_id, event)

    def _keep(self, flow_id: str, event: HistoryEvent) -> None:
        seen = self.history[flow_id].get(event.seq)
        if seen is not None and (seen.type, seen.state, seen.thread) != (
            event.type,
            event.state,
            event.thread,
        ):
            self.conflicts.append(f"{flow_id} #{event.seq}: {seen.type} vs {event.type}")
        self.history[flow_id][event.seq] = event

    def events_of(self, flow_id: str) -> list[HistoryEvent]:
        return [self.history[flow_id][seq] for seq in sorted(self.history[flow_id])]


class EngineProcess:
    """``sfc engine`` in a child process, for tests that kill it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.killed = False

    def start(self) -> None:
        kafka = self.settings.kafka
        env = {
            **os.environ,
            "SFC_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "SFC_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
            "SFC_KAFKA__PARTITIONS": str(kafka.partitions),
            "SFC_LOG__LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sfc", "engine"], env=env, stdin=subprocess.DEVNULL
        )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.killed = True

    def check(self) -> None:
        """Fail at once when the engine died by itself (e.g. could not start)."""
        if self.process is not None and not self.killed and self.process.poll() is not None:
            raise AssertionError(f"engine exited with status {self.process.returncode}")

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
