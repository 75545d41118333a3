"""The engine rides out a broker that stops answering, and loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Iterator

import pytest
from engine_support import TWO_TASKS, Kafka, echo_handlers

from sfc.broker import EmbeddedBroker
from sfc.engine import Engine
from sfc.kafka import Topics, ensure_topics
from sfc.settings import Settings
from sfc.worker import Worker
from tests.integration.waiting import wait_until


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    """A broker of this test's own: it gets frozen."""
    with EmbeddedBroker() as broker:
        yield broker


async def test_flows_finish_after_the_broker_comes_back(own_broker: EmbeddedBroker) -> None:
    settings = Settings.model_validate(
        {
            "kafka": {
                "bootstrap_servers": own_broker.bootstrap_servers,
                "topic_prefix": f"t{uuid.uuid4().hex[:8]}",
                "partitions": 2,
                "request_timeout_ms": 1500,
                "session_timeout_ms": 30000,
            }
        }
    )
    await ensure_topics(settings.kafka, Topics.from_settings(settings.kafka).core())
    kafka = Kafka(settings)
    await kafka.start()
    engine = Engine(settings)
    await engine.start()
    worker = Worker(settings, "common", echo_handlers())
    await worker.start()
    try:
        await wait_until(lambda: len(engine.partitions) == 2)
        await kafka.registry.deploy("two", TWO_TASKS)
        before = await kafka.start_flows("two", 20)
        await kafka.wait_outcomes(before)
        pid = own_broker.pid
        assert pid is not None
        during = await kafka.start_flows("two", 20)
        os.kill(pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(5)
        finally:
            os.kill(pid, signal.SIGCONT)
        after = await kafka.start_flows("two", 20)
        outcomes = await kafka.wait_outcomes(during + after, within=90)
        assert {o.status for o in outcomes.values()} == {"SUCCEEDED"}
        outputs = [o.output for o in outcomes.values()]
        assert outputs == [{"i": i % 20, "a": 1, "b": 2} for i in range(40)]
    finally:
        await worker.stop()
        await engine.stop()
        await kafka.stop()
