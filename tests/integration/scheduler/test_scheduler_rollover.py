"""A new handler module for a pool, under load: the workers roll over one by one, in-flight
jobs finish on the old code, no job is lost, later jobs run the new code."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from conftest import StartScheduler, common_pool
from scheduler_support import TWO_STEPS, Flows, Sampler, runs

from sfc.engine import Engine
from sfc.scheduler import PoolBook, ReplicaState, Scheduler
from sfc.scheduler.pools import PoolChanges, changed
from sfc.settings import Settings
from tests.integration.waiting import wait_until


def _rolled(scheduler: Scheduler, old: set[str]) -> bool:
    replicas = scheduler.backend.replicas("common")
    return (
        len(replicas) == 2
        and all(r.state is ReplicaState.READY for r in replicas)
        and not {r.id for r in replicas} & old
    )


async def test_a_new_module_rolls_the_workers_over_under_load_and_loses_no_job(
    flows: Flows,
    engine: Engine,
    start_scheduler: StartScheduler,
    settings: Settings,
    records: Path,
) -> None:
    pool = common_pool(min_replicas=2, max_replicas=2)
    tuned = settings.model_copy(
        update={"scheduler": settings.scheduler.model_copy(update={"pools": [pool]})}
    )
    await flows.registry.deploy("roll", TWO_STEPS)
    scheduler = await start_scheduler(tuned)
    await wait_until(lambda: len(scheduler.backend.replicas("common")) == 2, within=30)
    await wait_until(
        lambda: all(r.state is ReplicaState.READY for r in scheduler.backend.replicas("common")),
        within=30,
    )
    old = {r.id for r in scheduler.backend.replicas("common")}
    sampler = Sampler(scheduler)
    sampler.start()
    load = asyncio.create_task(_steady_load(flows, records, seconds=12.0))
    await asyncio.sleep(3.0)

    book = PoolBook(tuned)
    await book.start()
    current = book.get("common")
    assert current is not None
    switched = time.time()
    await book.put(changed(current, PoolChanges(modules=["pool_v2"])))
    await book.stop()
    rolling = time.monotonic()
    await wait_until(lambda: _rolled(scheduler, old), within=60)
    rolled_at = time.time()
    rolled = time.monotonic()
    ids = await load
    outcomes = await flows.wait_all(ids, within=60)
    await sampler.stop()

    assert {o.status for o in outcomes.values()} == {"SUCCEEDED"}
    finished = runs(records)
    counts = Counter(run.token for run in finished)
    assert len(counts) == 2 * len(ids), "no job lost"
    assert max(counts.values()) == 1, "no job ran twice"
    versions = Counter(run.version for run in finished)
    assert versions[1] > 0
    assert versions[2] > 0
    assert all(run.version == 2 for run in finished if run.at > rolled_at + 0.5)
    assert not any(run.version == 2 for run in finished if run.at < switched)
    during = [s for s in sampler.samples if rolling <= s.at <= rolled]
    assert max(s.live for s in during) <= 3, "one worker more than the pool's size at most"
    assert min(s.ready for s in during) >= 2, "never fewer ready workers than asked for"
    print(
        f"\nrolled 2 workers over in {rolled - rolling:.1f} s under load; "
        f"jobs by version {dict(versions)}"
    )


async def _steady_load(flows: Flows, records: Path, seconds: float) -> list[str]:
    """Start ten flows every 100 ms for ``seconds``."""
    ids: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        inputs = [{"records": str(records), "sleep": 0.04}] * 10
        ids += await flows.start_flows("roll", inputs)
        await asyncio.sleep(0.1)
    return ids
