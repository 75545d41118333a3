"""Kafka triggers: every message on a trigger topic starts a flow with the message as input.

The loop consumes the topics that the latest version of each blueprint names in its
``Triggers``, in the consumer group ``bridge.trigger_group`` (``sfc``). A flow's id is
derived from the message (its idempotency key, else its topic, partition and offset), so
a redelivered message yields the same ``StartFlow``, which the engine ignores for a flow
it knows. Offsets are committed once the ``StartFlow`` commands are acknowledged.

Disabling a blueprint pauses its topics (no rebalance, nothing committed): the messages
that arrive meanwhile start flows once it is enabled again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition

from sfc.bridge import metrics
from sfc.bridge.convention import decode_json, message_key, trigger_flow_id
from sfc.bridge.group import Batches, GroupLoop
from sfc.bridge.plan import TriggerTarget
from sfc.core import Event, StartFlow
from sfc.core.types import Json
from sfc.settings import Settings

log = logging.getLogger(__name__)


class Triggers(GroupLoop):
    """Starts flows from trigger topics (see :mod:`sfc.bridge.triggers`)."""

    def __init__(self, settings: Settings, producer: AIOKafkaProducer) -> None:
        super().__init__(settings, producer, settings.bridge.trigger_group, "triggers")
        self._active: Mapping[str, tuple[TriggerTarget, ...]] = {}

    def configure(
        self, topics: frozenset[str], active: Mapping[str, tuple[TriggerTarget, ...]]
    ) -> None:
        """Consume ``topics``; start flows from those in ``active`` (the others pause).

        Args:
            topics: Every trigger topic of the blueprints' latest versions.
            active: The topics of enabled blueprints and enabled triggers, with the
                blueprints each message starts.
        """
        self._active = dict(active)
        self.want(topics)

    def before_fetch(self) -> None:
        """Pause the partitions of topics no enabled trigger wants; resume the others."""
        assigned = self.consumer.assignment()
        paused = {tp for tp in assigned if tp.topic not in self._active}
        if paused:
            self.consumer.pause(*paused)
        if assigned - paused:
            self.consumer.resume(*(assigned - paused))

    async def handle(self, batches: Batches) -> None:
        """Start a flow per message and target, then commit."""
        starts: list[Event] = []
        offsets: dict[TopicPartition, int] = {}
        for tp, records in batches.items():
            targets = self._active.get(tp.topic)
            if not targets:
                # Disabled since these were fetched: read them again once enabled.
                self.seek(tp, records[0].offset)
                continue
            for record in records:
                starts += _starts(record, targets)
            offsets[tp] = records[-1].offset + 1
        if await self.send(starts):
            for start in starts:
                assert isinstance(start, StartFlow)
                metrics.TRIGGERED.labels(start.blueprint).inc()
            await self.commit(offsets)


def _starts(
    record: ConsumerRecord[bytes, bytes], targets: tuple[TriggerTarget, ...]
) -> list[Event]:
    where = (record.topic, record.partition, record.offset)
    ok, message = decode_json(record.value)
    if not ok:
        log.warning(
            "skipping the trigger message at %s/%d/%d: it is not JSON: %r",
            *where,
            (record.value or b"")[:100],
        )
        metrics.TRIGGER_SKIPPED.inc()
        return []
    return [_start(target, message, where) for target in targets]


def _start(target: TriggerTarget, message: Json, where: tuple[str, int, int]) -> StartFlow:
    key = None
    if target.key_path is not None:
        key = message_key(message, target.key_path, None)
        if key is None:
            log.warning(
                "the trigger message at %s/%d/%d has nothing at %s; "
                "its position is its idempotency key",
                *where,
                target.key_path,
            )
    flow = trigger_flow_id(target.blueprint, key, where)
    return StartFlow(
        f"trigger:{flow}",
        flow,
        target.blueprint,
        input=message,
        version=target.version,
        correlation_id=key,
    )
