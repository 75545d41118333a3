"""The monitor's index: flows and their steps, searchable (SQLite or Elasticsearch)."""

from sfc.index.port import FlowRecord, IndexStore, StepRecord

__all__ = ["FlowRecord", "IndexStore", "StepRecord"]
