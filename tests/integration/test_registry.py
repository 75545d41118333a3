"""The registry against the real broker."""

from __future__ import annotations

import pytest

from sfc.core.validation import InvalidBlueprintError
from sfc.errors import InputError, NotFoundError
from sfc.kafka import Topics
from sfc.registry import Registry
from sfc.settings import KafkaSettings

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


async def test_versions_are_numbered_in_log_order_and_seen_by_every_reader(
    kafka_settings: KafkaSettings, topics: Topics
) -> None:
    writer, reader = Registry(kafka_settings), Registry(kafka_settings)
    await writer.start()
    await reader.start()
    try:
        first = await writer.deploy("orders", PASS)
        second = await writer.deploy("orders", {**PASS, "Comment": "v2"})
        assert (first.version, second.version) == (1, 2)
        await reader.sync()
        assert [v.version for v in reader.catalog.versions("orders")] == [1, 2]
        assert reader.catalog.version("orders", 1).definition == PASS
        compiled = await reader.blueprint("orders")
        assert compiled is not None
        assert compiled.version == 2
    finally:
        await writer.stop()
        await reader.stop()


async def test_a_new_reader_rebuilds_the_catalog_from_the_log(
    kafka_settings: KafkaSettings, topics: Topics
) -> None:
    writer = Registry(kafka_settings)
    await writer.start()
    await writer.deploy("a", PASS)
    await writer.set_enabled("a", False)
    await writer.stop()
    late = Registry(kafka_settings)
    await late.start()
    try:
        assert late.catalog.names() == ["a"]
        assert late.catalog.enabled("a") is False
    finally:
        await late.stop()


async def test_invalid_blueprints_and_names_are_refused(
    kafka_settings: KafkaSettings, topics: Topics
) -> None:
    registry = Registry(kafka_settings)
    await registry.start()
    try:
        with pytest.raises(InvalidBlueprintError) as invalid:
            await registry.deploy("bad", {"StartAt": "Nowhere", "States": {}})
        assert invalid.value.problems
        with pytest.raises(InputError):
            await registry.deploy("no spaces allowed", PASS)
        with pytest.raises(NotFoundError):
            await registry.set_enabled("missing", True)
        assert registry.catalog.names() == []
    finally:
        await registry.stop()
