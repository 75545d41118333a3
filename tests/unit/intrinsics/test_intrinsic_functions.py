"""The string, JSON, encoding, hash, math and UUID intrinsics."""

from __future__ import annotations

import re

import pytest

from sfc.core.failure import AslError, StatesError
from sfc.core.intrinsics import IntrinsicSyntaxError, compile_intrinsic
from sfc.core.scope import Scope
from sfc.core.types import Json

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def run(text: str, data: Json = None, scope: Scope | None = None) -> Json:
    return compile_intrinsic(text)(data, scope or Scope())


def failure(text: str, data: Json = None) -> AslError:
    evaluate = compile_intrinsic(text)
    with pytest.raises(AslError) as info:
        evaluate(data, Scope())
    assert info.value.error == StatesError.RUNTIME
    return info.value


# States.Format


def test_format_aws_examples() -> None:
    data = {"name": "Arnav", "template": "Hello, my name is {}."}
    assert run("States.Format('Hello, my name is {}.', $.name)", data) == (
        "Hello, my name is Arnav."
    )
    assert run("States.Format($.template, $.name)", data) == "Hello, my name is Arnav."


def test_format_with_escapes() -> None:
    data = {"firstName": "Ada", "lastName": "Lovelace"}
    text = r"States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)"
    assert run(text, data) == "Welcome to Ada Lovelace's playlist."
    assert run(r"States.Format('\{\} is {}', 'x')") == "{} is x"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("", ""),
        ("x y", "x y"),
        (None, "null"),
        (True, "true"),
        (-1, "-1"),
        (1.1, "1.1"),
        (9007199254740991, "9007199254740991"),
        ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"),
        ([1, "a", None, [True]], "[1, a, null, [true]]"),
        ('{"Arg1": 1}', '{"Arg1": 1}'),
    ],
)
def test_format_prints_values_like_aws(value: Json, text: str) -> None:
    assert run("States.Format('<{}>', $.v)", {"v": value}) == f"<{text}>"


def test_format_with_many_values_and_none() -> None:
    assert run("States.Format('{}|{}|{}', 1, 'b', $.c)", {"c": False}) == "1|b|false"
    assert run("States.Format('no placeholders')") == "no placeholders"
    assert run("States.Format('  {}  ', 'x')") == "  x  "


def test_format_of_nested_calls() -> None:
    text = "States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))"
    assert run(text, {"svc": "lambda", "obj": {"k": 1}}) == 'arn:lambda:{"k":1}'


def test_format_runtime_template_count_mismatch() -> None:
    error = failure("States.Format($.t, $.a)", {"t": "{} and {}", "a": 1})
    assert error.cause == (
        "Invalid arguments in States.Format: the template has 2 '{}' placeholder(s) "
        "but 1 value(s) follow it"
    )


def test_format_runtime_template_must_be_a_string() -> None:
    error = failure("States.Format($.t)", {"t": 123})
    assert "argument 1 must be a string, not a number 123" in error.cause


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("States.Format('{} {}', $.a)", "2 '{}' placeholder\\(s\\) but 1 value"),
        ("States.Format('{}', $.a, $.b)", "1 '{}' placeholder\\(s\\) but 2 value"),
        ("States.Format('Hello {', $.a)", "not part of a {} placeholder"),
        ("States.Format('}')", "not part of a {} placeholder"),
        ("States.Format('Hello {{}}', $.a)", "not part of a {} placeholder"),
        ("States.Format(1, $.a)", "argument 1 must be a string, not a number 1"),
        ("States.Format()", "takes at least 1 argument"),
    ],
)
def test_format_static_mistakes(text: str, message: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=message):
        compile_intrinsic(text)


# States.StringToJson and States.JsonToString


def test_string_to_json_aws_example() -> None:
    data = {"escapedJsonString": '{"foo": "bar"}'}
    assert run("States.StringToJson($.escapedJsonString)", data) == {"foo": "bar"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("null", None),
        ("-0", 0),
        ("1", 1),
        ("1.1", 1.1),
        ("true", True),
        ('"HelloWorld"', "HelloWorld"),
        ('[1, 2, "HelloWorld"]', [1, 2, "HelloWorld"]),
        (' {"a":1} ', {"a": 1}),
        ("", None),
        ("   ", None),
    ],
)
def test_string_to_json(text: str, value: Json) -> None:
    assert run("States.StringToJson($.s)", {"s": text}) == value


