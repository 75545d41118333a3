"""Handlers that fail, time out or return what is not JSON: the flow's Retry and Catch apply."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from worker_support import Flows, StartWorker, caught, one_task

from sfc.core import TaskFailed
from sfc.engine import Engine
from sfc.worker import Handlers, TaskError, current_job


async def test_a_handler_that_raises_is_retried_then_caught(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    handlers = Handlers()

    @handlers.task("flaky")
    def flaky(data: dict[str, Any]) -> dict[str, Any]:
        attempt = current_job().attempt
        if attempt < data["failures"]:
            raise ValueError(f"attempt {attempt} failed")
        return {"attempt": attempt}

    retry = [{"ErrorEquals": ["ValueError"], "IntervalSeconds": 1, "MaxAttempts": 1}]
    await flows.deploy("flaky", caught("task:flaky", Retry=retry))
    worker = await start_worker(handlers)
    recovers = await flows.start_flow("flaky", {"failures": 1})
    gives_up = await flows.start_flow("flaky", {"failures": 5})

    outcomes = await flows.wait_all([recovers, gives_up])
    assert outcomes[recovers].output == {"attempt": 1}
    assert outcomes[gives_up].status == "SUCCEEDED"
    assert outcomes[gives_up].output["error"] == {
        "Error": "ValueError",
        "Cause": "attempt 1 failed",
    }
    history = await flows.events_of(gives_up)
    assert [e.attempt for e in history if e.type == "TaskScheduled"] == [0, 1]
    assert worker.counts.failed == 3
    assert worker.counts.succeeded == 1


async def test_a_task_error_that_is_not_retryable_skips_retry(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    handlers = Handlers()

    @handlers.task("order.check")
    async def check(data: dict[str, Any]) -> None:
        raise TaskError("Order.Invalid", "no lines", retryable=data["retryable"])

    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}]
    await flows.deploy("check", caught("task:order.check", Retry=retry))
    await start_worker(handlers)
    permanent = await flows.start_flow("check", {"retryable": False})
    transient = await flows.start_flow("check", {"retryable": True})

    outcomes = await flows.wait_all([permanent, transient])
    for flow_id in (permanent, transient):
        assert outcomes[flow_id].output["error"] == {"Error": "Order.Invalid", "Cause": "no lines"}
    scheduled = {
        flow_id: [e.attempt for e in await flows.events_of(flow_id) if e.type == "TaskScheduled"]
        for flow_id in (permanent, transient)
    }
    assert scheduled == {permanent: [0], transient: [0, 1]}


async def test_a_handler_past_its_timeout_is_cancelled_and_its_slot_freed(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    cancelled: list[str] = []
    handlers = Handlers()

    @handlers.task("stuck")
    async def stuck(data: dict[str, Any]) -> dict[str, Any]:
        if data.get("hang"):
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                cancelled.append(current_job().token)
                raise
        return {"quick": True}

    await flows.deploy("stuck", caught("task:stuck", TimeoutSeconds=1))
    await flows.deploy("quick", caught("task:stuck"))
    worker = await start_worker(handlers, concurrency=1)
    hangs = await flows.start_flow("stuck", {"hang": True})
    quick = await flows.start_flow("quick", {})
    began = time.monotonic()

    outcomes = await flows.wait_all([hangs, quick])
    assert outcomes[hangs].output["error"]["Error"] == "States.Timeout"
    assert outcomes[quick].output == {"quick": True}, "the only slot was freed"
    assert time.monotonic() - began < 10
    [job] = [job for _, _, job in await flows.jobs() if job.flow_id == hangs]
    assert cancelled == [job.token]
    replies = [c for c in await flows.commands() if isinstance(c, TaskFailed)]
    assert [(r.token, r.error) for r in replies] == [(job.token, "States.Timeout")]
    assert "did not finish within 1 s" in (replies[0].cause or "")
    assert worker.counts.failed == 1


async def test_output_that_is_not_json_fails_the_task_and_the_worker_carries_on(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    class Opaque:
        pass

    handlers = Handlers()

    @handlers.task("odd")
    def odd(data: dict[str, Any]) -> object:
        return {"value": Opaque()} if data.get("odd") else {"value": 1}

    await flows.deploy("odd", caught("task:odd"))
    await flows.deploy("orphan", caught("task:nobody.serves.this"))
    worker = await start_worker(handlers, concurrency=1)
    bad = await flows.start_flow("odd", {"odd": True})
    orphan = await flows.start_flow("orphan", {})
    good = await flows.start_flow("odd", {})

    outcomes = await flows.wait_all([bad, orphan, good])
    error = outcomes[bad].output["error"]
    assert error["Error"] == "SFC.InvalidOutput"
    assert "Opaque" in error["Cause"]
    assert outcomes[orphan].output["error"]["Error"] == "SFC.NoHandler"
    assert outcomes[good].output == {"value": 1}
    assert worker.ready
    assert (worker.counts.failed, worker.counts.succeeded) == (2, 1)


async def test_a_flow_without_catch_fails_with_the_handlers_error(
    flows: Flows, engine: Engine, start_worker: StartWorker
) -> None:
    handlers = Handlers()

    @handlers.task("boom")
    async def boom(data: Any) -> None:
        raise RuntimeError("kaput")

    await flows.deploy("boom", one_task("task:boom"))
    await start_worker(handlers)
    outcome = await flows.wait(await flows.start_flow("boom", {}))
    assert (outcome.status, outcome.error, outcome.cause) == ("FAILED", "RuntimeError", "kaput")
