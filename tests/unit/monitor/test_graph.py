"""The blueprint graph: nodes, groups and edges from ASL, and a flow's marks on it."""

from __future__ import annotations

from typing import Any

from sfc.index import StepRecord
from sfc.monitor import build_graph, mark_flow
from sfc.monitor.graph import rule_label

ORDER: dict[str, Any] = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Review"},
                {
                    "And": [
                        {"Variable": "$.vip", "BooleanEquals": True},
                        {"Variable": "$.country", "StringEqualsPath": "$.home"},
                    ],
                    "Next": "Charge",
                },
            ],
            "Default": "Charge",
        },
        "Review": {"Type": "Task", "Resource": "task:review", "Next": "Charge"},
        "Charge": {
            "Type": "Task",
            "Resource": "task:charge",
            "Catch": [{"ErrorEquals": ["Declined", "States.Timeout"], "Next": "Refuse"}],
            "Next": "Ship",
        },
        "Ship": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Pack", "States": {"Pack": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Label",
                    "States": {
                        "Label": {"Type": "Pass", "Next": "Post"},
                        "Post": {"Type": "Succeed"},
                    },
                },
            ],
            "Next": "Notify",
        },
        "Notify": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Send",
                "States": {"Send": {"Type": "Task", "Resource": "task:send", "End": True}},
            },
            "End": True,
        },
        "Refuse": {"Type": "Fail", "Error": "Refused"},
    },
}


def test_nodes_are_the_states_with_their_pointers_types_and_groups() -> None:
    graph = build_graph(ORDER)
    assert graph.start == "/States/Check"
    nodes = {node.name: node for node in graph.nodes}
    assert set(nodes) == {
        "Check",
        "Review",
        "Charge",
        "Ship",
        "Notify",
        "Refuse",
        "Pack",
        "Label",
        "Post",
        "Send",
    }
    assert nodes["Charge"].id == "/States/Charge"
    assert nodes["Charge"].resource == "task:charge"
    assert nodes["Check"].start
    assert not nodes["Charge"].start
    assert (nodes["Refuse"].end, nodes["Notify"].end, nodes["Charge"].end) == (True, True, False)
    assert nodes["Label"].id == "/States/Ship/Branches/1/States/Label"
    assert nodes["Label"].group == "/States/Ship/Branches/1"
    assert nodes["Label"].start
    assert nodes["Post"].end
    assert nodes["Send"].group == "/States/Notify/ItemProcessor"
    assert nodes["Check"].group is None


def test_groups_are_parallel_branches_and_map_processors() -> None:
    groups = {group.id: group for group in build_graph(ORDER).groups}
    assert set(groups) == {
        "/States/Ship/Branches/0",
        "/States/Ship/Branches/1",
        "/States/Notify/ItemProcessor",
    }
    second = groups["/States/Ship/Branches/1"]
    assert (second.kind, second.state, second.parent) == ("branch", "/States/Ship", None)
    assert second.start == "/States/Ship/Branches/1/States/Label"
    assert second.ends == ["/States/Ship/Branches/1/States/Post"]
    assert second.label == "Ship: branch 2"
    assert groups["/States/Notify/ItemProcessor"].kind == "processor"


def test_edges_are_next_choices_default_catch_and_the_way_into_groups() -> None:
    edges = {
        (e.source.rsplit("/", 1)[1], e.target.rsplit("/", 1)[1], e.kind, e.label)
        for e in build_graph(ORDER).edges
    }
    assert edges == {
        ("Check", "Review", "choice", "$.total > 100"),
        ("Check", "Charge", "choice", "$.vip == true and $.country == $.home"),
        ("Check", "Charge", "default", "Default"),
        ("Review", "Charge", "next", None),
        ("Charge", "Ship", "next", None),
        ("Charge", "Refuse", "catch", "Declined, States.Timeout"),
        ("Ship", "Notify", "next", None),
        ("Ship", "Pack", "branch", None),
        ("Ship", "Label", "branch", None),
        ("Label", "Post", "next", None),
        ("Notify", "Send", "processor", None),
    }


