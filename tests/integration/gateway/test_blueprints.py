"""Blueprint and task-definition routes against the real broker."""

from __future__ import annotations

from gateway_support import PASS, TWO, Client, headers_of, read_records

from sfc.gateway import GatewayServices
from sfc.kafka.records import COMMAND_DECODER, PauseBlueprint, ResumeBlueprint

API = "/api/v1"


async def deploy(client: Client, name: str, definition: object) -> int:
    response = await client.post(f"{API}/blueprints", json={"name": name, "definition": definition})
    assert response.status == 201, await response.text()
    body = await response.json()
    assert body["name"] == name
    version: int = body["version"]
    return version


async def test_deploy_list_versions_and_read_a_version(client: Client) -> None:
    assert await deploy(client, "orders", PASS) == 1
    assert await deploy(client, "orders", {**TWO, "messageType": "specific"}) == 2
    await deploy(client, "billing", PASS)

    listed = await (await client.get(f"{API}/blueprints")).json()
    assert [item["name"] for item in listed["items"]] == ["billing", "orders"]
    orders = listed["items"][1]
    assert orders["latestVersion"] == 2
    assert orders["versions"] == [1, 2]
    assert orders["enabled"] is True
    assert orders["messageType"] == "specific"

    versions = await (await client.get(f"{API}/blueprints/orders/versions")).json()
    assert [v["version"] for v in versions["items"]] == [1, 2]
    assert versions["items"][0]["messageType"] == "common"

    first = await (await client.get(f"{API}/blueprints/orders/versions/1")).json()
    assert first["definition"] == PASS
    latest = await (await client.get(f"{API}/blueprints/orders")).json()
    assert latest["latestVersion"] == 2
    assert latest["definition"]["States"]["Q"] == {"Type": "Pass", "End": True}


async def test_an_invalid_definition_is_refused_with_its_problems(client: Client) -> None:
    bad = {"StartAt": "Nowhere", "States": {"P": {"Type": "Pass", "End": True}}}
    response = await client.post(f"{API}/blueprints", json={"name": "bad", "definition": bad})
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "sfc.invalid_blueprint"
    assert error["problems"]
    assert all({"pointer", "code", "message"} <= set(p) for p in error["problems"])
    assert any(p["pointer"] == "/StartAt" for p in error["problems"])
    assert (await (await client.get(f"{API}/blueprints")).json())["items"] == []


async def test_diff_shows_the_text_and_the_states_changed(client: Client) -> None:
    await deploy(client, "orders", PASS)
    await deploy(client, "orders", TWO)
    response = await client.get(f"{API}/blueprints/orders/diff", params={"from": 1, "to": 2})
    assert response.status == 200
    body = await response.json()
    assert body["states"] == {"added": ["Q"], "removed": [], "changed": ["P"]}
    assert body["diff"].startswith("--- orders@1\n+++ orders@2\n")
    assert '+    "Q": {' in body["diff"]
    same = await (await client.get(f"{API}/blueprints/orders/diff?from=2&to=2")).json()
    assert same["diff"] == ""


async def test_a_disabled_blueprint_starts_no_flow_until_enabled(client: Client) -> None:
    await deploy(client, "orders", PASS)
    disabled = await client.post(f"{API}/blueprints/orders/disable")
    assert await disabled.json() == {"name": "orders", "enabled": False}
    listed = await (await client.get(f"{API}/blueprints")).json()
    assert listed["items"][0]["enabled"] is False

    refused = await client.post(f"{API}/flows", json={"blueprint": "orders"})
    assert refused.status == 409
    assert (await refused.json())["error"]["field"] == "blueprint"

    await client.post(f"{API}/blueprints/orders/enable")
    accepted = await client.post(f"{API}/flows", json={"blueprint": "orders"})
    assert accepted.status == 202


