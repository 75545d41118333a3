"""An Elasticsearch-API server for the tests (``noida-db``), and ways to look into it.

``noida-db start`` is a Python wrapper that runs the server binary as its child;
signalling the wrapper alone leaves the server running. The server is therefore started
in a session of its own and stopped with ``noida-db down`` (which saves its data to the
data folder, so a restart on the same folder finds it again); whatever is still alive
after that, the wrapper's process group and the server process named in the folder's
control file, is signalled.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from elasticsearch import AsyncElasticsearch

from sfc.index.elasticsearch import ElasticsearchIndexStore
from sfc.net import wait_for_port


def noida_command() -> str:
    """The ``noida-db`` command of this environment."""
    beside = Path(sys.executable).with_name("noida-db")
    if beside.exists():
        return str(beside)
    found = shutil.which("noida-db")
    if found is None:
        raise RuntimeError("noida-db is not installed: pip install -e '.[dev]'")
    return found


class NoidaServer:
    """``noida-db`` serving only Elasticsearch on 127.0.0.1.

    Args:
        data_dir: Where it keeps its data (and its control file).
        port: The Elasticsearch port.
    """

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None
        self._server_pid: int | None = None

    @property
    def running(self) -> bool:
        """Whether it was started and not stopped since."""
        return self._process is not None

    @property
    def url(self) -> str:
        """The server's URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        """Start it and wait until it answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir.parent / "noida.out").open("ab")
        command = [noida_command(), "start", "--only", "elasticsearch", "--host", "127.0.0.1"]
        command += ["--elasticsearch-port", str(self.port), "--data-dir", str(self.data_dir)]
        self._process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        if not wait_for_port("127.0.0.1", self.port, timeout) or not self._answers(deadline):
            self.stop()
            raise RuntimeError(f"noida-db did not start on port {self.port}")
        self._server_pid = self._control_pid()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop it (its data is saved), and make sure no process of it is left."""
        process = self._process
        if process is None:
            return
        subprocess.run(
            [noida_command(), "down", "--data-dir", str(self.data_dir)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout)
        if self._server_pid is not None:
            _end(self._server_pid, timeout)
        self._process = None

    def leftovers(self) -> list[int]:
        """Processes of this server still alive (none once stopped)."""
        pids = [] if self._process is None else [self._process.pid]
        if self._server_pid is not None:
            pids.append(self._server_pid)
        return [pid for pid in pids if _alive(pid)]

    def _answers(self, deadline: float) -> bool:
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url, timeout=1.0) as answer,
            ):
                if answer.status == 200:
                    return True
            time.sleep(0.05)
        return False

    def _control_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            control = json.loads((self.data_dir / "noida.control.json").read_text())
            return int(control["pid"])
        return None


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is gone for our purpose: only its parent's wait is missing.
    with contextlib.suppress(OSError):
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return status != "Z"
    return True


def _end(pid: int, timeout: float) -> None:
    """Terminate a process that is no child of ours, killing it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _alive(pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)


async def dump(store: ElasticsearchIndexStore) -> dict[str, dict[str, Any]]:
    """Every document of every index of a store, by index (without the prefix) and id."""
    await store.refresh()
    found: dict[str, dict[str, Any]] = {}
    client = AsyncElasticsearch(_url(store))
    try:
        for index in store.indices.all():
            answer = await client.search(index=index, size=10_000, query={"match_all": {}})
            short = index.removeprefix(store.indices.prefix + "-")
            found[short] = {hit["_id"]: hit["_source"] for hit in answer["hits"]["hits"]}
    finally:
        await client.close()
    return found


async def count(store: ElasticsearchIndexStore, which: str) -> int:
    """How many documents one of a store's indices holds (``flows``, ``events``...)."""
    await store.refresh()
    client = AsyncElasticsearch(_url(store))
    try:
        answer = await client.count(index=f"{store.indices.prefix}-{which}")
    finally:
        await client.close()
    return int(answer["count"])


def _url(store: ElasticsearchIndexStore) -> str:
    return store.connection.url
