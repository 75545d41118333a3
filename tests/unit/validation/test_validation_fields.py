"""Rules between fields: exclusions, query languages, limits, error names, variables."""

from __future__ import annotations

from typing import Any

import pytest
from validation_helpers import codes, jsonata, machine, one, passing, problem, task, valid

Json = Any

PROCESSOR = {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}


def wait(**fields: Json) -> dict[str, Json]:
    return {"Type": "Wait", "End": True, **fields}


def map_state(**fields: Json) -> dict[str, Json]:
    return {"Type": "Map", "End": True, **fields}


@pytest.mark.parametrize(
    ("state", "pointer"),
    [
        (task(TimeoutSeconds=10, TimeoutSecondsPath="$.t"), "/States/S"),
        (task(HeartbeatSeconds=10, HeartbeatSecondsPath="$.h"), "/States/S"),
        ({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}, "/States/S"),
        ({"Type": "Fail", "Cause": "C", "CausePath": "$.c"}, "/States/S"),
        (wait(Seconds=1, SecondsPath="$.s"), "/States/S"),
        (wait(Timestamp="2026-01-01T00:00:00Z", TimestampPath="$.t"), "/States/S"),
        (wait(Seconds=1, Timestamp="2026-01-01T00:00:00Z"), "/States/S"),
        (map_state(ItemProcessor=PROCESSOR, Iterator=PROCESSOR), "/States/S"),
        (map_state(ItemProcessor=PROCESSOR, ItemSelector={}, Parameters={}), "/States/S"),
        (
            map_state(ItemProcessor=PROCESSOR, MaxConcurrency=1, MaxConcurrencyPath="$.m"),
            "/States/S",
        ),
        (
            map_state(
                ItemProcessor=PROCESSOR, ToleratedFailureCount=0, ToleratedFailureCountPath="$.c"
            ),
            "/States/S",
        ),
        (
            map_state(
                ItemProcessor=PROCESSOR,
                ToleratedFailurePercentage=0,
                ToleratedFailurePercentagePath="$.p",
            ),
            "/States/S",
        ),
        (
            map_state(
                ItemProcessor=PROCESSOR,
                ItemReader={
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.m"},
                },
            ),
            "/States/S/ItemReader/ReaderConfig",
        ),
        (
            map_state(
                ItemProcessor=PROCESSOR,
                ItemBatcher={"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.b"},
            ),
            "/States/S/ItemBatcher",
        ),
        (
            map_state(
                ItemProcessor=PROCESSOR,
                ItemBatcher={"MaxInputBytesPerBatch": 2, "MaxInputBytesPerBatchPath": "$.b"},
            ),
            "/States/S/ItemBatcher",
        ),
        (
            {
                "Type": "Join",
                "Events": [{"Name": "e", "CorrelationKeyPath": "$.k"}],
                "TimeoutSeconds": 5,
                "TimeoutSecondsPath": "$.t",
                "End": True,
            },
            "/States/S",
        ),
    ],
)
def test_mutually_exclusive_fields(state: dict[str, Json], pointer: str) -> None:
    found = problem(one(state), pointer, "mutually-exclusive")
    assert " and " in found.message


@pytest.mark.parametrize(
    "state",
    [
        passing(Result={"a": 1}, Parameters={"b": 2}),
        wait(Seconds=0),
        wait(Timestamp="2016-03-14T01:59:00.25+02:00"),
        map_state(Iterator=PROCESSOR),
    ],
)
def test_fields_that_may_go_together(state: dict[str, Json]) -> None:
    valid(one(state))


@pytest.mark.parametrize(("state"), [wait(), map_state()])
def test_one_of_required(state: dict[str, Json]) -> None:
    problem(one(state), "/States/S", "missing-field")


def test_heartbeat_must_be_shorter_than_timeout() -> None:
    found = problem(
        one(task(TimeoutSeconds=10, HeartbeatSeconds=10)),
        "/States/S/HeartbeatSeconds",
        "heartbeat-too-long",
    )
    assert "10" in found.message
    valid(one(task(TimeoutSeconds=10, HeartbeatSeconds=9)))


