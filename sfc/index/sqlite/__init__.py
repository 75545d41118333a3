"""The SQLite index store: the embedded default, one file (see ``docs/monitor.md``)."""

from sfc.index.sqlite.store import SqliteIndexStore

__all__ = ["SqliteIndexStore"]
