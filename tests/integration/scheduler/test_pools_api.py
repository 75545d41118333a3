"""``/api/v1/pools`` and ``sfc pool``: pools with their workers, pending jobs and advice;
changes that the running scheduler applies; clear errors for bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from conftest import StartScheduler
from scheduler_support import TWO_STEPS
from typer.testing import CliRunner

from sfc.cli.main import app as cli
from sfc.gateway import GatewayServices, create_app, open_services
from sfc.kafka import Topics
from sfc.settings import Settings

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def services(settings: Settings, topics: Topics) -> AsyncIterator[GatewayServices]:
    async with open_services(settings) as started:
        yield started


@pytest.fixture
async def client(services: GatewayServices) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(services))) as running:
        yield running


async def pools(client: Client) -> dict[str, Any]:
    response = await client.get("/api/v1/pools")
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


def pool(body: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in body["items"] if p["name"] == name)
    return found


async def until(client: Client, check: Any, within: float = 30.0) -> dict[str, Any]:
    """GET the pools until ``check(body)`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        body = await pools(client)
        if check(body):
            return body
        assert loop.time() < deadline, f"not in time: {body}"
        await asyncio.sleep(0.2)


async def error(client: Client, method: str, path: str, body: Any, status: int) -> str:
    response = await client.request(method, path, json=body)
    assert response.status == status, await response.text()
    answer = await response.json()
    message: str = answer["error"]["message"]
    return message


async def test_the_api_lists_pools_with_their_workers_and_applies_changes(
    client: Client, services: GatewayServices, start_scheduler: StartScheduler
) -> None:
    scheduler = await start_scheduler()
    body = await until(client, lambda b: pool(b, "common")["ready"] == 1)
    common = pool(body, "common")
    assert common["modules"] == ["pool_v1"]
    assert (common["source"], common["desired"], common["pending"]) == ("settings", 1, 0)
    assert body["scheduler"]["id"] == scheduler.id

    answer = await client.post("/api/v1/pools/common/scale", json={"replicas": 2})
    assert answer.status == 200
    assert (await answer.json())["replicas"] == 2
    await until(client, lambda b: pool(b, "common")["ready"] == 2)
    await client.post("/api/v1/pools/common/scale", json={"replicas": None})
    body = await until(client, lambda b: pool(b, "common")["desired"] == 1)
    assert pool(body, "common")["replicas"] is None

    registry = services.registry
    await registry.deploy("vip", {**TWO_STEPS, "Sla": "high"})
    await registry.deploy("own", {**TWO_STEPS, "messageType": "specific"})
    advice = {a["blueprint"]: a for a in (await pools(client))["advice"]}
    assert advice["vip"]["reasons"] == ["high SLA"]
    assert '"messageType": "specific"' in advice["vip"]["message"]
    assert advice["own"]["reasons"] == ["no pool"]

    answer = await client.put("/api/v1/pools/own", json={"modules": ["pool_v1"], "maxReplicas": 2})
    assert answer.status == 200
    stored = await answer.json()
    assert (stored["source"], stored["minReplicas"], stored["maxReplicas"]) == ("api", 1, 2)
    body = await until(client, lambda b: "own" in {p["name"] for p in b["items"]})
    assert "own" not in {a["blueprint"] for a in body["advice"]}
    await until(client, lambda b: pool(b, "own")["ready"] == 1)
    one = await client.get("/api/v1/pools/own")
    assert (await one.json())["ready"] == 1


async def test_bad_pool_changes_are_refused_with_clear_errors(
    client: Client, services: GatewayServices
) -> None:
    assert "unknown pool 'nope'" in await error(
        client, "PUT", "/api/v1/pools/nope", {"modules": ["pool_v1"]}, 400
    )
    assert "unknown module 'no_such_module'" in await error(
        client, "PUT", "/api/v1/pools/common", {"modules": ["no_such_module"]}, 400
    )
    assert "is over maxReplicas" in await error(
        client, "PUT", "/api/v1/pools/common", {"minReplicas": 5, "maxReplicas": 2}, 400
    )
    response = await client.put("/api/v1/pools/common", json={"minReplicas": "two"})
    assert response.status == 400
    detail = (await response.json())["error"]
    assert "got `str`" in detail["message"]
    assert detail["field"] == "minReplicas"
    assert "unknown field" in await error(client, "PUT", "/api/v1/pools/common", {"size": 3}, 400)
    assert "within 1 and 4" in await error(
        client, "POST", "/api/v1/pools/common/scale", {"replicas": 9}, 400
    )
    assert "no pool named 'nope'" in await error(
        client, "POST", "/api/v1/pools/nope/scale", {"replicas": 1}, 404
    )
    await services.registry.deploy("fresh", TWO_STEPS)
    assert "needs a handler module" in await error(
        client, "PUT", "/api/v1/pools/fresh", {"maxReplicas": 2}, 400
    )
    common = pool(await pools(client), "common")
    assert (common["minReplicas"], common["maxReplicas"]) == (1, 4), "nothing was changed"


async def test_the_cli_lists_changes_and_scales_pools(
    client: Client, services: GatewayServices
) -> None:
    url = str(client.make_url("")).rstrip("/")
    await services.registry.deploy("vip", {**TWO_STEPS, "Sla": "high"})

    listed = await sfc("pool", "list", "--url", url)
    assert listed.exit_code == 0, listed.output
    assert "common" in listed.stdout
    assert "pool_v1" in listed.stdout
    assert "vip (high SLA): give it a pool of its own" in listed.stdout

    changed = await sfc("pool", "set", "common", "--max", "3", "--target", "10", "--url", url)
    assert changed.exit_code == 0, changed.output
    assert '"maxReplicas": 3' in changed.stdout
    assert pool(await pools(client), "common")["targetPending"] == 10

    refused = await sfc("pool", "scale", "common", "7", "--url", url)
    assert refused.exit_code == 1
    assert "error: replicas must be within 1 and 3" in refused.stderr
    unknown = await sfc("pool", "set", "ghost", "--module", "pool_v1", "--url", url)
    assert unknown.exit_code == 1
    assert "unknown pool 'ghost'" in unknown.stderr


async def sfc(*arguments: str) -> Any:
    """Run the ``sfc`` command (its own event loop) in a thread."""
    return await asyncio.to_thread(CliRunner().invoke, cli, list(arguments))
