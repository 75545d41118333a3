"""``SqliteIndexStore``: the monitor's index in one SQLite file (the embedded default).

SQLite calls block, so none runs on the event loop. Writes go through one connection
owned by one worker thread (SQLite allows one writer at a time anyway); reads use a small
pool of read-only connections on threads of their own, which WAL mode lets run while a
write is under way.

A store that fails (the file gone, the disk full or read-only, the database locked for
too long) raises :class:`~sfc.errors.UnavailableError`; the failed connection is
dropped, and the next call connects again. Before and after every write the store
checks that its connection's file is still the one at ``path``: SQLite would otherwise
go on writing into a file that was moved or deleted under it, and those writes would be
lost while the exporter believed them stored.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import queue
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import quote

from sfc.core.interpreter.commands import HistoryEvent
from sfc.errors import UnavailableError
from sfc.index.port import FlowRecord, IndexStore, StepRecord
from sfc.index.query import BlueprintStats, FlowPage, FlowQuery
from sfc.index.sqlite import read, schema, stats
from sfc.index.sqlite.write import apply_batches
from sfc.kafka.records import HistoryBatch

log = logging.getLogger(__name__)

OPTIMIZE_EVERY: Final = 3600.0
"""Seconds between two refreshes of the query planner's statistics while writing."""

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