def test_nested_groups_name_their_parent_group() -> None:
    inner = {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": True}}}
    outer = {
        "StartAt": "Fan",
        "States": {"Fan": {"Type": "Parallel", "Branches": [inner], "End": True}},
    }
    definition = {
        "StartAt": "Each",
        "States": {"Each": {"Type": "Map", "Iterator": outer, "End": True}},
    }
    graph = build_graph(definition)
    groups = {group.id: group for group in graph.groups}
    assert groups["/States/Each/Iterator/States/Fan/Branches/0"].parent == "/States/Each/Iterator"
    leaf = next(node for node in graph.nodes if node.name == "Leaf")
    assert leaf.group == "/States/Each/Iterator/States/Fan/Branches/0"


def test_what_cannot_be_read_is_left_out() -> None:
    assert build_graph(None).nodes == []
    assert build_graph({"States": []}).nodes == []
    broken = {
        "StartAt": "Nowhere",
        "States": {
            "A": {"Type": "Pass", "Next": "Missing"},
            "B": "not a state",
            "C": {"Next": 3, "Catch": [{"ErrorEquals": "x", "Next": "A"}, 5]},
            "D": {"Type": "Choice", "Choices": [{"Next": "A"}, "x"], "Default": 7},
            "E": {"Type": "Parallel", "Branches": [{"States": {"X": {"Type": "Pass"}}}, 3]},
        },
    }
    graph = build_graph(broken)
    assert graph.start is None
    assert [node.name for node in graph.nodes] == ["A", "C", "D", "E", "X"]
    assert next(n for n in graph.nodes if n.name == "C").type == "?"
    assert {(e.source, e.target, e.kind, e.label) for e in graph.edges} == {
        ("/States/C", "/States/A", "catch", "catch"),
        ("/States/D", "/States/A", "choice", "?"),
    }
    assert [g.start for g in graph.groups] == [None]


def test_rule_labels_read_like_conditions() -> None:
    assert rule_label({"Variable": "$.n", "NumericLessThanEquals": 3}) == "$.n <= 3"
    assert rule_label({"Variable": "$.s", "StringMatches": "a*"}) == '$.s matches "a*"'
    assert rule_label({"Variable": "$.t", "TimestampGreaterThanPath": "$.u"}) == "$.t > $.u"
    assert rule_label({"Variable": "$.x", "IsPresent": False}) == "$.x not present"
    assert rule_label({"Not": {"Variable": "$.x", "IsNull": True}}) == "not $.x null"
    nested = {
        "Or": [
            {"And": [{"Variable": "$.a", "IsString": True}]},
            {"Variable": "$.b", "IsNumeric": True},
        ]
    }
    assert rule_label(nested) == "($.a string) or $.b numeric"
    assert rule_label({"Condition": "{% $states.input.n > 1 %}"}) == "$states.input.n > 1"
    long = {"Variable": "$." + "x" * 60, "StringEquals": "y"}
    [edge] = build_graph(
        {
            "StartAt": "C",
            "States": {
                "C": {"Type": "Choice", "Choices": [{**long, "Next": "E"}]},
                "E": {"Type": "Succeed"},
            },
        }
    ).edges
    assert edge.label is not None
    assert len(edge.label) == 40
    assert edge.label.endswith("…")


def step(seq: int, state: str, status: str, attempt: int = 0) -> StepRecord:
    return StepRecord("f", seq, "main", state, status, 100.0 + seq, attempt=attempt)


def test_a_flow_marks_each_state_with_what_happened_to_it() -> None:
    steps = [
        step(1, "Check", "SUCCEEDED"),
        step(2, "Charge", "FAILED", attempt=2),
        step(9, "Charge", "SUCCEEDED"),  # retried
        step(10, "Ship", "RUNNING"),
        step(11, "Pack", "SUCCEEDED"),
        step(12, "Label", "RUNNING"),
        step(13, "Send", "SUCCEEDED"),
        step(14, "Send", "RUNNING"),
    ]
    marked = {node.name: node for node in mark_flow(build_graph(ORDER), steps).nodes}
    assert (marked["Check"].status, marked["Check"].entered) == ("SUCCEEDED", 1)
    assert (marked["Charge"].status, marked["Charge"].entered, marked["Charge"].attempts) == (
        "SUCCEEDED",
        2,
        2,
    )
    assert marked["Ship"].status == "RUNNING"
    assert marked["Send"].status == "RUNNING"
    assert (marked["Review"].status, marked["Review"].entered) == (None, 0)
