"""The state graph: names, transitions, scopes, reachability, termination."""

from __future__ import annotations

from typing import Any

import pytest
from validation_helpers import codes, machine, one, passing, problem, task, valid

Json = Any


def branch(states: dict[str, Json]) -> dict[str, Json]:
    return {"StartAt": next(iter(states)), "States": states}


def parallel(*branches: dict[str, Json], **fields: Json) -> dict[str, Json]:
    return {"Type": "Parallel", "Branches": list(branches), "End": True, **fields}


def mapping(processor: dict[str, Json], **fields: Json) -> dict[str, Json]:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


def choice(*targets: str, default: str | None = None) -> dict[str, Json]:
    rules = [{"Variable": "$.x", "NumericEquals": i, "Next": t} for i, t in enumerate(targets)]
    state: dict[str, Json] = {"Type": "Choice", "Choices": rules}
    if default is not None:
        state["Default"] = default
    return state


def test_start_at_must_name_a_state() -> None:
    definition = {"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}
    found = problem(definition, "/StartAt", "start-at-missing")
    assert "'Nope'" in found.message


@pytest.mark.parametrize(
    ("states", "pointer"),
    [
        ({"A": passing(Next="Z", End=None)}, "/States/A/Next"),
        ({"A": choice("B", default="Z"), "B": {"Type": "Succeed"}}, "/States/A/Default"),
        ({"A": choice("Z", default="B"), "B": {"Type": "Succeed"}}, "/States/A/Choices/0/Next"),
        (
            {"A": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Z"}])},
            "/States/A/Catch/0/Next",
        ),
    ],
)
def test_transitions_must_name_a_state(states: dict[str, Json], pointer: str) -> None:
    for state in states.values():
        if state.get("End") is None:
            state.pop("End", None)
    found = problem(machine(states), pointer, "next-missing")
    assert "'Z'" in found.message


def test_cannot_jump_out_of_a_branch() -> None:
    inner = branch({"I": passing(Next="Out", End=None)})
    del inner["States"]["I"]["End"]
    definition = machine({"P": parallel(inner, Next="Out", End=None), "Out": {"Type": "Succeed"}})
    del definition["States"]["P"]["End"]
    found = problem(definition, "/States/P/Branches/0/States/I/Next", "next-missing")
    assert "another scope" in found.message


def test_cannot_jump_into_a_map_processor() -> None:
    definition = machine(
        {
            "C": choice("Inner", default="M"),
            "M": mapping(branch({"Inner": passing()})),
        }
    )
    problem(definition, "/States/C/Choices/0/Next", "next-missing")


def test_cannot_jump_between_branches() -> None:
    first = branch({"A1": {"Type": "Pass", "Next": "B1"}})
    second = branch({"B1": {"Type": "Succeed"}})
    pairs = codes(one(parallel(first, second)))
    assert ("/States/S/Branches/0/States/A1/Next", "next-missing") in pairs
    assert ("/States/S/Branches/0/States", "no-terminal") in pairs


def test_state_names_are_unique_across_nested_scopes() -> None:
    definition = machine(
        {
            "P": parallel(branch({"Same": {"Type": "Succeed"}}), Next="Same", End=None),
            "Same": {"Type": "Succeed"},
        }
    )
    del definition["States"]["P"]["End"]
    found = problem(definition, "/States/Same", "duplicate-state-name")
    assert "/States/P/Branches/0/States/Same" in found.message


def test_state_names_are_unique_across_map_processors() -> None:
    definition = machine(
        {
            "M": mapping(branch({"W": {"Type": "Wait", "Seconds": 1, "End": True}}), Next="W"),
            "W": {"Type": "Succeed"},
        }
    )
    del definition["States"]["M"]["End"]
    problem(definition, "/States/W", "duplicate-state-name")


def test_state_names_at_most_80_characters() -> None:
    long = "x" * 81
    definition = machine({"A": {"Type": "Pass", "Next": long}, long: passing()})
    problem(definition, f"/States/{long}", "state-name-too-long")
    valid(machine({"y" * 80: passing()}))


def test_empty_state_name() -> None:
    problem(machine({"": passing()}), "/States/", "invalid-state-name")


def test_unreachable_state() -> None:
    definition = machine({"A": passing(), "Lonely": passing()})
    found = problem(definition, "/States/Lonely", "unreachable-state")
    assert "'Lonely'" in found.message


def test_unreachable_state_in_a_branch() -> None:
    definition = one(parallel(branch({"A": passing(), "B": passing()})))
    problem(definition, "/States/S/Branches/0/States/B", "unreachable-state")


def test_states_reached_only_through_catch_are_reachable() -> None:
    definition = machine(
        {
            "A": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handler"}]),
            "Handler": {"Type": "Fail"},
        }
    )
    valid(definition)


def test_no_terminal_state_at_all() -> None:
    definition = machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}})
    found = problem(definition, "/States", "no-terminal")
    assert "Succeed" in found.message


def test_loop_that_can_never_end() -> None:
    definition = machine(
        {
            "A": choice("Loop1", default="Done"),
            "Loop1": {"Type": "Pass", "Next": "Loop2"},
            "Loop2": {"Type": "Pass", "Next": "Loop1"},
            "Done": {"Type": "Succeed"},
        }
    )
    assert codes(definition) == {("/States/Loop1", "no-terminal"), ("/States/Loop2", "no-terminal")}


def test_loop_with_an_exit_is_fine() -> None:
    definition = machine(
        {
            "Poll": task(End=None, Next="Check"),
            "Check": choice("Done", default="Poll"),
            "Done": {"Type": "Succeed"},
        }
    )
    del definition["States"]["Poll"]["End"]
    valid(definition)


def test_missing_terminal_in_a_map_processor() -> None:
    processor = branch({"W": {"Type": "Wait", "Seconds": 1, "Next": "W"}})
    problem(one(mapping(processor)), "/States/S/ItemProcessor/States", "no-terminal")


@pytest.mark.parametrize("kind", ["Task", "Pass", "Wait", "Parallel", "Map", "Join"])
def test_next_and_end_are_mutually_exclusive(kind: str) -> None:
    states = {
        "Task": task(Next="T"),
        "Pass": passing(Next="T"),
        "Wait": {"Type": "Wait", "Seconds": 1, "End": True, "Next": "T"},
        "Parallel": parallel(branch({"B": passing()}), Next="T"),
        "Map": mapping(branch({"B": passing()}), Next="T"),
        "Join": {
            "Type": "Join",
            "Events": [{"Name": "e", "CorrelationKeyPath": "$.k"}],
            "End": True,
            "Next": "T",
        },
    }
    definition = machine({"S": states[kind], "T": {"Type": "Succeed"}})
    problem(definition, "/States/S", "mutually-exclusive")


def test_next_or_end_is_required() -> None:
    found = problem(one({"Type": "Pass"}), "/States/S", "transition-missing")
    assert "Next or End" in found.message


def test_end_false_is_not_an_end() -> None:
    problem(one({"Type": "Pass", "End": False}), "/States/S", "transition-missing")


def test_choice_rule_must_have_next() -> None:
    state = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.x", "IsNull": True, "End": True}],
        "Default": "D",
    }
    definition = machine({"S": state, "D": {"Type": "Succeed"}})
    problem(definition, "/States/S/Choices/0", "missing-field")


def test_all_graph_problems_are_reported_together() -> None:
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "Missing"}, "B": {"Type": "Pass"}},
    }
    assert codes(definition) == {
        ("/States/A/Next", "next-missing"),
        ("/States/B", "transition-missing"),
        ("/States", "no-terminal"),
        ("/States/B", "unreachable-state"),
    }
