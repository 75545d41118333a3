"""Workers that die are replaced; a worker command that fails at start is reported with
its standard error and tried again with back-off, not in a loop."""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections import Counter
from pathlib import Path

from conftest import StartScheduler, common_pool
from scheduler_support import TWO_STEPS, Flows, runs

from sfc.engine import Engine
from sfc.scheduler import LocalBackend, PoolBook, ReplicaState, Scheduler
from sfc.scheduler.pools import PoolChanges, changed
from sfc.settings import Settings
from tests.integration.waiting import wait_until


def _ready_ids(scheduler: Scheduler) -> set[str]:
    replicas = scheduler.backend.replicas("common")
    return {r.id for r in replicas if r.state is ReplicaState.READY}


def _pid(scheduler: Scheduler, replica: str) -> int:
    backend = scheduler.backend
    assert isinstance(backend, LocalBackend)
    process = backend.process("common", replica)
    assert process is not None
    assert process.pid is not None
    return process.pid


async def test_a_killed_worker_is_replaced_and_its_jobs_are_redelivered(
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
    await flows.registry.deploy("repair", TWO_STEPS)
    scheduler = await start_scheduler(tuned)
    await wait_until(lambda: len(_ready_ids(scheduler)) == 2, within=30)
    first = _ready_ids(scheduler)
    ids = await flows.start_flows("repair", [{"records": str(records), "sleep": 0.05}] * 400)
    await wait_until(lambda: len(runs(records)) >= 100, within=30)

    victim = sorted(first)[0]
    pid = _pid(scheduler, victim)
    os.kill(pid, signal.SIGKILL)
    killed_at = time.time()

    await wait_until(lambda: len(_ready_ids(scheduler) - first) == 1, within=30)
    replaced = time.time()
    now_ready = _ready_ids(scheduler)
    assert victim not in now_ready
    assert len(now_ready) == 2
    assert _pid(scheduler, next(iter(now_ready - first))) != pid
    outcomes = await flows.wait_all(ids, within=60)
    assert {o.status for o in outcomes.values()} == {"SUCCEEDED"}
    finished = runs(records)
    assert len({run.token for run in finished}) == 800, "every job ran, the killed one's too"
    assert any(run.pid == pid and run.at < killed_at for run in finished), "it was working"
    assert not any(run.pid == pid and run.at > killed_at + 0.1 for run in finished)
    print(f"\nkilled worker replaced (ready) in {replaced - killed_at:.1f} s")


async def test_a_failing_worker_command_is_reported_and_retried_with_backoff(
    flows: Flows,
    engine: Engine,
    start_scheduler: StartScheduler,
    settings: Settings,
    records: Path,
) -> None:
    broken = common_pool(modules=["no_such_handlers_module"])
    tuned = settings.model_copy(
        update={"scheduler": settings.scheduler.model_copy(update={"pools": [broken]})}
    )
    scheduler = await start_scheduler(tuned)
    attempts: dict[str, float] = {}

    def tried(count: int) -> bool:
        for replica in scheduler.backend.replicas("common"):
            attempts.setdefault(replica.id, time.monotonic())
        return len(attempts) >= count

    await wait_until(lambda: tried(4), within=30)
    failure = scheduler.backend.failure("common")
    assert failure is not None
    assert failure.failures >= 3
    assert "exited with status 1" in failure.message
    assert "cannot import handler module 'no_such_handlers_module'" in failure.stderr
    starts = sorted(attempts.values())
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert gaps[-1] > gaps[0] + 0.5, f"the waits between starts grow: {gaps}"
    status = scheduler.live.status()
    assert status is not None
    reported = status.pools[0].failure
    assert reported is not None, "the failure is published for the API and dashboard"
    assert "no_such_handlers_module" in reported.stderr

    book = PoolBook(tuned)
    await book.start()
    current = book.get("common")
    assert current is not None
    await book.put(changed(current, PoolChanges(modules=["pool_v1"])))
    await book.stop()
    await wait_until(lambda: len(_ready_ids(scheduler)) == 1, within=30)
    assert scheduler.backend.failure("common") is None
    await flows.registry.deploy("fixed", TWO_STEPS)
    [flow] = await flows.start_flows("fixed", [{"records": str(records)}])
    assert (await flows.wait_all([flow], within=30))[flow].status == "SUCCEEDED"
    assert Counter(run.version for run in runs(records)) == {1: 2}
