"""Producing to ``sfc.commands`` on a request's behalf: acknowledged, or ``503``.

A request answers ``202`` only once the broker has acknowledged its record (the producer
uses ``acks=all``). When the broker does not answer within the services' produce timeout,
the request fails with :class:`~sfc.errors.UnavailableError` (``503`` with
``Retry-After``) instead of hanging.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata

from sfc.errors import UnavailableError
from sfc.gateway.services import GatewayServices
from sfc.kafka.records import ENCODER, Command

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]


async def send_command(
    services: GatewayServices, record: Command, *, key: str, headers: Headers
) -> None:
    """Produce one record to ``sfc.commands`` and wait for its acknowledgement.

    Raises:
        UnavailableError: The broker did not acknowledge it in time.
    """
    topic = services.topics.commands
    value = ENCODER.encode(record)
    try:
        async with asyncio.timeout(services.produce_timeout):
            delivery = await services.producer.send(topic, value, key=key.encode(), headers=headers)
            await _acknowledged(delivery)
    except (KafkaError, TimeoutError) as exc:
        raise _unavailable(topic, exc) from exc


async def broadcast_command(
    services: GatewayServices, record: Command, *, key: str, headers: Headers
) -> int:
    """Produce one record to every partition of ``sfc.commands``; wait for every ack.

    Returns:
        The number of partitions written to.

    Raises:
        UnavailableError: The broker did not acknowledge all of them in time. Some
            partitions may have the record; a repeat with the same message id (the
            same ``Idempotency-Key``) is ignored where it was applied already.
    """
    topic = services.topics.commands
    value = ENCODER.encode(record)
    try:
        async with asyncio.timeout(services.produce_timeout):
            partitions = sorted(await services.producer.partitions_for(topic))
            deliveries = [
                await services.producer.send(
                    topic, value, key=key.encode(), partition=partition, headers=headers
                )
                for partition in partitions
            ]
            await asyncio.gather(*(_acknowledged(delivery) for delivery in deliveries))
    except (KafkaError, TimeoutError) as exc:
        raise _unavailable(topic, exc) from exc
    return len(partitions)


async def _acknowledged(delivery: asyncio.Future[RecordMetadata]) -> None:
    # Shielded: a request that gives up must not cancel the producer's own future, and
    # the callback reads its late failure so that asyncio does not report it as lost.
    delivery.add_done_callback(_read_outcome)
    await asyncio.shield(delivery)


def _read_outcome(delivery: asyncio.Future[RecordMetadata]) -> None:
    if not delivery.cancelled():
        delivery.exception()


def _unavailable(topic: str, exc: BaseException) -> UnavailableError:
    log.warning("the broker did not acknowledge a record for %s: %r", topic, exc)
    return UnavailableError(f"the broker did not acknowledge the command in time ({exc!r})")
