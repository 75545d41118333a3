"""One job, one call: pick the client, bound the call, and turn its outcome into the reply."""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

from sfc.core import Job, TaskFailed, TaskSucceeded
from sfc.core.blueprint import Resource, ResourceKind, parse_resource
from sfc.core.blueprint.resources import ResourceError
from sfc.core.types import Json
from sfc.executor import metrics
from sfc.executor.errors import (
    EXECUTOR_ERROR,
    TIMEOUT,
    UNSUPPORTED_RESOURCE,
    CallError,
    truncate,
)
from sfc.executor.grpc import GrpcClient
from sfc.executor.http import HttpClient
from sfc.executor.reflection import Descriptors
from sfc.settings import ExecutorSettings

log = logging.getLogger(__name__)

Reply = TaskSucceeded | TaskFailed


class Calls:
    """Makes the HTTP or gRPC call a job asks for and makes the job's reply.

    At most ``per_host_limit`` calls to one ``host:port`` run at once; the others wait
    for a slot. A call's timeout (the job's ``timeoutSeconds``, else
    ``default_timeout_seconds``) starts when it has its slot.

    Args:
        settings: The executor's settings.

    Raises:
        ConfigError: A descriptor set named in the settings cannot be used.
    """

    def __init__(self, settings: ExecutorSettings) -> None:
        self.settings = settings
        self.http = HttpClient(settings)
        self.grpc = GrpcClient(Descriptors(settings.descriptor_sets))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def start(self) -> None:
        """Open the HTTP connection pool."""
        await self.http.start()

    async def stop(self) -> None:
        """Close every connection."""
        await self.http.stop()
        await self.grpc.stop()

    async def run(self, job: Job) -> Reply:
        """Make the job's call and return its reply; never raises for a failed call."""
        message_id = f"{job.token}:reply"
        started = time.perf_counter()
        kind = "unknown"
        try:
            resource = _resource(job.resource)
            kind = resource.kind.value
            output = await self._call(resource, job)
        except CallError as failure:
            reply: Reply = TaskFailed(
                message_id,
                job.flow_id,
                job.token,
                failure.error,
                truncate(failure.cause, self.settings.max_cause_bytes),
                failure.retryable,
            )
            log.debug("%s for %s failed: %s", job.resource, job.flow_id, failure.message)
        else:
            reply = TaskSucceeded(message_id, job.flow_id, job.token, output)
        metrics.CALL_SECONDS.labels(kind).observe(time.perf_counter() - started)
        result = reply.error if isinstance(reply, TaskFailed) else "ok"
        metrics.CALLS.labels(kind, result).inc()
        return reply

    async def _call(self, resource: Resource, job: Job) -> Json:
        timeout = job.timeout_seconds or self.settings.default_timeout_seconds
        async with self._slot(_host(resource)):
            try:
                async with asyncio.timeout(timeout):
                    return await self._dispatch(resource, job.input, timeout)
            except TimeoutError:
                cause = f"{job.resource} did not answer within {timeout:g} s"
                raise CallError(TIMEOUT, cause, retryable=True) from None
            except CallError:
                raise
            except Exception as exc:  # a bug or an I/O error no client mapped: still a reply
                log.exception("calling %s failed unexpectedly", job.resource)
                cause = f"{type(exc).__name__}: {exc}"
                raise CallError(EXECUTOR_ERROR, cause, retryable=True) from None

    async def _dispatch(self, resource: Resource, data: Json, deadline: float) -> Json:
        if resource.kind is ResourceKind.HTTP:
            return await self.http.call(resource.name, data)
        assert resource.address is not None  # parse_resource sets it for grpc://
        return await self.grpc.call(resource.address, resource.name, data, deadline)

    def _slot(self, host: str) -> asyncio.Semaphore:
        """The per-host limit of ``host``: hold it while calling."""
        limit = self._hosts.get(host)
        if limit is None:
            limit = self._hosts[host] = asyncio.Semaphore(self.settings.per_host_limit)
        return limit


def _resource(uri: str) -> Resource:
    try:
        resource = parse_resource(uri)
    except ResourceError as exc:
        raise CallError(UNSUPPORTED_RESOURCE, exc.message, retryable=False) from None
    if resource.kind not in (ResourceKind.HTTP, ResourceKind.GRPC):
        cause = f"{uri} is not an http(s):// or grpc:// resource; the executor only calls those"
        raise CallError(UNSUPPORTED_RESOURCE, cause, retryable=False)
    return resource


def _host(resource: Resource) -> str:
    """What the per-host limit counts by: ``scheme://host:port``."""
    if resource.kind is ResourceKind.GRPC:
        return f"grpc://{resource.address}"
    parts = urlsplit(resource.name)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"
