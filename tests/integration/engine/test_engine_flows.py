"""The engine against the real broker: flows, redeliveries, restarts, versions."""

from __future__ import annotations

import asyncio
import time

import msgspec
from aiokafka import TopicPartition
from engine_support import TWO_TASKS, Kafka, echo_handlers

from sfc.core import Job, Pause, Resume, TaskSucceeded
from sfc.engine import Engine
from sfc.kafka import make_consumer
from sfc.kafka.records import PauseBlueprint
from sfc.settings import Settings
from sfc.worker import Worker
from tests.integration.waiting import wait_until


async def test_two_task_flows_run_to_completion_with_their_history(
    kafka: Kafka, engine: Engine, worker: Worker
) -> None:
    await kafka.registry.deploy("two", TWO_TASKS)
    ids = await kafka.start_flows("two", 50)
    outcomes = await kafka.wait_outcomes(ids)
    assert {o.status for o in outcomes.values()} == {"SUCCEEDED"}
    assert outcomes[ids[7]].output == {"i": 7, "a": 1, "b": 2}
    await kafka.read_history()
    types = [e.type for e in kafka.events_of(ids[0])]
    assert types == [
        "FlowStarted",
        "StateEntered",
        "TaskScheduled",
        "TaskSucceeded",
        "StateExited",
        "StateEntered",
        "TaskScheduled",
        "TaskSucceeded",
        "StateExited",
        "FlowSucceeded",
    ]
    assert kafka.conflicts == []


class Jobs:
    """Reads the jobs the engine sends to the common pool."""

    def __init__(self, settings: Settings, kafka: Kafka) -> None:
        self._consumer = make_consumer(settings.kafka)
        self._topic = kafka.topics.common_jobs
        self._partitions = settings.kafka.partitions

    async def __aenter__(self) -> Jobs:
        await self._consumer.start()
        self._consumer.assign([TopicPartition(self._topic, p) for p in range(self._partitions)])
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._consumer.stop()

    async def take(self, count: int = 1, within: float = 15.0) -> list[Job]:
        jobs: list[Job] = []
        deadline = time.monotonic() + within
        while len(jobs) < count and time.monotonic() < deadline:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                jobs += [msgspec.json.decode(r.value or b"", type=Job) for r in records]
        return jobs


async def test_a_result_delivered_twice_is_applied_once(
    settings: Settings, kafka: Kafka, engine: Engine
) -> None:
    await kafka.registry.deploy("two", TWO_TASKS)
    async with Jobs(settings, kafka) as jobs:
        (flow,) = await kafka.start_flows("two", 1)
        (job_a,) = await jobs.take()
        await kafka.send(TaskSucceeded("r1", flow, job_a.token, {"from": "first"}))
        await kafka.send(TaskSucceeded("r2", flow, job_a.token, {"from": "second"}))
        (job_b,) = await jobs.take()
        assert job_b.input == {"from": "first"}
        await kafka.send(TaskSucceeded("r3", flow, job_b.token, {"done": True}))
        await kafka.send(TaskSucceeded("r3", flow, job_b.token, {"done": True}))
        outcome = (await kafka.wait_outcomes([flow]))[flow]
        assert outcome.output == {"done": True}
        assert await jobs.take(within=1.0) == []
    await kafka.read_history()
    types = [e.type for e in kafka.events_of(flow)]
    assert types.count("TaskSucceeded") == 2
    assert types.count("FlowSucceeded") == 1
    assert kafka.duplicate_outcomes == 0


