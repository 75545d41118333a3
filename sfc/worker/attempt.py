"""Running one job: heartbeats while it runs, its timeout, and the reply it ends with."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable

from sfc.core import Job
from sfc.core.types import Json
from sfc.worker import metrics, replies
from sfc.worker.errors import TaskError
from sfc.worker.options import ConsumerOptions
from sfc.worker.reporter import Reporter

log = logging.getLogger(__name__)

RunJob = Callable[[Job], Awaitable[Json]]
"""Runs one job: returns its output, or raises (a ``TaskError`` names the ASL error)."""


class Attempts:
    """Runs jobs with a :data:`RunJob` and turns each ending into its reply.

    Args:
        run: What runs a job (a worker's handlers, a service call, ...).
        reporter: Where heartbeats go.
        options: Heartbeat rate, output limit, metrics label.
        sender: Identifies this consumer in heartbeat message ids.
    """

    def __init__(
        self, run: RunJob, reporter: Reporter, options: ConsumerOptions, sender: str
    ) -> None:
        self._run = run
        self._reporter = reporter
        self._options = options
        self._sender = sender

    async def reply_for(self, job: Job) -> replies.Outgoing:
        """Run the job and return its reply: success, failure or timeout.

        Raises:
            asyncio.CancelledError: The job was cancelled (handed back by a drain).
        """
        beats = self._heartbeats(job)
        limit = asyncio.timeout(job.timeout_seconds)
        try:
            async with limit:
                output = await self._run(job)
        except TimeoutError as exc:
            if limit.expired():
                log.info("job %s ran past %ss: cancelled", job.token, job.timeout_seconds)
                return replies.timed_out(job)
            return replies.failure(job, exc)
        except TaskError as exc:
            log.debug("job %s (%s) failed: %s", job.token, job.resource, exc)
            return replies.failure(job, exc)
        except Exception as exc:  # whatever else the run raises is the task's failure too
            log.warning("job %s (%s) raised", job.token, job.resource, exc_info=True)
            return replies.failure(job, exc)
        finally:
            if beats is not None:
                beats.cancel()
        return replies.success(job, output, self._options.max_output_bytes)

    def _heartbeats(self, job: Job) -> asyncio.Task[None] | None:
        if not job.heartbeat_seconds:
            return None
        interval = job.heartbeat_seconds / self._options.heartbeats_per_interval
        return asyncio.create_task(self._beat(job, interval), name=f"beat-{job.token}")

    async def _beat(self, job: Job, interval: float) -> None:
        # Jobs shorter than one interval send none: heartbeats are for long jobs.
        label = self._options.pool
        for n in itertools.count(1):
            await asyncio.sleep(interval)
            message_id = f"{job.token}:beat:{self._sender}:{n}"
            await self._reporter.send(replies.heartbeat(job, message_id))
            metrics.HEARTBEATS.labels(label).inc()
