"""``sfc worker`` processes killed mid-job: their jobs are redelivered and nothing is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from worker_support import Flows, StartWorker, WorkerProcess, one_task

from sfc.engine import Engine
from sfc.net import free_port
from sfc.settings import KafkaSettings, Settings
from sfc.worker import Handlers
from tests.integration.waiting import wait_until


@pytest.fixture
def kafka_settings(kafka_settings: KafkaSettings) -> KafkaSettings:
    """One partition per topic: every job of a test is in the same partition, in order."""
    return kafka_settings.model_copy(update={"partitions": 1})


def replacement() -> Handlers:
    """The in-process worker that takes over: answers at once."""
    handlers = Handlers()

    @handlers.task("child.work")
    async def work(data: Any) -> dict[str, str]:
        return {"by": "replacement"}

    return handlers


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def test_a_job_of_a_killed_worker_is_redelivered_and_the_flow_completes(
    flows: Flows,
    engine: Engine,
    start_worker: StartWorker,
    settings: Settings,
    worker_processes: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    port = free_port()
    child = WorkerProcess(settings, port=port)
    worker_processes.append(child)
    child.start()
    await flows.deploy("crash", one_task("task:child.work"))
    started = tmp_path / "started"
    flow_id = await flows.start_flow("crash", {"hang": True, "started": str(started)})
    await wait_until(started.exists)
    assert await get(port, "/healthz") == (200, '{"status": "ok"}')
    assert (await get(port, "/readyz"))[0] == 200
    metrics = (await get(port, "/metrics"))[1]
    assert 'sfc_worker_jobs_in_flight{pool="common"} 1.0' in metrics

    child.kill()
    await start_worker(replacement())
    outcome = await flows.wait(flow_id)
    assert (outcome.status, outcome.output) == ("SUCCEEDED", {"by": "replacement"})
    types = [e.type for e in await flows.events_of(flow_id)]
    assert types.count("TaskScheduled") == 1, "redelivered by the group, not retried"


async def test_commits_stop_at_the_oldest_unfinished_job_so_a_crash_loses_nothing(
    flows: Flows,
    engine: Engine,
    start_worker: StartWorker,
    settings: Settings,
    worker_processes: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    child = WorkerProcess(settings)
    worker_processes.append(child)
    child.start()
    await flows.deploy("jobs", one_task("task:child.work"))
    started = tmp_path / "started"
    slow = await flows.start_flow("jobs", {"hang": True, "started": str(started)})
    await wait_until(started.exists)
    fast = await flows.start_flow("jobs", {})
    assert (await flows.wait(fast)).output["by"] == "child"

    # The fast job (later offset) is reported; the commit stays at the slow one's offset.
    offsets = {job.flow_id: offset for _, offset, job in await flows.jobs()}
    assert offsets[fast] > offsets[slow]
    group = f"{settings.worker.group_prefix}.common"
    await asyncio.sleep(0.5)
    assert await flows.committed(group) == {0: offsets[slow]}

    child.kill()
    taking_over = await start_worker(replacement())
    assert (await flows.wait(slow)).output == {"by": "replacement"}
    # Both jobs were redelivered; the fast one's second reply changed nothing.
    await wait_until(lambda: taking_over.counts.succeeded == 2)
    assert (await flows.wait(fast)).output["by"] == "child"
    assert flows.duplicate_outcomes == 0


async def test_sigterm_drains_a_worker_process_and_hands_its_job_back(
    flows: Flows,
    engine: Engine,
    start_worker: StartWorker,
    settings: Settings,
    worker_processes: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    quick = settings.model_copy(
        update={"worker": settings.worker.model_copy(update={"shutdown_grace_seconds": 0.5})}
    )
    child = WorkerProcess(quick)
    worker_processes.append(child)
    child.start()
    await flows.deploy("jobs", one_task("task:child.work"))
    started = tmp_path / "started"
    flow_id = await flows.start_flow("jobs", {"hang": True, "started": str(started)})
    await wait_until(started.exists)

    # Its handler thread hangs for an hour: the process still exits, handing the job back.
    assert await asyncio.to_thread(child.terminate) == 0
    await start_worker(replacement())
    assert (await flows.wait(flow_id)).output == {"by": "replacement"}


async def test_a_dead_workers_job_times_out_on_heartbeats_and_is_retried(
    flows: Flows,
    engine: Engine,
    start_worker: StartWorker,
    settings: Settings,
    worker_processes: list[WorkerProcess],
    tmp_path: Path,
) -> None:
    child = WorkerProcess(settings)
    worker_processes.append(child)
    child.start()
    # The retry waits long enough for the replacement to join the group.
    retry = [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 5}]
    await flows.deploy("beats", one_task("task:child.work", HeartbeatSeconds=1, Retry=retry))
    started = tmp_path / "started"
    flow_id = await flows.start_flow("beats", {"hang": True, "started": str(started)})
    await wait_until(started.exists)
    child.kill()

    async def timed_out() -> bool:
        return "TaskTimedOut" in [e.type for e in await flows.events_of(flow_id)]

    for _ in range(20):
        if await timed_out():
            break
    else:
        raise AssertionError("the engine did not time the job out")
    await start_worker(replacement())
    outcome = await flows.wait(flow_id)
    assert (outcome.status, outcome.output) == ("SUCCEEDED", {"by": "replacement"})
    events = await flows.events_of(flow_id)
    assert [e.attempt for e in events if e.type == "TaskScheduled"] == [0, 1]
    assert [e.error for e in events if e.type == "TaskTimedOut"] == ["States.HeartbeatTimeout"]
