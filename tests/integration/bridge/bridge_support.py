"""A bench for bridge tests: engine and bridge in this process, on the session broker.

One bench serves a whole test module (its own topic prefix, consumer groups and service
topics), because joining consumer groups is what takes time on the bundled broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.structs import RecordMetadata

from sfc.bridge import Bridge
from sfc.bridge.group import GroupLoop
from sfc.core import HistoryEvent, StartFlow
from sfc.core.types import Json
from sfc.engine import Engine
from sfc.kafka import Topics, ensure_topics, make_consumer, make_producer
from sfc.kafka.records import ENCODER, FlowOutcome, HistoryBatch
from sfc.registry import Registry
from sfc.settings import Settings
from tests.integration.waiting import wait_until

Headers = list[tuple[str, bytes]]


def bench_settings(bootstrap: str, **bridge: Any) -> Settings:
    """Settings with a prefix and consumer groups of their own."""
    prefix = f"b{uuid.uuid4().hex[:10]}"
    return Settings.model_validate(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "partitions": 2},
            "bridge": {"refresh_seconds": 0.1, **bridge},
        }
    )


class Flows:
    """Reads the outcomes and history of a stack's flows (its ``sfc.outcomes`` and
    ``sfc.events``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.outcomes: dict[str, FlowOutcome] = {}
        self.duplicate_outcomes = 0
        self.history: dict[str, list[HistoryEvent]] = {}
        self._outcomes = make_consumer(settings.kafka)
        self._events = make_consumer(settings.kafka)

    async def start(self) -> None:
        """Start reading both topics from their beginning."""
        partitions = range(self.settings.kafka.partitions)
        for consumer, topic in (
            (self._outcomes, self.topics.outcomes),
            (self._events, self.topics.events),
        ):
            await consumer.start()
            consumer.assign([TopicPartition(topic, p) for p in partitions])

    async def stop(self) -> None:
        """Stop reading."""
        await self._events.stop()
        await self._outcomes.stop()

    async def outcome(self, flow: str, within: float = 20.0) -> FlowOutcome:
        """Wait for a flow's outcome."""
        await self.read_outcomes_until(lambda: flow in self.outcomes, within)
        return self.outcomes[flow]

    async def read_outcomes_until(self, done: Callable[[], bool], within: float = 20.0) -> None:
        """Read ``sfc.outcomes`` until ``done()`` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not done():
            if loop.time() > deadline:
                raise AssertionError(f"not done in {within}s; outcomes: {len(self.outcomes)}")
            await self.poll_outcomes(200)

    async def poll_outcomes(self, timeout_ms: int) -> None:
        """Read what ``sfc.outcomes`` has now (waiting up to ``timeout_ms``)."""
        batches = await self._outcomes.getmany(timeout_ms=timeout_ms)
        for records in batches.values():
            for record in records:
                outcome = msgspec.json.decode(record.value or b"", type=FlowOutcome)
                if outcome.flow_id in self.outcomes:
                    self.duplicate_outcomes += 1
                self.outcomes[outcome.flow_id] = outcome

    def of_blueprint(self, name: str) -> list[FlowOutcome]:
        """The outcomes read so far of one blueprint's flows."""
        return [o for o in self.outcomes.values() if o.blueprint == name]

    async def history_of(self, flow: str, idle_ms: int = 300) -> list[str]:
        """The types of a flow's history events (reading what is new)."""
        return [event.type for event in await self.events_of(flow, idle_ms)]

    async def events_of(self, flow: str, idle_ms: int = 300) -> list[HistoryEvent]:
        """A flow's history events (reading what is new until ``idle_ms`` pass quietly)."""
        while True:
            batches = await self._events.getmany(timeout_ms=idle_ms, max_records=5000)
            if not batches:
                return self.history.get(flow, [])
            for records in batches.values():
                for record in records:
                    batch = msgspec.json.decode(record.value or b"", type=HistoryBatch)
                    self.history.setdefault(batch.flow_id, []).extend(batch.events)


