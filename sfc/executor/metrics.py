"""The executor's Prometheus metrics."""

from prometheus_client import Counter, Gauge, Histogram

CALLS = Counter(
    "sfc_executor_calls_total",
    "Calls made, by kind (http, grpc) and result ('ok' or the ASL error name)",
    ["kind", "result"],
)
CALL_SECONDS = Histogram(
    "sfc_executor_call_seconds",
    "Time from a call's start to its result, waiting for a per-host slot included",
    ["kind"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
IN_FLIGHT = Gauge("sfc_executor_jobs_in_flight", "Jobs taken and not yet reported")
REPORT_RETRIES = Counter(
    "sfc_executor_report_retries_total", "Replies re-sent because the broker did not acknowledge"
)
