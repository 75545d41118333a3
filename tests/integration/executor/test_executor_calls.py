"""One job's call against real HTTP and gRPC servers, without Kafka: requests, results, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from executor_support import HttpService, make_job, pricing_descriptor_set

from sfc.core import TaskFailed, TaskSucceeded
from sfc.errors import ConfigError
from sfc.executor import Calls
from sfc.settings import ExecutorSettings, Settings
from workers.pricing import PricingService


async def succeed(calls: Calls, resource: str, data: object = None, **options: object) -> dict:
    reply = await calls.run(make_job(resource, data, **options))
    assert isinstance(reply, TaskSucceeded), reply
    assert isinstance(reply.output, dict)
    return reply.output


async def fail(calls: Calls, resource: str, data: object = None, **options: object) -> TaskFailed:
    reply = await calls.run(make_job(resource, data, **options))
    assert isinstance(reply, TaskFailed), reply
    return reply


async def test_the_input_shapes_method_path_query_headers_and_body(
    calls: Calls, http_service: HttpService
) -> None:
    result = await succeed(
        calls,
        f"{http_service.url}/echo/items/{{sku}}",
        {
            "Method": "put",
            "PathParameters": {"sku": "a/b c"},
            "QueryParameters": {"tag": ["x", "y"], "page": 2, "skip": None},
            "Headers": {"X-Trace": "t-1", "X-Flag": True},
            "RequestBody": {"quantity": 3},
        },
    )
    assert result["StatusCode"] == 200
    assert result["StatusText"] == "OK"
    assert result["Headers"]["Content-Type"].startswith("application/json")
    echo = result["ResponseBody"]
    assert echo["method"] == "PUT"
    assert echo["path"] == "/echo/items/a%2Fb%20c"
    assert echo["query"] == [["tag", "x"], ["tag", "y"], ["page", "2"]]
    assert echo["headers"]["X-Trace"] == "t-1"
    assert echo["headers"]["X-Flag"] == "true"
    assert echo["headers"]["Content-Type"] == "application/json"
    assert echo["body"] == {"quantity": 3}


async def test_a_plain_input_is_posted_as_json_and_get_has_no_body(
    calls: Calls, http_service: HttpService
) -> None:
    posted = await succeed(calls, f"{http_service.url}/echo", {"sku": "A", "n": 1})
    assert posted["ResponseBody"]["method"] == "POST"
    assert posted["ResponseBody"]["body"] == {"sku": "A", "n": 1}
    got = await succeed(calls, f"{http_service.url}/echo", {"QueryParameters": {"q": "z"}})
    assert got["ResponseBody"]["method"] == "GET"
    assert got["ResponseBody"]["body"] is None


async def test_text_is_accepted_only_when_the_request_accepts_it(
    calls: Calls, http_service: HttpService
) -> None:
    text = await succeed(calls, f"{http_service.url}/text", {"Headers": {"Accept": "text/*"}})
    assert text["ResponseBody"] == "hello"
    failure = await fail(calls, f"{http_service.url}/text", {})
    assert failure.error == "SFC.Http.InvalidResponse"
    assert failure.retryable is False
    assert "text/plain" in (failure.cause or "")
    empty = await succeed(calls, f"{http_service.url}/empty", {})
    assert (empty["StatusCode"], empty["ResponseBody"]) == (204, None)


@pytest.mark.parametrize(
    ("status", "retryable"), [(400, False), (404, False), (408, True), (429, True), (503, True)]
)
async def test_error_statuses_are_named_and_classed(
    calls: Calls, http_service: HttpService, status: int, retryable: bool
) -> None:
    failure = await fail(calls, f"{http_service.url}/status/{status}", {})
    assert failure.error == f"SFC.Http.{status}"
    assert failure.retryable is retryable
    assert failure.cause == f'{{"status": {status}}}'


async def test_a_call_is_cut_off_at_the_jobs_timeout(
    calls: Calls, http_service: HttpService
) -> None:
    started = asyncio.get_running_loop().time()
    failure = await fail(calls, f"{http_service.url}/slow?seconds=1.5", {}, timeout_seconds=0.5)
    assert asyncio.get_running_loop().time() - started < 1.2
    assert (failure.error, failure.retryable) == ("States.Timeout", True)
    assert "0.5 s" in (failure.cause or "")


async def test_the_per_host_limit_holds_without_kafka(
    settings: Settings, http_service: HttpService
) -> None:
    calls = Calls(settings.executor.model_copy(update={"per_host_limit": 2}))
    await calls.start()
    try:
        jobs = [make_job(f"{http_service.url}/slow?seconds=0.2", {}) for _ in range(6)]
        replies = await asyncio.gather(*(calls.run(job) for job in jobs))
    finally:
        await calls.stop()
    assert all(isinstance(reply, TaskSucceeded) for reply in replies)
    assert http_service.most_in_progress == 2


async def test_a_response_over_the_size_limit_fails_the_task_permanently(
    settings: Settings, http_service: HttpService
) -> None:
    calls = Calls(settings.executor.model_copy(update={"max_response_bytes": 2048}))
    await calls.start()
    try:
        small = await succeed(calls, f"{http_service.url}/echo", {"text": "x" * 500})
        failure = await fail(calls, f"{http_service.url}/echo", {"text": "x" * 5000})
    finally:
        await calls.stop()
    assert small["ResponseBody"]["body"] == {"text": "x" * 500}
    assert (failure.error, failure.retryable) == ("SFC.Http.InvalidResponse", False)
    assert "over 2048 bytes" in (failure.cause or "")


async def test_a_resource_the_executor_does_not_call_fails_permanently(calls: Calls) -> None:
    failure = await fail(calls, "task:step.a", {})
    assert (failure.error, failure.retryable) == ("SFC.Executor.UnsupportedResource", False)


async def test_grpc_status_details_and_zero_values_come_through(
    calls: Calls, pricing: PricingService
) -> None:
    resource = f"grpc://{pricing.address}/shop.Pricing/Quote"
    quote = await succeed(calls, resource, {"sku": "SKU-1001", "quantity": 1, "currency": "CNY"})
    assert quote == {
        "sku": "SKU-1001",
        "quantity": 1,
        "currency": "CNY",
        "unitPrice": 97.5,
        "total": 97.5,
    }
    failure = await fail(calls, resource, {"sku": "SKU-1001"})  # quantity 0, the default
    assert (failure.error, failure.retryable) == ("SFC.Grpc.INVALID_ARGUMENT", False)
    assert "quantity must be at least 1" in (failure.cause or "")
    bad = await fail(calls, resource, [1, 2])
    assert (bad.error, bad.retryable) == ("SFC.Grpc.InvalidInput", False)


@pytest.fixture
async def bare_pricing() -> AsyncIterator[PricingService]:
    """The pricing service without server reflection."""
    service = PricingService(with_reflection=False)
    await service.start()
    yield service
    await service.stop()


async def test_descriptor_sets_stand_in_for_reflection(
    tmp_path: Path, calls: Calls, bare_pricing: PricingService
) -> None:
    resource = f"grpc://{bare_pricing.address}/shop.Pricing/Quote"
    blind = await fail(calls, resource, {"sku": "SKU-1001", "quantity": 2})
    assert (blind.error, blind.retryable) == ("SFC.Grpc.UNIMPLEMENTED", False)
    assert "no server reflection" in (blind.cause or "")
    settings = ExecutorSettings(descriptor_sets=[pricing_descriptor_set(tmp_path)])
    informed = Calls(settings)
    await informed.start()
    try:
        quote = await succeed(informed, resource, {"sku": "SKU-1001", "quantity": 2})
    finally:
        await informed.stop()
    assert quote["total"] == 25.0


def test_an_unreadable_descriptor_set_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pb"
    broken.write_bytes(b"\xff\xff not a descriptor set")
    with pytest.raises(ConfigError, match=r"broken\.pb"):
        Calls(ExecutorSettings(descriptor_sets=[broken]))
    with pytest.raises(ConfigError, match=r"missing\.pb"):
        Calls(ExecutorSettings(descriptor_sets=[tmp_path / "missing.pb"]))
