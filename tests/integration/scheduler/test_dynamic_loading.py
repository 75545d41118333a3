"""New blueprint versions and task definitions take effect with nothing restarted: the
engine, the scheduler and its workers keep running while the registry changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import StartScheduler
from scheduler_support import Flows

from sfc.engine import Engine
from sfc.scheduler import ReplicaState
from tests.integration.waiting import wait_until


def tagged(tag: int, resource: str = "task:pool.a") -> dict[str, Any]:
    """One task, then a Pass that writes ``tag`` to ``$.tag``."""
    return {
        "StartAt": "Work",
        "States": {
            "Work": {"Type": "Task", "Resource": resource, "Next": "Tag"},
            "Tag": {"Type": "Pass", "Result": tag, "ResultPath": "$.tag", "End": True},
        },
    }


async def test_blueprint_versions_and_task_definitions_apply_without_restarts(
    flows: Flows, engine: Engine, start_scheduler: StartScheduler, records: Path
) -> None:
    scheduler = await start_scheduler()
    await wait_until(
        lambda: any(r.state is ReplicaState.READY for r in scheduler.backend.replicas("common")),
        within=30,
    )
    workers = {r.id for r in scheduler.backend.replicas("common")}
    engine_id = engine.id

    # Pinned, as the gateway pins them: an unpinned start takes the latest version the
    # engine knows when it reads the start, which may already be the next one.
    one = await flows.registry.deploy("dyn", tagged(1))
    [first] = await flows.start_flows("dyn", [{}], version=one.version)
    two = await flows.registry.deploy("dyn", tagged(2))
    [second] = await flows.start_flows("dyn", [{}], version=two.version)
    done = await flows.wait_all([first, second], within=30)
    assert done[first].output == {"version": 1, "tag": 1}
    assert done[second].output == {"version": 1, "tag": 2}, "the new version, at once"

    await flows.registry.deploy_task("pool.a", {"TimeoutSeconds": 1})
    await flows.registry.deploy("timed", tagged(3))
    [slow] = await flows.start_flows("timed", [{"sleep": 2.5}])
    timed_out = (await flows.wait_all([slow], within=30))[slow]
    assert (timed_out.status, timed_out.error) == ("FAILED", "States.Timeout")

    await flows.registry.deploy_task("pool.a", {"TimeoutSeconds": 30})
    await flows.registry.deploy("timed", tagged(4))
    [patient] = await flows.start_flows("timed", [{"sleep": 2.5}])
    finished = (await flows.wait_all([patient], within=30))[patient]
    assert (finished.status, finished.output) == (
        "SUCCEEDED",
        {"sleep": 2.5, "version": 1, "tag": 4},
    )

    assert engine.id == engine_id
    assert {r.id for r in scheduler.backend.replicas("common")} == workers, "no worker restarted"
