"""The bridge: SFC's side of plain Kafka services, as one :class:`sfc.roles.Service`.

It runs three consumer-group loops and keeps them consuming what the deployed
blueprints name, checking the registry every ``bridge.refresh_seconds``:

- the reply router (:mod:`sfc.bridge.replies`): ``ReplyTopic``s of ``kafka://`` Tasks;
- the triggers (:mod:`sfc.bridge.triggers`): ``Triggers`` of enabled blueprints;
- the event router (:mod:`sfc.bridge.events`): Join events with a ``kafka://`` Source.

The gateway role runs it, and so does ``sfc dev``; several gateways share the work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer

from sfc.bridge.events import EventRouter
from sfc.bridge.group import GroupLoop
from sfc.bridge.plan import Plan, plan_of, signature
from sfc.bridge.replies import ReplyRouter
from sfc.bridge.triggers import Triggers
from sfc.errors import UnavailableError
from sfc.kafka import Topics, ensure_topics, make_producer
from sfc.registry import Registry
from sfc.settings import Settings

log = logging.getLogger(__name__)


class Bridge:
    """Reply router, triggers and event router, following the registry.

    Args:
        settings: The settings tree (``bridge`` and ``kafka``).
        registry: A started registry to share (the bridge makes its own otherwise).
    """

    def __init__(self, settings: Settings, registry: Registry | None = None) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.plan = Plan()
        self._registry = registry
        self._own_registry = registry is None
        self._producer: AIOKafkaProducer | None = None
        self._loops: list[GroupLoop] = []
        self._created: set[str] = set()
        self._watcher: asyncio.Task[None] | None = None
        self.replies: ReplyRouter | None = None
        self.triggers: Triggers | None = None
        self.events: EventRouter | None = None

    async def start(self) -> None:
        """Start the three loops and the registry watcher.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        kafka = self.settings.kafka
        await ensure_topics(kafka, self.topics.core())
        self._producer = make_producer(kafka)
        await self._producer.start()
        if self._registry is None:
            self._registry = Registry(kafka, self._producer)
            await self._registry.start()
        self.replies = ReplyRouter(self.settings, self._producer)
        self.triggers = Triggers(self.settings, self._producer)
        self.events = EventRouter(self.settings, self._producer)
        self._loops = [self.replies, self.triggers, self.events]
        for loop in self._loops:
            await loop.start()
        seen = signature(self._registry.catalog)
        await self.refresh()
        self._watcher = asyncio.create_task(self._watch(seen), name="bridge-watcher")
        log.info("bridge started")

    async def stop(self) -> None:
        """Stop watching, stop the loops (each commits what it finished), and the rest."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        await asyncio.gather(*(loop.stop() for loop in self._loops))
        if self._own_registry and self._registry is not None:
            await self._registry.stop()
        if self._producer is not None:
            await self._producer.stop()
        log.info("bridge stopped")

    @property
    def registry(self) -> Registry:
        """The registry the bridge follows."""
        assert self._registry is not None, "start() the bridge first"
        return self._registry

    @property
    def ready(self) -> bool:
        """Whether every loop runs."""
        watching = self._watcher is not None and not self._watcher.done()
        return watching and all(loop.running for loop in self._loops)

    async def refresh(self) -> None:
        """Read the registry's blueprints again and consume what they name now."""
        assert self._registry is not None, "start() the bridge first"
        plan = plan_of(self._registry.catalog)
        if self.settings.bridge.create_topics:
            await self._create(plan.topics() - self._created)
        assert self.replies is not None
        assert self.triggers is not None
        assert self.events is not None
        self.replies.want(plan.reply_topics)
        self.triggers.configure(plan.trigger_topics, plan.triggers)
        self.events.configure(plan.join_sources)
        self.plan = plan

    async def _create(self, topics: frozenset[str]) -> None:
        # Services usually create their own topics; creating the missing ones here keeps
        # the engine from waiting on a topic nobody made (brokers that do not auto-create).
        if not topics:
            return
        partitions = self.settings.kafka.partitions
        await ensure_topics(self.settings.kafka, dict.fromkeys(topics, partitions), patience=5.0)
        self._created |= topics

    async def _watch(self, seen: tuple[tuple[str, int, bool], ...]) -> None:
        assert self._registry is not None
        while True:
            await asyncio.sleep(self.settings.bridge.refresh_seconds)
            now = signature(self._registry.catalog)
            if now == seen:
                continue
            try:
                await self.refresh()
                seen = now
            except UnavailableError as exc:
                log.warning("could not create the topics blueprints name (%s); retrying", exc)
