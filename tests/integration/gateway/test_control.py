"""Flow control routes produce the right control messages, idempotently."""

from __future__ import annotations

from gateway_support import Client, headers_of, read_records

from sfc.core.interpreter.commands import HistoryEvent
from sfc.core.interpreter.inputs import Pause, Restart, Resume, Retry, Terminate
from sfc.gateway import GatewayServices
from sfc.kafka.records import COMMAND_DECODER, HistoryBatch

API = "/api/v1/flows"


async def known_flow(services: GatewayServices, flow_id: str = "f-1") -> str:
    started = HistoryEvent(1, 100.0, "FlowStarted", payload={})
    await services.index.apply([HistoryBatch(flow_id, "orders", 1, [started])])
    return flow_id


async def test_each_action_sends_its_message_keyed_by_the_flow(
    client: Client, services: GatewayServices
) -> None:
    flow = await known_flow(services)
    requests = [
        ("pause", {"reason": "maintenance"}),
        ("resume", None),
        ("terminate", {"reason": "customer cancelled"}),
        ("retry", None),
        ("restart", {"input": {"n": 2}, "latest": True}),
    ]
    answers = []
    for action, body in requests:
        response = await client.post(f"{API}/{flow}/{action}", json=body)
        assert response.status == 202, await response.text()
        answer = await response.json()
        assert (answer["id"], answer["action"]) == (flow, action)
        answers.append(answer)

    records = await read_records(services.settings.kafka, services.topics.commands, 5)
    assert len(records) == 5
    assert {record.key for record in records} == {flow.encode()}
    assert len({record.partition for record in records}) == 1, "one flow, one partition"
    commands = []
    for record in records:
        assert record.value is not None
        command = COMMAND_DECODER.decode(record.value)
        headers = headers_of(record)
        assert headers["sfc-type"] == type(command).__name__
        assert headers["sfc-id"] == command.id
        assert (headers["sfc-flow"], headers["sfc-blueprint"]) == (flow, "orders")
        commands.append(command)
    ids = [answer["messageId"] for answer in answers]
    assert commands == [
        Pause(ids[0], flow, reason="maintenance"),
        Resume(ids[1], flow),
        Terminate(ids[2], flow, reason="customer cancelled"),
        Retry(ids[3], flow),
        Restart(ids[4], flow, input={"n": 2}, replace_input=True, latest=True),
    ]


async def test_restart_without_input_keeps_the_input(
    client: Client, services: GatewayServices
) -> None:
    flow = await known_flow(services)
    response = await client.post(f"{API}/{flow}/restart")
    assert response.status == 202
    [record] = await read_records(services.settings.kafka, services.topics.commands, 1)
    assert record.value is not None
    restart = COMMAND_DECODER.decode(record.value)
    assert isinstance(restart, Restart)
    assert (restart.replace_input, restart.latest) == (False, False)


async def test_an_idempotency_key_repeats_the_message_id(
    client: Client, services: GatewayServices
) -> None:
    flow = await known_flow(services)
    key = {"Idempotency-Key": "stop-1"}
    first = await (await client.post(f"{API}/{flow}/terminate", headers=key)).json()
    again = await (await client.post(f"{API}/{flow}/terminate", headers=key)).json()
    other = await (await client.post(f"{API}/{flow}/pause", headers=key)).json()
    fresh = await (await client.post(f"{API}/{flow}/terminate")).json()
    assert first["messageId"] == again["messageId"]
    assert len({first["messageId"], other["messageId"], fresh["messageId"]}) == 3


async def test_control_of_an_unknown_flow_is_404_and_sends_nothing(
    client: Client, services: GatewayServices
) -> None:
    response = await client.post(f"{API}/nope/pause")
    assert response.status == 404
    assert (await response.json())["error"]["field"] == "id"
    assert await read_records(services.settings.kafka, services.topics.commands, 1, 0.3) == []


async def test_control_bodies_are_checked(client: Client, services: GatewayServices) -> None:
    flow = await known_flow(services)
    cases = [
        ("terminate", {"reason": 5}, "reason"),
        ("restart", {"latest": "yes"}, "latest"),
        ("resume", {"reason": "x"}, "reason"),
        ("pause", [1], "body"),
    ]
    for action, body, field in cases:
        response = await client.post(f"{API}/{flow}/{action}", json=body)
        assert response.status == 400, action
        assert (await response.json())["error"]["field"] == field, action
