"""The exporter's Prometheus metrics (served at ``/metrics`` by the role)."""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Gauge, Histogram

EVENTS: Final = Counter(
    "sfc_exporter_events",
    "History events handed to the index store and accepted (replays included).",
)
RECORDS: Final = Counter(
    "sfc_exporter_records",
    "Records of sfc.events consumed, by outcome (indexed, or skipped as unreadable).",
    ["outcome"],
)
APPLY_SECONDS: Final = Histogram(
    "sfc_exporter_apply_seconds",
    "Time the index store took to accept one bulk apply.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
STORE_FAILURES: Final = Counter(
    "sfc_exporter_store_failures",
    "Bulk applies the index store refused (each one is retried after a back-off).",
)
STORE_UP: Final = Gauge(
    "sfc_exporter_store_up", "1 while the index store accepts writes, 0 while it is down."
)
LAG: Final = Gauge(
    "sfc_exporter_lag",
    "Records of sfc.events not yet indexed, per partition (as of the last fetch).",
    ["partition"],
)
