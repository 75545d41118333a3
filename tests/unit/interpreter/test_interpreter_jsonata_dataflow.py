"""JSONata input and output processing: Arguments, Output, Assign and ``$states``."""

from __future__ import annotations

from typing import Any

from flow_harness import Driver, run_flow

from sfc.core import Status


def jsonata(**states: dict[str, Any]) -> dict[str, Any]:
    names = list(states)
    built = {}
    for index, name in enumerate(names):
        follow = {"Next": names[index + 1]} if index + 1 < len(names) else {"End": True}
        built[name] = {**states[name], **follow}
    return {"QueryLanguage": "JSONata", "StartAt": names[0], "States": built}


def test_arguments_may_be_one_expression_for_the_whole_input() -> None:
    definition = jsonata(
        T={"Type": "Task", "Resource": "task:t", "Arguments": "{% $states.input.items[0] %}"}
    )
    driver = Driver(definition)
    driver.start({"items": [{"first": True}, 2]})
    assert driver.job("T").input == {"first": True}


def test_states_input_is_the_raw_input_in_arguments_and_output() -> None:
    definition = jsonata(
        T={
            "Type": "Task",
            "Resource": "task:t",
            "Arguments": {"only": "{% $states.input.a %}"},
            "Output": {"input": "{% $states.input %}", "result": "{% $states.result %}"},
        }
    )
    driver = Driver(definition)
    driver.start({"a": 1, "b": 2})
    assert driver.job("T").input == {"only": 1}
    driver.succeed("T", "r")
    assert driver.output == {"input": {"a": 1, "b": 2}, "result": "r"}


def test_a_failing_expression_is_a_catchable_query_evaluation_error() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "task:t",
                "Output": "{% $states.result.missing.deeper %}",
                "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "Output": "{% $states.input.Error %}", "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.succeed("T", {"x": 1})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == "States.QueryEvaluationError"


def test_an_arguments_error_fails_before_any_job_is_scheduled() -> None:
    definition = jsonata(
        T={"Type": "Task", "Resource": "task:t", "Arguments": "{% $undefinedVar.x %}"}
    )
    driver = Driver(definition)
    driver.start({})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.QueryEvaluationError"
    assert not driver.jobs


def test_parallel_arguments_feed_every_branch_and_output_shapes_the_array() -> None:
    definition = jsonata(
        P={
            "Type": "Parallel",
            "Arguments": {"v": "{% $states.input.v * 2 %}"},
            "Branches": [
                {
                    "StartAt": "A",
                    "States": {
                        "A": {"Type": "Pass", "Output": "{% $states.input.v + 1 %}", "End": True}
                    },
                },
                {
                    "StartAt": "B",
                    "States": {
                        "B": {"Type": "Pass", "Output": "{% $states.input.v + 2 %}", "End": True}
                    },
                },
            ],
            "Output": {"sum": "{% $sum($states.result) %}", "in": "{% $states.input.v %}"},
        }
    )
    assert run_flow(definition, {"v": 10}).output == {"sum": 43, "in": 10}


def test_a_jsonata_state_in_a_jsonpath_machine() -> None:
    definition = {
        "StartAt": "Path",
        "States": {
            "Path": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Ata"},
            "Ata": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": "{% $states.input.n * 3 %}",
                "Next": "Back",
            },
            "Back": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True},
        },
    }
    assert run_flow(definition, {"n": 2, "x": 0}).output == {"v": 6}


def test_output_and_assign_see_the_result_and_the_old_variables() -> None:
    definition = jsonata(
        Init={"Type": "Pass", "Assign": {"total": 1}},
        T={
            "Type": "Task",
            "Resource": "task:t",
            "Assign": {"total": "{% $total + $states.result.n %}"},
            "Output": {"before": "{% $total %}", "n": "{% $states.result.n %}"},
        },
        Read={"Type": "Pass", "Output": {"after": "{% $total %}", "prev": "{% $states.input %}"}},
    )
    driver = Driver(definition)
    driver.start({})
    driver.succeed("T", {"n": 5})
    assert driver.output == {"after": 6, "prev": {"before": 1, "n": 5}}


def test_wait_and_choice_pass_their_input_on_without_output() -> None:
    definition = jsonata(
        W={"Type": "Wait", "Seconds": 1},
        End={"Type": "Pass"},
    )
    driver = Driver(definition)
    driver.start({"kept": True})
    driver.fire_next()
    assert driver.output == {"kept": True}


def test_expressions_may_build_any_json_value() -> None:
    definition = jsonata(
        P={
            "Type": "Pass",
            "Output": {
                "list": "{% [1, 2, 3][$ > 1] %}",
                "text": "{% $join(['a', 'b'], '-') %}",
                "bool": "{% $states.input.n > 1 %}",
                "null": None,
                "literal": "no expression",
                "nested": {"deep": ["{% $states.input.n %}"]},
            },
        }
    )
    assert run_flow(definition, {"n": 2}).output == {
        "list": [2, 3],
        "text": "a-b",
        "bool": True,
        "null": None,
        "literal": "no expression",
        "nested": {"deep": [2]},
    }
