"""Which offsets may be committed when jobs of one partition finish out of order.

Calls take from milliseconds to minutes, so the executor does not wait for a whole batch
before taking more jobs. An offset is committed only once every job before it in its
partition has been reported: a crash then redelivers the unreported ones, never skips.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import TopicPartition


class Offsets:
    """Jobs taken and not yet reported, per partition, and the offsets safe to commit."""

    def __init__(self) -> None:
        # Per partition: offset -> reported?, in the order taken (offsets only grow).
        self._pending: dict[TopicPartition, dict[int, bool]] = {}
        self._ready: dict[TopicPartition, int] = {}

    def take(self, partition: TopicPartition, offset: int) -> None:
        """A job at ``offset`` is being worked on."""
        self._pending.setdefault(partition, {})[offset] = False

    def done(self, partition: TopicPartition, offset: int) -> None:
        """The job at ``offset`` is reported (ignored for a partition no longer held)."""
        pending = self._pending.get(partition)
        if pending is None or offset not in pending:
            return
        pending[offset] = True
        while pending:
            first = next(iter(pending))
            if not pending[first]:
                break
            del pending[first]
            self._ready[partition] = first + 1

    def committable(
        self, partitions: Iterable[TopicPartition] | None = None
    ) -> dict[TopicPartition, int]:
        """Offsets to commit now (each partition's next offset to read), of ``partitions``
        (default: all); they are handed out once."""
        chosen = list(self._ready) if partitions is None else partitions
        return {tp: self._ready.pop(tp) for tp in chosen if tp in self._ready}

    def retry(self, offsets: dict[TopicPartition, int]) -> None:
        """Offsets whose commit failed: commit them next time, unless newer ones are ready."""
        for partition, offset in offsets.items():
            if partition in self._pending:
                self._ready[partition] = max(offset, self._ready.get(partition, offset))

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        """Stop tracking partitions that are no longer held."""
        for partition in partitions:
            self._pending.pop(partition, None)
            self._ready.pop(partition, None)
