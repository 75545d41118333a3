"""Replies for unknown or finished flows, and duplicate replies, change nothing."""

from __future__ import annotations

import asyncio
import uuid

from worker_support import Flows, StartWorker, one_task

from sfc.core import Job, TaskFailed, TaskHeartbeat, TaskSucceeded
from sfc.engine import Engine
from sfc.settings import Settings
from sfc.worker import Handlers


async def the_job(flows: Flows, flow_id: str) -> Job:
    found: list[Job] = []

    async def look() -> None:
        found.extend(job for _, _, job in await flows.jobs() if job.flow_id == flow_id)

    for _ in range(20):
        await look()
        if found:
            return found[0]
    raise AssertionError(f"no job for flow {flow_id}")


async def test_late_and_duplicate_replies_change_nothing_and_crash_nothing(
    flows: Flows, engine: Engine, start_worker: StartWorker, settings: Settings
) -> None:
    await flows.deploy("manual", one_task("task:nobody"))
    flow_id = await flows.start_flow("manual", {})
    job = await the_job(flows, flow_id)

    await flows.send(TaskSucceeded("reply-1", flow_id, job.token, {"first": True}))
    await flows.send(TaskSucceeded("reply-2", flow_id, job.token, {"second": True}))
    assert (await flows.wait(flow_id)).output == {"first": True}
    history = await flows.events_of(flow_id)

    # After the end: the same job's replies again, heartbeats, and replies for no flow.
    unknown = str(uuid.uuid4())
    for late in (
        TaskSucceeded("reply-3", flow_id, job.token, {"late": True}),
        TaskFailed("reply-4", flow_id, job.token, "Late.Failure"),
        TaskHeartbeat("beat-1", flow_id, job.token),
        TaskSucceeded("reply-5", unknown, "no-such-token", {}),
        TaskFailed("reply-6", unknown, "no-such-token", "X"),
    ):
        await flows.send(late)

    # The engine carries on: a flow served by a worker still runs to its end.
    handlers = Handlers()
    handlers.task("work")(lambda data: {"served": True})
    await flows.deploy("served", one_task("task:work"))
    await start_worker(handlers)
    after = await flows.wait(await flows.start_flow("served", {}))
    assert after.output == {"served": True}
    await applied_everything(flows, settings)
    assert engine.ready
    assert await flows.events_of(flow_id) == history
    assert unknown not in flows.outcomes
    await flows.poll_outcomes(500)
    assert flows.duplicate_outcomes == 0
    assert flows.outcomes[flow_id].output == {"first": True}


async def applied_everything(flows: Flows, settings: Settings) -> None:
    """Wait until the engine has committed every command sent so far."""
    ends: dict[int, int] = {}
    for tp, offset, _ in await flows.read(flows.topics.commands):
        ends[tp.partition] = max(ends.get(tp.partition, 0), offset + 1)
    for _ in range(50):
        committed = await flows.committed(settings.engine.group_id, flows.topics.commands)
        if all((committed[p] or 0) >= end for p, end in ends.items()):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the engine did not apply every command")
