"""Restoring the flows of a partition when an engine takes it over.

The new owner writes a *fence* record to the partition of ``sfc.state`` and reads the
partition from its beginning until it reads its own fence back. It never asks for high
watermarks, and anything a previous (perhaps still running) owner wrote is ordered either
before the fence, and restored, or after it.

Fences are numbered by their order in the partition: the owner that wrote fence *k* writes
its snapshots with epoch *k* (header ``sfc-epoch``). A snapshot read after fence *k* with
an epoch below *k* comes from a deposed owner and is ignored.
"""

from __future__ import annotations

import logging
import uuid

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from sfc.core import FlowState
from sfc.engine.partition import Partition
from sfc.kafka import Header, header_value, make_headers
from sfc.kafka.records import ENCODER, Fence

log = logging.getLogger(__name__)

FENCE_TYPE = "Fence"
STATE_TYPE = "FlowState"
_STATE_DECODER = msgspec.json.Decoder(FlowState)


async def restore_partition(
    producer: AIOKafkaProducer,
    reader: AIOKafkaConsumer,
    state_topic: str,
    number: int,
    engine_id: str,
    keep_ended: int,
) -> Partition:
    """Fence partition ``number`` of the state topic and read back its flows.

    Args:
        producer: Writes the fence.
        reader: A consumer outside any group, used only for restoring.
        state_topic: The ``sfc.state`` topic.
        number: The partition.
        engine_id: Who is taking the partition over (for the fence).
        keep_ended: How many ended flows to keep.
    """
    nonce = uuid.uuid4().hex
    fence = Fence(engine_id, nonce)
    sent = await producer.send_and_wait(
        state_topic,
        ENCODER.encode(fence),
        key=f"__fence__:{nonce}".encode(),
        partition=number,
        headers=make_headers(FENCE_TYPE, nonce),
    )
    latest, epoch = await _read_until(reader, TopicPartition(state_topic, number), sent.offset)
    partition = Partition(number, epoch, keep_ended)
    for raw in latest.values():
        partition.put(_STATE_DECODER.decode(raw))
    partition.rebuild_timers()
    log.info(
        "restored partition %d: %d running and %d ended flows (epoch %d)",
        number,
        len(partition.running),
        len(partition.ended),
        epoch,
    )
    return partition


async def _read_until(
    reader: AIOKafkaConsumer, partition: TopicPartition, fence_offset: int
) -> tuple[dict[bytes, bytes], int]:
    reader.assign([partition])
    await reader.seek_to_beginning(partition)
    latest: dict[bytes, bytes] = {}
    epoch = 0
    while True:
        batches = await reader.getmany(partition, timeout_ms=500, max_records=5000)
        for record in batches.get(partition, ()):
            if record.offset > fence_offset:
                return latest, epoch
            kind = header_value(record.headers, Header.TYPE)
            if kind == FENCE_TYPE:
                epoch += 1
            elif kind == STATE_TYPE and record.key is not None and record.value is not None:
                written = int(header_value(record.headers, Header.EPOCH) or 0)
                if written >= epoch:
                    latest[record.key] = record.value
            if record.offset == fence_offset:
                return latest, epoch
