"""Which offsets a job consumer may commit: contiguous completion, per partition.

Jobs of one partition finish in any order, but a Kafka commit says "everything below this
offset is done". So the committable position of a partition is the offset of its oldest
job not yet reported, or, when every job taken is reported, the offset after the last.
A crash then redelivers only jobs from the oldest unfinished one on, and loses none.

The tracker also remembers, across a rebalance, what this consumer already took: when a
partition comes back to it, records it is still running or has finished (but not yet
committed) are recognised and not run again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

P = TypeVar("P")
"""A partition key: aiokafka's ``TopicPartition``, or anything hashable in tests."""


class _Partition:
    """Offsets of one partition: those taken and not yet contiguous, and the position."""

    __slots__ = ("committed", "open", "position", "taken")

    def __init__(self, committed: int | None) -> None:
        self.taken: deque[int] = deque()  # in order; the finished ones until contiguous
        self.open: set[int] = set()  # taken and not finished
        # Everything below ``position`` is finished (or was never ours to run).
        self.position = committed
        self.committed = committed

    def take(self, offset: int) -> bool:
        if self.position is None:
            self.position = offset
        if offset < self.position or (self.taken and offset <= self.taken[-1]):
            return False
        self.taken.append(offset)
        self.open.add(offset)
        return True

    def finish(self, offset: int) -> None:
        if offset not in self.open:
            return  # not taken here since the partition was (re)assigned
        self.open.discard(offset)
        self.advance()

    def advance(self) -> None:
        taken = self.taken
        while taken and taken[0] not in self.open:
            self.position = taken.popleft() + 1

    def commit_position(self) -> int | None:
        """The offset to commit: the oldest unfinished job's, or the position."""
        return self.taken[0] if self.taken else self.position

    def reset(self) -> None:
        self.taken.clear()
        self.open.clear()
        self.position = self.committed = None

    def rebase(self, committed: int | None) -> None:
        if committed is None:
            if self.committed is not None:
                # The group lost its commit (offsets expired, topic recreated): start afresh.
                self.reset()
            return
        self.committed = committed
        if self.position is not None and committed <= self.position:
            return
        # Another consumer finished more than we know of: drop what lies below its commit.
        self.position = committed
        while self.taken and self.taken[0] < committed:
            self.open.discard(self.taken.popleft())
        self.advance()


class OffsetTracker(Generic[P]):
    """Per partition, the jobs taken and which offset may be committed.

    Offsets of one partition must be taken in increasing order (as a consumer reads them);
    they may finish in any order.
    """

    def __init__(self) -> None:
        self._partitions: dict[P, _Partition] = {}

    def take(self, partition: P, offset: int) -> bool:
        """Record that the job at ``offset`` starts.

        Returns:
            False if this consumer already took it (it is running, or finished but not
            yet committed): a redelivery after a rebalance, not to be run again.
        """
        state = self._partitions.get(partition)
        if state is None:
            state = self._partitions[partition] = _Partition(None)
        return state.take(offset)

    def finish(self, partition: P, offset: int) -> None:
        """Record that the job at ``offset`` is reported (or skipped); unknown ones are ignored."""
        state = self._partitions.get(partition)
        if state is not None:
            state.finish(offset)

    def unfinished(self, partition: P) -> int:
        """How many jobs of the partition were taken and are not finished."""
        state = self._partitions.get(partition)
        return 0 if state is None else len(state.open)

    def committable(self, partitions: Iterable[P] | None = None) -> dict[P, int]:
        """Positions that moved past the last commit (of ``partitions``, or all)."""
        wanted = self._partitions.keys() if partitions is None else partitions
        positions: dict[P, int] = {}
        for partition in wanted:
            state = self._partitions.get(partition)
            if state is None:
                continue
            position = state.commit_position()
            if position is not None and (state.committed is None or position > state.committed):
                positions[partition] = position
        return positions

    def committed(self, offsets: Mapping[P, int]) -> None:
        """Record a successful commit of these positions."""
        for partition, offset in offsets.items():
            state = self._partitions.get(partition)
            if state is not None and (state.committed is None or offset > state.committed):
                state.committed = offset

    def assigned(self, partition: P, committed: int | None) -> None:
        """The partition is (again) this consumer's; ``committed`` is the group's position.

        Offsets below a commit made by another consumer are forgotten; what this consumer
        took above it is kept, so that it is not run twice.
        """
        state = self._partitions.get(partition)
        if state is None:
            self._partitions[partition] = _Partition(committed)
        else:
            state.rebase(committed)

    def keep_only(self, partitions: Iterable[P]) -> None:
        """Forget every partition but these (the others went to other consumers)."""
        keep = set(partitions)
        for partition in list(self._partitions):
            if partition not in keep:
                del self._partitions[partition]
