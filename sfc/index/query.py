"""What the monitor asks the index: flow searches and per-blueprint statistics.

These records are shared by every :class:`~sfc.index.port.IndexStore`; each store turns a
:class:`FlowQuery` into its own query language, and its cursors are its own (opaque to
callers). A query is checked when it is built: a bad value raises
:class:`~sfc.errors.InputError` naming the field, which the API answers with ``400``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

import msgspec

from sfc.errors import InputError
from sfc.index.port import FlowRecord
from sfc.index.projection import FLOW_STATUSES

SORTS: Final = ("startedAt", "endedAt", "updatedAt")
"""The fields a search can sort on; ``-`` in front sorts newest first."""

MAX_LIMIT: Final = 500


class FlowQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A flow search; every criterion given must hold.

    Attributes:
        blueprint: The blueprint's name.
        version: The blueprint version (with ``blueprint``).
        statuses: Any of these statuses (RUNNING, PAUSED, SUCCEEDED, FAILED, TIMED_OUT,
            ABORTED).
        started_from: Started at or after (seconds since the Unix epoch).
        started_to: Started before.
        correlation_id: The caller's correlation key, exactly.
        text: Words that must all occur in the input, output, error or cause (each word
            matches whole tokens; no query syntax).
        sort: ``startedAt``, ``endedAt`` or ``updatedAt``; ``-`` first for descending.
            Sorting on ``endedAt`` finds ended flows only.
        limit: Flows per page, 1 to 500.
        cursor: The ``next`` of the previous page.
    """

    blueprint: str | None = None
    version: int | None = None
    statuses: tuple[str, ...] = ()
    started_from: float | None = None
    started_to: float | None = None
    correlation_id: str | None = None
    text: str | None = None
    sort: str = "-startedAt"
    limit: int = 50
    cursor: str | None = None

    def __post_init__(self) -> None:
        """Check every field, naming the first bad one."""
        if self.sort.removeprefix("-") not in SORTS:
            raise InputError(
                f"cannot sort on {self.sort!r}; use one of {', '.join(SORTS)} "
                "(with - in front for descending)",
                field="sort",
            )
        unknown = [s for s in self.statuses if s not in FLOW_STATUSES]
        if unknown:
            raise InputError(
                f"unknown status {unknown[0]!r}; use {', '.join(FLOW_STATUSES)}", field="status"
            )
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InputError(f"limit must be 1 to {MAX_LIMIT}, not {self.limit}", field="limit")
        if self.version is not None and self.version < 1:
            raise InputError("version must be 1 or more", field="version")
        if self.text is not None and not self.words:
            raise InputError("the text to search for holds no word", field="q")
        if self.cursor is not None:
            decode_cursor(self.cursor, self.sort)

    @property
    def descending(self) -> bool:
        """Whether the newest come first."""
        return self.sort.startswith("-")

    @property
    def sort_field(self) -> str:
        """The field sorted on, without its direction."""
        return self.sort.removeprefix("-")

    @property
    def words(self) -> list[str]:
        """The words of :attr:`text`: split on white space, quotes removed, and only
        those with a letter or digit (the others match no token)."""
        if self.text is None:
            return []
        split = self.text.replace('"', " ").split()
        return [word for word in split if any(c.isalnum() for c in word)]


class FlowPage(msgspec.Struct, frozen=True, rename="camel"):
    """One page of a search, and the cursor of the next (None: the last page)."""

    items: list[FlowRecord]
    next: str | None = None


class Cursor(msgspec.Struct, frozen=True, array_like=True):
    """Where a page ended: the sort it belongs to, the last flow's sort value and key."""

    sort: str
    value: float
    key: int


def encode_cursor(cursor: Cursor) -> str:
    """A cursor as an opaque URL-safe string."""
    return base64.urlsafe_b64encode(msgspec.json.encode(cursor)).decode().rstrip("=")


def decode_cursor(text: str, sort: str) -> Cursor:
    """Read back a cursor made by :func:`encode_cursor` for the same sort.

    Raises:
        InputError: The cursor is malformed, or was made for another sort.
    """
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        cursor = msgspec.json.decode(raw, type=Cursor)
    except (binascii.Error, ValueError) as exc:
        raise InputError("the cursor is malformed", field="cursor") from exc
    if cursor.sort != sort:
        raise InputError("the cursor belongs to a search with another sort", field="cursor")
    return cursor


class HourStats(msgspec.Struct, frozen=True, rename="camel"):
    """Flows of a blueprint that started and ended in one UTC hour."""

    hour: int
    started: int
    succeeded: int
    failed: int


class StateStats(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One state of a blueprint: flows in it now, and its steps ended in the window.

    ``failed`` counts steps that failed for good; ``caught`` those whose error a Catch
    handled; durations are those of steps that ended other than cancelled.
    """

    state: str
    running: int = 0
    ended: int = 0
    failed: int = 0
    caught: int = 0
    mean_seconds: float | None = None
    p50_seconds: float | None = None
    p95_seconds: float | None = None


class BlueprintStats(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """A blueprint's figures: flows by status now, and over a time window.

    Attributes:
        blueprint: Its name.
        version: The version counted; None when every version is.
        counts: Flows by current status (all time).
        started: Flows started in the window.
        ended: Flows that ended in the window.
        failed: Flows that ended FAILED, TIMED_OUT or ABORTED in the window.
        failure_rate: ``failed / ended``; None when none ended.
        throughput_per_hour: Flows ended per hour of the window.
        p50_seconds: Median duration of the flows that ended in the window.
        p95_seconds: 95th percentile of those durations.
        hours: Started, succeeded and failed flows per hour (hours with any only).
        states: Per-state figures, when asked for.
    """

    blueprint: str
    counts: dict[str, int]
    version: int | None = None
    started: int = 0
    ended: int = 0
    failed: int = 0
    failure_rate: float | None = None
    throughput_per_hour: float = 0.0
    p50_seconds: float | None = None
    p95_seconds: float | None = None
    hours: list[HourStats] = []
    states: list[StateStats] = []
