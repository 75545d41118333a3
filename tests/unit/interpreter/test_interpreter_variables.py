"""Workflow variables: Assign in both query languages, and their scopes."""

from __future__ import annotations

from typing import Any

from flow_harness import Driver, run_flow

from sfc.core import Status


def chain(*states: tuple[str, dict[str, Any]], language: str = "JSONPath") -> dict[str, Any]:
    names = [name for name, _ in states]
    built: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        follow = {"Next": names[index + 1]} if index + 1 < len(names) else {"End": True}
        built[name] = {**state, **follow} if state["Type"] not in ("Succeed", "Fail") else state
    return {"QueryLanguage": language, "StartAt": names[0], "States": built}


def test_jsonpath_assign_sets_variables_that_later_states_read() -> None:
    definition = chain(
        (
            "Set",
            {
                "Type": "Pass",
                "Assign": {"c": 1, "fromInput.$": "$.x", "f.$": "States.Format('n={}', $.x)"},
            },
        ),
        ("Use", {"Type": "Pass", "Parameters": {"c.$": "$c", "x.$": "$fromInput", "f.$": "$f"}}),
    )
    driver = run_flow(definition, {"x": 5})
    assert driver.output == {"c": 1, "x": 5, "f": "n=5"}
    assert driver.exited("Set").variables == {"c": 1, "fromInput": 5, "f": "n=5"}


def test_every_assign_expression_sees_the_variables_from_before_the_state() -> None:
    definition = chain(
        ("First", {"Type": "Pass", "Assign": {"a": 1}}),
        ("Second", {"Type": "Pass", "Assign": {"a": 2, "b.$": "$a"}}),
        ("Read", {"Type": "Pass", "Parameters": {"a.$": "$a", "b.$": "$b"}}),
    )
    assert run_flow(definition, {}).output == {"a": 2, "b": 1}


def test_the_state_that_assigns_does_not_see_its_own_assignment() -> None:
    definition = chain(
        ("First", {"Type": "Pass", "Assign": {"a": "old"}}),
        (
            "Second",
            {"Type": "Pass", "Assign": {"a": "new"}, "Parameters": {"seen.$": "$a"}},
        ),
    )
    assert run_flow(definition, {}).output == {"seen": "old"}


def test_jsonpath_task_assign_reads_the_result_before_result_selector() -> None:
    definition = chain(
        (
            "T",
            {
                "Type": "Task",
                "Resource": "task:work",
                "ResultSelector": {"kept.$": "$.a"},
                "Assign": {"raw.$": "$.b", "whole.$": "$"},
            },
        ),
        (
            "Read",
            {"Type": "Pass", "Parameters": {"raw.$": "$raw", "whole.$": "$whole", "out.$": "$"}},
        ),
    )
    driver = Driver(definition)
    driver.start({"in": 0})
    driver.succeed("T", {"a": 1, "b": 2})
    assert driver.output == {"raw": 2, "whole": {"a": 1, "b": 2}, "out": {"kept": 1}}


def test_jsonpath_pass_assign_reads_its_result() -> None:
    definition = chain(
        (
            "P",
            {"Type": "Pass", "Result": {"r": 1}, "ResultPath": "$.res", "Assign": {"v.$": "$.r"}},
        ),
        ("Read", {"Type": "Pass", "Parameters": {"v.$": "$v"}}),
    )
    assert run_flow(definition, {}).output == {"v": 1}


