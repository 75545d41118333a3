"""Small blueprints and assertions shared by the validation tests."""

from __future__ import annotations

from typing import Any

from sfc.core.validation import Problem, validate

Json = Any


def machine(states: dict[str, Json], **top: Json) -> dict[str, Json]:
    """A blueprint whose StartAt is its first state."""
    return {"StartAt": next(iter(states)), "States": states, **top}


def one(state: dict[str, Json], **top: Json) -> dict[str, Json]:
    """A blueprint of one state named ``S``."""
    return machine({"S": state}, **top)


def task(resource: str = "task:work", **fields: Json) -> dict[str, Json]:
    """A Task that ends the flow."""
    return {"Type": "Task", "Resource": resource, "End": True, **fields}


def passing(**fields: Json) -> dict[str, Json]:
    """A Pass state that ends the flow."""
    return {"Type": "Pass", "End": True, **fields}


def jsonata(state: dict[str, Json]) -> dict[str, Json]:
    """The state, in JSONata."""
    return {**state, "QueryLanguage": "JSONata"}


def problem(definition: Json, pointer: str, code: str) -> Problem:
    """The problem of that code at that pointer; fails the test when there is none."""
    problems = validate(definition)
    found = [p for p in problems if p.pointer == pointer and p.code == code]
    assert found, f"expected {code} at {pointer!r}, got {[str(p) for p in problems]}"
    return found[0]


def valid(definition: Json) -> None:
    """Fail the test unless the definition is valid."""
    problems = validate(definition)
    assert problems == [], [str(p) for p in problems]


def codes(definition: Json) -> set[tuple[str, str]]:
    """The (pointer, code) pairs of every problem."""
    return {(p.pointer, p.code) for p in validate(definition)}
