"""Pools: specific pools serve their blueprint's own topic; workers joining share the jobs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest
from worker_support import Flows, StartWorker, one_task

from sfc.engine import Engine
from sfc.errors import InputError
from sfc.settings import Settings
from sfc.worker import Handlers, Worker, current_job
from tests.integration.waiting import wait_until


def answering(name: str, runs: Counter[str] | None = None, seconds: float = 0.0) -> Handlers:
    """Handlers that answer ``{"by": name}`` after ``seconds``, counting runs per token."""
    handlers = Handlers()

    @handlers.task("work")
    async def work(data: Any) -> dict[str, str]:
        if runs is not None:
            runs[current_job().token] += 1
        await asyncio.sleep(seconds)
        return {"by": name}

    return handlers


async def test_a_specific_pool_serves_its_blueprints_own_topic(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    definition = {**one_task("task:work"), "messageType": "specific"}
    await flows.deploy("orders", definition)
    common = await start_worker(answering("common"))
    specific = await start_worker(answering("orders"), pool="orders")
    assert specific.topic == f"{flows.topics.prefix}.jobs.bp.orders"

    flow_id = await flows.start_flow("orders", {})
    assert (await flows.wait(flow_id)).output == {"by": "orders"}
    assert [job.flow_id for _, _, job in await flows.jobs(specific.topic)] == [flow_id]
    assert (common.counts.done, specific.counts.done) == (0, 1)


def test_a_pool_must_be_common_or_a_blueprint_name(settings: Settings) -> None:
    with pytest.raises(InputError, match="pool 'no/slash'") as caught:
        Worker(settings, "no/slash")
    assert caught.value.field == "pool"


def test_the_worker_command_says_what_is_wrong_with_its_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sfc", "worker", "--module", "no_such_module_here"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "cannot import handler module 'no_such_module_here'" in done.stderr


async def test_a_worker_joining_takes_no_job_the_first_one_still_holds(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    runs: Counter[str] = Counter()
    await flows.deploy("jobs", one_task("task:work"))
    first = await start_worker(
        answering("first", runs, 1.0), concurrency=8, rebalance_grace_seconds=3
    )
    await wait_until(lambda: len(first.consumer.partitions) == 4)
    ids = [await flows.start_flow("jobs", {}) for _ in range(8)]
    await wait_until(lambda: first.counts.in_flight == 8)

    # The rebalance lets the first worker finish and commit its jobs before it gives
    # partitions away, so the second one runs none of them again.
    second = await start_worker(answering("second", runs), concurrency=8)
    await wait_until(lambda: bool(second.consumer.partitions))
    await flows.wait_all(ids)
    more = [await flows.start_flow("jobs", {}) for _ in range(16)]
    outcomes = await flows.wait_all(more)

    assert set(runs.values()) == {1}, "no job ran twice"
    assert len(runs) == 24
    assert {o.output["by"] for o in outcomes.values()} == {"first", "second"}
