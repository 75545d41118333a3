"""The settings tree: consumer groups named after the topic prefix unless set."""

from __future__ import annotations

import pytest

from sfc.settings import Settings


def test_consumer_groups_follow_the_topic_prefix() -> None:
    settings = Settings.model_validate({"kafka": {"topic_prefix": "shop"}})
    assert settings.engine.group_id == "shop-engine"
    assert settings.executor.group_id == "shop-executor"
    assert settings.monitor.group_id == "shop-exporter"
    assert settings.scheduler.group_id == "shop-scheduler"
    assert settings.worker.group_prefix == "shop-workers"
    assert settings.bridge.trigger_group == "shop"
    assert settings.bridge.reply_group == "shop-replies"
    assert settings.bridge.event_group == "shop-join-events"


def test_the_default_prefix_keeps_the_familiar_group_names() -> None:
    settings = Settings.model_validate({})
    assert settings.engine.group_id == "sfc-engine"
    assert settings.worker.group_prefix == "sfc-workers"


def test_a_group_set_explicitly_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFC_ENGINE__GROUP_ID", "engines-eu")
    settings = Settings.model_validate({"kafka": {"topic_prefix": "shop"}})
    assert settings.engine.group_id == "engines-eu"
    assert settings.executor.group_id == "shop-executor"
