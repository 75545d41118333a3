"""Static checks: function names, argument counts and types, constant calls, the corpus."""

from __future__ import annotations

import pytest

from sfc.core.intrinsics import FUNCTIONS, IntrinsicSyntaxError, compile_intrinsic, is_intrinsic
from sfc.core.payload import PayloadSyntaxError, compile_payload
from sfc.core.scope import Scope


def test_there_are_eighteen_functions() -> None:
    assert len(FUNCTIONS) == 18
    assert "States.Format" in FUNCTIONS
    assert "States.UUID" in FUNCTIONS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("States.Format('{}', $.a)", True),
        ("States.Xyz($.result)", True),
        (" States.Array('Foo', $.xyz, 'Bar', 2.3)", False),
        ("$.path", False),
        ("states.Array()", False),
        (5, False),
        (None, False),
    ],
)
def test_is_intrinsic(value: object, expected: bool) -> None:
    assert is_intrinsic(value) is expected


@pytest.mark.parametrize("text", ["States.Xyz($.result)", "States.format('{}', 1)"])
def test_unknown_functions(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match="unknown intrinsic function States"):
        compile_intrinsic(text)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("States.Format()", "at least 1 argument"),
        ("States.StringToJson()", "1 argument"),
        ("States.StringToJson($.a, $.b)", "1 argument"),
        ("States.JsonToString()", "1 argument"),
        ("States.ArrayPartition($.a)", "2 argument"),
        ("States.ArrayContains($.a)", "2 argument"),
        ("States.ArrayContains($.a, 2, 999)", "2 argument"),
        ("States.ArrayRange(1, 5, 1, 99)", "3 argument"),
        ("States.ArrayGetItem($.a)", "2 argument"),
        ("States.ArrayLength()", "1 argument"),
        ("States.ArrayUnique($.a, $.b)", "1 argument"),
        ("States.Base64Encode('a', 'b')", "1 argument"),
        ("States.Base64Decode()", "1 argument"),
        ("States.Hash('hello')", "2 argument"),
        ("States.JsonMerge($.a, $.b, false, $.c)", "3 argument"),
        ("States.MathRandom(1)", "2 to 3 arguments"),
        ("States.MathAdd(1, 2, 3)", "2 argument"),
        ("States.StringSplit($.s)", "2 argument"),
        ("States.UUID(1, 2)", "0 argument"),
    ],
)
def test_wrong_argument_counts(text: str, wanted: str) -> None:
    function = text[: text.index("(")]
    with pytest.raises(IntrinsicSyntaxError, match=f"{function} takes {wanted}"):
        compile_intrinsic(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("States.MathAdd(1,'-1')", 'argument 2 must be a number, not the string "-1"'),
        ("States.StringSplit(1, ',')", "argument 1 must be a string, not a number 1"),
        ("States.StringToJson(true)", "argument 1 must be a string, not a boolean true"),
        ("States.JsonMerge(null, $.b, false)", "argument 1 must be an object, not null"),
        (
            "States.ArrayLength(States.Format('x'))",
            "argument 1 must be an array, not the result of States.Format, which is a string",
        ),
        (
            "States.MathAdd(States.ArrayUnique($.a), 1)",
            "argument 1 must be a number, not the result of States.ArrayUnique",
        ),
        (
            "States.Base64Encode(States.StringToJson('[1]'))",
            "argument 1 must be a string, not the result of States.StringToJson",
        ),
    ],
)
def test_arguments_of_the_wrong_type(text: str, message: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=message.replace("(", r"\(")):
        compile_intrinsic(text)


def test_results_of_any_type_are_checked_at_run_time() -> None:
    evaluate = compile_intrinsic("States.ArrayLength(States.StringToJson($.s))")
    assert evaluate({"s": "[1, 2]"}, Scope()) == 2


def test_calls_on_literals_are_evaluated_once() -> None:
    evaluate = compile_intrinsic("States.ArrayUnique(States.Array(1, 1, 2))")
    assert evaluate(None, Scope()) == [1, 2]
    assert evaluate({"anything": 1}, Scope()) == [1, 2]


def test_random_calls_on_literals_are_not_evaluated_early() -> None:
    evaluate = compile_intrinsic("States.Array(States.UUID(), States.MathRandom(1, 1000000))")
    scope = Scope(seed="s")
    assert evaluate(None, scope) != evaluate(None, scope)


@pytest.mark.parametrize(
    "text",
    [
        "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
        "States.StringToJson($.someString)",
        "States.JsonToString($.someJson)",
        "States.Array('Foo', 2020, $.someJson, null)",
        "States.ArrayPartition($.inputArray,4)",
        "States.ArrayContains($.inputArray, $.lookingFor)",
        "States.ArrayRange(1, 9, 2)",
        "States.ArrayGetItem($.inputArray, $.index)",
        "States.ArrayLength($.inputArray)",
        "States.ArrayUnique($.inputArray)",
        "States.Base64Encode($.input)",
        "States.Base64Decode($.base64)",
        "States.Hash($.Data, $.Algorithm)",
        "States.JsonMerge($.json1, $.json2, false)",
        "States.MathRandom($.start, $.end)",
        "States.MathAdd($.value1, $.step)",
        "States.StringSplit($.inputString, $.splitter)",
        "States.UUID()",
        "States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)",
        "States.Array('Foo', $.xyz, 'Bar', 2.3)",
        "States.Format('{} xyz {}', 1, 'def')",
        "States.Format('Hello {}, your application has been approved.', "
        "$inputPayload.data.firstname)",
        "States.Format('{}{}', $.field1, $field2)",
    ],
)
def test_calls_from_the_validation_corpus_and_aws_docs_compile(text: str) -> None:
    assert callable(compile_intrinsic(text))


AWS_NESTED_EXAMPLE = (
    "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
    "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem("
    "States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2),"
    " '.'), 1))"
)
"""AWS's example of nine nested calls: three placeholders but only two values."""


def test_aws_nested_example_has_one_value_too_few() -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"3 '{}' placeholder.* but 2 value"):
        compile_intrinsic(AWS_NESTED_EXAMPLE)


def test_aws_nested_example_runs_with_its_placeholders_fixed() -> None:
    evaluate = compile_intrinsic(AWS_NESTED_EXAMPLE.replace("{}.{}.{}", "{}.{}"))
    arn = "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/recipe/1.2.3"
    assert evaluate({"ImageRecipe": {"Arn": arn}}, Scope()) == "1.2"


def test_payload_templates_use_intrinsics() -> None:
    build = compile_payload({"next.$": "States.MathAdd($.count, 1)", "fixed": "x"})
    assert build({"count": 41}, Scope()) == {"next": 42, "fixed": "x"}


def test_payload_templates_report_intrinsic_mistakes_with_a_pointer() -> None:
    with pytest.raises(PayloadSyntaxError) as info:
        compile_payload({"foo.$": "States.MathAdd(1,'-1')"}, "/States/p/Parameters")
    assert info.value.pointer == "/States/p/Parameters/foo.$"
    assert "States.MathAdd argument 2 must be a number" in info.value.message
