"""What a job consumer did: counters for callers, Prometheus metrics for scrapers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from sfc.worker import metrics

Outcome = Literal["succeeded", "failed", "handed_back", "skipped"]


@dataclass(frozen=True)
class JobCounts:
    """What a consumer did since it started.

    Attributes:
        in_flight: Jobs taken and not yet reported.
        succeeded: Jobs reported as succeeded.
        failed: Jobs reported as failed (handler errors, timeouts, invalid output).
        handed_back: Jobs still running when a drain's grace period ended: neither
            reported nor committed, so the group gives them to another consumer.
        skipped: Records that are not jobs (unreadable), committed past.
    """

    in_flight: int = 0
    succeeded: int = 0
    failed: int = 0
    handed_back: int = 0
    skipped: int = 0

    @property
    def done(self) -> int:
        """Jobs reported, succeeded or failed."""
        return self.succeeded + self.failed


class Tally:
    """Counts outcomes, in :class:`JobCounts` and in the metrics of one pool."""

    def __init__(self, pool: str) -> None:
        self.pool = pool
        self._ended: dict[Outcome, int] = dict.fromkeys(get_args(Outcome), 0)
        # Labelled children looked up once: labels() costs more than the increment.
        self._jobs = {outcome: metrics.JOBS.labels(pool, outcome) for outcome in self._ended}
        self._in_flight = metrics.IN_FLIGHT.labels(pool)
        self._seconds = metrics.JOB_SECONDS.labels(pool)

    @property
    def counts(self) -> JobCounts:
        """The counts so far (``in_flight`` left at 0: the consumer knows it)."""
        return JobCounts(**self._ended)

    def count(self, outcome: Outcome) -> None:
        """One more job ended this way."""
        self._ended[outcome] += 1
        self._jobs[outcome].inc()

    def started(self) -> None:
        """A job was taken."""
        self._in_flight.inc()

    def ended(self, seconds: float) -> None:
        """A job taken is no longer in hand, after ``seconds``."""
        self._in_flight.dec()
        self._seconds.observe(seconds)
