"""Every refused request answers the right status and names the field at fault."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from gateway_support import PASS, Client

from sfc.gateway import GatewayServices

FLOWS = "/api/v1/flows"


async def error_of(
    client: Client, method: str, path: str, status: int, **options: Any
) -> dict[str, Any]:
    response = await client.request(method, path, **options)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    error: dict[str, Any] = (await response.json())["error"]
    assert error["code"]
    assert error["message"]
    return error


async def test_start_refuses_malformed_bodies_naming_the_field(client: Client) -> None:
    await client.post("/api/v1/blueprints", json={"name": "orders", "definition": PASS})
    cases: list[tuple[object, str]] = [
        ({"version": 1}, "blueprint"),
        ({"blueprint": 7}, "blueprint"),
        ({"blueprint": ""}, "blueprint"),
        ({"blueprint": "orders", "version": "2"}, "version"),
        ({"blueprint": "orders", "version": 0}, "version"),
        ({"blueprint": "orders", "version": True}, "version"),
        ({"blueprint": "orders", "correlationId": 5}, "correlationId"),
        ({"blueprint": "orders", "inputs": {}}, "inputs"),
        ([{"blueprint": "orders"}], "body"),
    ]
    for body, field in cases:
        error = await error_of(client, "POST", FLOWS, 400, json=body)
        assert error["field"] == field, body
        assert error["code"] == "sfc.input"


async def test_malformed_json_and_bad_parameters_name_what_is_wrong(client: Client) -> None:
    not_json = await error_of(client, "POST", FLOWS, 400, data=b'{"blueprint": ')
    assert not_json["field"] == "body"
    empty = await error_of(client, "POST", FLOWS, 400, data=b"")
    assert empty["field"] == "blueprint"
    wait = await error_of(client, "POST", f"{FLOWS}?wait=soon", 400, json={"blueprint": "x"})
    assert wait["field"] == "wait"
    negative = await error_of(client, "POST", f"{FLOWS}?wait=-1", 400, json={"blueprint": "x"})
    assert negative["field"] == "wait"
    long_key = {"Idempotency-Key": "k" * 256}
    key = await error_of(client, "POST", FLOWS, 400, json={"blueprint": "x"}, headers=long_key)
    assert key["field"] == "Idempotency-Key"
    deploy = await error_of(client, "POST", "/api/v1/blueprints", 400, json={"name": "x"})
    assert deploy["field"] == "definition"
    bad_name = {"name": "no spaces", "definition": PASS}
    named = await error_of(client, "POST", "/api/v1/blueprints", 400, json=bad_name)
    assert named["field"] == "name"


async def test_unknown_blueprints_and_versions_are_404(client: Client) -> None:
    await client.post("/api/v1/blueprints", json={"name": "orders", "definition": PASS})
    unknown = await error_of(client, "POST", FLOWS, 404, json={"blueprint": "nope"})
    assert (unknown["field"], unknown["code"]) == ("blueprint", "sfc.not_found")
    version = await error_of(client, "POST", FLOWS, 404, json={"blueprint": "orders", "version": 2})
    assert version["field"] == "version"


async def test_bodies_over_the_limit_are_413_by_header_or_by_count(
    client: Client, services: GatewayServices
) -> None:
    await client.post("/api/v1/blueprints", json={"name": "orders", "definition": PASS})
    limit = services.settings.gateway.max_payload_bytes
    big = {"blueprint": "orders", "input": {"blob": "x" * limit}}
    declared = await error_of(client, "POST", FLOWS, 413, json=big)
    assert (declared["field"], declared["code"]) == ("body", "sfc.payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        # Chunked: no Content-Length, so only counting what arrives can refuse it.
        yield b'{"blueprint": "orders", "input": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    counted = await error_of(client, "POST", FLOWS, 413, data=chunks())
    assert counted["field"] == "body"
    just_under = {"blueprint": "orders", "input": "x" * (limit - 100)}
    assert (await client.post(FLOWS, json=just_under)).status == 202


async def test_http_errors_have_the_same_json_shape(client: Client) -> None:
    missing = await error_of(client, "GET", "/api/v1/nothing-here", 404)
    assert missing["code"] == "http.404"
    response = await client.delete(FLOWS)
    assert response.status == 405
    assert "POST" in response.headers["Allow"]
    assert (await response.json())["error"]["code"] == "http.405"
