"""Compile a payload template into one function that builds the payload.

In a template, a field whose name ends in ``.$`` takes its value from a path (``$.x``,
``$$.Execution.Id``, ``$var``) or an intrinsic function (``States.Format(...)``); every
other value is copied as written. Templates nest through objects and arrays.
"""

from __future__ import annotations

from sfc.core.failure import AslError, StatesError
from sfc.core.intrinsics import compile_intrinsic, is_intrinsic
from sfc.core.paths import Path, compile_path, is_path
from sfc.core.pointer import child
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json
from sfc.errors import SfcError


class PayloadSyntaxError(SfcError):
    """A ``.$`` field holds something that is neither a path nor an intrinsic call."""

    code = "sfc.payload_syntax"

    def __init__(self, message: str, *, pointer: str) -> None:
        super().__init__(message)
        self.pointer = pointer


def compile_payload(template: Json, pointer: str = "") -> Evaluator:
    """Compile a payload template.

    Args:
        template: The template as written in the blueprint.
        pointer: JSON pointer of the template in the blueprint, for error messages.

    Returns:
        A function of the ``$`` data and the scope that builds the payload.

    Raises:
        PayloadSyntaxError: A ``.$`` field's value is not a valid path or intrinsic call;
            ``pointer`` tells which field.
    """
    if not _is_dynamic(template):
        return lambda _data, _scope: template
    return _compile(template, pointer)


def reads_scope(template: Json) -> bool:
    """Whether a template reads its scope: variables, the context object or randomness.

    A template whose ``.$`` fields are all paths on ``$`` does not; intrinsic functions
    are assumed to (``States.UUID`` draws from the scope's random source).
    """
    if isinstance(template, dict):
        for key, value in template.items():
            if key.endswith(".$"):
                if not isinstance(value, str) or not value.startswith("$"):
                    return True
                if value.startswith("$$") or (len(value) > 1 and value[1] not in ".["):
                    return True
            elif reads_scope(value):
                return True
        return False
    if isinstance(template, list):
        return any(reads_scope(v) for v in template)
    return False


def _is_dynamic(template: Json) -> bool:
    if isinstance(template, dict):
        return any(k.endswith(".$") or _is_dynamic(v) for k, v in template.items())
    if isinstance(template, list):
        return any(_is_dynamic(v) for v in template)
    return False


def _compile(template: Json, pointer: str) -> Evaluator:
    if isinstance(template, dict):
        return _compile_object(template, pointer)
    if isinstance(template, list):
        items = [_compile(v, child(pointer, i)) for i, v in enumerate(template)]
        return lambda data, scope: [item(data, scope) for item in items]
    return lambda _data, _scope: template


def _compile_object(template: dict[str, Json], pointer: str) -> Evaluator:
    entries: list[tuple[str, Evaluator | None, Json]] = []
    for key, value in template.items():
        where = child(pointer, key)
        if key.endswith(".$"):
            entries.append((key[:-2], _compile_reference(key, value, where), None))
        elif _is_dynamic(value):
            entries.append((key, _compile(value, where), None))
        else:
            entries.append((key, None, value))
    fields = tuple(entries)

    def build(data: Json, scope: Scope) -> Json:
        return {
            key: value if evaluate is None else evaluate(data, scope)
            for key, evaluate, value in fields
        }

    return build


def _compile_reference(field: str, value: Json, pointer: str) -> Evaluator:
    if is_intrinsic(value):
        try:
            return compile_intrinsic(value)
        except SfcError as exc:
            raise PayloadSyntaxError(exc.message, pointer=pointer) from exc
    if is_path(value):
        try:
            path = compile_path(value)
        except SfcError as exc:
            raise PayloadSyntaxError(exc.message, pointer=pointer) from exc
        return _path_reader(field, path)
    raise PayloadSyntaxError(
        f"field {field!r} ends in '.$' so its value must be a path or an intrinsic "
        f"function call, not {value!r}",
        pointer=pointer,
    )


def _path_reader(field: str, path: Path) -> Evaluator:
    def read(data: Json, scope: Scope) -> Json:
        found, value = path.find(data, scope)
        if found:
            return value
        raise AslError(StatesError.RUNTIME, _not_found(field, path, data))

    return read


def _not_found(field: str, path: Path, data: Json) -> str:
    return (
        f"The JSONPath '{path.text}' specified for the field '{field}' "
        f"could not be found in {path.where(data)}"
    )
