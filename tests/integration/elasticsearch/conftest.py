"""Fixtures for the Elasticsearch store: a ``noida-db`` server for each test module.

Each test's store has an index prefix of its own, so tests never see each other's
documents; its exporters form a consumer group of their own, with the short sessions
the bundled broker needs to let them join quickly (see ``tests/integration/index``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from es_support import NoidaServer

from sfc.index.elasticsearch import Connection, ElasticsearchIndexStore
from sfc.net import free_port
from sfc.settings import Settings


@pytest.fixture(scope="module")
def noida(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoidaServer]:
    """The Elasticsearch-API server, for one test module; no process of it outlives it."""
    server = NoidaServer(tmp_path_factory.mktemp("noida") / "data", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert server.leftovers() == [], "noida-db processes are still running"


@pytest.fixture
def prefix() -> str:
    """An index prefix of this test's own."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def es_store(noida: NoidaServer, prefix: str) -> AsyncIterator[ElasticsearchIndexStore]:
    """An open store that refreshes after each apply (reads see every apply at once)."""
    store = ElasticsearchIndexStore(Connection(noida.url), prefix, refresh=True)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
def settings(settings: Settings, noida: NoidaServer, prefix: str) -> Settings:
    """The shared test settings, on this test's indices and consumer group."""
    monitor = settings.monitor.model_copy(
        update={
            "store": "elasticsearch",
            "elasticsearch_url": noida.url,
            "index_prefix": prefix,
        }
    )
    kafka = settings.kafka.model_copy(update={"session_timeout_ms": 1500})
    return settings.model_copy(update={"monitor": monitor, "kafka": kafka})


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """Where a test keeps a SQLite index to compare with."""
    return tmp_path / "sqlite" / "monitor.sqlite3"
