"""The composer's validation and graphs, the dashboard's files, and the index store down."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from gateway_support import PASS, Client
from pydantic import SecretStr

from sfc.gateway import GatewayServices, create_app
from tests.integration.index.index_support import ORDER, order_batches
from tests.unit.index.histories import T0

API = "/api/v1"

BROKEN = """{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "task:charge",
      "Next": "Shipp"
    },
    "Ship": {"Type": "Succeed"}
  }
}"""


async def validate(client: Client, text: object) -> dict[str, Any]:
    response = await client.post(f"{API}/validate", json={"text": text})
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_a_valid_text_has_no_problem_and_a_graph(client: Client) -> None:
    body = await validate(client, json.dumps(ORDER, indent=2))
    assert (body["valid"], body["problems"]) == (True, [])
    assert {node["name"] for node in body["graph"]["nodes"]} == set(ORDER["States"])


async def test_problems_come_with_the_line_they_are_on(client: Client) -> None:
    body = await validate(client, BROKEN)
    assert body["valid"] is False
    located = {(p["pointer"], p["line"], p["column"]) for p in body["problems"]}
    assert ("/States/Charge/Next", 7, 7) in located
    assert all(p["code"] and p["message"] for p in body["problems"])
    assert [n["name"] for n in body["graph"]["nodes"]] == ["Charge", "Ship"]


async def test_malformed_json_reports_its_own_position(client: Client) -> None:
    body = await validate(
        client, '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass",}\n}'
    )
    [problem] = body["problems"]
    assert (problem["code"], problem["line"], problem["column"]) == ("json-syntax", 4, 26)
    assert body["graph"] is None
    assert (await validate(client, ""))["problems"][0]["line"] == 1


async def test_a_validate_request_must_hold_the_text(client: Client) -> None:
    for body, field in [({}, "text"), ({"text": 3}, "text"), ({"text": "{}", "x": 1}, "x")]:
        response = await client.post(f"{API}/validate", json=body)
        assert response.status == 400
        assert (await response.json())["error"]["field"] == field
    big = await client.post(f"{API}/validate", json={"text": " " * (2 * 1024 * 1024 + 1)})
    assert big.status == 413


async def test_a_deployed_version_as_a_graph(client: Client) -> None:
    await client.post(f"{API}/blueprints", json={"name": "orders", "definition": ORDER})
    response = await client.get(f"{API}/blueprints/orders/versions/1/graph")
    assert response.status == 200
    body = await response.json()
    assert (body["name"], body["version"], body["graph"]["start"]) == (
        "orders",
        1,
        "/States/Reserve",
    )
    missing = await client.get(f"{API}/blueprints/orders/versions/2/graph")
    assert (missing.status, (await missing.json())["error"]["field"]) == (404, "version")


async def test_the_dashboard_is_served_at_the_root(client: Client) -> None:
    page = await client.get("/")
    assert page.status == 200
    assert page.content_type == "text/html"
    assert "/ui/app.js" in await page.text()
    script = await client.get("/ui/app.js")
    assert script.status == 200
    assert "javascript" in script.content_type
    assert script.headers["Cache-Control"] == "no-cache"
    for vendored in ("htmx/htmx.min.js", "uplot/uPlot.iife.min.js", "dagre/dagre.min.js"):
        assert (await client.get(f"/ui/vendor/{vendored}")).status == 200, vendored
    for outside in (
        "/ui/../pyproject.toml",
        "/ui/%2e%2e/pyproject.toml",
        "/ui/nope.js",
        "/ui/vendor",
    ):
        response = await client.get(outside)
        assert response.status == 404, outside
        assert (await response.json())["error"]["code"] in ("sfc.not_found", "http.404")


@pytest.fixture
async def guarded(services: GatewayServices) -> AsyncIterator[Client]:
    gateway = services.settings.gateway.model_copy(update={"token": SecretStr("t0ken")})
    settings = services.settings.model_copy(update={"gateway": gateway})
    app = create_app(dataclasses.replace(services, settings=settings))
    async with TestClient(TestServer(app)) as running:
        yield running


async def test_the_dashboard_s_files_need_no_token_its_api_does(guarded: Client) -> None:
    assert (await guarded.get("/")).status == 200
    assert (await guarded.get("/ui/app.js")).status == 200
    for path in (f"{API}/flows", f"{API}/stats", f"{API}/blueprints/a/stats"):
        assert (await guarded.get(path)).status == 401, path
    assert (await guarded.post(f"{API}/validate", json={"text": "{}"})).status == 401
    ok = await guarded.get(f"{API}/stats", headers={"Authorization": "Bearer t0ken"})
    assert ok.status == 200


async def test_the_index_store_down_answers_503(client: Client, services: GatewayServices) -> None:
    await client.post(f"{API}/blueprints", json={"name": "orders", "definition": ORDER})
    await services.index.apply(order_batches(3))
    await services.index.close()
    for path in (
        f"{API}/flows",
        f"{API}/flows?q=x",
        f"{API}/stats",
        f"{API}/blueprints/orders/stats",
        f"{API}/flows/o1/graph",
        f"{API}/flows/o1/steps",
    ):
        response = await client.get(path)
        assert response.status == 503, path
        assert response.headers["Retry-After"]
        assert (await response.json())["error"]["code"] == "sfc.unavailable"


async def test_answers_match_their_documented_schemas(
    client: Client, services: GatewayServices
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = await (await client.get("/openapi.json")).json()

    def check(body: object, schema: str) -> None:
        root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
        jsonschema.Draft202012Validator(root).validate(body)

    await client.post(f"{API}/blueprints", json={"name": "orders", "definition": ORDER})
    await client.post(f"{API}/blueprints", json={"name": "p", "definition": PASS})
    await services.index.apply(order_batches(6))
    check(await (await client.get(f"{API}/flows?limit=2")).json(), "FlowSearch")
    window = f"from={T0}&to={T0 + 86_400}"
    check(await (await client.get(f"{API}/stats?{window}")).json(), "StatsOverview")
    stats = await client.get(f"{API}/blueprints/orders/stats?{window}")
    check(await stats.json(), "BlueprintStats")
    check(await (await client.get(f"{API}/blueprints/p/stats")).json(), "BlueprintStats")
    check(await (await client.get(f"{API}/flows/o5/graph")).json(), "FlowGraph")
    check(
        await (await client.get(f"{API}/blueprints/orders/versions/1/graph")).json(), "VersionGraph"
    )
    check(await validate(client, BROKEN), "Validation")
    check(await validate(client, "{"), "Validation")
    check(await (await client.get(f"{API}/flows?limit=0")).json(), "Error")
