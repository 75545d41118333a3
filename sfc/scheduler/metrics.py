"""The scheduler's Prometheus metrics, labelled by pool."""

from prometheus_client import Counter, Gauge

LEADER = Gauge("sfc_scheduler_leader", "1 while this scheduler leads, else 0")
DESIRED = Gauge("sfc_scheduler_desired_replicas", "Workers a pool should have", ["pool"])
REPLICAS = Gauge(
    "sfc_scheduler_replicas",
    "Workers of a pool by state: starting, ready, draining",
    ["pool", "state"],
)
PENDING = Gauge("sfc_scheduler_pending_jobs", "Jobs pending for a pool, from the engines", ["pool"])
OLDEST = Gauge("sfc_scheduler_oldest_job_seconds", "Age of a pool's oldest pending job", ["pool"])
STARTS = Counter("sfc_scheduler_worker_starts_total", "Workers started", ["pool"])
START_FAILURES = Counter(
    "sfc_scheduler_start_failures_total", "Workers that failed to start", ["pool"]
)
DEATHS = Counter(
    "sfc_scheduler_worker_deaths_total", "Ready workers that exited without being drained", ["pool"]
)
