"""One JSONata expression, parsed once and evaluated against a scope.

Evaluation follows Step Functions: there is no context document; ``$states`` and the
workflow variables are bound; an expression that evaluates to nothing (undefined), to a
function or to a number JSON cannot hold fails the state with
``States.QueryEvaluationError``, whose cause is worded as AWS words it::

    The JSONata expression '$states.input.x' specified for the field 'Output/v'
    returned nothing (undefined).

Results are plain JSON values: a JSON ``null`` stays ``None`` and integral numbers are
``int``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from jsonata import Jsonata, Parser, Utils

from sfc.core.failure import AslError, StatesError
from sfc.core.jsonata.analysis import STATES, analyse
from sfc.core.jsonata.functions import CURRENT_SCOPE, FRAME, SCOPED, QueryError
from sfc.core.jsonata.syntax import JsonataSyntaxError, unwrap
from sfc.core.scope import ABSENT, Scope
from sfc.core.types import Json

NULL: Final = Utils.NULL_VALUE

MAX_DEPTH: Final = 1000
"""How deeply evaluation may nest (recursion) before it fails, well within Python's stack."""
MAX_STEPS: Final = 1_000_000
"""How many sub-expressions one evaluation may evaluate: a bound on runaway loops
(tail recursion never nests) that does not read the clock, so a replay fails alike."""

_OBJECT_FOR_FUNCTION: Final = re.compile(r"\bObject\b")
"""jsonata-python's messages say "Object" where JSONata's say "function"."""


class Expression:
    """A compiled ``{% %}`` expression; calling it evaluates it.

    Attributes:
        text: The expression inside the wrapper.
        field: Where it is, as AWS names it in causes (``Output/v``, ``Arguments[0]``).
    """

    __slots__ = (
        "_ast",
        "_full_states",
        "_jsonata",
        "_reference",
        "_scoped",
        "_variables",
        "field",
        "text",
    )

    def __init__(self, wrapped: str, *, pointer: str, field: str) -> None:
        """Parse and check an expression.

        Args:
            wrapped: The string as written, ``{%`` and ``%}`` included.
            pointer: Its JSON pointer in the blueprint, for syntax errors.
            field: Its field name as AWS words it, for run-time causes.

        Raises:
            JsonataSyntaxError: The wrapper is malformed or the expression is invalid.
        """
        self.text = unwrap(wrapped, pointer)
        self.field = field
        try:
            self._jsonata = Jsonata(self.text)
        except RecursionError as exc:
            raise JsonataSyntaxError(
                f"invalid JSONata expression {self.text!r}: nested too deeply", pointer=pointer
            ) from exc
        except Exception as exc:
            raise JsonataSyntaxError(
                f"invalid JSONata expression {self.text!r}: {_describe(exc)}", pointer=pointer
            ) from exc
        self._ast: Parser.Symbol = self._jsonata.ast
        analysis = analyse(self._ast, self.text, pointer)
        self._variables = tuple(sorted(analysis.variables))
        self._full_states = analysis.full_states
        self._scoped = not SCOPED.isdisjoint(analysis.variables)
        self._reference = _reference(self._ast)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __call__(self, scope: Scope) -> Json:
        """Evaluate against ``$states`` and the workflow variables of ``scope``.

        Raises:
            AslError: ``States.QueryEvaluationError`` when evaluation fails or the result
                is undefined or not JSON.
        """
        if self._reference is not None:
            value = _resolve(self._reference, scope)
            if value is not _UNRESOLVED:
                return _to_json(value)
        frame = Jsonata.Frame(FRAME)
        bindings = frame.bindings
        variables = scope.variables
        for name in self._variables:
            if name in variables:
                value = variables[name]
                bindings[name] = NULL if value is None else value
        bindings[STATES] = scope.states() if self._full_states else _states(scope)
        budget = _Budget()
        # Bound here, the hooks are found at once rather than after a walk up the frames.
        bindings["__evaluate_entry"] = budget.enter
        bindings["__evaluate_exit"] = budget.exit
        token = CURRENT_SCOPE.set(scope) if self._scoped else None
        try:
            result = self._jsonata.eval(self._ast, None, frame)
        except Exception as exc:
            raise self._failure(f"threw an error during evaluation{_cause(exc)}") from exc
        finally:
            if token is not None:
                CURRENT_SCOPE.reset(token)
        if result is None:
            raise self._failure("returned nothing (undefined).")
        try:
            return _to_json(result)
        except _NotJsonError as exc:
            raise self._failure(f"returned {exc.args[0]}.") from exc

    def _failure(self, what: str) -> AslError:
        where = f" specified for the field '{self.field}'" if self.field else ""
        return AslError(
            StatesError.QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{self.text}'{where} {what}",
        )


Reference = tuple[str, tuple[str, ...]]
"""A plain reference: a variable (``states`` for ``$states``) and the names that follow."""

_UNRESOLVED: Final = object()


def _reference(ast: Parser.Symbol) -> Reference | None:
    """The reference an expression is, if it is one: ``$name``, ``$states.input.a.b``...

    Such expressions are most of those written, and reading them straight from the scope
    is ten times faster than evaluating them.
    """
    if ast.type == "variable":
        steps = [ast]
    elif ast.type == "path" and not ast.keep_singleton_array and ast.group is None:
        steps = ast.steps or []
    else:
        return None
    if not steps or not all(map(_plain, steps)):
        return None
    root, names = steps[0], steps[1:]
    if root.type != "variable" or root.value in ("", "$"):
        return None
    if any(step.type != "name" for step in names):
        return None
    return str(root.value), tuple(str(step.value) for step in names)


