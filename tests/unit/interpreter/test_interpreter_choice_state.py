"""The Choice state: which Next it takes, and its Default, Assign and Output.

The rule operators themselves are tested in ``tests/unit/choice``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import run_flow

from sfc.core import Status


def choose(choice: dict[str, Any], *, language: str = "JSONPath") -> dict[str, Any]:
    """A Choice state ``C`` whose targets are Pass states that end the flow."""
    targets = [rule["Next"] for rule in choice["Choices"]]
    if "Default" in choice:
        targets.append(choice["Default"])
    states: dict[str, Any] = {"C": {"Type": "Choice", **choice}}
    for target in targets:
        states[target] = {"Type": "Pass", "End": True}
    return {"QueryLanguage": language, "StartAt": "C", "States": states}


RULES = {
    "Choices": [
        {"Variable": "$.n", "NumericLessThan": 10, "Next": "A"},
        {"Variable": "$.n", "NumericLessThan": 100, "Next": "B"},
    ],
    "Default": "D",
}


@pytest.mark.parametrize(("n", "target"), [(1, "A"), (50, "B"), (500, "D")])
def test_the_first_rule_that_holds_picks_next_else_default(n: int, target: str) -> None:
    driver = run_flow(choose(RULES), {"n": n})
    assert driver.status is Status.SUCCEEDED
    assert driver.entered() == ["C", target]
    assert driver.output == {"n": n}


def test_rules_after_the_matching_one_are_not_evaluated() -> None:
    # The second rule reads a path that does not exist; evaluating it would fail.
    choice = {
        "Choices": [
            {"Variable": "$.n", "NumericEquals": 1, "Next": "A"},
            {"Variable": "$.missing", "NumericEquals": 1, "Next": "B"},
        ]
    }
    assert run_flow(choose(choice), {"n": 1}).entered() == ["C", "A"]
    failed = run_flow(choose(choice), {"n": 2})
    assert failed.status is Status.FAILED
    assert failed.state.error == "States.Runtime"


def test_no_matching_rule_and_no_default_fails_with_no_choice_matched() -> None:
    choice = {"Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "A"}]}
    driver = run_flow(choose(choice), {"n": 2})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.NoChoiceMatched"
    assert driver.state.cause is not None
    assert "'C'" in driver.state.cause


def test_no_choice_matched_in_a_branch_is_caught_by_the_enclosing_parallel() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "C",
                        "States": {
                            "C": {
                                "Type": "Choice",
                                "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "X"}],
                            },
                            "X": {"Type": "Pass", "End": True},
                        },
                    }
                ],
                "Catch": [{"ErrorEquals": ["States.NoChoiceMatched"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    driver = run_flow(definition, {"n": 2})
    assert driver.status is Status.SUCCEEDED
    assert driver.output["Error"] == "States.NoChoiceMatched"


def test_input_path_feeds_the_rules_and_output_path_shapes_the_output() -> None:
    choice = {
        "InputPath": "$.data",
        "OutputPath": "$.keep",
        "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "A"}],
        "Default": "D",
    }
    driver = run_flow(choose(choice), {"data": {"n": 1, "keep": {"k": True}}, "n": 99})
    assert driver.entered() == ["C", "A"]
    assert driver.output == {"k": True}


def test_a_matching_rule_assigns_its_own_variables_and_default_uses_the_state_level() -> None:
    choice = {
        "Choices": [
            {
                "Variable": "$.n",
                "NumericEquals": 1,
                "Next": "A",
                "Assign": {"picked": "rule", "seen.$": "$.n"},
            }
        ],
        "Default": "D",
        "Assign": {"picked": "default"},
    }
    definition = choose(choice)
    for target in ("A", "D"):
        definition["States"][target] = {
            "Type": "Pass",
            "Parameters": {"picked.$": "$picked"},
            "End": True,
        }
    assert run_flow(definition, {"n": 1}).output == {"picked": "rule"}
    assert run_flow(definition, {"n": 2}).output == {"picked": "default"}
    exited = run_flow(definition, {"n": 1}).exited("C")
    assert exited.variables == {"picked": "rule", "seen": 1}


def test_jsonpath_choice_assign_reads_the_effective_input() -> None:
    choice = {
        "InputPath": "$.inner",
        "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "A", "Assign": {"v.$": "$.n"}}],
    }
    driver = run_flow(choose(choice), {"inner": {"n": 1}})
    assert driver.exited("C").variables == {"v": 1}


def test_jsonata_rules_pick_next_and_output_and_assign_per_rule() -> None:
    choice = {
        "Choices": [
            {
                "Condition": "{% $states.input.n < 10 %}",
                "Next": "A",
                "Output": {"small": "{% $states.input.n %}"},
                "Assign": {"size": "small"},
            },
        ],
        "Default": "D",
        "Output": {"large": "{% $states.input.n %}"},
        "Assign": {"size": "large"},
    }
    small = run_flow(choose(choice, language="JSONata"), {"n": 1})
    assert small.entered() == ["C", "A"]
    assert small.output == {"small": 1}
    assert small.exited("C").variables == {"size": "small"}
    large = run_flow(choose(choice, language="JSONata"), {"n": 11})
    assert large.entered() == ["C", "D"]
    assert large.output == {"large": 11}
    assert large.exited("C").variables == {"size": "large"}


def test_jsonata_choice_without_output_passes_its_input_on() -> None:
    choice = {"Choices": [{"Condition": "{% true %}", "Next": "A"}]}
    assert run_flow(choose(choice, language="JSONata"), {"x": [1]}).output == {"x": [1]}


def test_a_choice_loop_enters_its_states_once_per_round() -> None:
    definition = {
        "StartAt": "Inc",
        "States": {
            "Inc": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.i, 1)"},
                "Next": "Loop",
            },
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThan": 3, "Next": "Inc"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    driver = run_flow(definition, {"i": 0})
    assert driver.output == {"i": 3}
    assert driver.entered() == ["Inc", "Loop", "Inc", "Loop", "Inc", "Loop", "Done"]
