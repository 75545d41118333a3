"""The monitor API: flow search, statistics and a flow's graph, over a real SQLite index."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from gateway_support import Client

from sfc.gateway import GatewayServices
from tests.integration.index.index_support import ORDER, order_batches, started_at
from tests.unit.index.histories import T0

API = "/api/v1"
COUNT = 30
RUNNING = [i for i in range(COUNT) if i % 3 == 0]
FAILED = [i for i in range(COUNT) if i % 3 and i % 5 == 0]


@pytest.fixture
async def indexed(client: Client, services: GatewayServices) -> Client:
    """30 order flows in the index (10 running, 4 failed, 16 succeeded); ``orders`` deployed."""
    deployed = await client.post(f"{API}/blueprints", json={"name": "orders", "definition": ORDER})
    assert deployed.status == 201
    await services.index.apply(order_batches(COUNT))
    return client


async def get(client: Client, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    assert response.status == status, await response.text()
    return await response.json()


async def test_a_search_pages_through_every_flow_newest_first(indexed: Client) -> None:
    seen: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = await get(indexed, f"{API}/flows?limit=7{cursor}")
        seen += page["items"]
        if page["next"] is None:
            break
        cursor = f"&cursor={page['next']}"
    assert [flow["id"] for flow in seen] == [f"o{i}" for i in reversed(range(COUNT))]
    first = seen[0]
    assert set(first) >= {"id", "blueprint", "version", "status", "startedAt", "endedAt"}
    assert "input" not in first, "lists leave payloads out"
    assert first["startedAt"] == started_at(COUNT - 1)


async def test_search_criteria(indexed: Client) -> None:
    async def ids(query: str) -> list[str]:
        return [flow["id"] for flow in (await get(indexed, f"{API}/flows?{query}"))["items"]]

    assert await ids("status=RUNNING&sort=startedAt&limit=500") == [f"o{i}" for i in RUNNING]
    assert sorted(await ids("status=failed,RUNNING")) == sorted(f"o{i}" for i in RUNNING + FAILED)
    assert sorted(await ids("status=FAILED&status=RUNNING")) == sorted(
        f"o{i}" for i in RUNNING + FAILED
    )
    assert await ids("blueprint=orders&version=1&status=FAILED&sort=startedAt") == [
        f"o{i}" for i in FAILED
    ]
    assert await ids("blueprint=other") == []
    assert await ids("q=A-17") == ["o17"]
    assert await ids("q=declined&sort=startedAt") == [f"o{i}" for i in FAILED]
    assert await ids("correlationId=c3&sort=startedAt") == ["o3", "o13", "o23"]
    window = f"from={started_at(4)}&to={started_at(7)}&sort=startedAt"
    assert await ids(window) == ["o4", "o5", "o6"]
    iso = datetime.fromtimestamp(started_at(4), UTC).isoformat().replace("+00:00", "Z")
    assert await ids(f"from={iso}&to={started_at(7)}&sort=startedAt") == ["o4", "o5", "o6"]
    naive = datetime.fromtimestamp(started_at(28), UTC).replace(tzinfo=None).isoformat()
    assert await ids(f"from={naive}") == ["o29", "o28"]
    ended = await ids("sort=-endedAt&limit=500")
    assert len(ended) == COUNT - len(RUNNING)
    assert await ids("blueprint=&q=") == await ids(""), "empty values count as not given"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("blueprnt=orders", "blueprnt"),
        ("page=2", "page"),
        ("q=a&q=b", "q"),
        ("version=x&blueprint=orders", "version"),
        ("version=0&blueprint=orders", "version"),
        ("version=2", "version"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("status=DONE", "status"),
        ("sort=name", "sort"),
        ("from=yesterday", "from"),
        ("to=-5", "to"),
        ("to=nan", "to"),
        (f"from={T0 + 10}&to={T0}", "from"),
        ("cursor=garbage!", "cursor"),
        ("q=%22%22", "q"),
    ],
)
async def test_a_malformed_search_answers_400_naming_the_parameter(
    indexed: Client, query: str, field: str
) -> None:
    error = (await get(indexed, f"{API}/flows?{query}", 400))["error"]
    assert (error["code"], error["field"]) == ("sfc.input", field)
    assert field in error["message"] or error["message"]


async def test_a_cursor_of_another_sort_is_refused(indexed: Client) -> None:
    page = await get(indexed, f"{API}/flows?limit=2")
    error = (await get(indexed, f"{API}/flows?sort=startedAt&cursor={page['next']}", 400))["error"]
    assert error["field"] == "cursor"


async def test_the_overview_counts_every_status_of_every_blueprint(indexed: Client) -> None:
    window = f"from={T0}&to={T0 + 86_400}"
    body = await get(indexed, f"{API}/stats?{window}")
    assert (body["from"], body["to"]) == (T0, T0 + 86_400)
    [orders] = body["items"]
    assert orders["blueprint"] == "orders"
    assert orders["counts"] == {
        "RUNNING": len(RUNNING),
        "PAUSED": 0,
        "SUCCEEDED": COUNT - len(RUNNING) - len(FAILED),
        "FAILED": len(FAILED),
        "TIMED_OUT": 0,
        "ABORTED": 0,
    }
    assert (orders["started"], orders["ended"], orders["failed"]) == (COUNT, 20, 4)
    assert orders["failureRate"] == pytest.approx(0.2)
    assert orders["throughputPerHour"] == pytest.approx(20 / 24)
    assert orders["p50Seconds"] > 0
    assert orders["p95Seconds"] >= orders["p50Seconds"]
    assert sum(hour["started"] for hour in orders["hours"]) == COUNT
    assert orders["states"] == []
    empty = await get(indexed, f"{API}/stats?from={T0 - 7200}&to={T0 - 3600}")
    assert empty["items"][0]["ended"] == 0, "counts now, figures of the window"


async def test_a_blueprint_s_stats_have_its_states(indexed: Client) -> None:
    body = await get(indexed, f"{API}/blueprints/orders/stats?version=1&from={T0}&to={T0 + 86_400}")
    assert (body["blueprint"], body["version"]) == ("orders", 1)
    states = {state["state"]: state for state in body["states"]}
    assert states["Charge"]["running"] == len(RUNNING)
    assert states["Charge"]["caught"] == len(FAILED)
    assert states["Refuse"]["failed"] == len(FAILED)
    assert states["Reserve"]["ended"] >= COUNT
    assert states["Reserve"]["p95Seconds"] is not None
    assert set(states["Ship"]) >= {"running", "ended", "failed", "caught", "meanSeconds"}


async def test_stats_defaults_and_refusals(indexed: Client, client: Client) -> None:
    now = await get(indexed, f"{API}/stats")
    assert now["to"] - now["from"] == 86_400
    await client.post(
        f"{API}/blueprints",
        json={"name": "idle", "definition": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}},
    )
    idle = await get(indexed, f"{API}/blueprints/idle/stats")
    assert (idle["counts"]["RUNNING"], idle["ended"], idle["states"]) == (0, 0, [])
    assert (await get(indexed, f"{API}/blueprints/nope/stats", 404))["error"]["field"] == "name"
    for query, field in [
        ("from=2&to=1", "from"),
        ("from=0&to=99999999", "from"),
        ("window=1", "window"),
        ("to=soon", "to"),
    ]:
        assert (await get(indexed, f"{API}/stats?{query}", 400))["error"]["field"] == field
    bad = await get(indexed, f"{API}/blueprints/orders/stats?version=first", 400)
    assert bad["error"]["field"] == "version"


async def test_a_flow_s_graph_marks_what_happened_to_each_state(indexed: Client) -> None:
    failed = await get(indexed, f"{API}/flows/o5/graph")
    assert (failed["id"], failed["blueprint"], failed["version"]) == ("o5", "orders", 1)
    nodes = {node["name"]: node for node in failed["graph"]["nodes"]}
    assert (nodes["Reserve"]["status"], nodes["Charge"]["status"]) == ("SUCCEEDED", "CAUGHT")
    assert nodes["Refuse"]["status"] == "FAILED"
    assert (nodes["Ship"]["status"], nodes["Ship"]["entered"]) == (None, 0)
    edges = {(e["source"], e["target"], e["kind"]) for e in failed["graph"]["edges"]}
    assert ("/States/Charge", "/States/Refuse", "catch") in edges
    running = await get(indexed, f"{API}/flows/o3/graph")
    assert {n["name"]: n["status"] for n in running["graph"]["nodes"]}["Charge"] == "RUNNING"
    retried = await get(indexed, f"{API}/flows/o7/graph")
    reserve = {n["name"]: n for n in retried["graph"]["nodes"]}["Reserve"]
    assert reserve["attempts"] >= 1
    assert (await get(indexed, f"{API}/flows/nope/graph", 404))["error"]["field"] == "id"


async def test_a_flow_of_a_blueprint_the_registry_lacks_has_no_graph(
    client: Client, services: GatewayServices
) -> None:
    await services.index.apply(order_batches(1))
    error = (await get(client, f"{API}/flows/o0/graph", 404))["error"]
    assert error["field"] == "blueprint"
