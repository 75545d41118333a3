"""Task definitions: validation, references, and defaults applied at compile time."""

from __future__ import annotations

from sfc.core.blueprint import compile_blueprint
from sfc.core.blueprint.model import TaskState
from sfc.core.blueprint.tasks import (
    apply_task_definitions,
    task_references,
    validate_task_definition,
)
from sfc.core.types import Json

BLUEPRINT: dict[str, Json] = {
    "StartAt": "Split",
    "States": {
        "Split": {"Type": "Task", "Resource": "task:order.split", "Next": "Fan"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Bill",
                    "States": {
                        "Bill": {
                            "Type": "Task",
                            "Resource": "task:bill:2",
                            "TimeoutSeconds": 5,
                            "End": True,
                        }
                    },
                }
            ],
            "End": True,
        },
    },
}

DEFINITIONS: dict[tuple[str, int], Json] = {
    ("order.split", 1): {"TimeoutSeconds": 10},
    ("order.split", 3): {
        "TimeoutSeconds": 30,
        "HeartbeatSeconds": 5,
        "Retry": [{"ErrorEquals": ["States.ALL"]}],
    },
    ("bill", 2): {"TimeoutSeconds": 60, "HeartbeatSeconds": 2},
}


def _lookup(name: str, version: int) -> Json:
    return DEFINITIONS.get((name, version))


def test_references_list_every_task_resource_with_its_written_version() -> None:
    assert list(task_references(BLUEPRINT)) == [("order.split", None), ("bill", 2)]


def test_a_pinned_definition_fills_only_what_the_state_does_not_set() -> None:
    applied = apply_task_definitions(BLUEPRINT, {"order.split": 3}, _lookup)
    split = applied["States"]["Split"]
    assert split["Resource"] == "task:order.split:3"
    assert (split["TimeoutSeconds"], split["HeartbeatSeconds"]) == (30, 5)
    assert split["Retry"] == [{"ErrorEquals": ["States.ALL"]}]
    bill = applied["States"]["Fan"]["Branches"][0]["States"]["Bill"]
    assert bill["TimeoutSeconds"] == 5, "the state's own TimeoutSeconds wins"
    assert bill["HeartbeatSeconds"] == 2
    assert BLUEPRINT["States"]["Split"] == {
        "Type": "Task",
        "Resource": "task:order.split",
        "Next": "Fan",
    }, "the blueprint itself is not modified"


def test_without_a_pin_an_unversioned_task_is_left_as_written() -> None:
    applied = apply_task_definitions(BLUEPRINT, {}, _lookup)
    assert applied["States"]["Split"] == BLUEPRINT["States"]["Split"]


def test_the_compiled_task_carries_the_pinned_version_and_defaults() -> None:
    compiled = compile_blueprint(apply_task_definitions(BLUEPRINT, {"order.split": 1}, _lookup))
    split = compiled.state("", "Split")
    assert isinstance(split, TaskState)
    assert split.resource.version == 1
    assert split.timeout is not None


def test_task_definition_validation_points_into_the_definition() -> None:
    assert validate_task_definition({"TimeoutSeconds": 10, "Comment": "ok"}) == []
    problems = validate_task_definition({"TimeoutSeconds": -1, "Color": "red"})
    assert {p.pointer for p in problems} == {"/TimeoutSeconds", "/Color"}
    assert [p.pointer for p in validate_task_definition({"Retry": [{"ErrorEquals": []}]})]
    assert validate_task_definition([1])[0].code == "schema"