async def test_pause_and_resume_reach_every_partition(
    client: Client, services: GatewayServices
) -> None:
    await deploy(client, "orders", PASS)
    paused = await client.post(f"{API}/blueprints/orders/pause")
    assert paused.status == 202
    answer = await paused.json()
    partitions = services.settings.kafka.partitions
    assert answer["partitions"] == partitions
    resumed = await client.post(f"{API}/blueprints/orders/resume")
    assert resumed.status == 202

    records = await read_records(services.settings.kafka, services.topics.commands, 2 * partitions)
    assert len(records) == 2 * partitions
    pauses = [r for r in records if headers_of(r)["sfc-type"] == "PauseBlueprint"]
    assert sorted(r.partition for r in pauses) == list(range(partitions))
    for record in pauses:
        assert record.value is not None
        decoded = COMMAND_DECODER.decode(record.value)
        assert decoded == PauseBlueprint(answer["messageId"], "orders")
        assert headers_of(record)["sfc-blueprint"] == "orders"
    resumes = [r for r in records if headers_of(r)["sfc-type"] == "ResumeBlueprint"]
    assert {r.partition for r in resumes} == set(range(partitions))
    assert resumes[0].value is not None
    assert isinstance(COMMAND_DECODER.decode(resumes[0].value), ResumeBlueprint)


async def test_unknown_blueprints_answer_404_for_every_route(client: Client) -> None:
    for method, path in [
        ("GET", "/blueprints/nope"),
        ("GET", "/blueprints/nope/versions"),
        ("GET", "/blueprints/nope/versions/1"),
        ("GET", "/blueprints/nope/diff?from=1&to=2"),
        ("POST", "/blueprints/nope/enable"),
        ("POST", "/blueprints/nope/disable"),
        ("POST", "/blueprints/nope/pause"),
        ("POST", "/blueprints/nope/resume"),
    ]:
        response = await client.request(method, API + path)
        assert response.status == 404, path
        assert (await response.json())["error"]["field"] == "name", path


async def test_unknown_versions_name_the_field(client: Client) -> None:
    await deploy(client, "orders", PASS)
    missing = await client.get(f"{API}/blueprints/orders/versions/7")
    assert missing.status == 404
    assert (await missing.json())["error"]["field"] == "version"
    not_a_number = await client.get(f"{API}/blueprints/orders/versions/latest")
    assert not_a_number.status == 400
    assert (await not_a_number.json())["error"]["field"] == "version"
    diff = await client.get(f"{API}/blueprints/orders/diff?from=1&to=3")
    assert diff.status == 404
    assert (await diff.json())["error"]["field"] == "to"
    no_from = await client.get(f"{API}/blueprints/orders/diff?to=1")
    assert no_from.status == 400
    assert (await no_from.json())["error"]["field"] == "from"


async def test_task_definitions_are_versioned(client: Client) -> None:
    for timeout in (5, 10):
        definition = {"Comment": "charges a card", "TimeoutSeconds": timeout}
        body = {"name": "charge", "definition": definition}
        response = await client.post(f"{API}/tasks", json=body)
        assert response.status == 201
    listed = await (await client.get(f"{API}/tasks")).json()
    assert listed["items"][0]["name"] == "charge"
    assert listed["items"][0]["latestVersion"] == 2
    assert listed["items"][0]["versions"] == [1, 2]
    first = await (await client.get(f"{API}/tasks/charge/versions/1")).json()
    assert first["definition"]["TimeoutSeconds"] == 5
    versions = await (await client.get(f"{API}/tasks/charge/versions")).json()
    assert [v["version"] for v in versions["items"]] == [1, 2]
    assert (await client.get(f"{API}/tasks/charge/versions/3")).status == 404
    assert (await client.get(f"{API}/tasks/other/versions")).status == 404
    wrong = await client.post(f"{API}/tasks", json={"name": "charge", "definition": [1]})
    assert wrong.status == 400
    invalid = {"name": "charge", "definition": {"TimeoutSeconds": "soon"}}
    refused = await client.post(f"{API}/tasks", json=invalid)
    assert refused.status == 400
    assert (await refused.json())["error"]["problems"][0]["pointer"] == "/TimeoutSeconds"
