"""Flows survive engines killed with SIGKILL while another engine runs."""

from __future__ import annotations

import asyncio
import uuid

from engine_support import TWO_TASKS, EngineProcess, Kafka, echo_handlers

from sfc.core import StartFlow
from sfc.kafka.records import ENCODER
from sfc.settings import Settings
from sfc.worker import Worker

FLOWS = 1000


async def _start_steadily(kafka: Kafka, ids: list[str], per_second: int) -> None:
    for offset in range(0, len(ids), per_second // 10):
        chunk = ids[offset : offset + per_second // 10]
        pending = [
            await kafka.producer.send(
                kafka.topics.commands,
                ENCODER.encode(StartFlow(f, f, "two", {"i": f})),
                key=f.encode(),
            )
            for f in chunk
        ]
        await asyncio.gather(*pending)
        await asyncio.sleep(0.1)


async def test_every_flow_ends_exactly_once_across_two_sigkills(
    settings: Settings, kafka: Kafka, engine_processes: list[EngineProcess]
) -> None:
    await kafka.registry.deploy("two", TWO_TASKS)
    first, second = EngineProcess(settings), EngineProcess(settings)
    engine_processes += [first, second]
    first.start()
    second.start()
    worker = Worker(settings, "common", echo_handlers())
    await worker.start()
    ids = [str(uuid.uuid4()) for _ in range(FLOWS)]
    try:
        producing = asyncio.create_task(_start_steadily(kafka, ids, per_second=100))
        for victim, after in ((first, FLOWS * 3 // 10), (second, FLOWS * 6 // 10)):
            await _wait_for_outcomes(kafka, after, engine_processes)
            victim.kill()
            replacement = EngineProcess(settings)
            engine_processes.append(replacement)
            replacement.start()
        await producing
        await _wait_for_outcomes(kafka, FLOWS, engine_processes)
        outcomes = await kafka.wait_outcomes(ids, within=10)
    finally:
        await worker.stop()

    assert {o.status for o in outcomes.values()} == {"SUCCEEDED"}
    assert all(outcomes[f].output == {"i": f, "a": 1, "b": 2} for f in ids)
    await kafka.read_history(idle_ms=2000)
    assert kafka.conflicts == [], "a replay produced a different history"
    for flow in ids:
        events = kafka.events_of(flow)
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), flow
        entered = [e.state for e in events if e.type == "StateEntered"]
        assert entered == ["A", "B"], f"{flow} entered {entered}"
        assert [e.type for e in events].count("FlowSucceeded") == 1


async def _wait_for_outcomes(kafka: Kafka, count: int, engines: list[EngineProcess]) -> None:
    async def enough() -> None:
        while len(kafka.outcomes) < count:
            for engine in engines:
                engine.check()
            await kafka.poll_outcomes()

    await asyncio.wait_for(enough(), 120)
