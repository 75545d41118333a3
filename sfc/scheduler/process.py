"""One ``sfc worker`` child process of the local backend: start, readiness, drain, kill.

The worker serves its health endpoints on a port chosen here, so that readiness is the
worker's own ``/readyz`` (started and taking jobs), not a guess from elapsed time. Its
standard error is read line by line: passed on to this process's log and kept (the last
lines) to report a worker that fails to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Mapping

import aiohttp

from sfc.net import free_port
from sfc.scheduler.backend import Replica, ReplicaState
from sfc.scheduler.pools import WorkerCommand

log = logging.getLogger(__name__)

_TAIL_LINES = 40
_MAX_LINE = 64 * 1024
_PROBE_SECONDS = 1.0


class WorkerProcess:
    """A worker process.

    Args:
        replica_id: Its name in the pool (``<pool>-<n>``).
        command: What it runs.
        env: Its environment (settings as ``SFC_`` variables included).
        host: Where it serves ``/readyz``.
    """

    def __init__(
        self, replica_id: str, command: WorkerCommand, env: Mapping[str, str], host: str
    ) -> None:
        self.id = replica_id
        self.command = command
        self.state = ReplicaState.STARTING
        self.started_at = time.time()
        self.ready_once = False
        self._host = host
        self._port = free_port(host)
        self._env = {**env, "SFC_WORKER__HOST": host, "SFC_WORKER__PORT": str(self._port)}
        self._since = time.monotonic()
        self._deadline: float | None = None
        self._tail: deque[str] = deque(maxlen=_TAIL_LINES)
        self._process: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task[None] | None = None

    async def spawn(self) -> None:
        """Start the process.

        Raises:
            OSError: It could not be started at all.
        """
        argv = [
            sys.executable,
            "-m",
            "sfc.scheduler.launch",
            str(os.getpid()),
            *self.command.arguments(),
        ]
        self._process = await asyncio.create_subprocess_exec(
            *argv, env=self._env, stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        assert self._process.stderr is not None
        self._pump = asyncio.create_task(self._read(self._process.stderr), name=f"stderr-{self.id}")

    @property
    def returncode(self) -> int | None:
        """Its exit status once it has exited, else None."""
        return None if self._process is None else self._process.returncode

    @property
    def age(self) -> float:
        """Seconds since it was started."""
        return time.monotonic() - self._since

    @property
    def where(self) -> str:
        """``pid@host``."""
        pid = self._process.pid if self._process is not None else 0
        return f"{pid}@{socket.gethostname()}"

    @property
    def pid(self) -> int | None:
        """Its process id."""
        return None if self._process is None else self._process.pid

    async def probe(self, session: aiohttp.ClientSession) -> bool:
        """Whether it answers ``/readyz`` with 200: started and taking jobs."""
        url = f"http://{self._host}:{self._port}/readyz"
        timeout = aiohttp.ClientTimeout(total=_PROBE_SECONDS)
        try:
            async with session.get(url, timeout=timeout) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    def drain(self, patience: float) -> None:
        """``SIGTERM``: the worker stops taking jobs, finishes or hands back its jobs, exits.

        Args:
            patience: Seconds it gets before :attr:`overdue` says to kill it.
        """
        self.state = ReplicaState.DRAINING
        self._deadline = time.monotonic() + patience
        self._signal(signal.SIGTERM)

    @property
    def overdue(self) -> bool:
        """Whether it was drained and is still running past its patience."""
        return self._deadline is not None and time.monotonic() > self._deadline

    def kill(self) -> None:
        """``SIGKILL``."""
        self.state = ReplicaState.DRAINING
        self._signal(signal.SIGKILL)

    async def closed(self) -> None:
        """Wait until it has exited and its standard error has been read to the end."""
        if self._process is not None:
            await self._process.wait()
        if self._pump is not None:
            await self._pump

    def stderr(self) -> str:
        """The last lines it wrote to its standard error."""
        return "\n".join(self._tail)

    def view(self, pool: str) -> Replica:
        """What the backend reports about it."""
        return Replica(self.id, pool, self.command, self.state, self.started_at, self.where)

    def _signal(self, number: signal.Signals) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(number)

    async def _read(self, stream: asyncio.StreamReader) -> None:
        pending = b""
        while chunk := await stream.read(_MAX_LINE):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if len(pending) > _MAX_LINE:
                lines.append(pending)
                pending = b""
            for line in lines:
                self._line(line)
        if pending:
            self._line(pending)

    def _line(self, raw: bytes) -> None:
        text = raw.decode(errors="replace").rstrip()
        if text:
            self._tail.append(text)
            log.info("%s: %s", self.id, text)
