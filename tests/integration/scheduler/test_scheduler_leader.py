"""Exactly one scheduler leads: a standby waits, and takes over when the leader stops or
is killed (whose workers then drain by themselves); a leader that reads a later fence
stops acting at once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import msgspec
from conftest import WORKERS_ENV, StartScheduler
from scheduler_support import TWO_STEPS, Flows

from sfc.engine import Engine
from sfc.kafka import Topics
from sfc.scheduler import ReplicaState, Scheduler
from sfc.scheduler.live import LiveView
from sfc.scheduler.log import PartitionLog
from sfc.scheduler.records import Fence
from sfc.settings import Settings
from tests.integration.waiting import wait_until


def _ready(scheduler: Scheduler) -> int:
    replicas = scheduler.backend.replicas("common")
    return sum(r.state is ReplicaState.READY for r in replicas)


class _Watch:
    """Samples which schedulers lead, every 20 ms."""

    def __init__(self, *schedulers: Scheduler) -> None:
        self.schedulers = schedulers
        self.both = 0
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            if sum(s.leading for s in self.schedulers) > 1:
                self.both += 1
            await asyncio.sleep(0.02)


async def test_a_standby_takes_over_when_the_leader_stops(
    flows: Flows, engine: Engine, start_scheduler: StartScheduler, records: Path
) -> None:
    first = await start_scheduler()
    await wait_until(lambda: first.leading and _ready(first) == 1, within=30)
    workers = first.backend.replicas("common")
    second = await start_scheduler()
    watch = _Watch(first, second)
    await asyncio.sleep(3.0)
    assert first.leading, "a standby joining does not take the lead"
    assert first.backend.replicas("common") == workers, "nor makes the leader restart workers"
    assert not second.leading
    assert second.backend.replicas("common") == [], "a standby runs no worker"
    epoch = first.election.epoch

    stopped = time.monotonic()
    await first.stop()
    assert first.backend.replicas("common") == [], "the old leader drained its workers"
    await wait_until(lambda: second.leading and _ready(second) == 1, within=30)
    took_over = time.monotonic()
    await watch.stop()
    assert watch.both == 0, "never two leaders at once"
    assert second.election.epoch > epoch

    await flows.registry.deploy("after", TWO_STEPS)
    [flow] = await flows.start_flows("after", [{"records": str(records)}])
    assert (await flows.wait_all([flow], within=30))[flow].status == "SUCCEEDED"
    print(f"\nstandby led with a ready worker {took_over - stopped:.1f} s after the stop")


async def test_a_leader_that_reads_a_later_fence_stops_acting_at_once(
    engine: Engine, start_scheduler: StartScheduler, settings: Settings
) -> None:
    leader = await start_scheduler()
    await wait_until(lambda: leader.leading and _ready(leader) == 1, within=30)
    epoch = leader.election.epoch
    assert await leader.election.confirm()

    # The fence a scheduler elected while this one was paused (say) would write.
    topic = Topics.from_settings(settings.kafka).scheduler
    election_log = PartitionLog(settings.kafka, topic, lambda _: None)
    await election_log.start()
    await election_log.append(msgspec.json.encode(Fence("elsewhere", "n0nce")), "fence")
    await election_log.stop()

    assert not await leader.election.confirm(), "a probe read back after the fence"
    await wait_until(lambda: not leader.leading, within=5)
    await wait_until(lambda: leader.backend.replicas("common") == [], within=20)

    # The group's next rebalance (here a standby joining) makes it the candidate again.
    standby = await start_scheduler()
    await wait_until(lambda: leader.leading and _ready(leader) == 1, within=30)
    assert leader.election.epoch >= epoch + 2
    assert not standby.leading


async def test_a_standby_takes_over_from_a_killed_leader_whose_workers_drain(
    engine: Engine, start_scheduler: StartScheduler, settings: Settings
) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sfc",
        "scheduler",
        env={**os.environ, **WORKERS_ENV, **_environment(settings)},
        stdin=asyncio.subprocess.DEVNULL,
    )
    live = LiveView(settings.kafka)
    await live.start()
    try:
        await wait_until(lambda: child.returncode is not None or _leader_workers(live) != [], 40)
        assert child.returncode is None, "the scheduler in the child process runs"
        orphans = _leader_workers(live)
        assert all(pid > 0 and _alive(pid) for pid in orphans)
        leader = live.status()
        assert leader is not None
        standby = await start_scheduler()
        await asyncio.sleep(2.0)
        assert not standby.leading

        child.send_signal(signal.SIGKILL)
        await child.wait()
        await wait_until(lambda: standby.leading and _ready(standby) == 1, within=30)
        assert standby.election.epoch > leader.epoch
        await wait_until(lambda: not any(_alive(pid) for pid in orphans), within=20)
    finally:
        await live.stop()
        if child.returncode is None:
            child.kill()
            await child.wait()


def _environment(settings: Settings) -> dict[str, str]:
    """The test's settings as ``SFC_`` variables, for a scheduler in a child process."""
    env = {}
    for section in ("kafka", "engine", "worker", "scheduler", "log"):
        for name, value in getattr(settings, section).model_dump(mode="json").items():
            if value is not None:
                text = value if isinstance(value, str) else json.dumps(value)
                env[f"SFC_{section.upper()}__{name.upper()}"] = text
    return env


def _leader_workers(live: LiveView) -> list[int]:
    """The process ids of the leader's ready workers, from its published status."""
    status = live.status()
    if status is None:
        return []
    replicas = [r for pool in status.pools for r in pool.replicas if r.state == "ready"]
    return [int((r.where or "0@").split("@")[0]) for r in replicas]


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie left to a parent that does not reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
