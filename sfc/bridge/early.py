"""Join event messages that arrived before any flow subscribed to their key (pure code).

Each is kept, uncommitted, until a subscription to one of its (event name, key) pairs
appears, or until it expires. The lowest offset still kept on a partition is as far as
that partition may be committed: a crash loses no kept message, it reads them again.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from sfc.core.types import Json

Slot = tuple[str, str, str]
"""A topic, an event name and a key: what a message can be delivered as."""


@dataclass(eq=False)
class EarlyMessage:
    """A message kept for a subscription.

    Attributes:
        tp: Its topic and partition.
        offset: Its offset.
        slots: The (topic, event name, key) it may be delivered as.
        payload: Its JSON value.
        deadline: When it expires (seconds since the Unix epoch).
    """

    tp: TopicPartition
    offset: int
    slots: tuple[Slot, ...]
    payload: Json
    deadline: float


@dataclass
class EarlyMessages:
    """The kept messages, by slot, by partition and by deadline.

    Args:
        limit: How many may be kept (:attr:`full` says when reading should pause).
    """

    limit: int
    _by_slot: dict[Slot, dict[int, EarlyMessage]] = field(default_factory=dict)
    _by_tp: dict[TopicPartition, dict[int, EarlyMessage]] = field(default_factory=dict)
    _deadlines: list[tuple[float, int, EarlyMessage]] = field(default_factory=list)
    _serial: Iterator[int] = field(default_factory=itertools.count)

    def keep(self, message: EarlyMessage) -> None:
        """Keep a message (again after a re-read: the copy kept already is replaced)."""
        held = self._by_tp.setdefault(message.tp, {})
        if message.offset in held:
            self._forget(held[message.offset])
            held = self._by_tp.setdefault(message.tp, {})
        held[message.offset] = message
        for slot in message.slots:
            self._by_slot.setdefault(slot, {})[id(message)] = message
        heapq.heappush(self._deadlines, (message.deadline, next(self._serial), message))
        if len(self._deadlines) > 2 * len(self) + 64:
            # Taken messages stay in the heap until their deadline; drop them now and then.
            self._deadlines = [entry for entry in self._deadlines if self._held(entry[2])]
            heapq.heapify(self._deadlines)

    def take(self, slot: Slot) -> list[EarlyMessage]:
        """Remove and return the messages deliverable as ``slot``, oldest first."""
        found = list(self._by_slot.get(slot, {}).values())
        for message in found:
            self._forget(message)
        return sorted(found, key=lambda m: (m.tp.topic, m.tp.partition, m.offset))

    def expire(self, now: float) -> list[EarlyMessage]:
        """Remove and return the messages whose deadline has passed."""
        expired = []
        while self._deadlines and self._deadlines[0][0] <= now:
            _, _, message = heapq.heappop(self._deadlines)
            if self._held(message):
                self._forget(message)
                expired.append(message)
        return expired

    def drop(self, partitions: set[TopicPartition]) -> None:
        """Forget the messages of partitions this member no longer reads."""
        for tp in partitions:
            for message in list(self._by_tp.get(tp, {}).values()):
                self._forget(message)

    def oldest(self, tp: TopicPartition) -> int | None:
        """The lowest offset kept on ``tp``, if any."""
        held = self._by_tp.get(tp)
        return min(held) if held else None

    @property
    def full(self) -> bool:
        """Whether the limit is reached."""
        return len(self) >= self.limit

    def __len__(self) -> int:
        return sum(len(held) for held in self._by_tp.values())

    def _held(self, message: EarlyMessage) -> bool:
        return self._by_tp.get(message.tp, {}).get(message.offset) is message

    def _forget(self, message: EarlyMessage) -> None:
        held = self._by_tp.get(message.tp, {})
        if held.get(message.offset) is message:
            del held[message.offset]
            if not held:
                del self._by_tp[message.tp]
        for slot in message.slots:
            kept = self._by_slot.get(slot)
            if kept is not None:
                kept.pop(id(message), None)
                if not kept:
                    del self._by_slot[slot]
