"""SFC's side of plain Kafka services: replies of ``kafka://`` tasks, triggers, Join events."""

from sfc.bridge.bridge import Bridge

__all__ = ["Bridge"]