def _plain(step: Parser.Symbol) -> bool:
    return not (
        step.stages
        or step.predicate
        or step.group is not None
        or step.keep_array
        or step.focus is not None
        or step.tuple is not None
    )


def _resolve(reference: Reference, scope: Scope) -> Json:
    """The value a reference reads, or ``_UNRESOLVED`` when only JSONata can tell: the
    reference meets an array (JSONata maps over arrays), a non-object or nothing."""
    root, names = reference
    if root == STATES:
        if not names:
            return _UNRESOLVED
        value = _member(scope, names[0])
        names = names[1:]
    else:
        value = scope.variables.get(root, _UNRESOLVED)
    for name in names:
        if type(value) is not dict or name not in value:
            return _UNRESOLVED
        value = value[name]
    return _UNRESOLVED if isinstance(value, list) else value


def _member(scope: Scope, name: str) -> Json:
    if name == "input":
        value = scope.input
    elif name == "result":
        value = scope.result
    elif name == "errorOutput":
        value = scope.error_output
    elif name == "context":
        value = scope.context
    else:
        return _UNRESOLVED
    return _UNRESOLVED if value is ABSENT else value


def _states(scope: Scope) -> dict[str, Json]:
    """``$states`` without the context object, which costs to build and is not read."""
    members: dict[str, Json] = {}
    if scope.input is not ABSENT:
        members["input"] = scope.input
    if scope.result is not ABSENT:
        members["result"] = scope.result
    if scope.error_output is not ABSENT:
        members["errorOutput"] = scope.error_output
    return members


class _Budget:
    """Counts evaluation steps and nesting through jsonata-python's evaluation hooks."""

    __slots__ = ("depth", "steps")

    def __init__(self) -> None:
        self.depth = 0
        self.steps = 0

    def enter(self, _expr: object, _input: object, _env: object) -> None:
        self.depth += 1
        self.steps += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                "Stack overflow error: Check for non-terminating recursive function. "
                "Consider rewriting as tail-recursive."
            )
        if self.steps > MAX_STEPS:
            raise QueryError(
                f"Evaluation exceeded {MAX_STEPS} steps: Check for a non-terminating loop."
            )

    def exit(self, _expr: object, _input: object, _env: object, _result: object) -> None:
        self.depth -= 1


def _code(exc: Exception) -> str | None:
    """The JSONata error code (``T2001``...) of a jsonata-python error, if it is one."""
    code = getattr(exc, "error", None)
    return code if isinstance(code, str) and code else None


def _describe(exc: Exception) -> str:
    message = _OBJECT_FOR_FUNCTION.sub("function", str(exc))
    code = _code(exc)
    return f"{code}: {message}" if code else message


def _cause(exc: Exception) -> str:
    """The end of the cause sentence: ``. CODE: message`` as AWS writes a JSONata error,
    ``: message`` for one without a code."""
    if _code(exc):
        return f". {_describe(exc)}"
    if isinstance(exc, QueryError):
        return f": {exc}"
    if isinstance(exc, RecursionError):
        return ": Stack overflow error: Check for non-terminating recursive function."
    if isinstance(exc, ZeroDivisionError | OverflowError):
        return ": Number out of range: the result cannot be represented as a JSON number"
    return f": {type(exc).__name__}: {exc}"


class _NotJsonError(Exception):
    """A result JSON cannot represent; the argument says what it is."""


def _to_json(value: Any) -> Json:
    """Turn a jsonata-python result into a plain JSON value.

    ``NULL_VALUE`` becomes ``None``, sequences become lists and integral floats ``int``.
    Nothing is changed in place: a container that needs a change is copied, one that
    needs none (data read straight from the scope, mostly) is returned as it is.

    Raises:
        _NotJsonError: The value holds a function, a regular expression, NaN or an infinity.
    """
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _NotJsonError(f"a number JSON cannot represent ({value})")
        return int(value) if value.is_integer() else value
    if value is NULL:
        return None
    if kind is dict:
        return _object(value)
    if isinstance(value, list):
        return _array(value)
    raise _NotJsonError(f"an unsupported result type ({_kind(value)})")


def _object(value: dict[str, Any]) -> dict[str, Json]:
    copy: dict[str, Json] | None = None
    for key, item in value.items():
        converted = _to_json(item)
        if copy is None and converted is not item:
            copy = dict(value)
        if copy is not None:
            copy[key] = converted
    return value if copy is None else copy


def _array(value: list[Any]) -> list[Json]:
    # jsonata-python's own lists (sequences) are always replaced by plain ones.
    copy: list[Json] | None = None if type(value) is list else list(value)
    for index, item in enumerate(value):
        converted = _to_json(item)
        if copy is None and converted is not item:
            copy = list(value)
        if copy is not None:
            copy[index] = converted
    return value if copy is None else copy


def _kind(value: object) -> str:
    if isinstance(value, Parser.Symbol | Jsonata.JFunctionCallable) or callable(value):
        return "a function"
    if isinstance(value, re.Pattern):
        return "a regular expression"
    return type(value).__name__
