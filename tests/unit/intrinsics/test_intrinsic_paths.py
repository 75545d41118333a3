"""Path arguments: ``$``, ``$$``, workflow variables, missing values and bad paths."""

from __future__ import annotations

import pytest

from sfc.core.failure import AslError, StatesError
from sfc.core.intrinsics import IntrinsicSyntaxError, compile_intrinsic
from sfc.core.scope import Scope
from sfc.core.types import Json

CONTEXT = {
    "Execution": {"Id": "arn:aws:states:eu-west-1:1:execution:flow:run-1", "Input": {"n": 4}},
    "State": {"Name": "Pass"},
}


def context_scope(**variables: Json) -> Scope:
    return Scope(variables, lambda: CONTEXT)


def test_dollar_is_the_whole_input() -> None:
    data = {"b": 1, "a": [True]}
    assert compile_intrinsic("States.JsonToString($)")(data, Scope()) == '{"b":1,"a":[true]}'


def test_context_object_paths() -> None:
    evaluate = compile_intrinsic("States.Format('{} in {}', $$.Execution.Id, $$.State.Name)")
    assert evaluate({}, context_scope()) == (
        "arn:aws:states:eu-west-1:1:execution:flow:run-1 in Pass"
    )
    add = compile_intrinsic("States.MathAdd($$.Execution.Input.n, -1)")
    assert add({}, context_scope()) == 3


def test_variables() -> None:
    scope = context_scope(name="Ada", order={"items": [3, 4, 5]})
    assert compile_intrinsic("States.Format('Hi {}', $name)")(None, scope) == "Hi Ada"
    get = compile_intrinsic("States.ArrayGetItem($order.items, 1)")
    assert get(None, scope) == 4
    length = compile_intrinsic("States.ArrayLength($order.items)")
    assert length(None, scope) == 3


def test_a_path_that_selects_several_values_gives_their_list() -> None:
    data = {"items": [{"id": 1, "k": "x"}, {"id": 2, "k": "y"}, {"id": 3, "k": "x"}]}
    assert compile_intrinsic("States.ArrayLength($.items[*].id)")(data, Scope()) == 3
    first_x = compile_intrinsic("States.ArrayGetItem($.items[?(@.k == 'x')].id, 1)")
    assert first_x(data, Scope()) == 3
    none = compile_intrinsic("States.ArrayLength($.items[?(@.k == 'z')])")
    assert none(data, Scope()) == 0


def test_the_same_compiled_call_reads_each_input() -> None:
    evaluate = compile_intrinsic("States.MathAdd($.count, 1)")
    assert [evaluate({"count": n}, Scope()) for n in range(3)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "data", "scope", "where"),
    [
        ("States.Base64Decode($.missing)", {}, Scope(), "the input '{}'"),
        ("States.MathAdd($.a.b, 1)", {"a": 1}, Scope(), "the input '{\"a\":1}'"),
        ("States.ArrayGetItem($.list[5], 0)", {"list": [[0]]}, Scope(), "the input"),
        ("States.Format('{}', $$.Execution.Nope)", {}, context_scope(), "the context object"),
        ("States.JsonToString($nobody)", {}, Scope(), "the variable '$nobody'"),
        (
            "States.JsonToString($known.absent)",
            {},
            context_scope(known={}),
            "the variable '$known'",
        ),
    ],
)
def test_a_path_that_selects_nothing_fails(text: str, data: Json, scope: Scope, where: str) -> None:
    evaluate = compile_intrinsic(text)
    with pytest.raises(AslError) as info:
        evaluate(data, scope)
    error = info.value
    assert error.error == StatesError.RUNTIME
    function = text[: text.index("(")]
    path = text[text.index("(") + 1 :].split(",")[0].split(")")[0]
    if function == "States.Format":
        path = "$$.Execution.Nope"
    assert error.cause.startswith(f"The JSONPath '{path}' given to {function} could not be found")
    assert where in error.cause


def test_a_missing_path_in_a_nested_call_names_that_call() -> None:
    evaluate = compile_intrinsic("States.Format('{}', States.ArrayLength($.nope))")
    with pytest.raises(AslError, match=r"given to States\.ArrayLength"):
        evaluate({}, Scope())


@pytest.mark.parametrize(
    "text",
    ["States.ArrayLength($.a[)", "States.Array($.a b)", "States.Array($.)", "States.Array($..)"],
)
def test_bad_paths_are_syntax_errors(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError):
        compile_intrinsic(text)


def test_bad_path_error_names_the_path_and_function() -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"invalid path '\$\.a\.' in States\.Array"):
        compile_intrinsic("States.Array($.a.)")


def test_the_context_object_is_built_only_when_read() -> None:
    built: list[int] = []

    def make() -> Json:
        built.append(1)
        return CONTEXT

    scope = Scope(context=make)
    compile_intrinsic("States.MathAdd($.n, 1)")({"n": 1}, scope)
    assert built == []
    compile_intrinsic("States.Format('{}', $$.State.Name)")({}, scope)
    assert built == [1]
