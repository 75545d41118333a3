"""The Join state (SFC): waiting for external events correlated to the flow by a key."""

from __future__ import annotations

from typing import Any

from flow_harness import FLOW, T0, Driver

from sfc.core import ExternalEvent, StartTimer, Status, Subscribe, Unsubscribe
from sfc.core.interpreter.records import AwaitEvents, Mail

EVENTS = [
    {"Name": "Paid", "CorrelationKeyPath": "$.order"},
    {"Name": "Shipped", "CorrelationKeyPath": "$.order", "Source": "kafka://shipping"},
]


def join(*, first: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A Join ``J`` (optionally after a first state ``F``), then a Pass that ends the flow."""
    states: dict[str, Any] = {}
    if first is not None:
        states["F"] = {**first, "Next": "J"}
    states["J"] = {"Type": "Join", "Events": EVENTS, "Next": "Done", **fields}
    states["Done"] = {"Type": "Pass", "End": True}
    return {"StartAt": "F" if first else "J", "States": states}


def test_a_join_subscribes_to_each_event_and_waits() -> None:
    driver = Driver(join())
    driver.start({"order": "o-1"})
    assert driver.last(Subscribe) == [
        Subscribe("Paid", "o-1", None),
        Subscribe("Shipped", "o-1", "kafka://shipping"),
    ]
    wait = driver.state.threads[""].wait
    assert wait == AwaitEvents({"Paid": "o-1", "Shipped": "o-1"}, {})
    assert driver.status is Status.RUNNING


def test_mode_all_waits_for_every_event_and_outputs_their_payloads_by_name() -> None:
    driver = Driver(join(ResultPath="$.events"))
    driver.start({"order": "o-1"})
    driver.send("Shipped", "o-1", {"carrier": "X"})
    assert driver.status is Status.RUNNING
    assert driver.last(Unsubscribe) == [Unsubscribe("Shipped", "o-1")]
    driver.send("Paid", "o-1", {"amount": 5})
    assert driver.state.status is Status.SUCCEEDED
    assert driver.output == {
        "order": "o-1",
        "events": {"Paid": {"amount": 5}, "Shipped": {"carrier": "X"}},
    }
    received = [e for e in driver.history if e.type == "EventReceived"]
    assert [(e.resource, e.payload) for e in received] == [
        ("Shipped", {"carrier": "X"}),
        ("Paid", {"amount": 5}),
    ]


def test_mode_any_finishes_on_the_first_event_and_unsubscribes_the_rest() -> None:
    driver = Driver(join(Mode="ANY"))
    driver.start({"order": "o-1"})
    decision = driver.send("Shipped", "o-1", "s")
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"Shipped": "s"}
    unsubscribed = {(c.name, c.key) for c in decision.commands if isinstance(c, Unsubscribe)}
    assert unsubscribed == {("Shipped", "o-1"), ("Paid", "o-1")}


def test_an_event_with_another_key_is_kept_in_the_mailbox_not_delivered() -> None:
    driver = Driver(join())
    driver.start({"order": "o-1"})
    driver.send("Paid", "o-2", "other order")
    assert driver.state.threads[""].wait == AwaitEvents({"Paid": "o-1", "Shipped": "o-1"}, {})
    assert driver.state.mailbox == (Mail("Paid", "o-2", "other order"),)
    assert driver.types()[-1] == "EventBuffered"


def test_an_event_that_arrives_before_the_join_starts_is_kept_and_consumed() -> None:
    first = {"Type": "Task", "Resource": "task:prepare"}
    driver = Driver(join(first=first))
    driver.start({"order": "o-1"})
    driver.send("Paid", "o-1", {"early": True})
    assert driver.state.mailbox == (Mail("Paid", "o-1", {"early": True}),)
    assert driver.status is Status.RUNNING
    driver.succeed("F", {"order": "o-1"})
    # Only the event still missing is subscribed to; the early one left the mailbox.
    assert driver.last(Subscribe) == [Subscribe("Shipped", "o-1", "kafka://shipping")]
    assert not driver.state.mailbox
    driver.send("Shipped", "o-1", 2)
    assert driver.output == {"Paid": {"early": True}, "Shipped": 2}


def test_all_events_already_in_the_mailbox_finish_the_join_at_once() -> None:
    first = {"Type": "Task", "Resource": "task:prepare"}
    driver = Driver(join(first=first))
    driver.start({"order": "o-1"})
    driver.send("Shipped", "o-1", 2)
    driver.send("Paid", "o-1", 1)
    driver.succeed("F", {"order": "o-1"})
    assert not driver.last(Subscribe)
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"Paid": 1, "Shipped": 2}


def test_a_redelivered_event_is_applied_once() -> None:
    driver = Driver(join())
    driver.start({"order": "o-1"})
    event = ExternalEvent("evt-1", FLOW, "Paid", "o-1", 1)
    driver.apply(event)
    after = driver.state
    again = driver.apply(event)
    assert again.flow == after
    assert again.commands == ()
    assert again.note is not None
    assert "evt-1" in again.note


def test_an_event_for_an_ended_flow_is_ignored() -> None:
    driver = Driver(join(Mode="ANY"))
    driver.start({"order": "o-1"})
    driver.send("Paid", "o-1", 1)
    ended = driver.state
    decision = driver.send("Shipped", "o-1", 2)
    assert decision.flow == ended
    assert decision.note is not None


def test_the_join_timeout_fails_with_states_timeout() -> None:
    driver = Driver(join(TimeoutSeconds=60))
    driver.start({"order": "o-1"})
    [timer] = driver.last(StartTimer)
    assert timer.due == T0 + 60
    driver.send("Paid", "o-1", 1)
    decision = driver.fire(timer.timer)
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Timeout"
    assert driver.state.cause is not None
    assert "Shipped" in driver.state.cause
    assert Unsubscribe("Shipped", "o-1") in decision.commands


def test_the_join_timeout_is_catchable_and_cancelled_when_the_events_arrive() -> None:
    catch = [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Late"}]
    definition = join(TimeoutSecondsPath="$.limit", Catch=catch)
    definition["States"]["Late"] = {"Type": "Pass", "End": True}
    late = Driver(definition)
    late.start({"order": "o-1", "limit": 5})
    late.fire_next()
    assert late.status is Status.SUCCEEDED
    assert late.output["error"]["Error"] == "States.Timeout"
    on_time = Driver(definition)
    on_time.start({"order": "o-1", "limit": 5})
    timer = on_time.next_timer()
    on_time.send("Paid", "o-1", 1)
    on_time.send("Shipped", "o-1", 2)
    assert timer in on_time.timers_cancelled()
    assert on_time.entered() == ["J", "Done"]


def test_constant_and_jsonata_correlation_keys() -> None:
    constant = {
        "QueryLanguage": "JSONata",
        "StartAt": "J",
        "States": {
            "J": {"Type": "Join", "Events": [{"Name": "Go", "CorrelationKey": 42}], "End": True}
        },
    }
    driver = Driver(constant)
    driver.start({})
    assert driver.last(Subscribe) == [Subscribe("Go", "42", None)]
    jsonata = {
        "QueryLanguage": "JSONata",
        "StartAt": "J",
        "States": {
            "J": {
                "Type": "Join",
                "Events": [{"Name": "Go", "CorrelationKey": "{% 'k-' & $states.input.id %}"}],
                "Output": "{% $states.result.Go %}",
                "End": True,
            }
        },
    }
    driver = Driver(jsonata)
    driver.start({"id": 3})
    assert driver.last(Subscribe) == [Subscribe("Go", "k-3", None)]
    driver.send("Go", "k-3", "payload")
    assert driver.output == "payload"


def test_a_join_cancelled_by_a_failing_sibling_unsubscribes() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "J",
                        "States": {
                            "J": {
                                "Type": "Join",
                                "Events": [{"Name": "Go", "CorrelationKeyPath": "$.k"}],
                                "End": True,
                            }
                        },
                    },
                    {
                        "StartAt": "T",
                        "States": {"T": {"Type": "Task", "Resource": "task:t", "End": True}},
                    },
                ],
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({"k": "key"})
    decision = driver.fail("T")
    assert Unsubscribe("Go", "key") in decision.commands
    assert driver.status is Status.FAILED


def test_terminating_a_flow_in_a_join_unsubscribes() -> None:
    driver = Driver(join())
    driver.start({"order": "o-1"})
    driver.send("Paid", "o-1", 1)
    decision = driver.terminate()
    assert decision.commands.count(Unsubscribe("Shipped", "o-1")) == 1
    assert Unsubscribe("Paid", "o-1") not in decision.commands


def test_mode_any_takes_only_the_first_early_event() -> None:
    first = {"Type": "Task", "Resource": "task:prepare"}
    driver = Driver(join(first=first, Mode="ANY"))
    driver.start({"order": "o-1"})
    driver.send("Shipped", "o-1", "first")
    driver.send("Paid", "o-1", "second")
    driver.succeed("F", {"order": "o-1"})
    assert driver.output == {"Shipped": "first"}
    assert driver.state.mailbox == (Mail("Paid", "o-1", "second"),)


def test_a_bad_timeout_fails_the_join_without_consuming_early_events() -> None:
    first = {"Type": "Task", "Resource": "task:prepare"}
    driver = Driver(join(first=first, TimeoutSecondsPath="$.limit"))
    driver.start({"order": "o-1"})
    driver.send("Paid", "o-1", 1)
    driver.succeed("F", {"order": "o-1", "limit": "soon"})
    assert driver.state.error == "States.Runtime"
    assert driver.state.mailbox == (Mail("Paid", "o-1", 1),)
