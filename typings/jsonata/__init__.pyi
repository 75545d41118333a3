# Minimal stub for jsonata-python: only what sfc.core.jsonata uses.
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any, ClassVar

class Parser:
    class Symbol:
        type: str | None
        value: Any
        steps: list[Parser.Symbol] | None
        procedure: Parser.Symbol | None
        arguments: list[Parser.Symbol] | None
        body: Parser.Symbol | None
        predicate: list[Parser.Symbol] | None
        stages: list[Parser.Symbol] | None
        expr: Parser.Symbol | None
        group: Parser.Symbol | None
        lhs: Parser.Symbol | None
        rhs: Parser.Symbol | None
        lhs_object: list[list[Parser.Symbol]] | None
        terms: list[Parser.Symbol] | None
        condition: Parser.Symbol | None
        then: Parser.Symbol | None
        _else: Parser.Symbol | None
        expressions: list[Parser.Symbol] | None
        pattern: Parser.Symbol | None
        update: Parser.Symbol | None
        delete: Parser.Symbol | None
        expression: Parser.Symbol | None
        keep_array: bool
        keep_singleton_array: bool
        focus: Any
        tuple: Any

class Utils:
    class NullValue: ...
    NULL_VALUE: ClassVar[Utils.NullValue]

    class JList(list[Any]):
        sequence: bool

    @staticmethod
    def create_sequence_from_iter(it: Iterable[Any]) -> list[Any]: ...

class Functions:
    @staticmethod
    def datetime_from_millis(
        millis: float | None, picture: str | None, timezone: str | None
    ) -> str | None: ...

class Jsonata:
    class Frame:
        bindings: MutableMapping[str, Any]
        def __init__(self, parent: Jsonata.Frame | None) -> None: ...
        def bind(self, name: str, val: Any) -> None: ...

    class JFunctionCallable:
        def call(self, input: Any, args: Sequence[Any] | None) -> Any: ...

    class JFunction(JFunctionCallable):
        def __init__(self, function: Jsonata.JFunctionCallable, signature: str | None) -> None: ...

    static_frame: ClassVar[Jsonata.Frame]
    ast: Parser.Symbol

    def __init__(self, expr: str | None) -> None: ...
    def eval(self, expr: Parser.Symbol | None, input: Any, environment: Jsonata.Frame) -> Any: ...