@pytest.mark.parametrize(
    ("state", "pointer"),
    [
        (passing(Output={"a": 1}), "/States/S/Output"),
        (task(Arguments={"a": 1}), "/States/S/Arguments"),
        (map_state(ItemProcessor=PROCESSOR, Items=[1, 2]), "/States/S/Items"),
        (task(TimeoutSeconds="{% 5 %}"), "/States/S/TimeoutSeconds"),
        (wait(Seconds="{% 5 %}"), "/States/S/Seconds"),
        (
            task(Catch=[{"ErrorEquals": ["E"], "Next": "S", "Output": {}}]),
            "/States/S/Catch/0/Output",
        ),
        (
            {"Type": "Join", "Events": [{"Name": "e", "CorrelationKey": "k"}], "End": True},
            "/States/S/Events/0/CorrelationKey",
        ),
    ],
)
def test_jsonata_fields_are_not_allowed_in_jsonpath_states(
    state: dict[str, Json], pointer: str
) -> None:
    problem(one(state), pointer, "wrong-query-language")


@pytest.mark.parametrize(
    ("state", "pointer"),
    [
        (passing(InputPath="$.a"), "/States/S/InputPath"),
        (passing(OutputPath="$.a"), "/States/S/OutputPath"),
        (passing(Parameters={"a": 1}), "/States/S/Parameters"),
        (passing(Result={"a": 1}), "/States/S/Result"),
        (passing(ResultPath="$.a"), "/States/S/ResultPath"),
        (task(ResultSelector={"a": 1}), "/States/S/ResultSelector"),
        (task(TimeoutSecondsPath="$.t"), "/States/S/TimeoutSecondsPath"),
        (wait(SecondsPath="$.s"), "/States/S/SecondsPath"),
        ({"Type": "Fail", "ErrorPath": "$.e"}, "/States/S/ErrorPath"),
        (map_state(ItemProcessor=PROCESSOR, ItemsPath="$.items"), "/States/S/ItemsPath"),
        (
            task(Catch=[{"ErrorEquals": ["E"], "Next": "S", "ResultPath": "$.e"}]),
            "/States/S/Catch/0/ResultPath",
        ),
        (
            map_state(
                ItemProcessor=PROCESSOR,
                ItemReader={"Resource": "arn:aws:states:::s3:getObject", "Parameters": {}},
            ),
            "/States/S/ItemReader/Parameters",
        ),
        (
            {"Type": "Join", "Events": [{"Name": "e", "CorrelationKeyPath": "$.k"}], "End": True},
            "/States/S/Events/0/CorrelationKeyPath",
        ),
    ],
)
def test_jsonpath_fields_are_not_allowed_in_jsonata_states(
    state: dict[str, Json], pointer: str
) -> None:
    found = problem(one(jsonata(state)), pointer, "wrong-query-language")
    assert "JSONata" in found.message


def test_top_level_query_language_is_inherited() -> None:
    problem(
        one(passing(InputPath="$.a"), QueryLanguage="JSONata"),
        "/States/S/InputPath",
        "wrong-query-language",
    )


def test_nested_states_inherit_the_language_of_their_parallel_or_map() -> None:
    processor = {"StartAt": "I", "States": {"I": passing(OutputPath="$.x")}}
    definition = one(jsonata(map_state(ItemProcessor=processor)))
    problem(definition, "/States/S/ItemProcessor/States/I/OutputPath", "wrong-query-language")


def test_a_jsonata_blueprint_cannot_go_back_to_jsonpath() -> None:
    definition = one(passing(QueryLanguage="JSONPath"), QueryLanguage="JSONata")
    found = problem(definition, "/States/S/QueryLanguage", "wrong-query-language")
    assert "cannot go back" in found.message


def test_a_jsonpath_blueprint_may_have_jsonata_states() -> None:
    first = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"x": "{% 1 %}"}, "Next": "B"}
    valid(machine({"A": first, "B": passing(InputPath="$.x")}))


