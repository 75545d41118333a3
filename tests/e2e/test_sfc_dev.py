"""`sfc dev` as a newcomer runs it: one command, the examples, a flow over HTTP, Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sfc.net import free_port, wait_for_port


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=90) as response:
        result: dict[str, object] = json.load(response)
        return result


@pytest.mark.e2e
def test_sfc_dev_runs_the_example_and_stops_cleanly(repo: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sfc", "dev", "--port", str(port)],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for_port("127.0.0.1", port, 120), "the gateway did not come up"
        base = f"http://127.0.0.1:{port}"
        done = _post(
            f"{base}/api/v1/flows?wait=60", {"blueprint": "hello", "input": {"name": "ada"}}
        )
        assert done["status"] == "SUCCEEDED"
        assert done["output"] == {"greeting": "Hello, Ada Lovelace!"}
        stranger = _post(
            f"{base}/api/v1/flows?wait=60", {"blueprint": "hello", "input": {"name": "zed"}}
        )
        assert stranger["output"] == {"greeting": "Hello, stranger called zed!"}
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert time.monotonic() - started < 20
        assert "SFC is running" in output
        assert f"curl -s -X POST 'http://127.0.0.1:{port}/api/v1/flows?wait=10'" in output
        assert not wait_for_port("127.0.0.1", port, 0.5), "the gateway still answers"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.e2e
def test_two_sfc_dev_side_by_side(repo: Path, tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"dev-{p}.log" for p in ports]
    processes = []
    for port, log in zip(ports, logs, strict=True):
        with log.open("w") as output:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "sfc", "dev", "--port", str(port)],
                    cwd=repo,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        for port, log in zip(ports, logs, strict=True):
            assert wait_for_port("127.0.0.1", port, 120), log.read_text()[-3000:]
            done = _post(
                f"http://127.0.0.1:{port}/api/v1/flows?wait=60",
                {"blueprint": "hello", "input": {"name": "grace"}},
            )
            assert done["output"] == {"greeting": "Hello, Grace Hopper!"}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process, log in zip(processes, logs, strict=True):
            assert process.wait(30) == 0, log.read_text()[-3000:]
