"""Real servers on 127.0.0.1 for integration tests, started and stopped here.

Each test module gets an embedded broker of its own (it starts in well under a second),
so what one module leaves in a broker (dead group members, thousands of records) cannot
slow another; each test gets its own topic prefix, so tests never see each other's
messages.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from sfc.broker import EmbeddedBroker
from sfc.engine import Engine
from sfc.kafka import Topics, ensure_topics
from sfc.settings import KafkaSettings, Settings
from tests.integration.waiting import wait_until


@pytest.fixture(scope="module")
def broker() -> Iterator[EmbeddedBroker]:
    """The bundled Kafka-protocol broker, for one test module; it must outlive the module."""
    with EmbeddedBroker() as running:
        yield running
        died = not running.running
        logged = running.output()
    assert not died, f"the broker died during the module:\n{logged}"


@pytest.fixture
def kafka_settings(broker: EmbeddedBroker) -> KafkaSettings:
    """Kafka settings with a topic prefix of this test's own."""
    return KafkaSettings(
        bootstrap_servers=broker.bootstrap_servers,
        topic_prefix=f"t{uuid.uuid4().hex[:10]}",
        partitions=4,
    )


@pytest.fixture
def settings(kafka_settings: KafkaSettings, tmp_path: object) -> Settings:
    """Full settings around :func:`kafka_settings`, with files under the test's tmp_path."""
    from pathlib import Path

    base = Path(str(tmp_path))
    return Settings.model_validate(
        {
            "kafka": kafka_settings.model_dump(),
            "monitor": {"sqlite_path": str(base / "monitor.sqlite3")},
            "gateway": {"port": 0},
        }
    )


@pytest.fixture
async def topics(kafka_settings: KafkaSettings) -> Topics:
    """This test's topics, created."""
    names = Topics.from_settings(kafka_settings)
    await ensure_topics(kafka_settings, names.core())
    return names


@pytest.fixture
async def engine(settings: Settings, topics: Topics) -> AsyncIterator[Engine]:
    """An engine in this process that owns every partition."""
    running = Engine(settings)
    await running.start()
    await wait_until(lambda: len(running.partitions) == settings.kafka.partitions)
    yield running
    await running.stop()
