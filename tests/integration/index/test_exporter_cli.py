"""``sfc exporter`` as its own process: indexes, serves its health and metrics, stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
from index_support import order_batches, produce

from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka import Topics
from sfc.net import free_port, wait_for_port
from sfc.settings import Settings
from tests.integration.waiting import wait_until


async def test_the_exporter_command_indexes_until_told_to_stop(
    settings: Settings, topics: Topics, tmp_path: Path
) -> None:
    port = free_port()
    kafka, monitor = settings.kafka, settings.monitor
    env = {
        **os.environ,
        "SFC_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "SFC_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
        "SFC_KAFKA__PARTITIONS": str(kafka.partitions),
        "SFC_KAFKA__SESSION_TIMEOUT_MS": str(kafka.session_timeout_ms),
        "SFC_MONITOR__SQLITE_PATH": str(monitor.sqlite_path),
        "SFC_MONITOR__GROUP_ID": monitor.group_id,
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "sfc", "exporter", "--port", str(port)),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert await asyncio.to_thread(wait_for_port, "127.0.0.1", port, 20.0)
        await produce(settings, order_batches(10))
        store = SqliteIndexStore(monitor.sqlite_path)
        await store.open()
        try:
            await wait_until(lambda: _indexed(store, "o9"))
        finally:
            await store.close()
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            async with http.get("/readyz") as ready:
                assert ready.status == 200
            async with http.get("/metrics") as metrics:
                assert "sfc_exporter_events_total" in await metrics.text()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()
    assert b"exporter indexing" in output


async def _indexed(store: SqliteIndexStore, flow_id: str) -> bool:
    return await store.get_flow(flow_id) is not None
