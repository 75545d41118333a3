"""SFC's Kafka consumer against the real broker: stopping it with a fetch in flight."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiokafka import TopicPartition

from sfc.kafka import make_consumer
from sfc.settings import KafkaSettings


async def _fetch(linger: float) -> None:
    """Waits until cancelled, then takes ``linger`` seconds (however often it is cancelled
    again) to wind down, like a request that must hear back from the broker."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + linger
        while (left := deadline - loop.time()) > 0:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(left)
        raise


async def _started_with_a_fetch_in_flight(
    kafka_settings: KafkaSettings, linger: float = 0.0
) -> Any:
    consumer: Any = make_consumer(kafka_settings)
    await consumer.start()
    consumer.assign([TopicPartition(kafka_settings.topic("probe"), 0)])
    await asyncio.sleep(0.5)  # the fetcher has taken up the assignment (which clears its set)
    # What aiokafka's fetcher holds while a fetch waits on a slow broker: stop() cancels
    # it and awaits it, and aiokafka lets the CancelledError out of stop().
    in_flight = asyncio.ensure_future(_fetch(linger))
    consumer._fetcher._pending_tasks.add(in_flight)
    await asyncio.sleep(0)  # under way, not merely scheduled
    return consumer


async def test_stopping_with_a_fetch_in_flight_closes_and_does_not_raise(
    kafka_settings: KafkaSettings,
) -> None:
    consumer = await _started_with_a_fetch_in_flight(kafka_settings)
    await consumer.stop()
    assert consumer._closed
    assert not any(c.connected() for c in consumer._client._conns.values()), "left open"


async def test_a_stop_that_is_itself_cancelled_is_still_cancelled(
    kafka_settings: KafkaSettings,
) -> None:
    consumer = await _started_with_a_fetch_in_flight(kafka_settings, linger=1.0)
    stopping = asyncio.ensure_future(consumer.stop())
    await asyncio.sleep(0.3)
    stopping.cancel()
    try:
        await stopping
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the cancellation of the stopping task was swallowed")
    await consumer._client.close()
