"""The Elasticsearch index store: the production store (see ``docs/elasticsearch.md``)."""

from sfc.index.elasticsearch.client import Connection, RejectedError
from sfc.index.elasticsearch.store import ElasticsearchIndexStore

__all__ = ["Connection", "ElasticsearchIndexStore", "RejectedError"]
