"""The monitor's index: flows and their steps, searchable (SQLite or Elasticsearch)."""

from sfc.index.port import FlowRecord, IndexStore, StepRecord
from sfc.index.query import BlueprintStats, FlowPage, FlowQuery, HourStats, StateStats

__all__ = [
    "BlueprintStats",
    "FlowPage",
    "FlowQuery",
    "FlowRecord",
    "HourStats",
    "IndexStore",
    "StateStats",
    "StepRecord",
]
