"""Starting flows (and waiting for them) and reading them, against the real broker."""

from __future__ import annotations

import asyncio
import time

from gateway_support import PASS, TWO, Client, headers_of, read_records

from sfc.core.interpreter.commands import HistoryEvent
from sfc.core.interpreter.inputs import StartFlow
from sfc.gateway import GatewayServices
from sfc.kafka.records import COMMAND_DECODER, ENCODER, FlowOutcome, HistoryBatch

API = "/api/v1"


async def deploy_two_versions(client: Client) -> None:
    for definition in (PASS, TWO):
        body = {"name": "orders", "definition": definition}
        assert (await client.post(f"{API}/blueprints", json=body)).status == 201


async def started(services: GatewayServices, count: int = 1) -> list[StartFlow]:
    records = await read_records(services.settings.kafka, services.topics.commands, count)
    decoded = []
    for record in records:
        assert record.value is not None
        command = COMMAND_DECODER.decode(record.value)
        assert isinstance(command, StartFlow)
        assert record.key == command.flow_id.encode()
        decoded.append(command)
    return decoded


async def test_start_answers_202_once_the_start_flow_is_in_kafka(
    client: Client, services: GatewayServices
) -> None:
    await deploy_two_versions(client)
    body = {"blueprint": "orders", "input": {"n": 1}, "correlationId": "order-7"}
    trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await client.post(f"{API}/flows", json=body, headers={"traceparent": trace})
    assert response.status == 202
    answer = await response.json()
    assert answer["status"] == "RUNNING"

    records = await read_records(services.settings.kafka, services.topics.commands, 1)
    assert len(records) == 1
    record = records[0]
    assert record.key == answer["id"].encode()
    assert record.value is not None
    start = COMMAND_DECODER.decode(record.value)
    assert isinstance(start, StartFlow)
    assert (start.flow_id, start.blueprint, start.version) == (answer["id"], "orders", 2)
    assert (start.input, start.correlation_id) == ({"n": 1}, "order-7")
    headers = headers_of(record)
    assert headers["sfc-type"] == "StartFlow"
    assert headers["sfc-id"] == start.id
    assert headers["sfc-flow"] == answer["id"]
    assert headers["sfc-blueprint"] == "orders"
    assert headers["traceparent"] == trace


async def test_a_named_version_is_pinned_and_the_input_defaults_to_an_object(
    client: Client, services: GatewayServices
) -> None:
    await deploy_two_versions(client)
    response = await client.post(f"{API}/flows", json={"blueprint": "orders", "version": 1})
    assert response.status == 202
    [start] = await started(services)
    assert (start.version, start.input) == (1, {})


async def test_an_idempotency_key_gives_the_same_flow_and_message_id(
    client: Client, services: GatewayServices
) -> None:
    await deploy_two_versions(client)
    key = {"Idempotency-Key": "order-7-start"}
    first = await client.post(f"{API}/flows", json={"blueprint": "orders"}, headers=key)
    again = await client.post(f"{API}/flows", json={"blueprint": "orders"}, headers=key)
    other = await client.post(f"{API}/flows", json={"blueprint": "orders"})
    ids = [(await r.json())["id"] for r in (first, again, other)]
    assert ids[0] == ids[1] != ids[2]
    starts = await started(services, 3)
    assert len(starts) == 3
    repeated = [s for s in starts if s.flow_id == ids[0]]
    assert len(repeated) == 2
    assert repeated[0].id == repeated[1].id


async def test_wait_answers_the_outcome_when_the_flow_ends_in_time(
    client: Client, services: GatewayServices
) -> None:
    await deploy_two_versions(client)
    key = {"Idempotency-Key": "k1"}
    request = asyncio.create_task(
        client.post(f"{API}/flows?wait=10", json={"blueprint": "orders"}, headers=key)
    )
    [start] = await started(services)
    assert not request.done()
    outcome = FlowOutcome(start.flow_id, "orders", 2, "SUCCEEDED", output={"done": True})
    # What the engine does when the flow ends.
    await services.producer.send_and_wait(
        services.topics.outcomes, ENCODER.encode(outcome), key=start.flow_id.encode()
    )
    response = await asyncio.wait_for(request, 5)
    assert response.status == 200
    body = await response.json()
    assert body["id"] == start.flow_id
    assert (body["status"], body["output"]) == ("SUCCEEDED", {"done": True})
    assert (body["error"], body["cause"]) == (None, None)

    # A client retrying with the same key after the end gets the outcome at once.
    began = time.monotonic()
    retried = await client.post(f"{API}/flows?wait=10", json={"blueprint": "orders"}, headers=key)
    assert retried.status == 200
    assert (await retried.json())["id"] == start.flow_id
    assert time.monotonic() - began < 5
    assert services.outcomes.waiting == 0


async def test_wait_answers_202_when_the_flow_does_not_end_in_time(
    client: Client, services: GatewayServices
) -> None:
    await deploy_two_versions(client)
    began = time.monotonic()
    response = await client.post(f"{API}/flows?wait=0.3", json={"blueprint": "orders"})
    assert response.status == 202
    assert time.monotonic() - began >= 0.3
    assert (await response.json())["status"] == "RUNNING"
    assert services.outcomes.waiting == 0


async def test_a_flow_is_read_from_the_index(client: Client, services: GatewayServices) -> None:
    events = [
        HistoryEvent(1, 100.0, "FlowStarted", payload={"n": 1}),
        HistoryEvent(2, 100.5, "StateEntered", state="Charge", payload={"n": 1}),
    ]
    await services.index.apply([HistoryBatch("f-1", "orders", 3, events, correlation_id="c-9")])

    response = await client.get(f"{API}/flows/f-1")
    assert response.status == 200
    flow = await response.json()
    assert flow["id"] == "f-1"
    assert (flow["blueprint"], flow["version"], flow["status"]) == ("orders", 3, "RUNNING")
    assert flow["currentStates"] == ["Charge"]
    assert flow["input"] == {"n": 1}
    assert flow["correlationId"] == "c-9"
    assert flow["startedAt"] == 100.0
    assert {"output", "error", "cause", "endedAt"} <= set(flow)

    history = await (await client.get(f"{API}/flows/f-1/history")).json()
    assert [e["type"] for e in history["items"]] == ["FlowStarted", "StateEntered"]
    steps = await (await client.get(f"{API}/flows/f-1/steps")).json()
    assert [(s["state"], s["status"]) for s in steps["items"]] == [("Charge", "RUNNING")]


async def test_unknown_flows_answer_404(client: Client) -> None:
    for suffix in ("", "/history", "/steps"):
        response = await client.get(f"{API}/flows/nope{suffix}")
        assert response.status == 404
        assert (await response.json())["error"]["field"] == "id"
