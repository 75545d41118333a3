"""What one batch of decisions must write before its input offsets are committed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer

from sfc.core import FlowState

Headers = list[tuple[str, bytes]]


@dataclass
class Record:
    """One record to produce."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: Headers = field(default_factory=list)
    partition: int | None = None


@dataclass
class Outbox:
    """Records to produce, and each touched flow's latest state (one snapshot per flow)."""

    records: list[Record] = field(default_factory=list)
    states: dict[str, tuple[int, FlowState]] = field(default_factory=dict)

    def add(self, record: Record) -> None:
        """Queue a record."""
        self.records.append(record)

    def snapshot(self, partition: int, flow: FlowState) -> None:
        """Queue the flow's state; a later snapshot of the same flow replaces it."""
        self.states[flow.id] = (partition, flow)

    def __bool__(self) -> bool:
        return bool(self.records or self.states)


async def produce_all(producer: AIOKafkaProducer, records: list[Record]) -> None:
    """Produce records and wait until the broker acknowledged every one (acks=all)."""
    pending = [
        await producer.send(
            r.topic, r.value, key=r.key, partition=r.partition, headers=r.headers or None
        )
        for r in records
    ]
    await asyncio.gather(*pending)
