"""The ``sfc blueprint`` and ``sfc flow`` client commands, and ``sfc gateway`` itself."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from gateway_support import PASS, TWO, ThreadedGateway
from typer.testing import CliRunner, Result

from sfc.broker import EmbeddedBroker
from sfc.cli.main import app
from sfc.core.interpreter.commands import HistoryEvent
from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka.records import HistoryBatch
from sfc.net import free_port, wait_for_port
from sfc.settings import Settings

runner = CliRunner()


def sfc(gateway: ThreadedGateway, *args: str) -> Result:
    return runner.invoke(app, [*args, "--url", gateway.url])


def ok(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def failed(result: Result) -> str:
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    return result.stderr


def test_blueprint_commands(live_gateway: ThreadedGateway, tmp_path: Path) -> None:
    first, second = tmp_path / "orders.json", tmp_path / "v2.json"
    first.write_text(json.dumps(PASS))
    second.write_text(json.dumps(TWO))
    assert ok(sfc(live_gateway, "blueprint", "deploy", str(first))) == {
        "name": "orders",
        "version": 1,
    }
    deployed = ok(sfc(live_gateway, "blueprint", "deploy", str(second), "--name", "orders"))
    assert deployed["version"] == 2

    listed = ok(sfc(live_gateway, "blueprint", "list"))
    assert [(i["name"], i["latestVersion"]) for i in listed["items"]] == [("orders", 2)]
    versions = ok(sfc(live_gateway, "blueprint", "versions", "orders"))
    assert [v["version"] for v in versions["items"]] == [1, 2]
    diff = ok(sfc(live_gateway, "blueprint", "diff", "orders", "1", "2"))
    assert diff["states"]["added"] == ["Q"]

    assert ok(sfc(live_gateway, "blueprint", "disable", "orders"))["enabled"] is False
    refused = failed(sfc(live_gateway, "flow", "start", "orders"))
    assert "disabled" in refused
    assert "(field: blueprint)" in refused
    assert ok(sfc(live_gateway, "blueprint", "enable", "orders"))["enabled"] is True

    start = ["flow", "start", "orders", "--input", '{"n": 1}', "--idempotency-key", "k"]
    flow = ok(sfc(live_gateway, *start))
    assert flow["status"] == "RUNNING"
    assert ok(sfc(live_gateway, *start))["id"] == flow["id"]
    paused = ok(sfc(live_gateway, "blueprint", "pause", "orders"))
    assert (paused["action"], paused["partitions"]) == ("pause", 4)


def test_deploy_prints_the_problems_of_an_invalid_blueprint(
    live_gateway: ThreadedGateway, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"StartAt": "Nowhere", "States": {}}))
    message = failed(sfc(live_gateway, "blueprint", "deploy", str(bad)))
    assert "invalid blueprint" in message
    assert "  /StartAt: " in message
    unreadable = tmp_path / "broken.json"
    unreadable.write_text("{")
    unread = failed(sfc(live_gateway, "blueprint", "deploy", str(unreadable)))
    assert "cannot read blueprint" in unread


def test_flow_commands(live_gateway: ThreadedGateway, settings: Settings, tmp_path: Path) -> None:
    asyncio.run(_index_a_flow(settings.monitor.sqlite_path))
    flow = ok(sfc(live_gateway, "flow", "get", "f-1"))
    assert (flow["id"], flow["status"], flow["input"]) == ("f-1", "RUNNING", {"n": 1})
    history = ok(sfc(live_gateway, "flow", "history", "f-1"))
    assert [e["type"] for e in history["items"]] == ["FlowStarted"]
    terminated = ok(sfc(live_gateway, "flow", "terminate", "f-1", "--reason", "test"))
    assert terminated["action"] == "terminate"
    new_input = tmp_path / "input.json"
    new_input.write_text('{"n": 2}')
    restarted = ok(sfc(live_gateway, "flow", "restart", "f-1", "--latest", "-i", f"@{new_input}"))
    assert restarted["action"] == "restart"
    assert "(field: id)" in failed(sfc(live_gateway, "flow", "get", "nope"))
    assert "not valid JSON" in failed(sfc(live_gateway, "flow", "start", "x", "--input", "{"))


async def _index_a_flow(path: Path) -> None:
    store = SqliteIndexStore(path)
    await store.open()
    try:
        started = HistoryEvent(1, 100.0, "FlowStarted", payload={"n": 1})
        await store.apply([HistoryBatch("f-1", "orders", 1, [started])])
    finally:
        await store.close()


def test_an_unreachable_gateway_is_an_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["blueprint", "list", "--url", url])
    assert "cannot reach the gateway" in failed(result)


def test_sfc_gateway_runs_the_role_until_sigterm(broker: EmbeddedBroker, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SFC_KAFKA__BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "SFC_KAFKA__TOPIC_PREFIX": f"cli{port}",
        "SFC_KAFKA__PARTITIONS": "2",
        "SFC_MONITOR__SQLITE_PATH": str(tmp_path / "index.sqlite3"),
        "SFC_GATEWAY__TOKEN": "t0ken",
        "SFC_LOG__FORMAT": "json",
    }
    command = [sys.executable, "-m", "sfc", "gateway", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        assert wait_for_port("127.0.0.1", port, 20), "the gateway did not listen"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            assert json.load(answer)["status"] == "ready"
        result = runner.invoke(
            app, ["blueprint", "list", "--url", f"http://127.0.0.1:{port}", "--token", "t0ken"]
        )
        assert ok(result) == {"items": []}
        denied = runner.invoke(app, ["blueprint", "list", "--url", f"http://127.0.0.1:{port}"])
        assert "error: " in failed(denied)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr.decode()
    logged = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert any("gateway listening" in entry["message"] for entry in logged)
