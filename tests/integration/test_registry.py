"""The registry against the real broker."""

from __future__ import annotations

import pytest

from sfc.core.blueprint.model import TaskState
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


TASKED = {
    "StartAt": "Split",
    "States": {"Split": {"Type": "Task", "Resource": "task:order.split", "End": True}},
}


async def test_blueprints_keep_the_task_definition_version_they_were_deployed_with(
    kafka_settings: KafkaSettings, topics: Topics
) -> None:
    registry = Registry(kafka_settings)
    await registry.start()
    try:
        first = await registry.deploy_task("order.split", {"TimeoutSeconds": 10})
        pinned = await registry.deploy("orders", TASKED)
        second = await registry.deploy_task("order.split", {"TimeoutSeconds": 99})
        repinned = await registry.deploy("orders", TASKED)
        assert (first.version, second.version) == (1, 2)
        assert pinned.task_versions == {"order.split": 1}
        assert repinned.task_versions == {"order.split": 2}
        old = await registry.blueprint("orders", pinned.version)
        new = await registry.blueprint("orders", repinned.version)
        assert old is not None
        assert new is not None
        old_split, new_split = old.state("", "Split"), new.state("", "Split")
        assert isinstance(old_split, TaskState)
        assert isinstance(new_split, TaskState)
        assert old_split.resource.uri == "task:order.split:1"
        assert new_split.resource.uri == "task:order.split:2"
        with pytest.raises(InputError):
            await registry.deploy(
                "other",
                {
                    "StartAt": "T",
                    "States": {
                        "T": {"Type": "Task", "Resource": "task:order.split:7", "End": True}
                    },
                },
            )
        with pytest.raises(InvalidBlueprintError):
            await registry.deploy_task("order.split", {"TimeoutSeconds": "soon"})
    finally:
        await registry.stop()


async def test_valid_asl_that_sfc_cannot_run_is_refused_at_deploy(
    kafka_settings: KafkaSettings, topics: Topics
) -> None:
    registry = Registry(kafka_settings)
    await registry.start()
    reader_map = {
        "Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {}},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
        "End": True,
    }
    try:
        with pytest.raises(InvalidBlueprintError) as refused:
            await registry.deploy("reader", {"StartAt": "M", "States": {"M": reader_map}})
        assert refused.value.problems[0].code == "unsupported"
        assert registry.catalog.names() == []
    finally:
        await registry.stop()
