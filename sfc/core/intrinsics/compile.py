"""Turn a parsed intrinsic call into one closure, checking what can be checked statically.

Compilation checks each function's argument count and, where an argument is a literal
or the result of a nested call, its type. Calls whose arguments are all literals are
evaluated once here, so a call that can only fail (``States.MathAdd(1, '-1')``,
``States.Hash('x', 'SHA-0')``) is a syntax error rather than a run-time one, and a call
that succeeds costs nothing at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, NamedTuple

from sfc.core.failure import AslError, StatesError
from sfc.core.intrinsics import functions as fn
from sfc.core.intrinsics.errors import IntrinsicSyntaxError
from sfc.core.intrinsics.parser import Call, Literal, Node, PathArg
from sfc.core.intrinsics.values import (
    Kind,
    describe,
    format_text,
    is_int32,
    is_number,
    java_round,
    kind_of,
    truncate,
)
from sfc.core.paths import Path, compile_path
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json
from sfc.errors import SfcError

Impl = Callable[..., Json]
LiteralCheck = Callable[[Json], str | None]

_VARIABLE: Final = object()
"""Marks a compiled argument whose value is known only at run time."""


class Signature(NamedTuple):
    """What a function takes and gives, for static checks.

    Attributes:
        params: The kinds of the required parameters.
        returns: The kind of the result.
        optional: The kinds of optional parameters after the required ones.
        rest: The kind of any further arguments, or None if no more are allowed.
    """

    params: tuple[Kind, ...]
    returns: Kind
    optional: tuple[Kind, ...] = ()
    rest: Kind | None = None


_S, _N, _A, _O, _B, _ANY = Kind.STRING, Kind.NUMBER, Kind.ARRAY, Kind.OBJECT, Kind.BOOLEAN, Kind.ANY

SIGNATURES: Final[dict[str, Signature]] = {
    "Format": Signature((_S,), _S, rest=_ANY),
    "StringToJson": Signature((_S,), _ANY),
    "JsonToString": Signature((_ANY,), _S),
    "Array": Signature((), _A, rest=_ANY),
    "ArrayPartition": Signature((_A, _N), _A),
    "ArrayContains": Signature((_A, _ANY), _B),
    "ArrayRange": Signature((_N, _N, _N), _A),
    "ArrayGetItem": Signature((_A, _N), _ANY),
    "ArrayLength": Signature((_A,), _N),
    "ArrayUnique": Signature((_A,), _A),
    "Base64Encode": Signature((_S,), _S),
    "Base64Decode": Signature((_S,), _S),
    "Hash": Signature((_ANY, _S), _S),
    "JsonMerge": Signature((_O, _O, _B), _O),
    "MathRandom": Signature((_N, _N), _N, optional=(_N,)),
    "MathAdd": Signature((_N, _N), _N),
    "StringSplit": Signature((_S, _S), _A),
    "UUID": Signature((), _S),
}
"""Every intrinsic function, by the name after ``States.``."""

_IMPLS: Final[dict[str, Impl]] = {
    "StringToJson": fn.string_to_json,
    "JsonToString": fn.json_to_string,
    "Array": fn.array,
    "ArrayPartition": fn.array_partition,
    "ArrayContains": fn.array_contains,
    "ArrayRange": fn.array_range,
    "ArrayGetItem": fn.array_get_item,
    "ArrayLength": fn.array_length,
    "ArrayUnique": fn.array_unique,
    "Base64Encode": fn.base64_encode,
    "Base64Decode": fn.base64_decode,
    "Hash": fn.hash_,
    "JsonMerge": fn.json_merge,
    "MathAdd": fn.math_add,
    "StringSplit": fn.string_split,
    "UUID": fn.uuid4,
}

_IMPURE: Final = frozenset({fn.uuid4, fn.math_random_unseeded})
"""Functions that draw from the scope's random source, so are never evaluated early."""


def _integer_literal(convert: Callable[[int | float], int | None]) -> LiteralCheck:
    def check(value: Json) -> str | None:
        result = convert(value) if is_number(value) else None
        if result is None or not is_int32(result):
            return f"must be a 32-bit integer, not {describe(value)}"
        return None

    return check


def _positive(value: Json) -> str | None:
    size = truncate(value) if is_number(value) else None
    return None if size is None or size > 0 else f"must be greater than 0, not {describe(value)}"


def _not_zero(value: Json) -> str | None:
    step = truncate(value) if is_number(value) else None
    return None if step is None or step != 0 else "must not be 0"


