"""The ``IndexStore`` port: what the exporter writes and the monitor API reads.

Drivers (``sqlite``, ``elasticsearch``) each live in their own module. Writes are
idempotent: a document's id derives from the flow id (and, for steps, the event sequence
number), so replaying a batch changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.core.types import Json
from sfc.kafka.records import HistoryBatch

if TYPE_CHECKING:
    from sfc.index.query import BlueprintStats, FlowPage, FlowQuery


class FlowRecord(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """A flow as the monitor shows it.

    Attributes:
        id: The flow id.
        blueprint: Its blueprint's name.
        version: The blueprint version it runs.
        status: RUNNING, PAUSED, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
        current_states: The states its threads are in while it runs.
        input: Its input.
        output: Its output, once SUCCEEDED.
        error: Its error, once it failed.
        cause: Its cause, once it failed.
        correlation_id: The caller's correlation key.
        started_at: When it started (seconds since the Unix epoch).
        ended_at: When it ended.
        updated_at: When its last event happened.
        last_seq: The sequence number of the last event applied.
        run: How many times it was restarted.
    """

    id: str
    blueprint: str
    version: int
    status: str
    current_states: list[str] = []
    input: Json = None
    output: Json = None
    error: str | None = None
    cause: str | None = None
    correlation_id: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    updated_at: float | None = None
    last_seq: int = 0
    run: int = 0


class StepRecord(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One state a flow entered: when, with what, and how it ended."""

    flow_id: str
    seq: int
    thread: str
    state: str
    status: str
    entered_at: float
    input: Json = None
    output: Json = None
    error: str | None = None
    cause: str | None = None
    attempt: int = 0
    exited_at: float | None = None
    worker: str | None = None


class IndexStore(Protocol):
    """Where the exporter indexes flows and the monitor reads them."""

    async def open(self) -> None:
        """Connect and create what is missing (tables, index templates)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...

    async def apply(self, batches: Sequence[HistoryBatch]) -> None:
        """Index the events of these batches, idempotently.

        Raises:
            UnavailableError: The store cannot be reached; nothing is lost, the caller
                retries the same batches.
        """
        ...

    async def get_flow(self, flow_id: str) -> FlowRecord | None:
        """One flow, or None when the index has not seen it."""
        ...

    async def steps(self, flow_id: str) -> list[StepRecord]:
        """A flow's steps in the order they were entered."""
        ...

    async def history(self, flow_id: str) -> list[HistoryEvent]:
        """A flow's raw history events in order."""
        ...

    async def search(self, query: FlowQuery) -> FlowPage:
        """One page of the flows matching ``query``, sorted as it asks.

        Raises:
            InputError: The query's cursor is not one this store made.
            UnavailableError: The store cannot be reached.
        """
        ...

    async def stats(
        self,
        since: float,
        until: float,
        *,
        blueprint: str | None = None,
        version: int | None = None,
        states: bool = False,
    ) -> list[BlueprintStats]:
        """Figures per blueprint over ``[since, until)`` (see :class:`BlueprintStats`).

        Args:
            since: The window's start (seconds since the Unix epoch).
            until: The window's end.
            blueprint: Only this blueprint; every one otherwise.
            version: Only this version; every one otherwise.
            states: Add per-state figures.

        Raises:
            UnavailableError: The store cannot be reached.
        """
        ...
