"""Prometheus metrics of job consumers, labelled by pool (``common``, a blueprint, ...)."""

from prometheus_client import Counter, Gauge, Histogram

IN_FLIGHT = Gauge("sfc_worker_jobs_in_flight", "Jobs taken and not yet reported", ["pool"])
JOBS = Counter(
    "sfc_worker_jobs_total",
    "Jobs that ended, by outcome: succeeded, failed, handed_back, skipped",
    ["pool", "outcome"],
)
JOB_SECONDS = Histogram(
    "sfc_worker_job_seconds",
    "Time from taking a job to its reply being acknowledged",
    ["pool"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
HEARTBEATS = Counter("sfc_worker_heartbeats_total", "Heartbeats sent for running jobs", ["pool"])
COMMITS = Counter("sfc_worker_commits_total", "Offset commits of job partitions", ["pool"])
PAUSES = Counter(
    "sfc_worker_fetch_pauses_total", "Times fetching paused because every slot was busy", ["pool"]
)
