"""SFC, the service flow conductor: runs Amazon States Language blueprints over Kafka."""

__version__ = "0.1.0"
