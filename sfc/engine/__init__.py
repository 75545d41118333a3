"""The engine role: owns partitions of ``sfc.commands`` and drives their flows."""

from sfc.engine.engine import Engine

__all__ = ["Engine"]