@pytest.mark.parametrize("text", ["{bad json}", '{"a":1', "undefined", "[1,]", "1 2"])
def test_string_to_json_rejects_invalid_json(text: str) -> None:
    error = failure("States.StringToJson($.s)", {"s": text})
    assert error.cause.startswith(
        "Invalid arguments in States.StringToJson: argument 1 is not valid JSON"
    )


@pytest.mark.parametrize("value", [123, {"a": 1}, [1], None])
def test_string_to_json_rejects_non_strings(value: Json) -> None:
    error = failure("States.StringToJson($.s)", {"s": value})
    assert "argument 1 must be a string" in error.cause


def test_string_to_json_of_literal() -> None:
    text = 'States.StringToJson(\'{"constant_in_literal": "false"}\')'
    assert run(text) == {"constant_in_literal": "false"}
    with pytest.raises(IntrinsicSyntaxError, match=r"always fails: .*not valid JSON"):
        compile_intrinsic("States.StringToJson('{bad')")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"foo": "bar"}, '{"foo":"bar"}'),
        ([1, 2, "HelloWorld"], '[1,2,"HelloWorld"]'),
        ({"Arg1": 1, "Arg2": []}, '{"Arg1":1,"Arg2":[]}'),
        ({"b": 1, "a": 2}, '{"b":1,"a":2}'),
        ("HelloWorld", '"HelloWorld"'),
        (None, "null"),
        (1.1, "1.1"),
        (True, "true"),
        ("é ✓", '"é ✓"'),
    ],
)
def test_json_to_string_is_compact(value: Json, text: str) -> None:
    assert run("States.JsonToString($.unescapedJson)", {"unescapedJson": value}) == text


def test_json_to_string_of_literal() -> None:
    assert run("States.JsonToString('x')") == '"x"'


# States.Base64Encode and States.Base64Decode


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("Data to encode", "RGF0YSB0byBlbmNvZGU="),
        ("", ""),
        ("hello", "aGVsbG8="),
        ("✓", "4pyT"),
        ("こんにちは", "44GT44KT44Gr44Gh44Gv"),
        ("abc\u0000def", "YWJjAGRlZg=="),
        ("🚀", "8J+agA=="),
    ],
)
def test_base64_both_ways(text: str, encoded: str) -> None:
    assert run("States.Base64Encode($.input)", {"input": text}) == encoded
    assert run("States.Base64Decode($.base64)", {"base64": encoded}) == text


@pytest.mark.parametrize(
    ("encoded", "text"),
    [
        (" YWJjZA== ", "abcd"),
        ("YWJj\nZA==", "abcd"),
        ("YWJjZA", "abcd"),
        ("aGVsbG8=trailing", "hello"),
        ("/w==", "\ufffd"),
        ("!!aGVs!!bG8=", "hello"),
    ],
)
def test_base64_decode_is_lenient_like_aws(encoded: str, text: str) -> None:
    assert run("States.Base64Decode($.s)", {"s": encoded}) == text


@pytest.mark.parametrize("function", ["Base64Encode", "Base64Decode"])
def test_base64_length_limit(function: str) -> None:
    assert isinstance(run(f"States.{function}($.s)", {"s": "A" * 10_000}), str)
    error = failure(f"States.{function}($.s)", {"s": "A" * 10_001})
    assert error.cause == (
        f"Invalid arguments in States.{function}: argument 1 is 10001 characters long; "
        "the limit is 10000"
    )


@pytest.mark.parametrize("function", ["Base64Encode", "Base64Decode"])
@pytest.mark.parametrize("value", [123, {}, ["x"], None])
def test_base64_rejects_non_strings(function: str, value: Json) -> None:
    error = failure(f"States.{function}($.s)", {"s": value})
    assert error.cause.startswith(f"Invalid arguments in States.{function}: argument 1")


def test_base64_literal_mistake_is_a_syntax_error() -> None:
    with pytest.raises(IntrinsicSyntaxError, match="must be a string, not a number 123"):
        compile_intrinsic("States.Base64Encode(123)")


# States.Hash


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "5d41402abc4b2a76b9719d911017c592"),
        ("SHA-1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
        ("SHA-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        (
            "SHA-384",
            "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90"
            "125a3c79f90397bdf5f6a13de828684f",
        ),
        (
            "SHA-512",
            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
            "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
        ),
    ],
)
def test_hash_algorithms(algorithm: str, digest: str) -> None:
    assert run("States.Hash($.Data, $.Algorithm)", {"Data": "hello", "Algorithm": algorithm}) == (
        digest
    )


