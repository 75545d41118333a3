"""Sending replies and heartbeats to ``sfc.commands``, each as soon as it is ready.

Each message is handed to the producer at once and the caller awaits its acknowledgement
(``acks=all``); the producer batches the messages of many jobs that finish together
(``linger_ms``), so reporting one by one costs no throughput. A message the broker does
not acknowledge is sent again, with back-off, until it is.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from sfc.kafka import make_headers, make_producer
from sfc.settings import KafkaSettings
from sfc.worker.replies import Outgoing

log = logging.getLogger(__name__)

_MAX_BACKOFF = 5.0


class Reporter:
    """A producer of replies to the commands topic.

    Args:
        settings: Where the broker is.
        topic: The commands topic.
        linger_ms: How long the producer waits to fill a batch.
    """

    def __init__(self, settings: KafkaSettings, topic: str, linger_ms: int) -> None:
        self.topic = topic
        self._settings = settings
        self._linger_ms = linger_ms
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect to the broker."""
        # Made here, not in __init__: aiokafka clients need the running event loop.
        self._producer = make_producer(self._settings, linger_ms=self._linger_ms)
        await self._producer.start()

    async def stop(self) -> None:
        """Send what is buffered and disconnect."""
        if self._producer is not None:
            await self._producer.stop()

    async def send(self, message: Outgoing) -> None:
        """Send one message and wait until the broker has it, retrying on broker errors."""
        assert self._producer is not None, "start() the reporter first"
        delay = 0.1
        while True:
            try:
                sent = await self._producer.send(
                    self.topic,
                    message.value,
                    key=message.flow_id.encode(),
                    headers=make_headers(
                        message.type,
                        message.message_id,
                        flow=message.flow_id,
                        blueprint=message.blueprint,
                    ),
                )
                await sent
                return
            except KafkaError as exc:
                log.warning("sending %s failed (%s); retrying", message.message_id, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _MAX_BACKOFF)