class Bench(Flows):
    """An engine, a bridge, a registry to deploy with, and readers of outcomes and history."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.prefix = settings.kafka.topic_prefix
        self.producer: AIOKafkaProducer = make_producer(settings.kafka)
        self.registry = Registry(settings.kafka)
        self.engine = Engine(settings)
        self.bridge = Bridge(settings)

    def topic(self, name: str) -> str:
        """A service topic of this bench's own."""
        return f"{self.prefix}.{name}"

    async def start(self) -> None:
        """Start everything; the engine owns every partition when this returns."""
        await ensure_topics(self.settings.kafka, self.topics.core())
        await self.producer.start()
        await self.registry.start()
        await asyncio.gather(self.engine.start(), self.bridge.start())
        await super().start()
        partitions = self.settings.kafka.partitions
        await wait_until(lambda: len(self.engine.partitions) == partitions)

    async def stop(self) -> None:
        """Stop everything."""
        await super().stop()
        await asyncio.gather(self.engine.stop(), self.bridge.stop())
        await self.registry.stop()
        await self.producer.stop()

    async def deploy(self, name: str, definition: Json) -> int:
        """Deploy a blueprint; returns its version once the bridge has read it."""
        deployed = await self.registry.deploy(name, definition)
        catalog = self.bridge.registry.catalog
        await wait_until(lambda: len(catalog.versions(name)) >= deployed.version)
        await self.bridge.refresh()
        return deployed.version

    async def consuming(self, loop: GroupLoop | None, topic: str) -> None:
        """Wait until a loop of the bridge has joined its group and reads ``topic``."""
        assert loop is not None
        await wait_until(lambda: any(tp.topic == topic for tp in loop.consumer.assignment()))

    async def publish(
        self,
        topic: str,
        value: Json | bytes,
        *,
        key: str | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> RecordMetadata:
        """Produce one message (JSON unless bytes are given); returns where it went."""
        raw = value if isinstance(value, bytes) else ENCODER.encode(value)
        encoded_key = key.encode() if key is not None else None
        return await self.producer.send_and_wait(
            topic, raw, key=encoded_key, headers=list(headers) or None
        )

    async def start_flow(self, blueprint: str, flow_input: Json) -> str:
        """Start a flow over ``sfc.commands``; returns its id."""
        flow = str(uuid.uuid4())
        start = StartFlow(flow, flow, blueprint, flow_input)
        await self.producer.send_and_wait(
            self.topics.commands, ENCODER.encode(start), key=flow.encode()
        )
        return flow


class Service:
    """A plain Kafka service written with aiokafka alone: it knows the convention only.

    It reads its input topic in its own group and answers each message with
    ``answer(value, headers, key)``, which returns the replies to write: (value, headers,
    key) triples for its output topic.
    """

    Answer = Callable[
        [Json, dict[str, str], str | None], Iterable[tuple[bytes, Headers, bytes | None]]
    ]

    def __init__(self, settings: Settings, source: str, answer: Answer) -> None:
        self.received: list[ConsumerRecord[bytes, bytes]] = []
        self._answer = answer
        self._consumer: AIOKafkaConsumer = make_consumer(
            settings.kafka, source, group_id=f"{source}-service"
        )
        self._producer: AIOKafkaProducer = make_producer(settings.kafka)
        self._task: asyncio.Task[None] | None = None
        self.output = ""

    async def start(self, output: str) -> None:
        """Serve, writing replies to ``output``."""
        self.output = output
        await self._producer.start()
        await self._consumer.start()
        self._task = asyncio.create_task(self._serve())

    async def stop(self) -> None:
        """Stop serving; fails if the service itself failed."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
        await self._producer.stop()

    async def _serve(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=100)
            for records in batches.values():
                for record in records:
                    self.received.append(record)
                    await self._reply(record)
            if batches:
                await self._consumer.commit()

    async def _reply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        headers = {name: value.decode() for name, value in record.headers}
        key = record.key.decode() if record.key else None
        value = msgspec.json.decode(record.value or b"null")
        for reply, reply_headers, reply_key in self._answer(value, headers, key):
            await self._producer.send_and_wait(
                self.output, reply, key=reply_key, headers=reply_headers or None
            )


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Wait until the async ``check()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
