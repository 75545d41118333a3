"""Leader election among schedulers, through Kafka: exactly one acts at a time.

Every scheduler joins the consumer group ``scheduler.group_id`` on ``sfc.scheduler``, a
topic of one partition: the member the group gives partition 0 is the *candidate*.
Members are named by their start time, and the group's range assignor gives partition 0
to the first name in order, so the longest-running scheduler keeps it: a standby that
joins never takes over from a healthy leader.

Being given the partition is not enough to act. The candidate writes a :class:`Fence`
to the partition and reads until its own fence comes back; it leads from then on, with
the fence's ordinal as its *epoch*, until it reads a later fence (someone else was
elected: it was deposed, say after a long pause that cost it its group membership).
Before each change it makes, the leader writes a :class:`Probe` and reads it back
(:meth:`Election.confirm`): if a later fence came first, it does not act. Two schedulers
therefore never both act after a new fence, whatever their clocks and pauses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid

import msgspec
from aiokafka import AIOKafkaProducer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from sfc.errors import UnavailableError
from sfc.kafka import Topics, make_consumer
from sfc.scheduler.log import PartitionLog
from sfc.scheduler.records import ELECTION_DECODER, Fence, Probe
from sfc.settings import Settings

log = logging.getLogger(__name__)


class Election:
    """One scheduler's part in the election.

    Args:
        settings: The group id and where the broker is.
        member: This scheduler's id (written in its fences).
        producer: A started producer to share.
    """

    def __init__(self, settings: Settings, member: str, producer: AIOKafkaProducer) -> None:
        kafka = settings.kafka
        self.member = member
        self.epoch = 0
        self._topic = Topics.from_settings(kafka).scheduler
        # The client id prefixes the member id the broker gives, and the range assignor
        # sorts members by it: the earliest started comes first and gets partition 0.
        client = f"{kafka.client_id}-scheduler-{time.time_ns():020d}"
        self._group = make_consumer(
            kafka.model_copy(update={"client_id": client}), group_id=settings.scheduler.group_id
        )
        self._log = PartitionLog(kafka, self._topic, self._apply, producer=producer)
        self._fences = 0
        self._last_fence: str | None = None
        self._candidate: str | None = None
        self._fence: str | None = None
        self._assigned = False
        self._rebalancing = False
        self._electing = asyncio.Lock()
        self._poller: asyncio.Task[None] | None = None

    @property
    def paused(self) -> bool:
        """Whether this scheduler led and may lead on, but a rebalance or a new fence is
        under way: it must not act, nor give its workers up, until that is settled."""
        return self._fence is not None and (self._rebalancing or self._electing.locked())

    @property
    def leading(self) -> bool:
        """Whether this scheduler leads: given partition 0, and its fence is the last."""
        return (
            self._assigned
            and not self._rebalancing
            and not self._electing.locked()
            and self._fence is not None
            and self._fence == self._last_fence
        )

    async def start(self) -> None:
        """Read the election log and join the group.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        await self._log.start()
        self._group.subscribe([self._topic], listener=_Listener(self))
        try:
            await self._group.start()
        except KafkaError as exc:
            await self._log.stop()
            raise UnavailableError(f"cannot join the scheduler group: {exc}") from exc
        self._poller = asyncio.create_task(self._poll(), name=f"election-{self.member}")

    async def stop(self) -> None:
        """Stop leading at once, then leave the group (a standby takes over)."""
        self._fence = None
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        with contextlib.suppress(KafkaError):
            await self._group.stop()
        await self._log.stop()

    async def confirm(self) -> bool:
        """Whether this scheduler still leads, checked against the log: a probe written
        and read back with no later fence before it. Call it before each change.
        """
        if not self.leading:
            return False
        probe = Probe(self.member, uuid.uuid4().hex)
        try:
            await self._log.append(msgspec.json.encode(probe), "probe", patience=5.0)
        except UnavailableError as exc:
            log.warning("cannot confirm the lead (%s); not acting", exc)
            return False
        return self.leading

    async def refresh(self) -> None:
        """Fence again if the group gave this scheduler the partition but fencing failed."""
        idle = not self._electing.locked()
        if idle and self._assigned and not self._rebalancing and self._fence is None:
            await self._elect()

    async def assigned(self, partitions: set[TopicPartition]) -> None:
        """The group's new assignment: lead if it holds partition 0, else stop leading."""
        self._rebalancing = False
        self._assigned = TopicPartition(self._topic, 0) in partitions
        if self._assigned:
            self._group.pause(*partitions)
            await self._elect()
        elif self._fence is not None:
            log.info("scheduler %s no longer leads (epoch %d)", self.member, self.epoch)
            self._fence = None

    def revoked(self) -> None:
        """A rebalance began: act no more until it ends."""
        self._rebalancing = True

    async def _elect(self) -> None:
        async with self._electing:
            await self._fence_now()

    async def _fence_now(self) -> None:
        nonce = uuid.uuid4().hex
        self._candidate = nonce
        try:
            await self._log.append(msgspec.json.encode(Fence(self.member, nonce)), "fence")
        except UnavailableError as exc:
            log.warning("cannot write the fence (%s); will try again", exc)
            return
        if self._last_fence == nonce:
            level = logging.DEBUG if self._fence is not None else logging.INFO
            self._fence = nonce
            log.log(level, "scheduler %s leads (epoch %d)", self.member, self.epoch)

    def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        if record.value is None:
            return
        found = ELECTION_DECODER.decode(record.value)
        if not isinstance(found, Fence):
            return
        self._fences += 1
        self._last_fence = found.nonce
        if found.nonce == self._candidate:
            self.epoch = self._fences
        elif self._fence is not None:
            log.warning(
                "scheduler %s was deposed by %s (epoch %d)",
                self.member,
                found.scheduler,
                self._fences,
            )
            # Only a new assignment of the group may make it a candidate again: fencing
            # back at once would depose the new leader in turn, and so on.
            self._fence = None
            self._assigned = False

    async def _poll(self) -> None:
        # Polling keeps the membership alive (max.poll.interval) and runs the rebalances.
        while True:
            try:
                await self._group.getmany(timeout_ms=500)
            except KafkaError as exc:
                log.warning("election group poll failed (%s); retrying", exc)
                await asyncio.sleep(0.5)


class _Listener(ConsumerRebalanceListener):
    def __init__(self, election: Election) -> None:
        self._election = election

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._election.revoked()

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self._election.assigned(set(assigned))