def test_a_failed_state_assigns_nothing() -> None:
    definition = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"v": "before"}, "Next": "T"},
            "T": {
                "Type": "Task",
                "Resource": "task:work",
                "Assign": {"v": "after"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Read"}],
                "End": True,
            },
            "Read": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.fail("T")
    assert driver.output == {"v": "before"}


def test_jsonata_assign_and_output_both_see_the_variables_from_before() -> None:
    definition = chain(
        ("First", {"Type": "Pass", "Assign": {"n": 1}}),
        (
            "Second",
            {
                "Type": "Pass",
                "Assign": {"n": "{% $n + 1 %}", "m": "{% $n * 10 %}"},
                "Output": {"n": "{% $n %}"},
            },
        ),
        (
            "Read",
            {
                "Type": "Pass",
                "Output": {"n": "{% $n %}", "m": "{% $m %}", "in": "{% $states.input %}"},
            },
        ),
        language="JSONata",
    )
    assert run_flow(definition, {}).output == {"n": 2, "m": 10, "in": {"n": 1}}


def test_jsonata_task_assign_reads_the_result() -> None:
    definition = chain(
        (
            "T",
            {
                "Type": "Task",
                "Resource": "task:work",
                "Assign": {"got": "{% $states.result.v %}"},
                "Output": "{% $states.input %}",
            },
        ),
        ("Read", {"Type": "Pass", "Output": {"got": "{% $got %}", "in": "{% $states.input %}"}}),
        language="JSONata",
    )
    driver = Driver(definition)
    driver.start({"x": 1})
    driver.succeed("T", {"v": "value"})
    assert driver.output == {"got": "value", "in": {"x": 1}}


def test_variables_survive_waiting_and_the_snapshot() -> None:
    definition = chain(
        ("Set", {"Type": "Pass", "Assign": {"kept": {"deep": [1, 2]}}}),
        ("Wait", {"Type": "Wait", "Seconds": 60}),
        ("Read", {"Type": "Pass", "Parameters": {"kept.$": "$kept"}}),
    )
    driver = Driver(definition)
    driver.start({})
    assert driver.state.threads[""].variables == {"kept": {"deep": [1, 2]}}
    driver.fire_next()
    assert driver.output == {"kept": {"deep": [1, 2]}}


PARALLEL_SCOPES = {
    "StartAt": "Outer",
    "States": {
        "Outer": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "P"},
        "P": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "SetInner",
                    "States": {
                        "SetInner": {"Type": "Pass", "Assign": {"inner": "i0"}, "Next": "ReadBoth"},
                        "ReadBoth": {
                            "Type": "Pass",
                            "Parameters": {"outer.$": "$outer", "inner.$": "$inner"},
                            "End": True,
                        },
                    },
                },
                {
                    "StartAt": "ReadOuter",
                    "States": {
                        "ReadOuter": {
                            "Type": "Pass",
                            "Parameters": {"outer.$": "$outer"},
                            "Assign": {"inner": "i1"},
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "After",
        },
        "After": {"Type": "Wait", "Seconds": 1, "Next": "ReadInner"},
        "ReadInner": {"Type": "Pass", "Parameters": {"inner.$": "$inner"}, "End": True},
    },
}


def test_branches_read_outer_variables_and_keep_their_own_to_themselves() -> None:
    driver = Driver(PARALLEL_SCOPES)
    driver.start({})
    # Waiting after the Parallel: the flow's scope has only what it assigned itself.
    assert driver.state.threads[""].variables == {"outer": "o"}
    driver.fire_next()
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"
    outputs = [e.payload for e in driver.history if e.type == "StateExited" and e.state == "P"]
    assert outputs == [[{"outer": "o", "inner": "i0"}, {"outer": "o"}]]


def test_map_iterations_read_outer_variables_and_keep_their_own_apart() -> None:
    definition = {
        "StartAt": "Outer",
        "States": {
            "Outer": {"Type": "Pass", "Assign": {"factor": 10}, "Next": "M"},
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Keep",
                    "States": {
                        "Keep": {"Type": "Pass", "Assign": {"mine.$": "$"}, "Next": "Read"},
                        "Read": {
                            "Type": "Pass",
                            "Parameters": {
                                "mine.$": "$mine",
                                "scaled.$": "States.MathAdd($mine, $factor)",
                            },
                            "End": True,
                        },
                    },
                },
                "End": True,
            },
        },
    }
    assert run_flow(definition, [1, 2, 3]).output == [
        {"mine": 1, "scaled": 11},
        {"mine": 2, "scaled": 12},
        {"mine": 3, "scaled": 13},
    ]


def test_the_parallel_state_assign_runs_once_all_branches_are_done() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": True}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": True}}},
                ],
                "Assign": {"all.$": "$", "second.$": "$[1]"},
                "Next": "Read",
            },
            "Read": {
                "Type": "Pass",
                "Parameters": {"all.$": "$all", "second.$": "$second"},
                "End": True,
            },
        },
    }
    assert run_flow(definition, {}).output == {"all": [1, 2], "second": 2}


def test_inner_scopes_see_outer_variables_as_they_were_when_the_scope_started() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"v": 1}, "Next": "M"},
            "M": {
                "Type": "Map",
                "Items": "{% [1, 2] %}",
                "ItemProcessor": {
                    "StartAt": "Read",
                    "States": {"Read": {"Type": "Pass", "Output": "{% $v %}", "End": True}},
                },
                "Assign": {"v": "{% $v + 1 %}"},
                "Output": {"results": "{% $states.result %}", "v": "{% $v %}"},
                "Next": "After",
            },
            "After": {
                "Type": "Pass",
                "Output": {"v": "{% $v %}", "prev": "{% $states.input %}"},
                "End": True,
            },
        },
    }
    assert run_flow(definition, {}).output == {"v": 2, "prev": {"results": [1, 1], "v": 1}}
