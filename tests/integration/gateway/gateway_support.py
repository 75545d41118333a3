"""Helpers for the gateway tests: blueprints, reading topics back, a gateway in a thread."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from aiokafka import ConsumerRecord, TopicPartition

from sfc.gateway import GatewayRole
from sfc.kafka import make_consumer
from sfc.settings import KafkaSettings, Settings

Client = TestClient[web.Request, web.Application]

PASS: dict[str, Any] = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
TWO: dict[str, Any] = {
    "Comment": "v2",
    "StartAt": "P",
    "States": {
        "P": {"Type": "Pass", "Result": 1, "Next": "Q"},
        "Q": {"Type": "Pass", "End": True},
    },
}


async def read_records(
    settings: KafkaSettings, topic: str, count: int, patience: float = 5.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """The first ``count`` records of every partition of ``topic`` (fewer if none come)."""
    consumer = make_consumer(settings)
    await consumer.start()
    try:
        numbers = consumer.partitions_for_topic(topic) or set()
        partitions = [TopicPartition(topic, number) for number in sorted(numbers)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = asyncio.get_running_loop().time() + patience
        while len(records) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=100)
            for batch in batches.values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def headers_of(record: ConsumerRecord[bytes, bytes]) -> dict[str, str]:
    """A record's headers as text."""
    return {name: value.decode() for name, value in record.headers}


class ThreadedGateway:
    """``sfc gateway`` (:class:`GatewayRole`) on a free port, in a thread of its own.

    Lets synchronous code (the CLI, which runs its own event loop) talk to a real gateway.
    """

    def __init__(self, settings: Settings) -> None:
        gateway = settings.gateway.model_copy(update={"host": "127.0.0.1", "port": 0})
        self._settings = settings.model_copy(update={"gateway": gateway})
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self.url = ""

    def start(self) -> None:
        """Start it and wait until it serves."""
        self._thread.start()
        if not self._ready.wait(20):
            raise TimeoutError("the gateway did not start")
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        """Stop it and wait for its thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        role = GatewayRole(self._settings)
        try:
            await role.start()
        except BaseException as exc:
            self._failure = exc
            self._ready.set()
            return
        assert role.server is not None
        self.url = role.server.url
        self._ready.set()
        await self._stop.wait()
        await role.stop()
