"""Which flows wait for which Join events: ``sfc.subscriptions`` folded into an index.

Engines write a ``Subscribed`` record when a Join starts waiting for an event and an
``Unsubscribed`` one when it stops (event received, timeout, flow ended). Every event
router reads the whole topic, from its beginning, into its own index: it must be able to
route any message of any source partition it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from sfc.bridge import metrics
from sfc.kafka import Topics, make_consumer
from sfc.kafka.records import SUBSCRIPTION_DECODER, Subscribed, Subscription
from sfc.settings import KafkaSettings

log = logging.getLogger(__name__)


class SubscriptionIndex:
    """Flows by the (event name, key) they wait for, with each subscription's source."""

    def __init__(self) -> None:
        self._flows: dict[tuple[str, str], dict[str, str | None]] = {}

    def apply(self, change: Subscription) -> Subscribed | None:
        """Fold a change in; returns it when it is a subscription not held before."""
        slot = (change.name, change.key)
        if isinstance(change, Subscribed):
            flows = self._flows.setdefault(slot, {})
            new = change.flow_id not in flows
            flows[change.flow_id] = change.source
            return change if new else None
        held = self._flows.get(slot)
        if held is not None:
            held.pop(change.flow_id, None)
            if not held:
                del self._flows[slot]
        return None

    def flows(self, name: str, key: str, source: str) -> list[str]:
        """The flows waiting for event ``name`` with ``key`` from ``source``, sorted."""
        flows = self._flows.get((name, key), {})
        return sorted(flow for flow, wanted in flows.items() if wanted == source)

    def __len__(self) -> int:
        return len(self._flows)


class SubscriptionReader:
    """Keeps a :class:`SubscriptionIndex` up to date from ``sfc.subscriptions``.

    Args:
        settings: Where the broker is.
        index: The index to keep.
        on_subscribed: Called with each new subscription, once it is in the index.
    """

    def __init__(
        self,
        settings: KafkaSettings,
        index: SubscriptionIndex,
        on_subscribed: Callable[[Subscribed], None],
    ) -> None:
        self._settings = settings
        self._topic = Topics.from_settings(settings).subscriptions
        self._index = index
        self._on_subscribed = on_subscribed
        self._consumer = make_consumer(settings)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Read the topic from its beginning, and keep reading."""
        await self._consumer.start()
        partitions = [TopicPartition(self._topic, p) for p in range(self._settings.partitions)]
        self._consumer.assign(partitions)
        await self._consumer.seek_to_beginning(*partitions)
        self._task = asyncio.create_task(self._read(), name="bridge-subscriptions")

    async def stop(self) -> None:
        """Stop reading."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    @property
    def running(self) -> bool:
        """Whether the reader is reading."""
        return self._task is not None and not self._task.done()

    async def _read(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=5000)
            except KafkaError as exc:
                log.warning("reading subscriptions failed (%s); retrying", exc)
                await asyncio.sleep(0.5)
                continue
            for records in batches.values():
                for record in records:
                    self._apply(record.value)
            metrics.SUBSCRIPTIONS.set(len(self._index))

    def _apply(self, value: bytes | None) -> None:
        try:
            change = SUBSCRIPTION_DECODER.decode(value or b"")
        except ValueError as exc:
            log.warning("skipping an unreadable subscription record: %s", exc)
            return
        new = self._index.apply(change)
        if new is not None:
            self._on_subscribed(new)
