"""Stopping a worker: jobs in hand finish within the grace period, or are handed back."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from worker_support import Flows, StartWorker, one_task

from sfc.core import TaskFailed, TaskSucceeded
from sfc.engine import Engine
from sfc.settings import Settings
from sfc.worker import Handlers, current_job
from tests.integration.waiting import wait_until


def answering(name: str) -> Handlers:
    """Handlers that answer at once with the worker's name."""
    handlers = Handlers()

    @handlers.task("work")
    async def work(data: Any) -> dict[str, str]:
        return {"by": name}

    return handlers


async def test_stop_finishes_the_jobs_in_hand_and_takes_no_new_one(
    flows: Flows, engine: Engine, start_worker: StartWorker, settings: Settings
) -> None:
    started = asyncio.Event()
    handlers = Handlers()

    @handlers.task("work")
    async def work(data: Any) -> dict[str, str]:
        started.set()
        await asyncio.sleep(1.5)
        return {"by": "first"}

    await flows.deploy("jobs", one_task("task:work"))
    first = await start_worker(handlers)
    in_hand = await flows.start_flow("jobs", {})
    await asyncio.wait_for(started.wait(), 15)

    began = time.monotonic()
    draining = asyncio.create_task(first.drain())
    await wait_until(lambda: not first.ready)
    later = await flows.start_flow("jobs", {})
    counts = await draining

    assert time.monotonic() - began >= 1.0, "the drain waited for the job"
    assert (counts.succeeded, counts.handed_back, counts.in_flight) == (1, 0, 0)
    assert (await flows.wait(in_hand)).output == {"by": "first"}
    [(tp, offset)] = [(tp, o) for tp, o, job in await flows.jobs() if job.flow_id == in_hand]
    group = f"{settings.worker.group_prefix}.common"
    assert (await flows.committed(group))[tp.partition] == offset + 1
    # The job that arrived while draining was left to the pool's next worker.
    await start_worker(answering("second"))
    assert (await flows.wait(later)).output == {"by": "second"}


async def test_a_job_still_running_after_the_grace_period_is_handed_back(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    cancelled: list[str] = []
    handlers = Handlers()

    @handlers.task("work")
    async def hold(data: Any) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(current_job().token)
            raise

    await flows.deploy("jobs", one_task("task:work"))
    first = await start_worker(handlers)
    flow_id = await flows.start_flow("jobs", {})
    await wait_until(lambda: first.counts.in_flight == 1)

    counts = await first.drain(grace=0.5)
    assert (counts.handed_back, counts.done) == (1, 0)
    [job] = [job for _, _, job in await flows.jobs() if job.flow_id == flow_id]
    assert cancelled == [job.token]

    second = await start_worker(answering("second"))
    assert (await flows.wait(flow_id)).output == {"by": "second"}
    replies = [c for c in await flows.commands() if isinstance(c, TaskSucceeded | TaskFailed)]
    assert [(type(r).__name__, r.token) for r in replies] == [("TaskSucceeded", job.token)]
    assert second.counts.succeeded == 1


async def test_drain_of_an_idle_worker_is_quick_and_repeatable(start_worker: StartWorker) -> None:
    worker = await start_worker(answering("idle"))
    assert worker.ready
    began = time.monotonic()
    counts = await worker.drain()
    assert time.monotonic() - began < 3
    assert counts == await worker.drain()
    assert not worker.ready
