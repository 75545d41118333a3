"""``ElasticsearchIndexStore``: the monitor's index in Elasticsearch (production).

Five indices, named from a prefix (see :mod:`sfc.index.elasticsearch.mappings`): flows,
steps, raw events, and two of facts the statistics count. Writes are idempotent and
safe with several exporters (see :mod:`sfc.index.elasticsearch.write`); reads are
searches, except a flow by id, which is realtime.

A cluster that cannot be reached makes every call raise
:class:`~sfc.errors.UnavailableError`. That includes :meth:`open` only if the cluster
refuses what it asks; an unreachable one is logged, and the templates and indices are
put in place by the first call once it is back, so that an exporter or a gateway may
start before Elasticsearch does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from elasticsearch import AsyncElasticsearch
from pydantic import SecretStr

from sfc.core.interpreter.commands import HistoryEvent
from sfc.errors import UnavailableError
from sfc.index.elasticsearch import read, stats
from sfc.index.elasticsearch.client import Connection, translated
from sfc.index.elasticsearch.mappings import Indices
from sfc.index.elasticsearch.setup import set_up
from sfc.index.elasticsearch.write import apply_batches
from sfc.index.port import FlowRecord, IndexStore, StepRecord
from sfc.index.query import BlueprintStats, FlowPage, FlowQuery
from sfc.kafka.records import HistoryBatch
from sfc.settings import MonitorSettings

log = logging.getLogger(__name__)


class ElasticsearchIndexStore:
    """The index in an Elasticsearch 8 cluster.

    Args:
        connection: How to reach the cluster.
        prefix: The start of every index's name (``<prefix>-flows``, ...).
        refresh: Refresh the indices after each apply, so that searches, steps and
            statistics see it as soon as it returns (as with SQLite). Otherwise they
            see it within the refresh interval (one second by default): cheaper.

    Attributes:
        connection: How it reaches the cluster.
        indices: The names of the store's indices.
    """

    def __init__(
        self, connection: Connection, prefix: str = "sfc", *, refresh: bool = False
    ) -> None:
        self.indices = Indices(prefix)
        self.connection = connection
        self._refresh = refresh
        self._client: AsyncElasticsearch | None = None
        self._set_up = False
        self._setting_up = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: MonitorSettings) -> ElasticsearchIndexStore:
        """The store the monitor settings describe."""

        connection = Connection(
            url=settings.elasticsearch_url,
            api_key=_secret(settings.elasticsearch_api_key),
            username=settings.elasticsearch_username,
            password=_secret(settings.elasticsearch_password),
            ca_certs=settings.elasticsearch_ca_certs,
            timeout=settings.elasticsearch_timeout_seconds,
        )
        return cls(connection, settings.index_prefix, refresh=settings.elasticsearch_refresh)

    # -- life cycle ------------------------------------------------------------------

    async def open(self) -> None:
        """Connect, and put the index templates and indices in place.

        Raises:
            RejectedError: The cluster refused a template or mapping.
            ConfigError: The indices were made by a newer SFC.
        """
        if self._client is None:
            self._client = self.connection.client()
        try:
            await self._ready()
        except UnavailableError as exc:
            log.warning("Elasticsearch index not ready (%s); will set it up when reachable", exc)
        else:
            log.info("Elasticsearch index %s-* at %s", self.indices.prefix, self.connection.url)

    async def close(self) -> None:
        """Close the connections."""
        client, self._client = self._client, None
        self._set_up = False
        if client is not None:
            await client.close()

    async def refresh(self) -> None:
        """Make everything applied so far visible to searches now.

        Raises:
            UnavailableError: The cluster cannot be reached.
        """
        client = await self._ready()
        with translated("refreshing the indices"):
            await client.indices.refresh(index=",".join(self.indices.all()))

    # -- the IndexStore port ---------------------------------------------------------

    async def apply(self, batches: Sequence[HistoryBatch]) -> None:
        """Index the events of these batches, idempotently.

        Raises:
            UnavailableError: The cluster cannot be reached or cannot take the writes;
                some may have been made, and applying the same batches again completes
                them without changing what was.
            RejectedError: The cluster refused a document.
        """
        if not batches:
            return
        client = await self._ready()
        await apply_batches(client, self.indices, batches)
        if self._refresh:
            await self.refresh()

    async def get_flow(self, flow_id: str) -> FlowRecord | None:
        """One flow, or None when the index has not seen it (realtime)."""
        return await read.get_flow(await self._ready(), self.indices, flow_id)

    async def steps(self, flow_id: str) -> list[StepRecord]:
        """A flow's steps in the order they were entered."""
        return await read.steps(await self._ready(), self.indices, flow_id)

    async def history(self, flow_id: str) -> list[HistoryEvent]:
        """A flow's raw history events in order."""
        return await read.history(await self._ready(), self.indices, flow_id)

    async def search(self, query: FlowQuery) -> FlowPage:
        """One page of the flows matching ``query``, sorted as it asks."""
        return await read.search(await self._ready(), self.indices, query)

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
        return await stats.blueprint_stats(
            await self._ready(), self.indices, since, until, blueprint, version, states
        )

    # -- connection ------------------------------------------------------------------

    async def _ready(self) -> AsyncElasticsearch:
        """The client, once the templates and indices are in place."""
        client = self._client
        if client is None:
            raise UnavailableError("the Elasticsearch index is not open")
        if not self._set_up:
            async with self._setting_up:
                if not self._set_up:
                    await set_up(client, self.indices)
                    self._set_up = True
        return client


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


if TYPE_CHECKING:

    def _implements_the_port(store: ElasticsearchIndexStore) -> IndexStore:
        return store
