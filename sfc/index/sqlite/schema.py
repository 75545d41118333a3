"""The SQLite index's tables, indexes and connection settings.

``flows`` holds one row per flow: the columns searches filter and sort on, and JSON text
for the rest. Each index ends with ``n`` (the row id) so that a search sorted on a time
can page with a ``(time, n)`` cursor without sorting. ``flows_text`` is an FTS5 index
over the flows' input, output, error and cause, kept in step by triggers (and rewritten
only when one of those four changes). ``steps`` and ``events`` are keyed by flow id and
sequence number, so writing the same event twice changes nothing. The rollup tables
(see :mod:`sfc.index.rollup`) answer the statistics without scanning flows.
"""

from __future__ import annotations

import sqlite3
from typing import Final

SCHEMA_VERSION: Final = 1

WRITER_PRAGMAS: Final = (
    "PRAGMA journal_mode = WAL",
    # Kafka offsets are committed once a transaction returns: it must survive a power
    # cut too. One fsync per apply of thousands of events costs little.
    "PRAGMA synchronous = FULL",
)
PRAGMAS: Final = (
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -65536",
    "PRAGMA mmap_size = 268435456",
    # ANALYZE (run by PRAGMA optimize) samples this many rows per index: fast on any size.
    "PRAGMA analysis_limit = 1000",
)

PAGE_SIZE: Final = "PRAGMA page_size = 8192"
"""Set before the first table exists; rows with JSON payloads fit better in larger pages."""

TABLES: Final = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS flows (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    blueprint TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    correlation_id TEXT,
    started_at REAL,
    ended_at REAL,
    updated_at REAL,
    last_seq INTEGER NOT NULL,
    run INTEGER NOT NULL DEFAULT 0,
    current_states TEXT NOT NULL DEFAULT '[]',
    input TEXT,
    output TEXT,
    error TEXT,
    cause TEXT
);
CREATE INDEX IF NOT EXISTS flows_started ON flows (started_at, n);
CREATE INDEX IF NOT EXISTS flows_blueprint ON flows (blueprint, started_at, n);
CREATE INDEX IF NOT EXISTS flows_version ON flows (blueprint, version, started_at, n);
CREATE INDEX IF NOT EXISTS flows_blueprint_status ON flows (blueprint, status, started_at, n);
CREATE INDEX IF NOT EXISTS flows_version_status
    ON flows (blueprint, version, status, started_at, n);
CREATE INDEX IF NOT EXISTS flows_status ON flows (status, started_at, n);
CREATE INDEX IF NOT EXISTS flows_ended ON flows (ended_at, n) WHERE ended_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS flows_updated ON flows (updated_at, n);
CREATE INDEX IF NOT EXISTS flows_correlation ON flows (correlation_id, started_at, n)
    WHERE correlation_id IS NOT NULL;

CREATE VIRTUAL TABLE IF NOT EXISTS flows_text USING fts5 (
    input, output, error, cause,
    content = 'flows', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS flows_text_insert AFTER INSERT ON flows BEGIN
    INSERT INTO flows_text (rowid, input, output, error, cause)
    VALUES (new.n, new.input, new.output, new.error, new.cause);
END;
CREATE TRIGGER IF NOT EXISTS flows_text_update AFTER UPDATE OF input, output, error, cause
ON flows
WHEN old.input IS NOT new.input OR old.output IS NOT new.output
    OR old.error IS NOT new.error OR old.cause IS NOT new.cause
BEGIN
    INSERT INTO flows_text (flows_text, rowid, input, output, error, cause)
    VALUES ('delete', old.n, old.input, old.output, old.error, old.cause);
    INSERT INTO flows_text (rowid, input, output, error, cause)
    VALUES (new.n, new.input, new.output, new.error, new.cause);
END;
CREATE TRIGGER IF NOT EXISTS flows_text_delete AFTER DELETE ON flows BEGIN
    INSERT INTO flows_text (flows_text, rowid, input, output, error, cause)
    VALUES ('delete', old.n, old.input, old.output, old.error, old.cause);
END;

CREATE TABLE IF NOT EXISTS steps (
    flow_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    thread TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    entered_at REAL NOT NULL,
    exited_at REAL,
    attempt INTEGER NOT NULL DEFAULT 0,
    input TEXT,
    output TEXT,
    error TEXT,
    cause TEXT,
    worker TEXT,
    PRIMARY KEY (flow_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS events (
    flow_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at REAL NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (flow_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS flow_counts (
    blueprint TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (blueprint, version, status)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS state_counts (
    blueprint TEXT NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (blueprint, version, state)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS flow_hours (
    blueprint TEXT NOT NULL,
    hour INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (blueprint, hour, version, status)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS flow_durations (
    blueprint TEXT NOT NULL,
    hour INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (blueprint, hour, version, status, bucket)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS step_hours (
    blueprint TEXT NOT NULL,
    hour INTEGER NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (blueprint, hour, version, state, status)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS step_durations (
    blueprint TEXT NOT NULL,
    hour INTEGER NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (blueprint, hour, version, state, bucket)
) WITHOUT ROWID;
"""


def configure(conn: sqlite3.Connection, *, busy_timeout_ms: int, writer: bool) -> None:
    """Apply the connection settings: the writer's, or a reader's (which writes nothing)."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if writer:
        if not conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
            conn.execute(PAGE_SIZE)  # before WAL mode, which fixes the page size
        for pragma in WRITER_PRAGMAS:
            conn.execute(pragma)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    if not writer:
        conn.execute("PRAGMA query_only = 1")


def create(conn: sqlite3.Connection) -> None:
    """Create whatever is missing, and record the schema version.

    Raises:
        sqlite3.DatabaseError: The file was written by a newer SFC (or is no database).
    """
    conn.executescript(TABLES)
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"the index was written with schema {row[0]}; this SFC knows {SCHEMA_VERSION}"
        )
