"""The intrinsic call parser: literals, escapes, paths, nesting, white space, errors."""

from __future__ import annotations

import pytest

from sfc.core.intrinsics import IntrinsicSyntaxError
from sfc.core.intrinsics.parser import MAX_DEPTH, Call, Literal, PathArg, parse


def test_simple_call() -> None:
    call = parse("States.MathAdd($.count, 1)")
    assert call.name == "MathAdd"
    assert call.function == "States.MathAdd"
    assert call.args == (PathArg("$.count", 15), Literal(1, 24))


def test_no_arguments() -> None:
    assert parse("States.UUID()").args == ()
    assert parse("States.UUID( )").args == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("-1", -1),
        ("2.5", 2.5),
        ("-0.25", -0.25),
        ("1e3", 1000.0),
        ("1.5E-2", 0.015),
        ("true", True),
        ("false", False),
        ("null", None),
        ("''", ""),
        ("'text'", "text"),
    ],
)
def test_literal_arguments(text: str, value: object) -> None:
    (arg,) = parse(f"States.Array({text})").args
    assert isinstance(arg, Literal)
    assert arg.value == value
    assert type(arg.value) is type(value)


def test_integers_stay_integers_and_decimals_are_floats() -> None:
    args = parse("States.Array(3, 3.0)").args
    assert [type(arg.value) for arg in args if isinstance(arg, Literal)] == [int, float]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        (r"'it\'s'", "it's"),
        (r"'\{\}'", "{}"),
        (r"'a\\b'", "a\\b"),
        (r"'\\\''", "\\'"),
        ("'a,b)c'", "a,b)c"),
        ("'\"quoted\"'", '"quoted"'),
        ("'line\nbreak'", "line\nbreak"),
        ("'{\"a\": 1}'", '{"a": 1}'),
    ],
)
def test_string_escapes(written: str, value: str) -> None:
    (arg,) = parse(f"States.Array({written})").args
    assert isinstance(arg, Literal)
    assert arg.value == value


@pytest.mark.parametrize(
    ("written", "pieces", "lone"),
    [
        ("'no placeholders'", ("no placeholders",), False),
        ("'{}'", ("", ""), False),
        ("'Hello {}, {}!'", ("Hello ", ", ", "!"), False),
        (r"'literal \{\} braces {}'", ("literal {} braces ", ""), False),
        ("'Hello {'", ("Hello {",), True),
        ("'}'", ("}",), True),
        ("'{{}}'", ("{", "}"), True),
        (r"'\{}'", ("{}",), True),
    ],
)
def test_string_template(written: str, pieces: tuple[str, ...], lone: bool) -> None:
    (arg,) = parse(f"States.Format({written})").args
    assert isinstance(arg, Literal)
    assert arg.template == pieces
    assert arg.lone_brace is lone


def test_non_strings_have_no_template() -> None:
    (arg,) = parse("States.Array(1)").args
    assert isinstance(arg, Literal)
    assert arg.template == ()


@pytest.mark.parametrize(
    "path",
    [
        "$",
        "$.a.b",
        "$[0]",
        "$$.Execution.Id",
        "$var",
        "$var.field[2]",
        "$.items[?(@.price < 10)].name",
        "$.a[?(@.k == 'x, y)')]",
        '$["odd key"]',
        "$..name",
    ],
)
def test_path_arguments(path: str) -> None:
    call = parse(f"States.Array({path}, 1)")
    assert call.args[0] == PathArg(path, 13)
    assert call.args[1] == Literal(1, 15 + len(path))


def test_nested_calls() -> None:
    text = "States.Format('{}', States.MathAdd(States.ArrayLength($.a), -1))"
    call = parse(text)
    inner = call.args[1]
    assert isinstance(inner, Call)
    assert inner.name == "MathAdd"
    innermost = inner.args[0]
    assert isinstance(innermost, Call)
    assert innermost.name == "ArrayLength"
    assert innermost.args == (PathArg("$.a", text.index("$.a")),)
    assert inner.args[1] == Literal(-1, text.index("-1"))


def test_white_space_around_arguments() -> None:
    spaced = parse("States.Array(  $.a ,\t'x'\n,  States.UUID( ) , 2 )")
    tight = parse("States.Array($.a,'x',States.UUID(),2)")
    assert [type(arg) for arg in spaced.args] == [PathArg, Literal, Call, Literal]
    assert [getattr(arg, "value", None) for arg in spaced.args] == [
        getattr(arg, "value", None) for arg in tight.args
    ]


def test_space_between_name_and_parenthesis() -> None:
    assert parse("States.Array ($.a)").args[0] == PathArg("$.a", 14)


def test_nesting_up_to_the_limit() -> None:
    text = "States.Array(" * MAX_DEPTH + ")" * MAX_DEPTH
    depth = 0
    call: object = parse(text)
    while isinstance(call, Call):
        depth += 1
        call = call.args[0] if call.args else None
    assert depth == MAX_DEPTH


def test_nesting_beyond_the_limit() -> None:
    text = "States.Array(" * (MAX_DEPTH + 1) + ")" * (MAX_DEPTH + 1)
    with pytest.raises(IntrinsicSyntaxError, match="nested more than 10 deep"):
        parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("States.Array(", "missing argument"),
        ("States.Array($.a", "missing '\\)'"),
        ("States.Array", "expected '\\('"),
        ("States.Array)", "expected '\\('"),
        ("States.Array($.a) trailing", "unexpected text after"),
        ("States.Array($.a) ", "unexpected text after"),
        ("States.Array($.a))", "unexpected text after"),
        ("States.Array(,)", "missing argument"),
        ("States.Array(1,)", "missing argument"),
        ("States.Array(1,,2)", "missing argument"),
        ("States.Array(1 2)", "expected ',' or '\\)'"),
        ("States.Array('a' 'b')", "expected ',' or '\\)'"),
        ("States.Array('open)", "unterminated string"),
        (r"States.Array('bad \n escape')", "backslash"),
        ("States.Array('trailing \\", "backslash"),
        ("States.Array(1.)", "malformed number"),
        ("States.Array(.5)", "expected an argument"),
        ("States.Array(01)", "malformed number"),
        ("States.Array(-)", "malformed number"),
        ("States.Array(1x)", "malformed number"),
        ("States.Array(1e999)", "out of range"),
        ("States.Array(True)", "expected an argument"),
        ("States.Array(nothing)", "expected an argument"),
        ("States.Array([1,2])", "expected an argument"),
        ('States.Array("double")', "expected an argument"),
        ("States.Array($.a[0)", "missing '\\]'"),
        ("States.Array($.a[?(@.b == 'x])", "unterminated quote"),
        ("States.(1)", "expected a function name"),
        ("Format('x')", "expected a function name"),
        ("", "expected a function name"),
    ],
)
def test_malformed_calls(text: str, message: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=message):
        parse(text)


def test_error_names_the_text_and_position() -> None:
    with pytest.raises(IntrinsicSyntaxError) as info:
        parse("States.Array(1 2)")
    assert "'States.Array(1 2)'" in info.value.message
    assert "position 15" in info.value.message
    assert info.value.code == "sfc.intrinsic_syntax"
