"""The executor on the real broker, without an engine: jobs in, replies out, offsets committed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import aiohttp
from aiokafka import TopicPartition
from executor_support import HttpService, Replies, make_job, send_jobs

from sfc.core import TaskSucceeded
from sfc.executor import Executor
from sfc.kafka import Topics, make_consumer, make_producer
from sfc.net import free_port
from sfc.settings import Settings
from tests.integration.waiting import wait_until


async def test_calls_to_one_host_never_exceed_the_per_host_limit(
    settings: Settings, topics: Topics, http_service: HttpService
) -> None:
    settings.executor.per_host_limit = 3
    settings.executor.concurrency = 20
    executor = Executor(settings)
    await executor.start()
    producer = make_producer(settings.kafka)
    await producer.start()
    try:
        jobs = [make_job(f"{http_service.url}/slow?seconds=0.3", {"n": n}) for n in range(12)]
        async with Replies(settings) as replies:
            await send_jobs(producer, topics, jobs)
            answered = await replies.wait([job.token for job in jobs])
    finally:
        await producer.stop()
        await executor.stop()
    assert all(isinstance(reply, TaskSucceeded) for reply in answered.values())
    assert answered[jobs[0].token].output["ResponseBody"] == {"slept": 0.3}
    assert http_service.calls["/slow"] == 12
    assert http_service.most_in_progress == 3


async def test_stop_finishes_and_reports_the_calls_in_flight_then_commits(
    settings: Settings, topics: Topics, executor: Executor, http_service: HttpService
) -> None:
    producer = make_producer(settings.kafka)
    await producer.start()
    jobs = [
        make_job(f"{http_service.url}/slow?seconds=1.5", {"n": n}, heartbeat_seconds=0.5)
        for n in range(3)
    ]
    try:
        await send_jobs(producer, topics, jobs)
    finally:
        await producer.stop()
    await wait_until(lambda: http_service.in_progress == 3)
    await executor.stop()
    assert http_service.in_progress == 0
    async with Replies(settings) as replies:
        answered = await replies.wait([job.token for job in jobs], within=10)
    assert all(isinstance(reply, TaskSucceeded) for reply in answered.values())
    assert min(replies.heartbeats[job.token] for job in jobs) >= 2
    assert await committed(settings, topics) == 3


async def committed(settings: Settings, topics: Topics) -> int:
    """How many jobs the executors' group has committed, over every partition."""
    consumer: Any = make_consumer(settings.kafka, group_id=settings.executor.group_id)
    await consumer.start()
    try:
        total = 0
        for partition in range(settings.kafka.partitions):
            offset = await consumer.committed(TopicPartition(topics.executor_jobs, partition))
            total += offset or 0
        return total
    finally:
        await consumer.stop()


async def test_sfc_executor_serves_jobs_health_and_metrics_until_sigterm(
    settings: Settings, topics: Topics, http_service: HttpService
) -> None:
    port = free_port()
    kafka = settings.kafka
    env = {
        **os.environ,
        "SFC_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "SFC_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
        "SFC_KAFKA__PARTITIONS": str(kafka.partitions),
        "SFC_EXECUTOR__GROUP_ID": settings.executor.group_id,
        "SFC_EXECUTOR__PORT": str(port),
        "SFC_LOG__LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sfc", "executor", env=env, stdin=subprocess.DEVNULL
    )
    producer = make_producer(kafka)
    await producer.start()
    try:
        job = make_job(f"{http_service.url}/echo", {"from": "child"})
        async with Replies(settings) as replies:
            await send_jobs(producer, topics, [job])
            reply = (await replies.wait([job.token]))[job.token]
        assert isinstance(reply, TaskSucceeded)
        assert reply.output["ResponseBody"]["body"] == {"from": "child"}
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/readyz") as ready:
                assert ready.status == 200
            async with session.get(f"http://127.0.0.1:{port}/metrics") as metrics:
                text = await metrics.text()
        assert 'sfc_executor_calls_total{kind="http",result="ok"} 1.0' in text
    finally:
        await producer.stop()
        process.terminate()
        code = await asyncio.wait_for(process.wait(), 15)
    assert code == 0