class SqliteIndexStore:
    """The index in one SQLite file.

    Args:
        path: The database file; created (with its folder) by the first :meth:`open`.
        readers: Read connections (and threads) at most.
        busy_timeout: Seconds a statement waits for a lock held by another process
            before the store counts as unavailable.
    """

    def __init__(self, path: Path | str, *, readers: int = 2, busy_timeout: float = 2.0) -> None:
        self.path = Path(path)
        self._readers = readers
        self._busy_ms = int(busy_timeout * 1000)
        self._writes: ThreadPoolExecutor | None = None
        self._reads: ThreadPoolExecutor | None = None
        self._writer: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._created = False
        self._optimize_due = time.monotonic() + OPTIMIZE_EVERY

    # -- life cycle ------------------------------------------------------------------

    async def open(self) -> None:
        """Create the file and tables if missing, and connect.

        Raises:
            UnavailableError: The file cannot be opened or created.
        """
        if self._writes is None:
            self._writes = ThreadPoolExecutor(1, thread_name_prefix="sfc-index-writer")
            self._reads = ThreadPoolExecutor(self._readers, thread_name_prefix="sfc-index-reader")
        await self._write(lambda conn: None)
        log.info("SQLite index at %s", self.path)

    async def close(self) -> None:
        """Finish what is under way, then close every connection."""
        writes, reads = self._writes, self._reads
        if writes is None or reads is None:
            return
        self._writes = self._reads = None
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(writes, self._optimize)
        await loop.run_in_executor(writes, self._drop_writer)
        await asyncio.to_thread(writes.shutdown)
        await asyncio.to_thread(reads.shutdown)
        while not self._idle.empty():
            self._idle.get_nowait().close()

    # -- the IndexStore port ---------------------------------------------------------

    async def apply(self, batches: Sequence[HistoryBatch]) -> None:
        """Index the events of these batches, in one transaction, idempotently.

        Raises:
            UnavailableError: The file cannot be written; nothing of the batches was.
        """
        if not batches:
            return
        await self._write(lambda conn: apply_batches(conn, batches))
        if time.monotonic() >= self._optimize_due:
            self._optimize_due = time.monotonic() + OPTIMIZE_EVERY
            await self._write(lambda conn: self._optimize())

    async def get_flow(self, flow_id: str) -> FlowRecord | None:
        """One flow, or None when the index has not seen it."""
        return await self._read(lambda conn: read.get_flow(conn, flow_id))

    async def steps(self, flow_id: str) -> list[StepRecord]:
        """A flow's steps in the order they were entered."""
        return await self._read(lambda conn: read.steps(conn, flow_id))

    async def history(self, flow_id: str) -> list[HistoryEvent]:
        """A flow's raw history events in order."""
        return await self._read(lambda conn: read.history(conn, flow_id))

    async def search(self, query: FlowQuery) -> FlowPage:
        """One page of the flows matching ``query``, sorted as it asks."""
        return await self._read(lambda conn: read.search(conn, query))

    async def stats(
        self,
        since: float,
        until: float,
        *,
        blueprint: str | None = None,
        version: int | None = None,
        states: bool = False,
    ) -> list[BlueprintStats]:
        """Figures per blueprint over ``[since, until)``, widened to whole UTC hours.

        Args:
            since: The window's start (seconds since the Unix epoch).
            until: The window's end.
            blueprint: Only this blueprint; every one otherwise.
            version: Only this version; every one otherwise.
            states: Add per-state figures.
        """
        return await self._read(
            lambda conn: stats.blueprint_stats(conn, since, until, blueprint, version, states)
        )

    # -- threads and connections -----------------------------------------------------

    async def _write(self, work: Work[T]) -> T:
        if self._writes is None:
            raise UnavailableError("the SQLite index is not open")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writes, self._write_now, work)

    def _write_now(self, work: Work[T]) -> T:
        try:
            conn = self._writer or self._connect_writer()
            self._check_file()
            result = work(conn)
            self._check_file()  # written into a file no longer at ``path``: not stored
        except (sqlite3.Error, OSError) as exc:
            self._drop_writer()
            raise UnavailableError(f"the SQLite index {self.path} is unavailable: {exc}") from exc
        return result

    def _connect_writer(self) -> sqlite3.Connection:
        # Only the first connection may create the file: a store whose file vanished is
        # down until it is back, not silently empty.
        mode = "rw" if self._created else "rwc"
        if not self._created:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect(mode)
        try:
            schema.configure(conn, busy_timeout_ms=self._busy_ms, writer=True)
            schema.create(conn)
            self._identity = _identity(self.path)
        except BaseException:
            conn.close()
            raise
        self._writer = conn
        if self._created:
            log.info("SQLite index %s is back", self.path)
        self._created = True
        return conn

    def _connect(self, mode: str) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.path.absolute()))}?mode={mode}"
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)

    def _check_file(self) -> None:
        if _identity(self.path) != self._identity:
            raise OSError(errno.ESTALE, "the database file was replaced", str(self.path))

    def _optimize(self) -> None:
        """Refresh the query planner's statistics where they are stale (cheap)."""
        if self._writer is not None:
            try:
                self._writer.execute("PRAGMA optimize")
            except sqlite3.Error as exc:
                log.debug("optimizing the SQLite index failed: %s", exc)

    def _drop_writer(self) -> None:
        conn, self._writer = self._writer, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error as exc:
                log.debug("closing the SQLite writer failed: %s", exc)

    async def _read(self, work: Work[T]) -> T:
        if self._reads is None:
            raise UnavailableError("the SQLite index is not open")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reads, self._read_now, work)

    def _read_now(self, work: Work[T]) -> T:
        conn = self._reader()
        try:
            return work(conn)
        except (sqlite3.Error, OSError) as exc:
            conn.close()
            raise UnavailableError(f"the SQLite index {self.path} is unavailable: {exc}") from exc
        except BaseException:
            self._idle.put(conn)
            raise
        else:
            self._idle.put(conn)

    def _reader(self) -> sqlite3.Connection:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        try:
            conn = self._connect("rw")
            schema.configure(conn, busy_timeout_ms=self._busy_ms, writer=False)
        except (sqlite3.Error, OSError) as exc:
            raise UnavailableError(f"the SQLite index {self.path} is unavailable: {exc}") from exc
        return conn


def _identity(path: Path) -> tuple[int, int]:
    """The device and inode of a file (raises OSError when it is gone)."""
    status = os.stat(path)
    return status.st_dev, status.st_ino


if TYPE_CHECKING:

    def _implements_the_port(store: SqliteIndexStore) -> IndexStore:
        return store
