"""Two-task flows through the Kafka engine: throughput and start-to-finish latency.

Starts the bundled broker, an engine (in a child process, or in this process with
``--inline``), whatever serves the two tasks (``--mode``), deploys a two-task blueprint,
then

1. full load: starts ``--flows`` flows as fast as it can and prints flows/s and the
   latency (StartFlow produced -> outcome read) p50 / p99;
2. steady load: starts flows at ``--rate`` per second for ``--seconds`` and prints the
   latency p50 / p99.

Modes (what the two tasks are):

- ``tasks`` (default): async ``task:`` jobs served by echo workers in this process;
- ``process-workers``: the same jobs served by ``sfc worker --module benchmarks.flows``
  in a child process;
- ``http``: sync HTTP calls to an aiohttp echo service in this process, made by an
  executor in this process (or in a child process with ``--executor-process``).

    python -m benchmarks.flows [--mode tasks|process-workers|http] [--executor-process]
        [--flows 5000] [--rate 100] [--seconds 10] [--inline]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from aiohttp import web
from aiokafka import TopicPartition

from sfc.broker import EmbeddedBroker
from sfc.core import StartFlow
from sfc.engine import Engine
from sfc.executor import Executor
from sfc.kafka import Topics, ensure_topics, make_consumer, make_producer
from sfc.kafka.records import ENCODER, FlowOutcome
from sfc.registry import Registry
from sfc.settings import Settings
from sfc.worker import Handlers, Worker

TWO_TASKS: dict[str, Any] = {
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


ECHO = handlers()
"""What ``sfc worker --module benchmarks.flows`` serves in ``process-workers`` mode."""


def http_tasks(url: str) -> dict[str, Any]:
    """The two-task blueprint with sync HTTP tasks: POST the input, keep the response body."""

    def task(path: str, **more: object) -> dict[str, object]:
        return {"Type": "Task", "Resource": f"{url}/{path}", "OutputPath": "$.ResponseBody", **more}

    return {"StartAt": "A", "States": {"A": task("a", Next="B"), "B": task("b", End=True)}}


class EchoService:
    """``POST /a`` and ``POST /b`` answer the JSON body with a field added, like the workers."""

    def __init__(self) -> None:
        app = web.Application()
        app.router.add_post("/a", self._field("a", 1))
        app.router.add_post("/b", self._field("b", 2))
        self._runner = web.AppRunner(app, access_log=None)
        self.url = ""

    @staticmethod
    def _field(name: str, value: int) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            body = {**msgspec.json.decode(await request.read()), name: value}
            return web.Response(body=msgspec.json.encode(body), content_type="application/json")

        return handler

    async def start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        await self._runner.cleanup()


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
        {
            "kafka": {"bootstrap_servers": broker.bootstrap_servers, "partitions": args.partitions},
            "executor": {"concurrency": 256, "per_host_limit": 256},
        }
    )
    topics = Topics.from_settings(settings.kafka)
    await ensure_topics(settings.kafka, topics.core())
    async with contextlib.AsyncExitStack() as stack:
        registry = Registry(settings.kafka)
        await registry.start()
        stack.push_async_callback(registry.stop)
        await start_engine(args, settings, registry, stack)
        blueprint = await start_task_servers(args, settings, stack)
        await registry.deploy("bench", blueprint)
        load = Load(settings)
        await load.start()
        stack.push_async_callback(load.stop)
        warm = await load.start_flows(50)
        await load.wait(warm, 60)
        await measure(load, args)


async def start_engine(
    args: argparse.Namespace,
    settings: Settings,
    registry: Registry,
    stack: contextlib.AsyncExitStack,
) -> None:
    """The engine, in this process with ``--inline``, else in a child process."""
    if args.inline:
        engine = Engine(settings, registry)
        await engine.start()
        stack.push_async_callback(engine.stop)
    else:
        await spawn(stack, settings, "engine")


async def start_task_servers(
    args: argparse.Namespace, settings: Settings, stack: contextlib.AsyncExitStack
) -> dict[str, Any]:
    """Whatever serves the two tasks in ``args.mode``; returns the blueprint to run."""
    if args.mode == "process-workers":
        command = ("worker", "--module", "benchmarks.flows", "--concurrency", "256")
        await spawn(stack, settings, *command)
        return TWO_TASKS
    if args.mode == "tasks":
        worker = Worker(settings, "common", handlers(), concurrency=256)
        await worker.start()
        stack.push_async_callback(worker.stop)
        return TWO_TASKS
    echo = EchoService()
    await echo.start()
    stack.push_async_callback(echo.stop)
    if args.executor_process:
        await spawn(stack, settings, "executor")
    else:
        executor = Executor(settings)
        await executor.start()
        stack.push_async_callback(executor.stop)
    return http_tasks(echo.url)


async def spawn(stack: contextlib.AsyncExitStack, settings: Settings, *command: str) -> None:
    """``sfc <command>`` in a child process on the benchmark's settings, stopped at the end."""
    env = {
        **os.environ,
        "SFC_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
        "SFC_KAFKA__PARTITIONS": str(settings.kafka.partitions),
        "SFC_EXECUTOR__CONCURRENCY": str(settings.executor.concurrency),
        "SFC_EXECUTOR__PER_HOST_LIMIT": str(settings.executor.per_host_limit),
        "SFC_LOG__LEVEL": os.environ.get("BENCH_ENGINE_LOG", "WARNING"),
    }
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "sfc", *command, env=env)

    async def stop() -> None:
        process.terminate()
        await process.wait()

    stack.push_async_callback(stop)


async def measure(load: Load, args: argparse.Namespace) -> None:
    """Full load, then steady load; prints flows/s and latencies."""
    ids = await load.start_flows(args.flows)
    began = time.perf_counter()
    await load.wait(ids, 300)
    elapsed = max(load.sent[f] + load.latencies[f] for f in ids) - began
    p50, p99 = percentiles([load.latencies[f] for f in ids])
    rate = args.flows / elapsed
    print(f"mode        : {describe(args)}")
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


def describe(args: argparse.Namespace) -> str:
    """Where each part of the benchmark runs."""
    engine = "engine in this process" if args.inline else "engine in a child process"
    servers = {
        "tasks": "echo workers in this process",
        "process-workers": "echo workers in a child process (sfc worker)",
        "http": "HTTP echo service in this process, executor in "
        + ("a child process" if args.executor_process else "this process"),
    }[args.mode]
    return f"{args.mode}: {engine}, {servers}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--inline", action="store_true", help="run the engine in this process")
    parser.add_argument(
        "--mode", choices=["tasks", "process-workers", "http"], default="tasks", help="the tasks"
    )
    parser.add_argument(
        "--executor-process", action="store_true", help="http mode: the executor in a child"
    )
    args = parser.parse_args()
    with EmbeddedBroker() as broker:
        asyncio.run(run(args, broker))


if __name__ == "__main__":
    main()
