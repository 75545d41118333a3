"""Kafka: SFC's topics, clients configured for them, and the records it writes."""

from sfc.kafka.client import make_consumer, make_producer
from sfc.kafka.headers import Header, header_value, make_headers
from sfc.kafka.topics import Topics, ensure_topics

__all__ = [
    "Header",
    "Topics",
    "ensure_topics",
    "header_value",
    "make_consumer",
    "make_headers",
    "make_producer",
]