def _index(value: Json) -> str | None:
    index = truncate(value) if is_number(value) else None
    return None if index is None or index >= 0 else f"must not be negative, not {index}"


def _short(value: Json) -> str | None:
    if isinstance(value, str) and len(value) > fn.MAX_TEXT:
        return f"is {len(value)} characters long; the limit is {fn.MAX_TEXT}"
    return None


def _algorithm(value: Json) -> str | None:
    if value in fn.HASHES:
        return None
    return f"must be one of {', '.join(fn.HASHES)}, not {describe(value)}"


def _false(value: Json) -> str | None:
    return None if value is False else "must be false: only shallow merging is supported"


_TRUNCATED: Final = _integer_literal(truncate)
_ROUNDED: Final = _integer_literal(java_round)

_CHECKS: Final[dict[tuple[str, int], tuple[LiteralCheck, ...]]] = {
    ("ArrayPartition", 2): (_TRUNCATED, _positive),
    ("ArrayRange", 1): (_TRUNCATED,),
    ("ArrayRange", 2): (_TRUNCATED,),
    ("ArrayRange", 3): (_TRUNCATED, _not_zero),
    ("ArrayGetItem", 2): (_TRUNCATED, _index),
    ("Base64Encode", 1): (_short,),
    ("Base64Decode", 1): (_short,),
    ("Hash", 1): (_short,),
    ("Hash", 2): (_algorithm,),
    ("JsonMerge", 3): (_false,),
    ("MathAdd", 1): (_ROUNDED,),
    ("MathAdd", 2): (_ROUNDED,),
    ("MathRandom", 1): (_TRUNCATED,),
    ("MathRandom", 2): (_TRUNCATED,),
    ("MathRandom", 3): (_TRUNCATED,),
}
"""Checks of literal arguments, by function and argument position (from 1)."""


class Compiled(NamedTuple):
    """A compiled argument or call.

    Attributes:
        evaluate: Computes the value from the ``$`` data and the scope.
        kind: The kind of the value, ``Kind.ANY`` when unknown until run time.
        constant: The value when known at compile time, else a private marker.
    """

    evaluate: Evaluator
    kind: Kind
    constant: Json = _VARIABLE


def compile_call(call: Call) -> Compiled:
    """Compile a parsed call and everything nested in it.

    Raises:
        IntrinsicSyntaxError: An unknown function, a wrong number of arguments, a
            literal of the wrong type or value, or a call that can only fail.
    """
    signature = SIGNATURES.get(call.name)
    if signature is None:
        raise IntrinsicSyntaxError(
            f"unknown intrinsic function {call.function}; the functions are "
            + ", ".join(f"States.{name}" for name in SIGNATURES)
        )
    _check_arity(call, signature)
    args = [_compile_node(node, call.function) for node in call.args]
    for position, (node, arg) in enumerate(zip(call.args, args, strict=True), start=1):
        _check_argument(call, signature, position, node, arg)
    if call.name == "MathRandom":
        _check_random_bounds(args)
    if call.name == "Format":
        evaluate, impl = _compile_format(call, args)
    else:
        impl = _impl(call)
        evaluate = _bind(impl, [arg.evaluate for arg in args])
    if impl not in _IMPURE and all(arg.constant is not _VARIABLE for arg in args):
        return _fold(call, evaluate, signature.returns)
    return Compiled(evaluate, signature.returns)


def _check_arity(call: Call, signature: Signature) -> None:
    count = len(call.args)
    least = len(signature.params)
    most = None if signature.rest else least + len(signature.optional)
    if count >= least and (most is None or count <= most):
        return
    if most is None:
        wanted = f"at least {least} argument(s)"
    elif most == least:
        wanted = f"{least} argument(s)"
    else:
        wanted = f"{least} to {most} arguments"
    raise IntrinsicSyntaxError(f"{call.function} takes {wanted}, not {count}")


def _check_argument(
    call: Call, signature: Signature, position: int, node: Node, arg: Compiled
) -> None:
    expected = _expected_kind(signature, position)
    if expected is not Kind.ANY and arg.kind is not Kind.ANY and arg.kind is not expected:
        if isinstance(node, Call):
            found = f"the result of {node.function}, which is {arg.kind.value}"
        else:
            found = describe(arg.constant)
        raise IntrinsicSyntaxError(
            f"{call.function} argument {position} must be {expected.value}, not {found}"
        )
    if arg.constant is _VARIABLE:
        return
    for check in _CHECKS.get((call.name, position), ()):
        problem = check(arg.constant)
        if problem is not None:
            raise IntrinsicSyntaxError(f"{call.function} argument {position} {problem}")


