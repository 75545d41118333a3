"""A helper program run as a child process for as long as ``sfc dev`` runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)


class ChildProcess:
    """A child process with a start and a stop (a :class:`sfc.roles.Service`).

    Its output goes where this process's goes.

    Args:
        name: What to call it in logs.
        argv: The program and its arguments.
        cwd: Where to run it.
        env: Its whole environment (this process's when None).
        patience: Seconds it gets to stop after SIGTERM before it is killed.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        patience: float = 10.0,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._patience = patience
        self._process: asyncio.subprocess.Process | None = None

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.returncode is None

    @property
    def pid(self) -> int | None:
        """The process id, once started."""
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        """Start the process (it is not waited for: it gets ready on its own)."""
        self._process = await asyncio.create_subprocess_exec(
            *self.argv, cwd=self._cwd, env=self._env, stdin=asyncio.subprocess.DEVNULL
        )
        log.info("started %s (pid %d)", self.name, self._process.pid)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it is still there after ``patience`` seconds."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), self._patience)
        except TimeoutError:
            log.warning("%s did not stop in %.0f s; killing it", self.name, self._patience)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        log.info("%s stopped", self.name)