async def test_a_paused_flow_stays_paused_across_an_engine_restart(
    settings: Settings, kafka: Kafka
) -> None:
    await kafka.registry.deploy("two", TWO_TASKS)
    first = Engine(settings)
    await first.start()
    await wait_until(lambda: len(first.partitions) == settings.kafka.partitions)
    async with Jobs(settings, kafka) as jobs:
        (flow,) = await kafka.start_flows("two", 1)
        (job_a,) = await jobs.take()
        await kafka.send(Pause("p1", flow))
        await kafka.send(TaskSucceeded("r1", flow, job_a.token, {"a": 1}))
        await asyncio.sleep(1.0)
        await first.stop()
        second = Engine(settings)
        await second.start()
        try:
            await wait_until(lambda: len(second.partitions) == settings.kafka.partitions)
            assert await jobs.take(within=2.0) == [], "a paused flow scheduled a job"
            await kafka.send(Resume("r2", flow))
            (job_b,) = await jobs.take()
            assert job_b.input == {"a": 1}
            await kafka.send(TaskSucceeded("r3", flow, job_b.token, {"b": 2}))
            outcome = (await kafka.wait_outcomes([flow]))[flow]
            assert outcome.status == "SUCCEEDED"
        finally:
            await second.stop()


WAIT_THEN_PASS = {
    "StartAt": "Sleep",
    "States": {
        "Sleep": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": "woke", "ResultPath": "$.state", "End": True},
    },
}


async def test_a_wait_timer_fires_after_an_engine_restart(settings: Settings, kafka: Kafka) -> None:
    await kafka.registry.deploy("sleepy", WAIT_THEN_PASS)
    first = Engine(settings)
    await first.start()
    await wait_until(lambda: len(first.partitions) == settings.kafka.partitions)
    started = time.monotonic()
    (flow,) = await kafka.start_flows("sleepy", 1)
    await wait_until(lambda: first.flows == 1)
    await first.stop()
    second = Engine(settings)
    await second.start()
    try:
        outcome = (await kafka.wait_outcomes([flow], within=30))[flow]
        assert outcome.status == "SUCCEEDED"
        assert outcome.output == {"i": 0, "state": "woke"}
        assert time.monotonic() - started >= 3.0
    finally:
        await second.stop()


async def test_flows_keep_their_version_when_a_new_one_is_deployed(
    settings: Settings, kafka: Kafka, engine: Engine
) -> None:
    v1 = await kafka.registry.deploy("two", TWO_TASKS)
    old = await kafka.start_flows("two", 5, version=v1.version)
    await wait_until(lambda: engine.flows == 5)
    changed = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "task:step.a", "Next": "Mark"},
            "Mark": {"Type": "Pass", "Result": 2, "ResultPath": "$.v", "End": True},
        },
    }
    v2 = await kafka.registry.deploy("two", changed)
    new = await kafka.start_flows("two", 5)
    worker = Worker(settings, "common", echo_handlers())
    await worker.start()
    try:
        outcomes = await kafka.wait_outcomes(old + new)
    finally:
        await worker.stop()
    assert {outcomes[f].version for f in old} == {v1.version}
    assert {outcomes[f].version for f in new} == {v2.version}
    assert outcomes[old[0]].output == {"i": 0, "a": 1, "b": 2}
    assert outcomes[new[0]].output == {"i": 0, "a": 1, "v": 2}


async def test_pausing_a_blueprint_pauses_its_running_flows(
    settings: Settings, kafka: Kafka, engine: Engine
) -> None:
    await kafka.registry.deploy("two", TWO_TASKS)
    async with Jobs(settings, kafka) as jobs:
        flows = await kafka.start_flows("two", 3)
        first_jobs = await jobs.take(3)
        for partition in range(settings.kafka.partitions):
            await kafka.producer.send_and_wait(
                kafka.topics.commands,
                msgspec.json.encode(PauseBlueprint("pb1", "two")),
                partition=partition,
            )
        for job in first_jobs:
            await kafka.send(TaskSucceeded(f"r-{job.token}", job.flow_id, job.token, {}))
        assert await jobs.take(within=2.0) == []
        await wait_until(lambda: all(_paused(engine, f) for f in flows))


def _paused(engine: Engine, flow_id: str) -> bool:
    for partition in engine.partitions.values():
        flow = partition.get(flow_id)
        if flow is not None:
            return flow.paused
    return False
