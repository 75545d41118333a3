"""A burst of 5,000 jobs: the pool grows from its minimum to its maximum and back, and
every job runs exactly once, scale-downs (drains) included."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from conftest import StartScheduler
from scheduler_support import TWO_STEPS, Flows, Run, Sampler, runs

from sfc.engine import Engine
from sfc.scheduler import ReplicaState, Scheduler
from tests.integration.waiting import wait_until

FLOWS = 2_500
"""Two jobs each: 5,000 jobs."""


async def test_a_burst_scales_the_pool_to_its_max_and_back_with_every_job_done_once(
    flows: Flows, engine: Engine, start_scheduler: StartScheduler, records: Path
) -> None:
    await flows.registry.deploy("burst", TWO_STEPS)
    scheduler = await start_scheduler()
    await wait_until(lambda: _ready(scheduler) == 1, within=30)
    sampler = Sampler(scheduler)
    sampler.start()

    began = time.monotonic()
    inputs = [{"records": str(records), "sleep": 0.04} for _ in range(FLOWS)]
    ids = await flows.start_flows("burst", inputs)
    outcomes = await flows.wait_all(ids, within=150)
    done = max(flows.ended_at[flow] for flow in ids)
    await wait_until(lambda: len(scheduler.backend.replicas("common")) == 1, within=30)
    drained = time.monotonic()
    await asyncio.sleep(0.2)  # a sample or two of the pool at its minimum
    await sampler.stop()

    assert {outcome.status for outcome in outcomes.values()} == {"SUCCEEDED"}
    finished = runs(records)
    counts = Counter(run.token for run in finished)
    assert len(counts) == 2 * FLOWS, "every job ran"
    assert max(counts.values()) == 1, "no job ran twice"

    at_max = sampler.first(lambda s: s.ready == 4)
    assert at_max is not None, f"never 4 ready workers: {max(s.ready for s in sampler.samples)}"
    assert max(s.live for s in sampler.samples) == 4, "never more workers than the max"
    back = sampler.first(lambda s: s.total == 1 and s.desired == 1, after=at_max)
    assert back is not None
    assert sampler.samples[-1].ready == 1

    desired_max = sampler.first(lambda s: s.desired == 4)
    assert desired_max is not None
    per_worker = Counter(run.pid for run in finished)
    rates = {pid: _rate(finished, pid) for pid in per_worker}
    print(
        f"\nburst of {2 * FLOWS} jobs: desired 4 after {desired_max - began:.1f} s, "
        f"4 ready after {at_max - began:.1f} s, all done after {done - began:.1f} s; "
        f"back to 1 worker {back - done:.1f} s after the last job "
        f"(drained {drained - done:.1f} s after); jobs per worker {dict(per_worker)}; "
        f"jobs/s per worker while busy {rates}"
    )


def _ready(scheduler: Scheduler) -> int:
    replicas = scheduler.backend.replicas("common")
    return sum(r.state is ReplicaState.READY for r in replicas)


def _rate(finished: list[Run], pid: int) -> float:
    """Jobs a worker finished per second, from its first to its last."""
    times = sorted(run.at for run in finished if run.pid == pid)
    return round(len(times) / max(times[-1] - times[0], 1e-3), 1)
