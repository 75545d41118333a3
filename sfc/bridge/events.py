"""The event router: messages of Join sources become ``ExternalEvent``s for waiting flows.

It consumes every topic a Join names as an event ``Source`` (``kafka://<topic>``), in the
consumer group ``bridge.event_group``. For each message it reads the key of each event
expected on that topic (``MessageKeyPath`` into the JSON, else the record key) and sends
``ExternalEvent(name, key, payload)`` to every flow subscribed to that (name, key) from
that source, as :mod:`sfc.bridge.subscriptions` knows them.

A message no flow waits for yet is kept (see :mod:`sfc.bridge.early`) until a flow
subscribes or ``bridge.early_event_seconds`` pass. Offsets are committed only up to the
oldest message kept, so a crash loses none. The event's message id is the message's
position and the event name: delivered again after a crash, it is ignored by the flow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition

from sfc.bridge import metrics
from sfc.bridge.convention import KAFKA_SCHEME, decode_json, message_key, topic_of
from sfc.bridge.early import EarlyMessage, EarlyMessages, Slot
from sfc.bridge.group import Batches, GroupLoop
from sfc.bridge.plan import JoinEventSpec
from sfc.bridge.subscriptions import SubscriptionIndex, SubscriptionReader
from sfc.core import Event, ExternalEvent
from sfc.core.types import Json
from sfc.kafka.records import Subscribed
from sfc.settings import Settings

log = logging.getLogger(__name__)


class EventRouter(GroupLoop):
    """Routes Join events from Kafka topics to the flows waiting for them."""

    def __init__(self, settings: Settings, producer: AIOKafkaProducer) -> None:
        super().__init__(settings, producer, settings.bridge.event_group, "event router")
        self.index = SubscriptionIndex()
        self._reader = SubscriptionReader(settings.kafka, self.index, self._subscribed)
        self._sources: Mapping[str, frozenset[JoinEventSpec]] = {}
        self._early = EarlyMessages(settings.bridge.max_early_events)
        self._keep_for = settings.bridge.early_event_seconds
        self._ready: list[EarlyMessage] = []
        self._read_to: dict[TopicPartition, int] = {}
        self._committed: dict[TopicPartition, int] = {}

    def configure(self, sources: Mapping[str, frozenset[JoinEventSpec]]) -> None:
        """Consume these source topics, expecting these events on each."""
        self._sources = dict(sources)
        self.want(sources)

    async def start(self) -> None:
        """Start reading subscriptions, then the sources."""
        await self._reader.start()
        await super().start()

    async def stop(self) -> None:
        """Stop consuming (committing what was delivered), then reading subscriptions."""
        await super().stop()
        await self._reader.stop()

    @property
    def running(self) -> bool:
        """Whether both the router and its subscription reader run."""
        return super().running and self._reader.running

    @property
    def early(self) -> int:
        """How many messages are kept, waiting for a subscription."""
        return len(self._early)

    def _subscribed(self, subscription: Subscribed) -> None:
        topic = topic_of(subscription.source) if subscription.source else None
        if topic is not None:
            self._ready += self._early.take((topic, subscription.name, subscription.key))

    def before_fetch(self) -> None:
        """Stop reading while the limit of kept messages is reached."""
        assigned = self.consumer.assignment()
        if self._early.full:
            self.consumer.pause(*assigned)
        elif assigned:
            self.consumer.resume(*assigned)

    async def handle(self, batches: Batches) -> None:
        """Deliver what can be, keep the rest, expire the old, commit what is done."""
        now = time.time()
        events: list[Event] = []
        for tp, records in batches.items():
            specs = self._sources.get(tp.topic, frozenset())
            for record in records:
                events += self._route(record, specs, now)
            self._read_to[tp] = records[-1].offset + 1
        ready, self._ready = self._ready, []
        for message in ready:
            events += self._events(message.tp, message.offset, message.slots, message.payload)
            metrics.JOIN_EVENTS.labels("delivered").inc()
        self._expire(now)
        metrics.EARLY_EVENTS.set(len(self._early))
        if not await self.send(events):
            self._ready = ready + self._ready
            return
        offsets = self._done()
        if await self.commit(offsets):
            self._committed.update(offsets)

    def on_revoked(self, revoked: set[TopicPartition]) -> None:
        """Forget what is kept for partitions another member reads from now on."""
        self._early.drop(revoked)
        self._ready = [message for message in self._ready if message.tp not in revoked]
        for tp in revoked:
            self._read_to.pop(tp, None)
            self._committed.pop(tp, None)

    def _route(
        self, record: ConsumerRecord[bytes, bytes], specs: frozenset[JoinEventSpec], now: float
    ) -> list[Event]:
        where = f"{record.topic}/{record.partition}/{record.offset}"
        ok, payload = decode_json(record.value)
        if not ok:
            log.warning("skipping the Join event message at %s: it is not JSON", where)
            metrics.JOIN_EVENTS.labels("skipped").inc()
            return []
        slots = _slots(record, specs, payload)
        if not slots:
            log.info("skipping the Join event message at %s: it carries no key", where)
            metrics.JOIN_EVENTS.labels("skipped").inc()
            return []
        tp = TopicPartition(record.topic, record.partition)
        events = self._events(tp, record.offset, slots, payload)
        if events:
            metrics.JOIN_EVENTS.labels("delivered").inc()
            return events
        self._early.keep(EarlyMessage(tp, record.offset, slots, payload, now + self._keep_for))
        metrics.JOIN_EVENTS.labels("kept").inc()
        return []

    def _events(
        self, tp: TopicPartition, offset: int, slots: tuple[Slot, ...], payload: Json
    ) -> list[Event]:
        events: list[Event] = []
        for topic, name, key in slots:
            message_id = f"event:{tp.topic}/{tp.partition}/{offset}:{name}"
            for flow in self.index.flows(name, key, KAFKA_SCHEME + topic):
                events.append(ExternalEvent(message_id, flow, name, key, payload))
        return events

    def _expire(self, now: float) -> None:
        for message in self._early.expire(now):
            log.info(
                "no flow subscribed to %s within %.0f s; dropping the message at %s/%d/%d",
                " or ".join(f"{name}={key!r}" for _, name, key in message.slots),
                self._keep_for,
                message.tp.topic,
                message.tp.partition,
                message.offset,
            )
            metrics.JOIN_EVENTS.labels("expired").inc()

    def _done(self) -> dict[TopicPartition, int]:
        """How far each partition may be committed: up to its oldest message not done."""
        offsets = {}
        for tp, read_to in self._read_to.items():
            held = [self._early.oldest(tp), *(m.offset for m in self._ready if m.tp == tp)]
            point = min([read_to, *(offset for offset in held if offset is not None)])
            if self._committed.get(tp) != point:
                offsets[tp] = point
        return offsets


def _slots(
    record: ConsumerRecord[bytes, bytes], specs: frozenset[JoinEventSpec], payload: Json
) -> tuple[Slot, ...]:
    slots = set()
    for spec in specs:
        key = message_key(payload, spec.key_path, record.key)
        if key is not None:
            slots.add((record.topic, spec.name, key))
    return tuple(sorted(slots))
