"""Creating the store's index templates and indices, or bringing existing ones up to date.

Each index has a composable index template of its own (exact name as its only pattern,
so templates of two prefixes never overlap), then is created explicitly: reads work
before the first write, and clusters that forbid automatic index creation work too. The
template still matters when an index is deleted while exporters run: the next write
creates it again with the right mappings.

An index that exists gets the fields it lacks (``put_mapping``); one whose ``_meta``
says a newer SFC made it is refused.
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import AsyncElasticsearch

from sfc.errors import ConfigError
from sfc.index.elasticsearch.client import error_of, error_type, translated
from sfc.index.elasticsearch.mappings import SCHEMA_VERSION, TEMPLATE_PRIORITY, Indices, meta

log = logging.getLogger(__name__)


async def set_up(client: AsyncElasticsearch, indices: Indices) -> None:
    """Put every index template, and create or update every index.

    Raises:
        UnavailableError: The cluster cannot be reached.
        RejectedError: It refused a template or a mapping.
        ConfigError: An index was made by a newer SFC.
    """
    for index in indices.all():
        with translated(f"putting the index template {index}"):
            await client.indices.put_index_template(
                name=index,
                index_patterns=[index],
                priority=TEMPLATE_PRIORITY,
                template={
                    "settings": indices.settings(index),
                    "mappings": indices.mappings(index),
                },
                meta=meta(),
            )
        await _create_or_update(client, indices, index)


async def _create_or_update(client: AsyncElasticsearch, indices: Indices, index: str) -> None:
    with translated(f"creating the index {index}"):
        created = await client.options(ignore_status=400).indices.create(
            index=index, settings=indices.settings(index), mappings=indices.mappings(index)
        )
    if created.meta.status < 300:
        log.info("created the Elasticsearch index %s", index)
        return
    if error_type(created.body) != "resource_already_exists_exception":
        raise error_of(created.meta.status, created.body, f"creating the index {index}")
    with translated(f"reading the mapping of {index}"):
        mapping = await client.indices.get_mapping(index=index)
    for concrete in mapping.body.values():
        _check_schema(index, concrete.get("mappings", {}))
    with translated(f"updating the mapping of {index}"):
        await client.indices.put_mapping(
            index=index, properties=indices.properties(index), dynamic="strict", meta=meta()
        )


def _check_schema(index: str, mappings: dict[str, Any]) -> None:
    schema = mappings.get("_meta", {}).get("schema", 0)
    if isinstance(schema, int) and schema > SCHEMA_VERSION:
        raise ConfigError(
            f"the index {index} was written with schema {schema}; this SFC knows {SCHEMA_VERSION}"
        )
