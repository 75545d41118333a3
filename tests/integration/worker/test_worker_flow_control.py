"""Concurrency without head-of-line blocking, the concurrency limit, and heartbeats."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client import REGISTRY
from worker_support import Flows, StartWorker, one_task

from sfc.core import TaskHeartbeat, TaskSucceeded
from sfc.engine import Engine
from sfc.worker import Handlers, current_job


async def test_a_slow_job_does_not_hold_back_fast_ones(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    release = asyncio.Event()
    finished: list[str] = []
    handlers = Handlers()

    @handlers.task("work")
    async def work(data: dict[str, Any]) -> dict[str, Any]:
        if data["slow"]:
            await asyncio.wait_for(release.wait(), 20)
        finished.append(current_job().flow_id)
        return data

    await flows.deploy("mixed", one_task("task:work"))
    await start_worker(handlers, concurrency=4)
    slow = await flows.start_flow("mixed", {"slow": True})
    fast = [await flows.start_flow("mixed", {"slow": False}) for _ in range(8)]

    await flows.wait_all(fast, within=15)
    assert slow not in flows.outcomes, "every fast flow ended while the slow job still ran"
    release.set()
    await flows.wait(slow)
    assert finished[-1] == slow
    assert sorted(finished[:-1]) == sorted(fast)


async def test_at_most_concurrency_jobs_run_at_once(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    running = 0
    most = 0
    handlers = Handlers()

    @handlers.task("nap")
    async def nap(data: Any) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.3)
        running -= 1

    await flows.deploy("naps", one_task("task:nap"))
    worker = await start_worker(handlers, concurrency=3)
    ids = [await flows.start_flow("naps", {}) for _ in range(12)]
    await flows.wait_all(ids)
    assert most == 3
    assert worker.counts.succeeded == 12
    assert worker.counts.in_flight == 0


async def test_heartbeats_keep_a_slow_job_alive_and_stop_with_it(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    handlers = Handlers()

    @handlers.task("slow")
    def slow(data: Any) -> str:
        if data.get("slow"):
            time.sleep(3.5)  # blocks its thread, not the heartbeats
        return "done"

    await flows.deploy("slow", one_task("task:slow", HeartbeatSeconds=1, TimeoutSeconds=20))
    await flows.deploy("next", one_task("task:slow"))
    pauses = paused_fetches()
    await start_worker(handlers, concurrency=1)
    flow_id = await flows.start_flow("slow", {"slow": True})
    waiting = await flows.start_flow("next", {})
    outcome = await flows.wait(flow_id)

    assert (outcome.status, outcome.output) == ("SUCCEEDED", "done")
    assert "TaskTimedOut" not in [e.type for e in await flows.events_of(flow_id)]
    await asyncio.sleep(1)  # time for a heartbeat that would not stop
    kinds = [
        type(c).__name__
        for c in await flows.commands()
        if isinstance(c, TaskHeartbeat | TaskSucceeded) and c.flow_id == flow_id
    ]
    assert kinds[-1] == "TaskSucceeded", "no heartbeat after the result"
    assert kinds.count("TaskHeartbeat") >= 8, "about three per HeartbeatSeconds for 3.5 s"
    # The only slot was busy for seconds: fetching paused, then resumed for the next job.
    assert paused_fetches() > pauses
    assert (await flows.wait(waiting)).status == "SUCCEEDED"


def paused_fetches() -> float:
    value = REGISTRY.get_sample_value("sfc_worker_fetch_pauses_total", {"pool": "common"})
    return value or 0.0