def _check_random_bounds(args: Sequence[Compiled]) -> None:
    # An unseeded call is never evaluated early, so its literal bounds are checked here.
    start, end = args[0].constant, args[1].constant
    if start is not _VARIABLE and end is not _VARIABLE:
        try:
            fn.random_bounds(start, end)
        except AslError as exc:
            raise IntrinsicSyntaxError(f"States.MathRandom always fails: {exc.cause}") from exc


def _expected_kind(signature: Signature, position: int) -> Kind:
    kinds = signature.params + signature.optional
    if position <= len(kinds):
        return kinds[position - 1]
    return signature.rest or Kind.ANY


def _compile_node(node: Node, function: str) -> Compiled:
    if isinstance(node, Call):
        return compile_call(node)
    if isinstance(node, Literal):
        value = node.value
        return Compiled(lambda _data, _scope: value, kind_of(value), value)
    return Compiled(_path_reader(node, function), Kind.ANY)


def _path_reader(node: PathArg, function: str) -> Evaluator:
    try:
        path = compile_path(node.text)
    except SfcError as exc:
        raise IntrinsicSyntaxError(
            f"invalid path {node.text!r} in {function}: {exc.message}"
        ) from exc
    select = path.select

    def read(data: Json, scope: Scope) -> Json:
        try:
            return select(data, scope)
        except AslError:
            raise AslError(StatesError.RUNTIME, _not_found(path, function, data)) from None

    return read


def _not_found(path: Path, function: str, data: Json) -> str:
    return (
        f"The JSONPath '{path.text}' given to {function} could not be found in {path.where(data)}"
    )


def _impl(call: Call) -> Impl:
    if call.name == "MathRandom":
        return fn.math_random if len(call.args) == 3 else fn.math_random_unseeded
    return _IMPLS[call.name]


def _compile_format(call: Call, args: Sequence[Compiled]) -> tuple[Evaluator, Impl]:
    template = call.args[0]
    values = [arg.evaluate for arg in args[1:]]
    if not isinstance(template, Literal):
        return _bind(fn.format_template, [arg.evaluate for arg in args]), fn.format_template
    if template.lone_brace:
        raise IntrinsicSyntaxError(
            f"States.Format template {template.value!r} has a '{{' or '}}' that is not part "
            "of a {} placeholder; write \\{ or \\} for a literal brace"
        )
    pieces = template.template
    if len(pieces) - 1 != len(values):
        raise IntrinsicSyntaxError(
            f"States.Format template {template.value!r} has {len(pieces) - 1} '{{}}' "
            f"placeholder(s) but {len(values)} value(s) follow it"
        )
    if not values:
        text = pieces[0]
        return (lambda _data, _scope: text), fn.format_pieces

    if len(values) == 1:
        (only,) = values
        before, after = pieces

        def run_one(data: Json, scope: Scope) -> Json:
            return before + format_text(only(data, scope)) + after

        return run_one, fn.format_pieces

    def run(data: Json, scope: Scope) -> Json:
        return fn.format_pieces(pieces, tuple([value(data, scope) for value in values]))

    return run, fn.format_pieces


def _bind(impl: Impl, args: Sequence[Evaluator]) -> Evaluator:
    # One closure per arity keeps the common calls free of argument-list building.
    if not args:
        return lambda _data, scope: impl(scope)
    if len(args) == 1:
        (first,) = args
        return lambda data, scope: impl(scope, first(data, scope))
    if len(args) == 2:
        first, second = args
        return lambda data, scope: impl(scope, first(data, scope), second(data, scope))
    if len(args) == 3:
        first, second, third = args
        return lambda data, scope: impl(
            scope, first(data, scope), second(data, scope), third(data, scope)
        )
    return lambda data, scope: impl(scope, *[arg(data, scope) for arg in args])


def _fold(call: Call, evaluate: Evaluator, returns: Kind) -> Compiled:
    try:
        value = evaluate(None, Scope())
    except AslError as exc:
        raise IntrinsicSyntaxError(f"{call.function} always fails: {exc.cause}") from exc
    kind = kind_of(value) if returns is Kind.ANY else returns
    return Compiled(lambda _data, _scope: value, kind, value)
