"""How a job consumer runs: concurrency, grace periods and limits."""

from __future__ import annotations

from dataclasses import dataclass

from sfc.settings import WorkerSettings


@dataclass(frozen=True)
class ConsumerOptions:
    """Options of a :class:`~sfc.worker.consumer.JobConsumer`.

    Attributes:
        concurrency: Jobs run at once at most.
        shutdown_grace: Seconds a drain lets jobs in hand finish before handing them back.
        rebalance_grace: Seconds a revocation lets the partitions' jobs finish (and be
            committed) before the partitions move to another consumer.
        heartbeats_per_interval: Heartbeats sent per ``heartbeatSeconds`` of a job.
        max_output_bytes: Largest encoded reply; a larger output fails the task.
        linger_ms: How long the reply producer waits to batch replies.
        pool: The ``pool`` label of the metrics.
    """

    concurrency: int = 16
    shutdown_grace: float = 20.0
    rebalance_grace: float = 3.0
    heartbeats_per_interval: int = 3
    max_output_bytes: int = 1_000_000
    linger_ms: int = 2
    pool: str = "common"

    @classmethod
    def from_settings(
        cls, settings: WorkerSettings, pool: str, concurrency: int | None = None
    ) -> ConsumerOptions:
        """The options of a worker of ``pool`` (``concurrency`` overrides the settings')."""
        return cls(
            concurrency=concurrency or settings.concurrency,
            shutdown_grace=settings.shutdown_grace_seconds,
            rebalance_grace=settings.rebalance_grace_seconds,
            heartbeats_per_interval=settings.heartbeats_per_interval,
            max_output_bytes=settings.max_output_bytes,
            linger_ms=settings.linger_ms,
            pool=pool,
        )
