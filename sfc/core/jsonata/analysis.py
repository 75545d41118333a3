"""What a parsed JSONata expression reads, and the references AWS refuses before it runs.

Step Functions evaluates an expression with no context document: the input is
``$states.input`` and a workflow variable is ``$name``. AWS therefore refuses, when the
state machine is created, a field name read from the top-level context
(``UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not
supported``), ``$`` read there, and any ``$$``. It also removes ``$eval``; SFC refuses a
call to it at compile time, where AWS fails the state at run time with ``T1006``.

Only the first step of a path, and what is evaluated in the same context (operands,
function arguments, array and object constructors, blocks, conditions, lambda bodies),
reads the top-level context; predicates, later steps, sort terms, groupings and
transforms read the values a path produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, NamedTuple

from jsonata import Parser

from sfc.core.jsonata.syntax import JsonataSyntaxError

Symbol = Parser.Symbol

STATES: Final = "states"
_ROOT: Final = "$"
"""The value of the variable node that ``$$`` parses to."""
_CONTEXT: Final = ""
"""The value of the variable node that ``$`` parses to."""
_FORBIDDEN: Final = {"eval": "use $parse to read a JSON string"}
"""JSONata functions AWS removes, with what to use instead."""


class Analysis(NamedTuple):
    """What an expression needs from the scope.

    Attributes:
        variables: Every ``$name`` the expression reads, but ``$states``.
        full_states: Whether it needs all of ``$states`` (it reads ``$states`` whole or
            ``$states.context``); otherwise the context object need not be built.
    """

    variables: frozenset[str]
    full_states: bool


def analyse(ast: Symbol, text: str, pointer: str) -> Analysis:
    """Collect what an expression reads and refuse what AWS refuses.

    Args:
        ast: The parsed expression.
        text: The expression as written, for messages.
        pointer: Where it is in the blueprint, for messages.

    Raises:
        JsonataSyntaxError: The expression reads ``$$``, a field of the top-level
            context, or calls a function AWS removes.
    """
    walker = _Walker()
    walker.visit(ast, top=True)
    if walker.root:
        raise JsonataSyntaxError(
            f"JSONata expression {text!r}: reference to '$$' is not supported; "
            "read the state input as $states.input",
            pointer=pointer,
        )
    if walker.top_level:
        name = walker.top_level[0]
        instead = "$states.input" if name == "$" else f"$states.input.{name}, a variable as ${name}"
        raise JsonataSyntaxError(
            f"JSONata expression {text!r}: reference to {name!r} at the top level is not "
            f"supported, there is no context document; read the state input as {instead}",
            pointer=pointer,
        )
    for name, instead in _FORBIDDEN.items():
        if name in walker.reads and name not in walker.bound:
            raise JsonataSyntaxError(
                f"JSONata expression {text!r}: the function ${name} is not available "
                f"in Step Functions; {instead}",
                pointer=pointer,
            )
    return Analysis(frozenset(walker.reads - {STATES}), walker.full_states)


class _Walker:
    __slots__ = ("bound", "full_states", "reads", "root", "seen", "top_level")

    def __init__(self) -> None:
        self.reads: set[str] = set()
        self.bound: set[str] = set()
        self.top_level: list[str] = []
        self.root = False
        self.full_states = False
        # ``a ?? b`` and ``a ?: b`` share one node between two branches.
        self.seen: set[tuple[int, bool]] = set()

    def visit(self, node: Symbol, *, top: bool, member: bool = False) -> None:
        key = (id(node), top)
        if key in self.seen:
            return
        self.seen.add(key)
        kind = node.type
        if kind == "variable":
            self._variable(node.value, member=member, top=top)
        elif kind == "name" and top:
            self.top_level.append(str(node.value))
        elif kind == "bind" and node.lhs is not None and node.lhs.type == "variable":
            self.bound.add(str(node.lhs.value))
        elif kind == "lambda":
            self.bound.update(str(p.value) for p in node.arguments or () if p.type == "variable")
        if kind == "path":
            self._path(node, top=top)
        else:
            for child, same in _children(node):
                self.visit(child, top=top and same)
        for child in _derived(node):
            self.visit(child, top=False)

    def _variable(self, name: object, *, member: bool, top: bool) -> None:
        if name == _ROOT:
            self.root = True
        elif name == _CONTEXT:
            if top:
                self.top_level.append("$")
        else:
            self.reads.add(str(name))
            if name == STATES and not member:
                self.full_states = True

    def _path(self, node: Symbol, *, top: bool) -> None:
        steps = node.steps or []
        for index, step in enumerate(steps):
            member = index == 0 and _reads_member(steps)
            self.visit(step, top=top and index == 0, member=member)


def _reads_member(steps: list[Symbol]) -> bool:
    """Whether a path starts ``$states.<member>`` with a member other than the context."""
    if len(steps) < 2:
        return False
    first, second = steps[0], steps[1]
    return (
        first.type == "variable"
        and first.value == STATES
        and not first.stages
        and not first.predicate
        and second.type == "name"
        and second.value != "context"
    )


def _children(node: Symbol) -> Iterator[tuple[Symbol, bool]]:
    """The sub-expressions of a node but its derived ones, and whether each is evaluated
    in the node's own context."""
    kind = node.type
    for single in (node.lhs, node.rhs, node.procedure, node.condition, node.then, node._else):
        if single is not None:
            yield single, True
    if kind == "lambda":
        if node.body is not None:
            yield node.body, True
    elif node.arguments:
        yield from ((argument, True) for argument in node.arguments)
    if node.expressions:
        yield from ((expression, True) for expression in node.expressions)
    if node.expression is not None:
        yield node.expression, True
    for pair in node.lhs_object or ():
        yield from ((part, True) for part in pair)
    for single in (node.pattern, node.update, node.delete):
        if single is not None:
            yield single, False
    for term in node.terms or ():
        yield term, False


def _derived(node: Symbol) -> Iterator[Symbol]:
    """Sub-expressions evaluated against what the node produced (filters, groupings)."""
    yield from node.stages or ()
    yield from node.predicate or ()
    if node.group is not None:
        yield node.group
    if node.expr is not None:
        yield node.expr
