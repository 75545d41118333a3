"""With its broker gone, the gateway answers 503 with Retry-After and accepts nothing."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from gateway_support import PASS, Client

from sfc.broker import EmbeddedBroker
from sfc.core.interpreter.commands import HistoryEvent
from sfc.gateway import GatewayServices, OutcomeWaiter, create_app, gateway_producer
from sfc.gateway.shutdown import stop_tolerantly
from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka import Topics, ensure_topics
from sfc.kafka.records import HistoryBatch
from sfc.registry import Registry
from sfc.settings import KafkaSettings, Settings

PATIENCE = 1.0


@pytest.fixture
async def doomed(
    tmp_path: Path,
) -> AsyncIterator[tuple[EmbeddedBroker, Client, GatewayServices]]:
    """A gateway on a broker of its own, which the test may kill."""
    broker = EmbeddedBroker()
    broker.start()
    kafka = KafkaSettings(bootstrap_servers=broker.bootstrap_servers, partitions=2)
    settings = Settings.model_validate({"kafka": kafka.model_dump()})
    await ensure_topics(kafka, Topics.from_settings(kafka).core())
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(broker.stop)
        producer = gateway_producer(kafka, PATIENCE)
        await producer.start()
        stack.push_async_callback(producer.stop)
        registry = Registry(kafka, producer)
        await registry.start()
        stack.push_async_callback(stop_tolerantly, registry.stop)
        outcomes = OutcomeWaiter(kafka)
        await outcomes.start()
        stack.push_async_callback(outcomes.stop)
        index = SqliteIndexStore(tmp_path / "index.sqlite3")
        await index.open()
        stack.push_async_callback(index.close)
        services = GatewayServices(
            settings, registry, producer, outcomes, index, produce_timeout=PATIENCE
        )
        client = await stack.enter_async_context(TestClient(TestServer(create_app(services))))
        yield broker, client, services


async def test_requests_answer_503_with_retry_after(
    doomed: tuple[EmbeddedBroker, Client, GatewayServices],
) -> None:
    broker, client, services = doomed
    deployed = await client.post("/api/v1/blueprints", json={"name": "a", "definition": PASS})
    assert deployed.status == 201
    assert (await client.post("/api/v1/flows", json={"blueprint": "a"})).status == 202
    started = HistoryEvent(1, 100.0, "FlowStarted", payload={})
    await services.index.apply([HistoryBatch("f-1", "a", 1, [started])])
    broker.kill()

    began = time.monotonic()
    # Concurrently: each waits out the produce timeout, together they take one.
    answers = await asyncio.gather(
        client.post("/api/v1/flows", json={"blueprint": "a"}),
        client.post("/api/v1/flows/f-1/terminate"),
        client.post("/api/v1/blueprints/a/pause"),
        client.post("/api/v1/blueprints", json={"name": "a", "definition": PASS}),
    )
    assert time.monotonic() - began < PATIENCE + 2, "a short produce timeout, not a hang"
    for response in answers:
        assert response.status == 503, response.url
        assert int(response.headers["Retry-After"]) > 0
        assert (await response.json())["error"]["code"] == "sfc.unavailable"

    ready = await client.get("/readyz")
    assert ready.status == 503
    checks = (await ready.json())["checks"]
    assert checks["broker"] != "ok"
    assert checks["index"] == "ok"
    assert (await client.get("/healthz")).status == 200