@pytest.mark.parametrize("field", ["Retry", "Catch"])
def test_states_all_must_be_last(field: str) -> None:
    handlers: list[dict[str, Json]] = [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}]
    if field == "Catch":
        for handler in handlers:
            handler["Next"] = "S"
    found = problem(
        one(task(**{field: handlers})), f"/States/S/{field}/0/ErrorEquals", "states-all-not-last"
    )
    assert "last" in found.message


def test_states_all_must_be_alone() -> None:
    state = task(Retry=[{"ErrorEquals": ["E", "States.ALL"]}])
    problem(one(state), "/States/S/Retry/0/ErrorEquals", "states-all-not-last")


def test_states_all_last_and_alone_is_fine() -> None:
    valid(one(task(Retry=[{"ErrorEquals": ["E"]}, {"ErrorEquals": ["States.ALL"]}])))


def test_unknown_states_error_name() -> None:
    state = task(Retry=[{"ErrorEquals": ["States.TaskFailed", "States.Oops"]}])
    assert codes(one(state)) == {("/States/S/Retry/0/ErrorEquals/1", "unknown-error-name")}


@pytest.mark.parametrize(
    ("assign", "key"),
    [
        ({"top-level": 1}, "top-level"),
        ({"1st": 1}, "1st"),
        ({"states": 1}, "states"),
        ({"x" * 81: 1}, "x" * 81),
        ({"a b.$": "$.x"}, "a b.$"),
    ],
)
def test_invalid_variable_names(assign: dict[str, Json], key: str) -> None:
    problem(one(passing(Assign=assign)), f"/States/S/Assign/{key}", "invalid-variable-name")


def test_dollar_suffix_is_jsonpath_only() -> None:
    problem(
        one(jsonata(passing(Assign={"x.$": "{% 1 %}"}))),
        "/States/S/Assign/x.$",
        "invalid-variable-name",
    )


def test_valid_variable_names() -> None:
    valid(one(passing(Assign={"count": 1, "_tmp": 2, "ñame": 3, "copy.$": "$.x"})))


def test_variables_in_catchers_and_choice_rules_are_checked() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Task",
                "Resource": "task:x",
                "Next": "C",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "Assign": {"bad-name": 1}}],
            },
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.x", "IsNull": True, "Next": "D", "Assign": {"states": 1}}
                ],
                "Default": "D",
            },
            "D": {"Type": "Succeed"},
        }
    )
    pairs = codes(definition)
    assert ("/States/A/Catch/0/Assign/bad-name", "invalid-variable-name") in pairs
    assert ("/States/C/Choices/0/Assign/states", "invalid-variable-name") in pairs


def test_inner_scope_cannot_assign_an_outer_variable() -> None:
    processor = {"StartAt": "I", "States": {"I": passing(Assign={"total": 2, "local": 1})}}
    definition = machine(
        {
            "A": passing(Next="M", End=None, Assign={"total": 0}),
            "M": map_state(ItemProcessor=processor),
        }
    )
    del definition["States"]["A"]["End"]
    found = problem(definition, "/States/M/ItemProcessor/States/I/Assign/total", "variable-scope")
    assert "/States/A/Assign/total" in found.message
    assert ("/States/M/ItemProcessor/States/I/Assign/local", "variable-scope") not in codes(
        definition
    )


def test_sibling_branches_may_use_the_same_variable_name() -> None:
    first = {"StartAt": "B1", "States": {"B1": passing(Assign={"x": 1})}}
    second = {"StartAt": "B2", "States": {"B2": passing(Assign={"x": 2})}}
    valid(one({"Type": "Parallel", "Branches": [first, second], "End": True}))


def test_variable_assigned_two_levels_up() -> None:
    inner = {"StartAt": "I2", "States": {"I2": passing(Assign={"v": 1})}}
    outer = {
        "StartAt": "I1",
        "States": {"I1": {"Type": "Parallel", "Branches": [inner], "End": True}},
    }
    definition = one({"Type": "Parallel", "Branches": [outer], "End": True, "Assign": {"v": 0}})
    problem(
        definition, "/States/S/Branches/0/States/I1/Branches/0/States/I2/Assign/v", "variable-scope"
    )
