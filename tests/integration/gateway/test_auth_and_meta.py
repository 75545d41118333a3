"""Bearer-token auth, health, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from gateway_support import PASS, Client
from pydantic import SecretStr

from sfc.core.interpreter.commands import HistoryEvent
from sfc.gateway import ROUTES, GatewayServices, create_app
from sfc.kafka.records import HistoryBatch

TOKEN = "s3cret-token"


@pytest.fixture
async def guarded(services: GatewayServices) -> AsyncIterator[Client]:
    """A client of a gateway that requires :data:`TOKEN`."""
    gateway = services.settings.gateway.model_copy(update={"token": SecretStr(TOKEN)})
    settings = services.settings.model_copy(update={"gateway": gateway})
    app = create_app(dataclasses.replace(services, settings=settings))
    async with TestClient(TestServer(app)) as running:
        yield running


async def test_the_api_requires_the_token(guarded: Client) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = await guarded.get("/api/v1/blueprints", headers=headers)
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await response.json())["error"]["code"] == "sfc.unauthorized"
    refused = await guarded.post("/api/v1/blueprints", json={"name": "a", "definition": PASS})
    assert refused.status == 401
    good = {"Authorization": f"Bearer {TOKEN}"}
    deployed = await guarded.post(
        "/api/v1/blueprints", json={"name": "a", "definition": PASS}, headers=good
    )
    assert deployed.status == 201
    listed = await guarded.get("/api/v1/blueprints", headers=good)
    assert listed.status == 200
    assert [item["name"] for item in (await listed.json())["items"]] == ["a"]


async def test_health_metrics_and_the_document_stay_open(guarded: Client) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        response = await guarded.get(path)
        assert response.status == 200, path


async def test_readiness_checks_the_broker_and_the_index(client: Client) -> None:
    response = await client.get("/readyz")
    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": {"broker": "ok", "index": "ok"}}
    assert await (await client.get("/healthz")).json() == {"status": "ok"}


async def test_metrics_count_requests_by_route_and_flows_started(client: Client) -> None:
    await client.post("/api/v1/blueprints", json={"name": "metered", "definition": PASS})
    for _ in range(3):
        assert (await client.post("/api/v1/flows", json={"blueprint": "metered"})).status == 202
    await client.get("/api/v1/flows/unknown-flow")
    text = await (await client.get("/metrics")).text()
    assert 'sfc_gateway_flows_started_total{blueprint="metered"} 3.0' in text
    assert 'route="/api/v1/flows/{id}",status="404"' in text
    assert "unknown-flow" not in text, "labels use the route template, not the path"
    assert 'sfc_gateway_request_seconds_count{method="POST",route="/api/v1/flows"}' in text


async def test_the_openapi_document_describes_every_route(client: Client) -> None:
    document = await (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    registered = {
        (route.method.lower(), route.resource.canonical)
        for route in client.app.router.routes()
        if route.resource is not None and route.method != "HEAD"
    }
    assert len(registered) == len(ROUTES)
    for method, path in registered:
        assert method in document["paths"].get(path, {}), f"{method} {path} is undocumented"
    start = document["paths"]["/api/v1/flows"]["post"]
    assert {"200", "202", "400", "401", "404", "409", "413", "503"} <= set(start["responses"])
    assert start["security"] == [{"bearer": []}]
    assert document["paths"]["/healthz"]["get"]["security"] == []


async def test_the_openapi_document_is_valid(client: Client) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    document = await (await client.get("/openapi.json")).json()
    validator.validate(document)


async def test_answers_match_their_documented_schemas(
    client: Client, services: GatewayServices
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = await (await client.get("/openapi.json")).json()

    def check(body: object, schema: str) -> None:
        root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
        jsonschema.Draft202012Validator(root).validate(body)

    await client.post("/api/v1/blueprints", json={"name": "a", "definition": PASS})
    check(await (await client.get("/api/v1/blueprints")).json(), "BlueprintList")
    check(await (await client.get("/api/v1/blueprints/a")).json(), "Blueprint")
    check(await (await client.get("/api/v1/blueprints/a/versions/1")).json(), "BlueprintVersion")
    diff = await client.get("/api/v1/blueprints/a/diff?from=1&to=1")
    check(await diff.json(), "BlueprintDiff")
    check(
        await (await client.post("/api/v1/flows", json={"blueprint": "a"})).json(), "FlowAccepted"
    )
    check(await (await client.get("/api/v1/flows/nope")).json(), "Error")
    check(await (await client.get("/readyz")).json(), "Readiness")
    started = HistoryEvent(1, 100.0, "FlowStarted", payload={})
    await services.index.apply([HistoryBatch("f-1", "a", 1, [started])])
    check(await (await client.get("/api/v1/flows/f-1")).json(), "Flow")
    check(await (await client.get("/api/v1/flows/f-1/steps")).json(), "FlowSteps")
    check(await (await client.post("/api/v1/flows/f-1/pause")).json(), "ControlAccepted")
