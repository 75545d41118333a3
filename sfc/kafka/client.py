"""Kafka clients with the settings SFC relies on.

Producers wait for every in-sync replica (``acks=all``): a record is durable before SFC
acts on it. Consumers commit by hand, after the outputs of what they consumed are
acknowledged. Group sessions are short, which the bundled broker needs to rebalance fast.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from sfc.settings import KafkaSettings

log = logging.getLogger(__name__)


class Consumer(AIOKafkaConsumer):
    """aiokafka's consumer, except that stopping it never raises a stray cancellation."""

    async def stop(self) -> None:
        """Leave the group (if any), stop fetching and close the connections."""
        try:
            await super().stop()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            # aiokafka's fetcher awaits the fetch requests it cancels on close without
            # catching their CancelledError (a fetch still in flight on a slow broker). The
            # caller was not cancelled: finish the close it skipped, and carry on.
            log.debug("a fetch in flight was cancelled while the consumer stopped")
            await cast(Any, self)._client.close()  # the last step of stop(), skipped


def make_producer(
    settings: KafkaSettings, *, linger_ms: int = 1, **options: Any
) -> AIOKafkaProducer:
    """A producer with ``acks=all``."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=settings.client_id,
        acks="all",
        linger_ms=linger_ms,
        max_batch_size=256 * 1024,
        max_request_size=4 * 1024 * 1024,
        request_timeout_ms=settings.request_timeout_ms,
        **options,
    )


def make_consumer(
    settings: KafkaSettings, *topics: str, group_id: str | None = None, **options: Any
) -> AIOKafkaConsumer:
    """A consumer that commits by hand; in a group when ``group_id`` is given."""
    return Consumer(
        *topics,
        bootstrap_servers=settings.bootstrap_servers,
        client_id=settings.client_id,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=max(settings.session_timeout_ms // 6, 100),
        request_timeout_ms=max(settings.request_timeout_ms, settings.session_timeout_ms + 1000),
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        **options,
    )
