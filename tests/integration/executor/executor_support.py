"""Helpers for executor tests: an HTTP service that misbehaves on demand, jobs, replies."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
from aiohttp import web
from aiokafka import AIOKafkaProducer, TopicPartition
from google.protobuf.descriptor_pb2 import FileDescriptorProto, FileDescriptorSet

from sfc.core import Job, TaskFailed, TaskHeartbeat, TaskSucceeded
from sfc.kafka import Topics, make_consumer, make_headers
from sfc.kafka.records import COMMAND_DECODER, ENCODER
from sfc.settings import Settings
from workers import pricing_schema


class HttpService:
    """An aiohttp server on 127.0.0.1 that echoes, fails, stalls and counts on demand.

    - ``/echo...``: any method; answers what it received (method, path, query, headers, body).
    - ``/status/{code}``: answers ``code`` with a JSON body, or ``?size=N`` bytes of text.
    - ``/slow?seconds=S``: answers after S seconds; counts calls in progress.
    - ``/text``, ``/html``, ``/badjson``, ``/empty``: 200 with such a body.
    - ``/flaky``: 503 until :attr:`healthy` is set.
    """

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.in_progress = 0
        self.most_in_progress = 0
        self.healthy = False
        self.started = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/echo{rest:.*}", self._echo)
        app.router.add_get("/status/{code}", self._status)
        app.router.add_post("/status/{code}", self._status)
        app.router.add_post("/slow", self._slow)
        app.router.add_post("/flaky", self._flaky)
        app.router.add_route("*", "/text", _fixed("hello", "text/plain"))
        app.router.add_route("*", "/html", _fixed("<html>hi</html>", "text/html"))
        app.router.add_route("*", "/badjson", _fixed("{not json", "application/json"))
        app.router.add_route("*", "/empty", self._empty)
        app.middlewares.append(self._count)
        self._runner = web.AppRunner(app, access_log=None)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()

    @web.middleware
    async def _count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.calls[request.path] += 1
        response: web.StreamResponse = await handler(request)
        return response

    async def _echo(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = msgspec.json.decode(raw) if raw else None
        except msgspec.DecodeError:
            body = raw.decode()
        return web.json_response(
            {
                "method": request.method,
                "path": request.raw_path.split("?")[0],
                "query": [[k, v] for k, v in request.query.items()],
                "headers": dict(request.headers),
                "body": body,
            }
        )

    async def _status(self, request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        size = request.query.get("size")
        if size is not None:
            return web.Response(status=code, text="é" + "x" * int(size))
        return web.json_response({"status": code}, status=code)

    async def _slow(self, request: web.Request) -> web.Response:
        self.in_progress += 1
        self.most_in_progress = max(self.most_in_progress, self.in_progress)
        self.started.set()
        try:
            seconds = float(request.query.get("seconds", "0.3"))
            await asyncio.sleep(seconds)
            return web.json_response({"slept": seconds})
        finally:
            self.in_progress -= 1

    async def _flaky(self, request: web.Request) -> web.Response:
        if not self.healthy:
            return web.json_response({"error": "down"}, status=503)
        return web.json_response({"ok": True})

    async def _empty(self, request: web.Request) -> web.Response:
        return web.Response(status=204)


def _fixed(text: str, content_type: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=text, content_type=content_type)

    return handler


def make_job(resource: str, data: Any = None, **options: Any) -> Job:
    """A job as the engine would send it, with a fresh token and flow id."""
    token = uuid.uuid4().hex
    return Job(token, f"flow-{token}", "bp", 1, "Call", resource, data, **options)


async def send_jobs(producer: AIOKafkaProducer, topics: Topics, jobs: list[Job]) -> None:
    """Produce jobs to the executor's topic, as the engine does."""
    pending = [
        await producer.send(
            topics.executor_jobs,
            ENCODER.encode(job),
            key=job.token.encode(),
            headers=make_headers("Job", job.token, flow=job.flow_id),
        )
        for job in jobs
    ]
    await asyncio.gather(*pending)


Reply = TaskSucceeded | TaskFailed


class Replies:
    """Reads what executors report to ``sfc.commands``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._consumer = make_consumer(settings.kafka)
        self.replies: dict[str, Reply] = {}
        self.heartbeats: Counter[str] = Counter()

    async def __aenter__(self) -> Replies:
        await self._consumer.start()
        topic = Topics.from_settings(self._settings.kafka).commands
        partitions = range(self._settings.kafka.partitions)
        self._consumer.assign([TopicPartition(topic, p) for p in partitions])
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._consumer.stop()

    async def wait(self, tokens: list[str], within: float = 30.0) -> dict[str, Reply]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not set(tokens) <= self.replies.keys():
            if loop.time() > deadline:
                raise AssertionError(f"{len(set(tokens) - self.replies.keys())} jobs unreported")
            await self.poll()
        return {token: self.replies[token] for token in tokens}

    async def poll(self, timeout_ms: int = 200) -> None:
        batches = await self._consumer.getmany(timeout_ms=timeout_ms)
        for records in batches.values():
            for record in records:
                message = COMMAND_DECODER.decode(record.value or b"")
                if isinstance(message, TaskSucceeded | TaskFailed):
                    self.replies[message.token] = message
                elif isinstance(message, TaskHeartbeat):
                    self.heartbeats[message.token] += 1


def pricing_descriptor_set(folder: Path) -> Path:
    """A descriptor set of ``workers/pricing.proto``, as ``protoc --descriptor_set_out`` makes."""
    proto = FileDescriptorProto()
    proto.CopyFrom(pricing_schema.file_proto())
    path = folder / "pricing.pb"
    path.write_bytes(FileDescriptorSet(file=[proto]).SerializeToString())
    return path
