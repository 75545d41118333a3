"""A blueprint drawn as a graph: states as nodes, transitions as edges: pure, no I/O.

:func:`build_graph` reads an Amazon States Language definition (valid or not: the
composer previews what is being typed) and returns every state it can read as a
:class:`Node`, the branches of Parallel states and the item processors of Map states as
:class:`Group` s, and every transition as an :class:`Edge` (``Next``, a Choice rule or
its ``Default``, a ``Catch``, and the way from a Parallel or Map state into its groups).
Node and group ids are the JSON pointers of the states and groups in the definition, so
a validation problem's pointer names the node it is about. Layout is left to the client.

:func:`mark_flow` colours the graph with what happened to each state in one flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import msgspec

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.index.port import StepRecord

RUNNING: Final = "RUNNING"
LABEL_LENGTH: Final = 40
"""Longest edge label; longer rule descriptions are cut with an ellipsis."""

_OPERATORS: Final = (
    # Longest first: "LessThanEquals" also ends with "Equals".
    ("LessThanEquals", "<="),
    ("GreaterThanEquals", ">="),
    ("LessThan", "<"),
    ("GreaterThan", ">"),
    ("Equals", "=="),
    ("Matches", "matches"),
)
_TESTS: Final = ("IsPresent", "IsNull", "IsBoolean", "IsNumeric", "IsString", "IsTimestamp")


class Node(msgspec.Struct, frozen=True, rename="camel"):
    """One state.

    Attributes:
        id: The state's JSON pointer in the definition (``/States/Charge``).
        name: The state's name.
        type: Its ``Type`` (``?`` when missing or not a string).
        group: The id of the group (Parallel branch, Map processor) it is in; None at
            the top level.
        start: Whether it is the ``StartAt`` of its scope.
        end: Whether a path ends there (``End: true``, a Succeed or Fail state).
        resource: A Task's ``Resource``.
        status: What happened to it in one flow (set by :func:`mark_flow`): the status
            of its last step (RUNNING while any of its steps runs); None if never entered.
        entered: How many times that flow entered it.
        attempts: The most attempts one of its steps took (retries included).
    """

    id: str
    name: str
    type: str
    group: str | None = None
    start: bool = False
    end: bool = False
    resource: str | None = None
    status: str | None = None
    entered: int = 0
    attempts: int = 0


class Group(msgspec.Struct, frozen=True, rename="camel"):
    """A Parallel state's branch or a Map state's item processor: a graph of its own.

    Attributes:
        id: The group's JSON pointer (``/States/Fan/Branches/0``).
        kind: ``branch`` or ``processor``.
        state: The id of the Parallel or Map state that runs it.
        label: A short title (``Fan: branch 1``).
        parent: The group the owning state is in; None at the top level.
        start: The id of its ``StartAt`` state, if there is one.
        ends: The ids of its states where a path ends.
    """

    id: str
    kind: str
    state: str
    label: str
    parent: str | None = None
    start: str | None = None
    ends: list[str] = []


class Edge(msgspec.Struct, frozen=True, rename="camel"):
    """A transition from one state to another.

    Attributes:
        source: The id of the state it leaves.
        target: The id of the state it enters.
        kind: ``next``, ``choice`` (a Choice rule), ``default`` (a Choice's Default),
            ``catch``, ``branch`` (a Parallel state into a branch) or ``processor``
            (a Map state into its item processor).
        label: What takes it: the Choice rule, the errors caught.
    """

    source: str
    target: str
    kind: str
    label: str | None = None


class Graph(msgspec.Struct, frozen=True, rename="camel"):
    """A blueprint's states and transitions.

    Attributes:
        start: The id of the top-level ``StartAt`` state, if it exists.
        nodes: Every state, in the order written (groups' states after their owner).
        groups: Every Parallel branch and Map processor.
        edges: Every transition between states that exist.
    """

    start: str | None
    nodes: list[Node]
    groups: list[Group]
    edges: list[Edge]


class _Builder:
    """Collects nodes, groups and edges while walking the definition's scopes."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.groups: list[Group] = []
        self.edges: list[Edge] = []

    def scope(self, machine: Json, pointer: str, group: str | None) -> str | None:
        """Add one scope (``StartAt`` + ``States``); return its start state's id."""
        if not isinstance(machine, dict):
            return None
        states = machine.get("States")
        if not isinstance(states, dict):
            return None
        base = child(pointer, "States")
        ids = {name: child(base, name) for name, spec in states.items() if isinstance(spec, dict)}
        start_name = machine.get("StartAt")
        start = ids.get(start_name) if isinstance(start_name, str) else None
        for name, node_id in ids.items():
            self._state(name, states[name], node_id, group, node_id == start, ids)
        return start

    def _state(
        self,
        name: str,
        spec: dict[str, Json],
        node_id: str,
        group: str | None,
        start: bool,
        ids: dict[str, str],
    ) -> None:
        kind = spec.get("Type")
        kind = kind if isinstance(kind, str) else "?"
        resource = spec.get("Resource")
        end = spec.get("End") is True or kind in ("Succeed", "Fail")
        self.nodes.append(
            Node(
                node_id,
                name,
                kind,
                group=group,
                start=start,
                end=end,
                resource=resource if isinstance(resource, str) else None,
            )
        )
        self._transitions(spec, node_id, kind, ids)
        if kind == "Parallel":
            branches = spec.get("Branches")
            for index, branch in enumerate(branches if isinstance(branches, list) else []):
                if not isinstance(branch, dict):
                    continue
                where = child(child(node_id, "Branches"), index)
                self._group(branch, where, "branch", node_id, group, f"{name}: branch {index + 1}")
        elif kind == "Map":
            for field in ("ItemProcessor", "Iterator"):
                if isinstance(spec.get(field), dict):
                    where = child(node_id, field)
                    self._group(
                        spec[field], where, "processor", node_id, group, f"{name}: each item"
                    )
                    break

    def _group(
        self, machine: Json, pointer: str, kind: str, owner: str, parent: str | None, label: str
    ) -> None:
        first = len(self.nodes)
        start = self.scope(machine, pointer, pointer)
        ends = [node.id for node in self.nodes[first:] if node.group == pointer and node.end]
        self.groups.append(Group(pointer, kind, owner, label, parent, start, ends))
        if start is not None:
            self.edges.append(Edge(owner, start, kind))

    def _transitions(
        self, spec: dict[str, Json], node_id: str, kind: str, ids: dict[str, str]
    ) -> None:
        def edge(target: Json, edge_kind: str, label: str | None = None) -> None:
            if isinstance(target, str) and target in ids:
                self.edges.append(Edge(node_id, ids[target], edge_kind, label))

        edge(spec.get("Next"), "next")
        if kind == "Choice":
            choices = spec.get("Choices")
            for rule in choices if isinstance(choices, list) else []:
                if isinstance(rule, dict):
                    edge(rule.get("Next"), "choice", _shorten(rule_label(rule)))
            edge(spec.get("Default"), "default", "Default")
        catchers = spec.get("Catch")
        for catcher in catchers if isinstance(catchers, list) else []:
            if isinstance(catcher, dict):
                errors = catcher.get("ErrorEquals")
                names = (
                    [e for e in errors if isinstance(e, str)] if isinstance(errors, list) else []
                )
                edge(catcher.get("Next"), "catch", _shorten(", ".join(names) or "catch"))


def build_graph(definition: Json) -> Graph:
    """The graph of a blueprint definition; what cannot be read is left out.

    Args:
        definition: The decoded definition, valid or not.

    Returns:
        Its states, groups and transitions (all empty when it has no ``States`` object).
    """
    builder = _Builder()
    start = builder.scope(definition, "", None)
    return Graph(start, builder.nodes, builder.groups, builder.edges)


def mark_flow(graph: Graph, steps: Iterable[StepRecord]) -> Graph:
    """The graph with each state marked with what happened to it in one flow.

    A state's ``status`` is RUNNING while any of its steps runs, otherwise the status of
    its last step (so a state that failed and succeeded on a retry shows SUCCEEDED);
    states never entered keep None.
    """
    by_state: dict[str, list[StepRecord]] = {}
    for step in sorted(steps, key=lambda s: s.seq):
        by_state.setdefault(step.state, []).append(step)
    marked = [_marked(node, by_state.get(node.name, [])) for node in graph.nodes]
    return msgspec.structs.replace(graph, nodes=marked)


def _marked(node: Node, steps: Sequence[StepRecord]) -> Node:
    if not steps:
        return node
    running = any(step.status == RUNNING for step in steps)
    return msgspec.structs.replace(
        node,
        status=RUNNING if running else steps[-1].status,
        entered=len(steps),
        attempts=max(step.attempt for step in steps),
    )


def rule_label(rule: dict[str, Json]) -> str:
    """A short reading of a Choice rule: ``$.total > 100``, ``not $.vip``, a JSONata
    ``Condition`` as written."""
    condition = rule.get("Condition")
    if isinstance(condition, str):
        return condition.removeprefix("{%").removesuffix("%}").strip()
    for combinator, joiner in (("And", " and "), ("Or", " or ")):
        parts = rule.get(combinator)
        if isinstance(parts, list):
            return joiner.join(_nested(part) for part in parts)
    negated = rule.get("Not")
    if isinstance(negated, dict):
        return f"not {_nested(negated)}"
    return _comparison(rule)


def _nested(rule: Json) -> str:
    if not isinstance(rule, dict):
        return "?"
    label = rule_label(rule)
    return f"({label})" if any(k in rule for k in ("And", "Or")) else label


def _comparison(rule: dict[str, Json]) -> str:
    variable = rule.get("Variable")
    subject = variable if isinstance(variable, str) else "?"
    for key, value in rule.items():
        if key in _TESTS:
            test = key.removeprefix("Is").lower()
            return f"{subject} {test}" if value is True else f"{subject} not {test}"
        operator = key.removesuffix("Path")
        for suffix, symbol in _OPERATORS:
            if operator.endswith(suffix):
                shown = value if operator != key else msgspec.json.encode(value).decode()
                return f"{subject} {symbol} {shown}"
    return subject


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"