def test_hash_of_unicode_and_non_strings() -> None:
    assert run("States.Hash($.s, 'SHA-256')", {"s": "✓"}) == (
        "1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604"
    )
    assert run("States.Hash(123, 'MD5')") == "202cb962ac59075b964b07152d234b70"


@pytest.mark.parametrize("algorithm", ["sha-256", "SHA256", "MD-5", "", "SHA-257", 256])
def test_hash_rejects_unknown_algorithms(algorithm: Json) -> None:
    error = failure("States.Hash('data', $.a)", {"a": algorithm})
    assert error.cause.startswith("Invalid arguments in States.Hash")
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.Hash argument 2"):
        compile_intrinsic(f"States.Hash('data', {algorithm!r})")


def test_hash_length_limit() -> None:
    assert len(run("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_000})) == 64
    error = failure("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_001})
    assert "the data is 10001 characters long; the limit is 10000" in error.cause


# States.JsonMerge


def test_json_merge_aws_example() -> None:
    data = {
        "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
        "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
    }
    assert run("States.JsonMerge($.json1, $.json2, false)", data) == {
        "a": {"a3": 1, "a4": 2},
        "b": 2,
        "c": 3,
    }


def test_json_merge_right_wins_and_inputs_are_untouched() -> None:
    left, right = {"x": 1, "y": 2}, {"y": 3, "z": None}
    assert run("States.JsonMerge($.l, $.r, false)", {"l": left, "r": right}) == {
        "x": 1,
        "y": 3,
        "z": None,
    }
    assert left == {"x": 1, "y": 2}


@pytest.mark.parametrize(("left", "right"), [(None, {}), ({}, None), ([], {}), ({}, "x")])
def test_json_merge_rejects_non_objects(left: Json, right: Json) -> None:
    error = failure("States.JsonMerge($.l, $.r, false)", {"l": left, "r": right})
    assert "must be an object" in error.cause


def test_json_merge_rejects_deep_merging() -> None:
    error = failure("States.JsonMerge($.l, $.r, $.deep)", {"l": {}, "r": {}, "deep": True})
    assert "deep merging (a true argument 3) is not supported" in error.cause
    with pytest.raises(IntrinsicSyntaxError, match="argument 3 must be false"):
        compile_intrinsic("States.JsonMerge($.l, $.r, true)")
    with pytest.raises(IntrinsicSyntaxError, match="argument 3 must be a boolean"):
        compile_intrinsic("States.JsonMerge($.l, $.r, 'false')")


def test_json_merge_needs_three_arguments() -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.JsonMerge takes 3 argument"):
        compile_intrinsic("States.JsonMerge($.l, $.r)")


# States.MathAdd


@pytest.mark.parametrize(
    ("left", "right", "total"),
    [
        (111, -1, 110),
        (-9, 3, -6),
        (2147483647, 0, 2147483647),
        (-2147483647, -1, -2147483648),
        (1.49, 1.5, 3),
        (1.5, 1.51, 4),
        (-1.49, -1.5, -2),
        (-1.5, -1.51, -3),
        (0.5, 0, 1),
        (2.5, 0, 3),
        (-0.5, 0, 0),
        (-2.5, 0, -2),
        (-0.5, 0.5, 1),
        (0.49999999999999994, 0, 0),
        (3.0, 4, 7),
    ],
)
def test_math_add_rounds_like_aws(left: float, right: float, total: int) -> None:
    result = run("States.MathAdd($.value1, $.step)", {"value1": left, "step": right})
    assert result == total
    assert type(result) is int


@pytest.mark.parametrize(
    ("left", "right"),
    [(2147483647, 1), (-2147483648, -1), (3000000000, 1), (1, -3000000000), (2147483647.6, 0)],
)
def test_math_add_stays_within_32_bits(left: float, right: float) -> None:
    error = failure("States.MathAdd($.a, $.b)", {"a": left, "b": right})
    assert error.cause.startswith("Invalid arguments in States.MathAdd")


@pytest.mark.parametrize("value", ["1", "-1", None, True, [1], {"a": 1}])
def test_math_add_rejects_non_numbers(value: Json) -> None:
    error = failure("States.MathAdd($.a, 1)", {"a": value})
    assert "argument 1 must be an integer" in error.cause


@pytest.mark.parametrize(
    "text",
    [
        "States.MathAdd(1,'-1')",
        "States.MathAdd(null, 1)",
        "States.MathAdd(true, 1)",
        "States.MathAdd($.a, 3000000000)",
        "States.MathAdd(2147483647, 1)",
        "States.MathAdd(States.Format('1'), 1)",
    ],
)
def test_math_add_static_mistakes(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.MathAdd"):
        compile_intrinsic(text)


def test_math_add_of_literals_and_nested_calls() -> None:
    assert run("States.MathAdd(5, 3)") == 8
    assert run("States.MathAdd(States.MathAdd($.x, 1), 2)", {"x": 5}) == 8


# States.MathRandom


def test_math_random_is_within_bounds_and_from_the_scope() -> None:
    values = [run("States.MathRandom($.start, $.end)", {"start": 1, "end": 4}) for _ in range(50)]
    assert set(values) <= {1, 2, 3}
    first = run("States.MathRandom(1, 1000000)", scope=Scope(seed="flow-1"))
    again = run("States.MathRandom(1, 1000000)", scope=Scope(seed="flow-1"))
    other = run("States.MathRandom(1, 1000000)", scope=Scope(seed="flow-2"))
    assert first == again
    assert first != other


def test_math_random_with_a_seed_ignores_the_scope() -> None:
    one = run("States.MathRandom(0, 999, 3)", scope=Scope(seed="a"))
    two = run("States.MathRandom($.a, $.b, $.seed)", {"a": 0, "b": 999, "seed": 3}, Scope(seed="b"))
    assert one == two
    assert 0 <= one < 999


def test_math_random_truncates_bounds() -> None:
    assert {run("States.MathRandom($.a, $.b)", {"a": 1.6, "b": 2.9}) for _ in range(5)} == {1}


@pytest.mark.parametrize(("start", "end"), [(1, 1), (10, 5), (1.4, 1.6), ("a", 10), (1, None)])
def test_math_random_rejects_bad_bounds(start: Json, end: Json) -> None:
    error = failure("States.MathRandom($.a, $.b)", {"a": start, "b": end})
    assert error.cause.startswith("Invalid arguments in States.MathRandom")


@pytest.mark.parametrize(
    "text",
    [
        "States.MathRandom(1, 1)",
        "States.MathRandom(10, 5, 1)",
        "States.MathRandom(1, 10, 'seed')",
        "States.MathRandom(1, 10, null)",
        "States.MathRandom(1)",
        "States.MathRandom(1, 10, 5, 99)",
    ],
)
def test_math_random_static_mistakes(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.MathRandom"):
        compile_intrinsic(text)


# States.StringSplit


@pytest.mark.parametrize(
    ("text", "delimiters", "parts"),
    [
        ("1,2,3,4,5", ",", ["1", "2", "3", "4", "5"]),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("1a2b3ab4", "ab", ["1", "2", "3", "4"]),
        ("a,,b", ",", ["a", "b"]),
        (",a,b,", ",", ["a", "b"]),
        (",", ",", []),
        ("", ",", []),
        ("abc", "", ["abc"]),
        ("a|b.c", "|.", ["a", "b", "c"]),
        ("Hello\nWorld", "\n", ["Hello", "World"]),
    ],
)
def test_string_split(text: str, delimiters: str, parts: list[str]) -> None:
    data = {"inputString": text, "splitter": delimiters}
    assert run("States.StringSplit($.inputString, $.splitter)", data) == parts


@pytest.mark.parametrize(
    ("text", "delimiters"), [(123, ","), (None, ","), ("a,b", 1), ("a", [","])]
)
def test_string_split_rejects_non_strings(text: Json, delimiters: Json) -> None:
    error = failure("States.StringSplit($.s, $.d)", {"s": text, "d": delimiters})
    assert error.cause.startswith("Invalid arguments in States.StringSplit: argument")


# States.UUID


def test_uuid_is_version_4_and_deterministic_per_scope() -> None:
    scope = Scope(seed="execution-1")
    first, second = run("States.UUID()", scope=scope), run("States.UUID()", scope=scope)
    assert UUID4.fullmatch(first)
    assert UUID4.fullmatch(second)
    assert first != second
    replay = Scope(seed="execution-1")
    assert [run("States.UUID()", scope=replay) for _ in range(2)] == [first, second]


def test_uuid_takes_no_arguments() -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.UUID takes 0 argument"):
        compile_intrinsic("States.UUID('x')")
