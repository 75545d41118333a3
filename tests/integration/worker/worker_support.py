"""Helpers for worker tests: start flows, read outcomes, history, replies and jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from sfc.core import HistoryEvent, Job, StartFlow
from sfc.core.interpreter.inputs import Event
from sfc.kafka import Topics, make_consumer, make_headers, make_producer
from sfc.kafka.records import COMMAND_DECODER, ENCODER, Command, FlowOutcome, HistoryBatch
from sfc.registry import Registry
from sfc.settings import Settings
from sfc.worker import Worker

HERE = Path(__file__).resolve().parent

StartWorker = Callable[..., Awaitable[Worker]]
"""``start_worker(handlers, pool="common", concurrency=None, **worker_settings)``."""


def one_task(resource: str, **task: Any) -> dict[str, Any]:
    """A blueprint of one Task state named ``Work``."""
    return {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": resource, "End": True, **task}},
    }


def caught(resource: str, **task: Any) -> dict[str, Any]:
    """One Task whose every error is caught into ``Recovered`` (the error in ``$.error``)."""
    definition = one_task(resource, **task)
    definition["States"]["Work"]["Catch"] = [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recovered"}
    ]
    definition["States"]["Recovered"] = {"Type": "Pass", "End": True}
    return definition


class Flows:
    """Deploys blueprints, starts flows and reads what SFC wrote, for one test's topics."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.producer: AIOKafkaProducer = make_producer(settings.kafka)
        self.registry = Registry(settings.kafka, self.producer)
        self._outcomes = make_consumer(settings.kafka)
        self._events = make_consumer(settings.kafka)
        self.outcomes: dict[str, FlowOutcome] = {}
        self.outcome_times: dict[str, float] = {}
        self.duplicate_outcomes = 0
        self.history: dict[str, list[HistoryEvent]] = {}

    async def start(self) -> None:
        await self.producer.start()
        await self.registry.start()
        for consumer, topic in (
            (self._outcomes, self.topics.outcomes),
            (self._events, self.topics.events),
        ):
            await consumer.start()
            consumer.assign(partitions(self.settings, topic))

    async def stop(self) -> None:
        await self._outcomes.stop()
        await self._events.stop()
        await self.registry.stop()
        await self.producer.stop()

    async def deploy(self, name: str, definition: dict[str, Any]) -> None:
        await self.registry.deploy(name, definition)

    async def start_flow(self, blueprint: str, data: Any = None) -> str:
        flow_id = str(uuid.uuid4())
        await self.send(StartFlow(flow_id, flow_id, blueprint, data))
        return flow_id

    async def send(self, event: Event) -> None:
        await self.producer.send_and_wait(
            self.topics.commands,
            ENCODER.encode(event),
            key=event.flow_id.encode(),
            headers=make_headers(type(event).__name__, event.id, flow=event.flow_id),
        )

    async def wait(self, flow_id: str, within: float = 30.0) -> FlowOutcome:
        return (await self.wait_all([flow_id], within))[flow_id]

    async def wait_all(self, flow_ids: list[str], within: float = 30.0) -> dict[str, FlowOutcome]:
        deadline = time.monotonic() + within
        while not set(flow_ids) <= self.outcomes.keys():
            assert time.monotonic() < deadline, f"flows did not end in {within}s"
            await self.poll_outcomes(100)
        return {f: self.outcomes[f] for f in flow_ids}

    async def poll_outcomes(self, timeout_ms: int) -> None:
        for records in (await self._outcomes.getmany(timeout_ms=timeout_ms)).values():
            for record in records:
                outcome = msgspec.json.decode(record.value or b"", type=FlowOutcome)
                if outcome.flow_id in self.outcomes:
                    self.duplicate_outcomes += 1
                self.outcomes[outcome.flow_id] = outcome
                self.outcome_times[outcome.flow_id] = time.monotonic()

    async def events_of(self, flow_id: str) -> list[HistoryEvent]:
        """The flow's history so far, by sequence number (duplicates removed)."""
        while batches := await self._events.getmany(timeout_ms=500):
            for records in batches.values():
                for record in records:
                    batch = msgspec.json.decode(record.value or b"", type=HistoryBatch)
                    self.history.setdefault(batch.flow_id, []).extend(batch.events)
        unique = {event.seq: event for event in self.history.get(flow_id, [])}
        return [unique[seq] for seq in sorted(unique)]

    async def commands(self) -> list[Command]:
        """Everything on the commands topic so far."""
        return [
            COMMAND_DECODER.decode(value) for _, _, value in await self.read(self.topics.commands)
        ]

    async def jobs(self, topic: str | None = None) -> list[tuple[TopicPartition, int, Job]]:
        """Every job on a job topic so far (the common one by default), with its offset."""
        records = await self.read(topic or self.topics.common_jobs)
        return [(tp, offset, msgspec.json.decode(value, type=Job)) for tp, offset, value in records]

    async def read(self, topic: str) -> list[tuple[TopicPartition, int, bytes]]:
        consumer = make_consumer(self.settings.kafka)
        await consumer.start()
        try:
            consumer.assign(partitions(self.settings, topic))
            found: list[tuple[TopicPartition, int, bytes]] = []
            while batches := await consumer.getmany(timeout_ms=500):
                for tp, records in batches.items():
                    found += [(tp, r.offset, r.value or b"") for r in records]
            return found
        finally:
            await consumer.stop()

    async def committed(self, group: str, topic: str | None = None) -> dict[int, int | None]:
        """The group's committed offset of each partition of a job topic."""
        consumer: AIOKafkaConsumer = make_consumer(self.settings.kafka, group_id=group)
        await consumer.start()
        try:
            tps = partitions(self.settings, topic or self.topics.common_jobs)
            consumer.assign(tps)
            return {tp.partition: await consumer.committed(tp) for tp in tps}
        finally:
            await consumer.stop()


def partitions(settings: Settings, topic: str) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for p in range(settings.kafka.partitions)]


class WorkerProcess:
    """``sfc worker`` in a child process with the handlers of ``child_handlers.py``."""

    def __init__(self, settings: Settings, pool: str = "common", port: int = 0) -> None:
        self.settings = settings
        self.pool = pool
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        kafka = self.settings.kafka
        worker = self.settings.worker
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
            "SFC_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "SFC_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
            "SFC_KAFKA__PARTITIONS": str(kafka.partitions),
            "SFC_KAFKA__SESSION_TIMEOUT_MS": str(kafka.session_timeout_ms),
            "SFC_WORKER__GROUP_PREFIX": worker.group_prefix,
            "SFC_WORKER__SHUTDOWN_GRACE_SECONDS": str(worker.shutdown_grace_seconds),
            "SFC_WORKER__REBALANCE_GRACE_SECONDS": str(worker.rebalance_grace_seconds),
            "SFC_WORKER__PORT": str(self.port),
            "SFC_LOG__LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "sfc", "worker", "--module", "child_handlers"]
        self.process = subprocess.Popen(
            [*command, "--pool", self.pool], env=env, stdin=subprocess.DEVNULL
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.terminate()
        try:
            return self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
