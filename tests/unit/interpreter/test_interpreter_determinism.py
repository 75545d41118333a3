"""Determinism: the same flow, event and context always give the same decision.

The property test drives a blueprint that uses most constructs through generated inputs,
results, errors, control messages and clock readings; :class:`~flow_harness.Driver`
checks on every step that deciding twice, and deciding on the restored snapshot, gives an
equal decision. The replay test then feeds a recorded event sequence to a fresh flow and
compares the end state.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest
from flow_harness import Driver, blueprint
from hypothesis import HealthCheck, given, settings

from sfc.core import Blueprint, Context, FlowState, Status, decide

DEFINITION = {
    "TimeoutSeconds": 100_000,
    "StartAt": "Fetch",
    "States": {
        "Fetch": {
            "Type": "Task",
            "Resource": "task:fetch",
            "Parameters": {"input.$": "$", "token.$": "$$.Task.Token"},
            "ResultPath": "$.fetched",
            "Retry": [
                {"ErrorEquals": ["Flaky"], "MaxAttempts": 2, "JitterStrategy": "FULL"},
                {"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1},
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
            "TimeoutSeconds": 50,
            "Assign": {"fetched.$": "$"},
            "Next": "Fan",
        },
        "Recover": {"Type": "Pass", "Result": "recovered", "ResultPath": "$.note", "Next": "Fan"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "MaxConcurrency": 2,
                            "ToleratedFailureCount": 1,
                            "ItemSelector": {
                                "i.$": "$$.Map.Item.Index",
                                "v.$": "$$.Map.Item.Value",
                            },
                            "ItemProcessor": {
                                "StartAt": "Work",
                                "States": {
                                    "Work": {"Type": "Task", "Resource": "task:work", "End": True}
                                },
                            },
                            "End": True,
                        }
                    },
                },
                {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}}},
            ],
            "ResultPath": "$.fan",
            "Next": "Decide",
        },
        "Decide": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.fan[0][0]", "IsPresent": True, "Next": "Done"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

JSONATA_DEFINITION = {
    "QueryLanguage": "JSONata",
    "TimeoutSeconds": 5000,
    "StartAt": "Init",
    "States": {
        "Init": {"Type": "Pass", "Assign": {"n": 0}, "Next": "Loop"},
        "Loop": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $n < 2 %}", "Next": "Body"}],
            "Default": "Gate",
        },
        "Body": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "M",
                    "States": {
                        "M": {
                            "Type": "Map",
                            "Items": "{% [1, 2, 3] %}",
                            "MaxConcurrency": 2,
                            "ItemProcessor": {
                                "StartAt": "W",
                                "States": {
                                    "W": {
                                        "Type": "Task",
                                        "Resource": "task:w",
                                        "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}],
                                        "Catch": [
                                            {
                                                "ErrorEquals": ["Caught"],
                                                "Output": "{% $states.errorOutput %}",
                                                "Next": "Fallback",
                                            }
                                        ],
                                        "TimeoutSeconds": 40,
                                        "HeartbeatSeconds": 10,
                                        "End": True,
                                    },
                                    "Fallback": {"Type": "Pass", "End": True},
                                },
                            },
                            "End": True,
                        }
                    },
                },
                {
                    "StartAt": "Nap",
                    "States": {
                        "Nap": {"Type": "Wait", "Seconds": 20, "Next": "J"},
                        "J": {
                            "Type": "Join",
                            "Mode": "ANY",
                            "TimeoutSeconds": 100,
                            "Events": [
                                {"Name": "Anything", "CorrelationKey": "key"},
                                {"Name": "Other", "CorrelationKey": "key"},
                            ],
                            "End": True,
                        },
                    },
                },
            ],
            "Catch": [
                {"ErrorEquals": ["States.ALL"], "Output": "{% $states.input %}", "Next": "Inc"}
            ],
            "Assign": {"n": "{% $n + 1 %}"},
            "Next": "Loop",
        },
        "Inc": {"Type": "Pass", "Assign": {"n": "{% $n + 1 %}"}, "Next": "Loop"},
        "Gate": {"Type": "Task", "Resource": "task:gate", "End": True},
    },
}

BLUEPRINT = blueprint(DEFINITION)
BLUEPRINTS = [BLUEPRINT, blueprint(JSONATA_DEFINITION)]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)

inputs = st.fixed_dictionaries(
    {"items": st.lists(json_values, max_size=5)}, optional={"extra": json_values}
)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("succeed"), json_values),
        st.tuples(st.just("fail"), st.sampled_from(["Flaky", "Fatal", "Caught", "States.Timeout"])),
        st.tuples(st.just("timer"), st.floats(0, 100)),
        st.tuples(st.just("pause"), st.none()),
        st.tuples(st.just("resume"), st.none()),
        st.tuples(st.just("heartbeat"), st.none()),
        st.tuples(st.just("event"), json_values),
        st.tuples(st.just("again"), st.none()),
        st.tuples(st.sampled_from(["terminate", "retry", "restart"]), st.none()),
    ),
    max_size=30,
)


def act(driver: Driver, action: str, value: Any) -> None:
    """Apply one generated action, if it makes sense in the flow's current state."""
    if action == "again" and driver.events:
        driver.apply(driver.events[-1])
    elif action in ("succeed", "fail", "heartbeat") and driver.jobs:
        job = sorted(driver.jobs.values(), key=lambda j: j.token)[0]
        if action == "succeed":
            output = {"items": [value]} if job.state == "Fetch" else value
            driver.succeed(job, output)
        elif action == "fail":
            driver.fail(job, value, "generated")
        else:
            driver.heartbeat(job)
    elif action == "timer" and driver.flow is not None and driver.flow.timers:
        driver.now += value
        driver.fire_next()
    elif action == "pause":
        driver.pause()
    elif action == "resume":
        driver.resume()
    elif action == "event":
        driver.send("Anything", "key", value)
    elif action == "terminate":
        driver.terminate()
    elif action == "retry":
        driver.retry()
    elif action == "restart":
        driver.restart()


