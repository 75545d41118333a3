"""Full-text search on the SQLite index when the words are common.

A search with words is answered, by default, as ``n IN (rows the FTS index matches)``
sorted on the search's time: SQLite first collects every matching row id. That is fast
for rare words (an order id) but not for common ones: a word in 5 % of a million flows
is 50,000 ids collected to show 50.

So a search first counts matches up to :data:`PROBE` (cheap: a prefix of one posting
list). Below that, the default plan. At or above it, the words are frequent enough that
the newest flows soon contain them: the search walks the time-ordered index (with its
other criteria) :data:`CHUNK` rows at a time and asks the FTS index which of those rows
match, by row-id ranges. Flows are inserted about in start order, so one chunk's row
ids make a few dense ranges, each one seek and a short scan of the posting lists. The
result is exactly the default plan's, page and cursor included; after :data:`BUDGET`
rows without a full page (common words, but rare under the other criteria), the
search falls back to the default plan.
"""

from __future__ import annotations

import itertools
import sqlite3
from typing import Final

from sfc.index.query import FlowQuery

PROBE: Final = 10_000
"""Matches from which a search walks the time index instead of collecting every match."""

CHUNK: Final = 2_000
"""Rows of the time index read at a time."""

BUDGET: Final = 20_000
"""Rows walked before falling back to collecting every match."""

MAX_RANGES: Final = 32
"""Row-id ranges asked of the FTS index per chunk, at most."""


def phrases(query: FlowQuery) -> str:
    """The FTS5 query of a search's words: each a quoted phrase, all required."""
    return " ".join(f'"{word}"' for word in query.words)


def common(conn: sqlite3.Connection, query: FlowQuery) -> bool:
    """Whether the search's words match at least :data:`PROBE` flows."""
    (count,) = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM flows_text WHERE flows_text MATCH ? LIMIT ?)",
        (phrases(query), PROBE),
    ).fetchone()
    return bool(count >= PROBE)


def ranges(keys: list[int]) -> list[tuple[int, int]]:
    """Row-id ranges covering ``keys``: split at the widest gaps, at most MAX_RANGES."""
    ordered = sorted(keys)
    gaps = sorted(range(1, len(ordered)), key=lambda i: ordered[i] - ordered[i - 1])
    bounds = [0, *sorted(gaps[-(MAX_RANGES - 1) :]), len(ordered)]
    return [(ordered[a], ordered[b - 1]) for a, b in itertools.pairwise(bounds) if a < b]


def matching(conn: sqlite3.Connection, query: FlowQuery, keys: list[int]) -> set[int]:
    """Which of the rows ``keys`` hold the search's words."""
    words = phrases(query)
    found: set[int] = set()
    for low, high in ranges(keys):
        found.update(
            key
            for (key,) in conn.execute(
                "SELECT rowid FROM flows_text WHERE flows_text MATCH ? AND rowid BETWEEN ? AND ?",
                (words, low, high),
            )
        )
    return found
