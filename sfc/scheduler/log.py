"""A one-partition topic read as a log, the registry's way: every reader reads it all, in
order, in a background task, and a writer waits to read its own record back.

Reading one's own record back is how a writer learns that everything before it has been
read, without asking the broker for high watermarks (the bundled broker's are wrong).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from sfc.errors import UnavailableError
from sfc.kafka import make_consumer, make_producer
from sfc.settings import KafkaSettings

log = logging.getLogger(__name__)

OnRecord = Callable[[ConsumerRecord[bytes, bytes]], None]


class PartitionLog:
    """Reads partition 0 of a topic in the background and appends to it.

    Args:
        settings: Where the broker is.
        topic: The topic (its partition 0 is read).
        on_record: Called with each record, in order.
        producer: A started producer to share; one is made otherwise.
        from_end: Start at the end instead of the beginning (for live figures).
    """

    def __init__(
        self,
        settings: KafkaSettings,
        topic: str,
        on_record: OnRecord,
        *,
        producer: AIOKafkaProducer | None = None,
        from_end: bool = False,
    ) -> None:
        self.topic = topic
        self._settings = settings
        self._on_record = on_record
        self._producer = producer
        self._own_producer = producer is None
        self._from_end = from_end
        self._consumer = make_consumer(settings)
        self._reader: asyncio.Task[None] | None = None
        self.position = -1
        self._advanced = asyncio.Event()

    async def start(self) -> None:
        """Start reading.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        try:
            if self._producer is None:
                self._producer = make_producer(self._settings)
                await self._producer.start()
            await self._consumer.start()
        except KafkaError as exc:
            await self.stop()
            raise UnavailableError(f"cannot read {self.topic}: {exc}") from exc
        partition = TopicPartition(self.topic, 0)
        self._consumer.assign([partition])
        if self._from_end:
            await self._consumer.seek_to_end(partition)
            # Resolve the position now, not lazily later: records after start() count.
            await self._consumer.position(partition)
        else:
            await self._consumer.seek_to_beginning(partition)
        self._reader = asyncio.create_task(self._read(), name=f"log-{self.topic}")

    async def stop(self) -> None:
        """Stop reading."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        with contextlib.suppress(KafkaError):
            await self._consumer.stop()
        if self._own_producer and self._producer is not None:
            with contextlib.suppress(KafkaError):
                await self._producer.stop()
            self._producer = None

    @property
    def running(self) -> bool:
        """Whether the background reader runs."""
        return self._reader is not None and not self._reader.done()

    async def send(self, value: bytes, key: str) -> None:
        """Write a record without waiting to read it back.

        Raises:
            UnavailableError: The broker did not take it.
        """
        assert self._producer is not None, "start() the log first"
        try:
            await self._producer.send_and_wait(self.topic, value, key=key.encode(), partition=0)
        except KafkaError as exc:
            raise UnavailableError(f"cannot write to {self.topic}: {exc}") from exc

    async def append(self, value: bytes, key: str, patience: float = 15.0) -> int:
        """Write a record and wait until it has been read back.

        Returns:
            Its offset.

        Raises:
            UnavailableError: The broker did not take it, or it was not read back in time.
        """
        assert self._producer is not None, "start() the log first"
        try:
            sent = await self._producer.send_and_wait(
                self.topic, value, key=key.encode(), partition=0
            )
        except KafkaError as exc:
            raise UnavailableError(f"cannot write to {self.topic}: {exc}") from exc
        await self.read_past(sent.offset, patience)
        return sent.offset

    async def read_past(self, offset: int, patience: float) -> None:
        """Wait until the record at ``offset`` has been read.

        Raises:
            UnavailableError: Not within ``patience`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        while self.position < offset:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise UnavailableError(f"{self.topic} could not be read back in time")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._advanced.wait(), remaining)

    async def _read(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=1000)
            except KafkaError as exc:
                log.warning("reading %s failed (%s); retrying", self.topic, exc)
                await asyncio.sleep(0.5)
                continue
            for records in batches.values():
                for record in records:
                    self._deliver(record)
            if batches:
                self._advanced.set()
                self._advanced = asyncio.Event()

    def _deliver(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            self._on_record(record)
        except ValueError as exc:
            log.warning("skipping an unreadable record of %s: %s", self.topic, exc)
        self.position = record.offset
