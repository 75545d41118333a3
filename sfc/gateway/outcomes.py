"""Learning when flows end, from the ``sfc.outcomes`` topic, for ``?wait=`` callers.

The engine writes one :class:`~sfc.kafka.records.FlowOutcome` per flow that ends. Every
gateway reads every partition of the topic itself (no consumer group: each gateway must
see every outcome, whichever engine wrote it), starting at the end as it starts, and
resolves the futures of the requests waiting for those flows.

A request registers with :meth:`OutcomeWaiter.expect` *before* it produces its
``StartFlow``: the reader is then already positioned before the outcome can exist, so no
outcome is missed however fast the flow runs. The last outcomes read are remembered, so
a client repeating a start with the same ``Idempotency-Key`` after the flow ended still
gets the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Iterator

import msgspec
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from sfc.errors import UnavailableError
from sfc.gateway.shutdown import stop_tolerantly
from sfc.kafka import Topics, make_consumer
from sfc.kafka.records import FlowOutcome
from sfc.settings import KafkaSettings

log = logging.getLogger(__name__)

_DECODER = msgspec.json.Decoder(FlowOutcome)


class Expectation:
    """One request's wait for the outcome of one flow."""

    def __init__(self, future: asyncio.Future[FlowOutcome]) -> None:
        self._future = future

    async def result(self, within: float) -> FlowOutcome | None:
        """The outcome, or None when the flow has not ended within ``within`` seconds."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._future), within)
        except TimeoutError:
            return None


class OutcomeWaiter:
    """Reads ``sfc.outcomes`` and hands each outcome to the requests waiting for it.

    Args:
        settings: Where the broker is; the topic is named from its prefix.
        remember: How many of the last outcomes read are kept for late callers.
    """

    def __init__(self, settings: KafkaSettings, *, remember: int = 10_000) -> None:
        self._topic = Topics.from_settings(settings).outcomes
        self._consumer = make_consumer(settings)
        self._remember = remember
        self._pending: dict[str, set[asyncio.Future[FlowOutcome]]] = {}
        self._recent: OrderedDict[str, FlowOutcome] = OrderedDict()
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Assign every partition of the topic and start reading at its end.

        Raises:
            UnavailableError: The broker cannot be reached or the topic does not exist.
        """
        try:
            await self._consumer.start()
        except KafkaError as exc:
            raise UnavailableError(f"cannot read {self._topic}: {exc}") from exc
        numbers = self._consumer.partitions_for_topic(self._topic)
        if not numbers:
            await stop_tolerantly(self._consumer.stop)
            raise UnavailableError(f"the topic {self._topic} does not exist; create it first")
        partitions = [TopicPartition(self._topic, number) for number in sorted(numbers)]
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        # Resolve the positions now, so what a caller registers after start() returns
        # is read from here on, not from wherever a lazy reset would land later.
        for partition in partitions:
            await self._consumer.position(partition)
        self._reader = asyncio.create_task(self._read(), name="outcome-waiter")

    async def stop(self) -> None:
        """Stop reading; requests still waiting time out as usual."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await stop_tolerantly(self._consumer.stop)

    @contextlib.contextmanager
    def expect(self, flow_id: str) -> Iterator[Expectation]:
        """Register interest in a flow's outcome for the duration of the ``with`` block."""
        future: asyncio.Future[FlowOutcome] = asyncio.get_running_loop().create_future()
        known = self._recent.get(flow_id)
        if known is not None:
            future.set_result(known)
        waiting = self._pending.setdefault(flow_id, set())
        waiting.add(future)
        try:
            yield Expectation(future)
        finally:
            waiting.discard(future)
            if not waiting and self._pending.get(flow_id) is waiting:
                del self._pending[flow_id]

    @property
    def waiting(self) -> int:
        """How many flows requests are waiting for right now."""
        return len(self._pending)

    async def ping(self, patience: float = 2.0) -> None:
        """Check that the broker answers and the reader runs.

        Raises:
            UnavailableError: It does not.
        """
        if self._reader is None or self._reader.done():
            raise UnavailableError("the outcome reader is not running")
        try:
            await asyncio.wait_for(self._consumer.topics(), patience)
        except (KafkaError, TimeoutError) as exc:
            raise UnavailableError(f"the broker does not answer: {exc!r}") from exc

    async def _read(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=1000)
            except KafkaError as exc:
                log.warning("reading %s failed (%s); retrying", self._topic, exc)
                await asyncio.sleep(0.5)
                continue
            for records in batches.values():
                for record in records:
                    self._deliver(record.value)

    def _deliver(self, value: bytes | None) -> None:
        if value is None:
            return
        try:
            outcome = _DECODER.decode(value)
        except msgspec.DecodeError as exc:
            log.warning("skipping an unreadable outcome record: %s", exc)
            return
        self._recent[outcome.flow_id] = outcome
        self._recent.move_to_end(outcome.flow_id)
        while len(self._recent) > self._remember:
            self._recent.popitem(last=False)
        for future in self._pending.pop(outcome.flow_id, ()):
            if not future.done():
                future.set_result(outcome)
