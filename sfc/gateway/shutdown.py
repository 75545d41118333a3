"""Stopping Kafka clients when the broker is gone.

aiokafka's consumer, stopped while its fetcher is backing off from an unreachable broker,
re-raises the cancellation of its own fetch task as :class:`asyncio.CancelledError`,
although the consumer is stopped all the same. Taken for a cancellation of the caller,
that error would cut the rest of a shutdown short.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def stop_tolerantly(stop: Callable[[], Awaitable[None]]) -> None:
    """Await ``stop()``; swallow a CancelledError unless this task is being cancelled."""
    try:
        await stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        log.debug("a Kafka client raised CancelledError while stopping; it is stopped")
