"""The gateway's composition root: the objects it runs on, built here or handed in.

:class:`GatewayServices` holds started objects; :func:`create_app` (in
:mod:`sfc.gateway.app`) only reads them, so a process that runs several roles
(``sfc dev``) builds one registry, producer and index store and shares them.
:func:`open_services` builds them all for a gateway that runs alone.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

from aiokafka import AIOKafkaProducer

from sfc.gateway.outcomes import OutcomeWaiter
from sfc.gateway.shutdown import stop_tolerantly
from sfc.index import IndexStore
from sfc.index.stores import make_store
from sfc.kafka import Topics, ensure_topics, make_producer
from sfc.registry import Registry
from sfc.settings import KafkaSettings, Settings

log = logging.getLogger(__name__)

PRODUCE_TIMEOUT: Final = 5.0
"""Seconds a request waits for the broker to acknowledge a record before answering 503."""


@dataclass(frozen=True)
class GatewayServices:
    """Everything the gateway's routes use, already started.

    Attributes:
        settings: The whole settings tree (the gateway reads ``gateway`` and ``kafka``).
        registry: A started registry (blueprints and task definitions).
        producer: A started producer (``acks=all``) for ``sfc.commands``; best made with
            :func:`gateway_producer`, whose records expire when a request gives up on them.
        outcomes: A started waiter on ``sfc.outcomes``.
        index: An opened index store (flows, steps, history).
        produce_timeout: Seconds a request waits for an acknowledgement before ``503``.
    """

    settings: Settings
    registry: Registry
    producer: AIOKafkaProducer
    outcomes: OutcomeWaiter
    index: IndexStore
    produce_timeout: float = PRODUCE_TIMEOUT

    @property
    def topics(self) -> Topics:
        """SFC's topics, named from the settings."""
        return Topics.from_settings(self.settings.kafka)


def gateway_producer(settings: KafkaSettings, timeout: float = PRODUCE_TIMEOUT) -> AIOKafkaProducer:
    """A producer whose records expire after ``timeout`` seconds unacknowledged.

    A request that answers ``503`` after waiting ``timeout`` seconds must not see its
    record written later, when the broker comes back: with the producer's own request
    timeout equal to the request's patience, the producer drops the record as the request
    gives up on it.
    """
    shorter = settings.model_copy(update={"request_timeout_ms": max(int(timeout * 1000), 1000)})
    return make_producer(shorter)


@contextlib.asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[GatewayServices]:
    """Create SFC's topics if missing, start everything the gateway needs, stop it after.

    The index store is the one ``settings.monitor`` names.

    Raises:
        UnavailableError: The broker cannot be reached.
    """
    await ensure_topics(settings.kafka, Topics.from_settings(settings.kafka).core())
    async with contextlib.AsyncExitStack() as stack:
        producer = gateway_producer(settings.kafka)
        await producer.start()
        stack.push_async_callback(producer.stop)
        registry = Registry(settings.kafka, producer)
        await registry.start()
        stack.push_async_callback(stop_tolerantly, registry.stop)
        outcomes = OutcomeWaiter(settings.kafka)
        await outcomes.start()
        stack.push_async_callback(outcomes.stop)
        index = make_store(settings.monitor)
        await index.open()
        stack.push_async_callback(index.close)
        yield GatewayServices(settings, registry, producer, outcomes, index)
