"""The engine's Prometheus metrics."""

from prometheus_client import Counter, Gauge, Histogram

COMMANDS = Counter("sfc_engine_commands_total", "Commands applied by the engine")
BATCH_SECONDS = Histogram(
    "sfc_engine_batch_seconds",
    "Time to apply, persist and commit one batch of commands",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
RUNNING_FLOWS = Gauge("sfc_engine_running_flows", "Running flows held by this engine")
PRODUCE_RETRIES = Counter("sfc_engine_produce_retries_total", "Batches whose outputs were re-sent")
PARTITIONS = Gauge("sfc_engine_partitions", "Partitions of sfc.commands owned by this engine")