@pytest.mark.parametrize("compiled", BLUEPRINTS, ids=["jsonpath", "jsonata"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(input_=inputs, script=actions)
def test_decisions_depend_only_on_flow_event_and_context(
    compiled: Blueprint, input_: dict[str, Any], script: list[tuple[str, Any]]
) -> None:
    driver = Driver(compiled)
    driver.start(input_)
    for action, value in script:
        act(driver, action, value)
    driver.run()
    # The Driver checked every step. Both blueprints have a flow TimeoutSeconds, so a
    # flow that runs out of jobs and timers has ended; anything else is stuck.
    assert driver.status is not Status.RUNNING


def replay(events: list[Any], contexts: list[Context]) -> tuple[FlowState | None, list[Any]]:
    flow: FlowState | None = None
    commands: list[Any] = []
    for event, ctx in zip(events, contexts, strict=True):
        decision = decide(flow, event, ctx)
        flow = decision.flow
        commands.extend(decision.commands)
    return flow, commands


@pytest.mark.parametrize("compiled", BLUEPRINTS, ids=["jsonpath", "jsonata"])
@settings(max_examples=60, deadline=None)
@given(input_=inputs, script=actions)
def test_replaying_a_recorded_event_sequence_gives_the_same_flow(
    compiled: Blueprint, input_: dict[str, Any], script: list[tuple[str, Any]]
) -> None:
    driver = Driver(compiled)
    driver.start(input_)
    for action, value in script:
        act(driver, action, value)
    driver.run()
    flow, commands = replay(list(driver.events), list(driver.contexts))
    assert flow == driver.flow
    recorded = [c for d in driver.decisions for c in d.commands]
    assert commands == recorded


def test_the_same_event_with_other_entropy_differs_only_where_randomness_is_used() -> None:
    definition = {
        "StartAt": "U",
        "States": {"U": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "End": True}},
    }
    driver = Driver(definition)
    driver.start({})
    first = driver.output
    again = Driver(definition)
    again.start({})
    assert again.output == first  # the same message id: the same UUID
    other = Driver(definition)
    other.message_id()  # the next start gets another id, hence other entropy
    other.start({})
    assert other.output != first
