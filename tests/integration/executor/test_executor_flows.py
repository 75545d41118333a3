"""Blueprints with HTTP and gRPC Tasks, run by a real engine and executor on the real broker."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
from executor_support import HttpService

from sfc.core import StartFlow
from sfc.executor import Executor
from sfc.net import free_port
from tests.integration.waiting import wait_until
from workers.inventory import InventoryService
from workers.pricing import PricingService


def single_task(resource: str, **task: Any) -> dict[str, Any]:
    """A blueprint of one Task state, with extra fields for the state."""
    return {
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": resource, "End": True, **task}},
    }


async def start(kafka: Any, blueprint: str, data: Any) -> str:
    flow = str(uuid.uuid4())
    await kafka.send(StartFlow(flow, flow, blueprint, data))
    return flow


async def test_an_order_reserves_over_http_and_is_priced_over_grpc(
    kafka: Any, conductor: Executor, inventory: InventoryService, pricing: PricingService
) -> None:
    order = {
        "StartAt": "Reserve",
        "States": {
            "Reserve": {
                "Type": "Task",
                "Resource": f"{inventory.url}/reserve",
                "Parameters": {"RequestBody": {"sku.$": "$.sku", "quantity.$": "$.quantity"}},
                "ResultSelector": {
                    "status.$": "$.StatusCode",
                    "remaining.$": "$.ResponseBody.remaining",
                },
                "ResultPath": "$.reservation",
                "Next": "Price",
            },
            "Price": {
                "Type": "Task",
                "Resource": f"grpc://{pricing.address}/shop.Pricing/Quote",
                "Parameters": {"sku.$": "$.sku", "quantity.$": "$.quantity", "currency": "USD"},
                "ResultPath": "$.quote",
                "End": True,
            },
        },
    }
    await kafka.registry.deploy("order", order)
    flow = await start(kafka, "order", {"sku": "SKU-1002", "quantity": 2})
    outcome = (await kafka.wait_outcomes([flow]))[flow]
    assert outcome.status == "SUCCEEDED", outcome
    assert outcome.output == {
        "sku": "SKU-1002",
        "quantity": 2,
        "reservation": {"status": 200, "remaining": 23},
        "quote": {
            "sku": "SKU-1002",
            "quantity": 2,
            "currency": "USD",
            "unitPrice": 52.92,
            "total": 105.84,
        },
    }
    assert inventory.stock["SKU-1002"] == 23
    await kafka.read_history()
    types = [event.type for event in kafka.events_of(flow)]
    assert types.count("TaskSucceeded") == 2


async def test_every_failure_reaches_the_flow_under_its_error_name(
    kafka: Any, conductor: Executor, http_service: HttpService, pricing: PricingService
) -> None:
    url, grpc = http_service.url, f"grpc://{pricing.address}"
    cases = {
        "not-found": (f"{url}/status/404", "SFC.Http.404"),
        "server-error": (f"{url}/status/500?size=5000", "SFC.Http.500"),
        "slow": (f"{url}/slow?seconds=4", "States.Timeout"),
        "refused": (f"http://127.0.0.1:{free_port()}/x", "SFC.Http.ConnectionError"),
        "html": (f"{url}/html", "SFC.Http.InvalidResponse"),
        "bad-json": (f"{url}/badjson", "SFC.Http.InvalidResponse"),
        "no-method": (f"{grpc}/shop.Pricing/Discount", "SFC.Grpc.UNIMPLEMENTED"),
        "no-service": (f"{grpc}/shop.Shipping/Quote", "SFC.Grpc.NOT_FOUND"),
        "grpc-down": (f"grpc://127.0.0.1:{free_port()}/shop.Pricing/Quote", "SFC.Grpc.UNAVAILABLE"),
    }
    data = {"sku": "SKU-1001", "quantity": 1}
    flows = {}
    for name, (resource, _) in cases.items():
        await kafka.registry.deploy(name, single_task(resource))
        flows[name] = await start(kafka, name, data)
    await kafka.registry.deploy("bad-input", single_task(f"{grpc}/shop.Pricing/Quote"))
    flows["bad-input"] = await start(kafka, "bad-input", {"sku": "SKU-1001", "quantity": "many"})
    cases["bad-input"] = ("", "SFC.Grpc.InvalidInput")
    outcomes = await kafka.wait_outcomes(list(flows.values()))
    errors = {name: (outcomes[flow].status, outcomes[flow].error) for name, flow in flows.items()}
    assert errors == {name: ("FAILED", error) for name, (_, error) in cases.items()}
    cause = outcomes[flows["server-error"]].cause
    assert cause is not None
    assert len(cause.encode()) <= 200
    assert cause.startswith("éxxx")
    assert cause.endswith("...[truncated]")
    assert "Discount" in (outcomes[flows["no-method"]].cause or "")


async def test_retry_on_503_succeeds_once_the_service_recovers(
    kafka: Any, conductor: Executor, inventory: InventoryService
) -> None:
    retrying = single_task(
        f"{inventory.url}/reserve",
        Retry=[
            {"ErrorEquals": ["SFC.Http.503"], "IntervalSeconds": 1, "MaxAttempts": 6},
        ],
        OutputPath="$.ResponseBody",
    )
    await kafka.registry.deploy("retrying", retrying)
    async with aiohttp.ClientSession() as session:
        await session.post(f"{inventory.url}/admin/flaky", json={"failEvery": 1})
        flow = await start(kafka, "retrying", {"sku": "SKU-1001", "quantity": 5})
        await wait_until(lambda: inventory.calls >= 2)
        await session.post(f"{inventory.url}/admin/flaky", json={"failEvery": 0})
    outcome = (await kafka.wait_outcomes([flow]))[flow]
    assert outcome.status == "SUCCEEDED", outcome
    assert outcome.output["remaining"] == 95
    assert inventory.reservations == 1
    await kafka.read_history()
    failures = [e for e in kafka.events_of(flow) if e.type == "TaskFailed"]
    assert len(failures) == inventory.calls - 1 >= 2
    assert {e.error for e in failures} == {"SFC.Http.503"}


async def test_a_permanent_failure_skips_retry_and_is_caught(
    kafka: Any, conductor: Executor, http_service: HttpService, pricing: PricingService
) -> None:
    caught = {"Type": "Pass", "Result": "caught", "ResultPath": "$.handled", "End": True}
    http = single_task(
        f"{http_service.url}/status/404",
        Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3}],
        Catch=[{"ErrorEquals": ["SFC.Http.404"], "ResultPath": "$.error", "Next": "Caught"}],
    )
    http["States"]["Caught"] = caught
    grpc = single_task(
        f"grpc://{pricing.address}/shop.Pricing/Quote",
        Catch=[{"ErrorEquals": ["SFC.Grpc.NOT_FOUND"], "ResultPath": "$.error", "Next": "Caught"}],
    )
    grpc["States"]["Caught"] = caught
    await kafka.registry.deploy("http-catch", http)
    await kafka.registry.deploy("grpc-catch", grpc)
    flows = [
        await start(kafka, "http-catch", {"RequestBody": {}}),
        await start(kafka, "grpc-catch", {"sku": "SKU-0000", "quantity": 1}),
    ]
    outcomes = await kafka.wait_outcomes(flows)
    http_out, grpc_out = (outcomes[flow].output for flow in flows)
    assert http_out["handled"] == "caught"
    assert http_out["error"] == {"Error": "SFC.Http.404", "Cause": '{"status": 404}'}
    assert http_service.calls["/status/404"] == 1, "a non-retryable failure was retried"
    assert grpc_out["handled"] == "caught"
    not_found = {"Error": "SFC.Grpc.NOT_FOUND", "Cause": "no price for SKU SKU-0000"}
    assert grpc_out["error"] == not_found
