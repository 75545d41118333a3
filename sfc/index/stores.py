"""The index store the settings name."""

from __future__ import annotations

from sfc.errors import ConfigError
from sfc.index.port import IndexStore
from sfc.settings import MonitorSettings


def make_store(settings: MonitorSettings) -> IndexStore:
    """A new, unopened store of the kind ``settings.store`` names.

    Raises:
        ConfigError: The store kind is unknown.
    """
    # Imported here, so that choosing a store loads nothing of the others.
    if settings.store == "sqlite":
        from sfc.index.sqlite import SqliteIndexStore

        return SqliteIndexStore(settings.sqlite_path)
    if settings.store == "elasticsearch":
        from sfc.index.elasticsearch import ElasticsearchIndexStore

        return ElasticsearchIndexStore.from_settings(settings)
    raise ConfigError(f"unknown index store {settings.store!r}; use sqlite or elasticsearch")
