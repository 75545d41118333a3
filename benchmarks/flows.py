"""Two-task flows through the Kafka engine: throughput and start-to-finish latency.

Starts the bundled broker, an engine (in a child process, or in this process with
``--inline``), in-process echo workers, deploys a two-task blueprint, then

1. full load: starts ``--flows`` flows as fast as it can and prints flows/s and the
   latency (StartFlow produced -> outcome read) p50 / p99;
2. steady load: starts flows at ``--rate`` per second for ``--seconds`` and prints the
   latency p50 / p99.

    python -m benchmarks.flows [--flows 5000] [--rate 100] [--seconds 10] [--inline]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid

import msgspec
from aiokafka import TopicPartition

from sfc.broker import EmbeddedBroker
from sfc.core import StartFlow
from sfc.engine import Engine
from sfc.kafka import Topics, ensure_topics, make_consumer, make_producer
from sfc.kafka.records import ENCODER, FlowOutcome
from sfc.registry import Registry
from sfc.settings import Settings
from sfc.worker import Handlers, Worker

TWO_TASKS = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Task", "Resource": "task:step.a", "Next": "B"},
        "B": {"Type": "Task", "Resource": "task:step.b", "End": True},
    },
}


def handlers() -> Handlers:
    """The two echo handlers."""
    echo = Handlers()

    @echo.task("step.a")
    async def step_a(data: dict[str, object]) -> dict[str, object]:
        return {**data, "a": 1}

    @echo.task("step.b")
    async def step_b(data: dict[str, object]) -> dict[str, object]:
        return {**data, "b": 2}

    return echo


class Load:
    """Starts flows and times them until their outcome arrives."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.producer = make_producer(settings.kafka)
        self.outcomes = make_consumer(settings.kafka)
        self.sent: dict[str, float] = {}
        self.latencies: dict[str, float] = {}
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.producer.start()
        await self.outcomes.start()
        partitions = [
            TopicPartition(self.topics.outcomes, p) for p in range(self.settings.kafka.partitions)
        ]
        self.outcomes.assign(partitions)
        await self.outcomes.seek_to_end(*partitions)
        self._reader = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.outcomes.stop()
        await self.producer.stop()

    async def _read(self) -> None:
        decoder = msgspec.json.Decoder(FlowOutcome)
        while True:
            batches = await self.outcomes.getmany(timeout_ms=50)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    flow = decoder.decode(record.value or b"").flow_id
                    if flow in self.sent and flow not in self.latencies:
                        self.latencies[flow] = now - self.sent[flow]

    async def start_flows(self, count: int) -> list[str]:
        ids = [str(uuid.uuid4()) for _ in range(count)]
        pending = []
        for flow in ids:
            self.sent[flow] = time.perf_counter()
            value = ENCODER.encode(StartFlow(flow, flow, "bench", {"i": 1}))
            pending.append(await self.producer.send(self.topics.commands, value, key=flow.encode()))
        await asyncio.gather(*pending)
        return ids

    async def wait(self, ids: list[str], patience: float) -> None:
        deadline = time.perf_counter() + patience
        while any(f not in self.latencies for f in ids):
            if time.perf_counter() > deadline:
                raise SystemExit(f"{sum(f not in self.latencies for f in ids)} flows did not end")
            await asyncio.sleep(0.01)


def percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


async def run(args: argparse.Namespace, broker: EmbeddedBroker) -> None:
    settings = Settings.model_validate(
        {"kafka": {"bootstrap_servers": broker.bootstrap_servers, "partitions": args.partitions}}
    )
    topics = Topics.from_settings(settings.kafka)
    await ensure_topics(settings.kafka, topics.core())
    registry = Registry(settings.kafka)
    await registry.start()
    await registry.deploy("bench", TWO_TASKS)
    engine_process = None
    engine = None
    if args.inline:
        engine = Engine(settings, registry)
        await engine.start()
    else:
        env = {
            **os.environ,
            "SFC_KAFKA__BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "SFC_KAFKA__PARTITIONS": str(args.partitions),
            "SFC_LOG__LEVEL": os.environ.get("BENCH_ENGINE_LOG", "WARNING"),
        }
        engine_process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sfc", "engine", env=env
        )
    worker = Worker(settings, "common", handlers(), concurrency=256)
    await worker.start()
    load = Load(settings)
    await load.start()
    warm = await load.start_flows(50)
    await load.wait(warm, 60)

    ids = await load.start_flows(args.flows)
    began = time.perf_counter()
    await load.wait(ids, 300)
    elapsed = max(load.sent[f] + load.latencies[f] for f in ids) - began
    p50, p99 = percentiles([load.latencies[f] for f in ids])
    rate = args.flows / elapsed
    print(f"full load   : {args.flows} flows in {elapsed:.2f}s = {rate:,.0f} flows/s")
    print(f"              latency p50 {p50:.1f} ms, p99 {p99:.1f} ms")

    steady: list[str] = []
    interval = 1 / args.rate
    next_at = time.perf_counter()
    for _ in range(int(args.rate * args.seconds)):
        steady += await load.start_flows(1)
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await load.wait(steady, 60)
    p50, p99 = percentiles([load.latencies[f] for f in steady])
    print(f"steady load : {args.rate} flows/s for {args.seconds}s")
    print(f"              latency p50 {p50:.1f} ms, p99 {p99:.1f} ms")

    await load.stop()
    await worker.stop()
    if engine is not None:
        await engine.stop()
    if engine_process is not None:
        engine_process.terminate()
        await engine_process.wait()
    await registry.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--inline", action="store_true", help="run the engine in this process")
    args = parser.parse_args()
    with EmbeddedBroker() as broker:
        asyncio.run(run(args, broker))


if __name__ == "__main__":
    main()
