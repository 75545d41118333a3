"""The exporter role: indexes ``sfc.events`` into the monitor's store (``sfc exporter``)."""

from sfc.exporter.exporter import Exporter

__all__ = ["Exporter"]
