"""The index store the settings name."""

from __future__ import annotations

from sfc.errors import ConfigError
from sfc.index.port import IndexStore
from sfc.settings import MonitorSettings


def make_store(settings: MonitorSettings) -> IndexStore:
    """A new, unopened store of the kind ``settings.store`` names.

    Raises:
        ConfigError: The store kind is not available yet.
    """
    if settings.store == "sqlite":
        # Imported here, so that choosing another store loads nothing of this one.
        from sfc.index.sqlite import SqliteIndexStore

        return SqliteIndexStore(settings.sqlite_path)
    raise ConfigError(f"the {settings.store} index store is not available yet; use sqlite")
