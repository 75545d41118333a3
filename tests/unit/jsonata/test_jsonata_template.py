"""Templates, ``$states``, variables, results and how failures are reported."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.failure import AslError
from sfc.core.jsonata import compile_jsonata_template
from sfc.core.jsonata.template import field_name
from sfc.core.scope import Scope
from sfc.core.types import Json

QUERY_ERROR = "States.QueryEvaluationError"


def evaluate(template: Json, scope: Scope | None = None, pointer: str = "") -> Json:
    return compile_jsonata_template(template, pointer)(scope or Scope())


def failure(template: Json, scope: Scope | None = None, pointer: str = "") -> AslError:
    compiled = compile_jsonata_template(template, pointer)
    with pytest.raises(AslError) as caught:
        compiled(scope or Scope())
    assert caught.value.error == QUERY_ERROR
    return caught.value


def same(a: Any, b: Any) -> bool:
    """Equality that also compares types (so 1, 1.0 and True differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def integral_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: integral_as_int(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral_as_int(v) for v in value]
    return value


# -- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template", [None, True, 3, 2.5, "text", "$.not.a.path", [], {}, [1, {"a": [None, "x"]}]]
)
def test_a_template_without_expressions_is_returned_as_written(template: Json) -> None:
    assert evaluate(template) is template


def test_expressions_are_evaluated_at_any_depth() -> None:
    scope = Scope(input={"n": 2})
    template = {
        "literal": "text",
        "number": 7,
        "sum": "{% $states.input.n + 1 %}",
        "nested": {"list": [1, "{% $states.input.n * 10 %}", {"deep": "{% 'x' & 'y' %}"}]},
        "constant": {"a": [1, 2]},
    }
    assert evaluate(template, scope) == {
        "literal": "text",
        "number": 7,
        "sum": 3,
        "nested": {"list": [1, 20, {"deep": "xy"}]},
        "constant": {"a": [1, 2]},
    }


def test_key_order_is_kept() -> None:
    template = {"z": 1, "y": "{% 2 %}", "x": 3, "w": "{% 4 %}"}
    assert list(evaluate(template)) == ["z", "y", "x", "w"]


def test_a_template_is_not_changed_by_evaluation() -> None:
    template = {"a": "{% 1 %}", "b": ["{% 2 %}", {"c": "{% 3 %}"}]}
    before = copy.deepcopy(template)
    evaluate(template)
    assert template == before


def test_an_array_template() -> None:
    assert evaluate(["a", "{% 1 + 1 %}", ["{% true %}"]]) == ["a", 2, [True]]


def test_each_call_builds_a_new_value() -> None:
    compiled = compile_jsonata_template({"a": "{% [1] %}"})
    first, second = compiled(Scope()), compiled(Scope())
    assert first == second
    assert first is not second


# -- $states and variables ------------------------------------------------------------------


def test_states_members() -> None:
    scope = Scope(
        context=lambda: {"Execution": {"Id": "arn:exec"}},
        input={"a": 1},
        result={"b": 2},
        error_output={"Error": "E"},
    )
    template = {
        "input": "{% $states.input.a %}",
        "result": "{% $states.result.b %}",
        "error": "{% $states.errorOutput.Error %}",
        "context": "{% $states.context.Execution.Id %}",
        "members": "{% $keys($states) %}",
    }
    assert evaluate(template, scope) == {
        "input": 1,
        "result": 2,
        "error": "E",
        "context": "arn:exec",
        "members": ["context", "input", "result", "errorOutput"],
    }


def test_a_member_absent_in_this_phase_is_undefined() -> None:
    cause = failure("{% $states.result %}", Scope(input={}), "/States/S/Output").cause
    assert "returned nothing (undefined)" in cause


def test_the_context_object_is_built_only_when_read() -> None:
    built: list[int] = []

    def context() -> Json:
        built.append(1)
        return {"State": {"Name": "S"}}

    scope = Scope(context=context, input={"items": [1, 2]})
    assert evaluate("{% $count($states.input.items) %}", scope) == 2
    assert evaluate({"a": "{% $states.input.items[0] + 1 %}"}, scope) == {"a": 2}
    assert built == []
    assert evaluate("{% $states.context.State.Name %}", scope) == "S"
    assert built == [1]


def test_reading_states_whole_includes_the_context() -> None:
    scope = Scope(context=lambda: {"State": {"Name": "S"}}, input=1)
    assert evaluate("{% $states %}", scope) == {"context": {"State": {"Name": "S"}}, "input": 1}


def test_variables() -> None:
    scope = Scope({"name": "Ann", "order": {"total": 5, "lines": [1, 2]}, "none": None})
    assert evaluate("{% $name %}", scope) == "Ann"
    assert evaluate("{% $order.total * 2 %}", scope) == 10
    assert evaluate("{% $order.lines %}", scope) == [1, 2]
    assert evaluate("{% $sum($order.lines) %}", scope) == 3
    assert evaluate("{% $none %}", scope) is None
    assert evaluate("{% $exists($none) %}", scope) is True
    assert evaluate("{% $exists($missing) %}", scope) is False


def test_states_cannot_be_shadowed_by_a_variable() -> None:
    scope = Scope({"states": "shadow"}, input={"a": 1})
    assert evaluate("{% $states.input.a %}", scope) == 1
    assert evaluate("{% $count($states.input.a) %}", scope) == 1


def test_local_bindings_do_not_leak_between_evaluations() -> None:
    compiled = compile_jsonata_template("{% ($x := $exists($x) ? $x + 1 : 1; $x) %}")
    assert compiled(Scope()) == 1
    assert compiled(Scope()) == 1


# -- results ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% 1 + 1 %}", 2),
        ("{% 2.5 * 2 %}", 5),
        ("{% 1.0 %}", 1),
        ("{% 7 / 2 %}", 3.5),
        ("{% $sum([1.5, 1.5]) %}", 3),
        ("{% $states.input.f %}", 2),
        ("{% $states.input.g %}", 2.25),
        ("{% $states.input.big + 1 %}", 10**15 + 1),
        ("{% [1.0, {'a': 2.0}] %}", [1, {"a": 2}]),
        ("{% -0 %}", 0),
    ],
)
def test_integral_numbers_are_ints(text: str, expected: Json) -> None:
    scope = Scope(input={"f": 2.0, "g": 2.25, "big": 10**15})
    assert same(evaluate(text, scope), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% null %}", None),
        ("{% [null, 1] %}", [None, 1]),
        ("{% {'a': null} %}", {"a": None}),
        ("{% $states.input.n %}", None),
        ("{% $states.input.list %}", [1, None]),
        ("{% $states.input.list[1] %}", None),
        ("{% 'a' %}", "a"),
        ("{% false %}", False),
        ("{% [] %}", []),
        ("{% {} %}", {}),
        ("{% [[1]] %}", [[1]]),
        ("{% $states.input.nested %}", [[1]]),
    ],
)
def test_results_are_plain_json(text: str, expected: Json) -> None:
    scope = Scope(input={"n": None, "list": [1, None], "nested": [[1]]})
    result = evaluate({"v": text}, scope)
    assert same(result, {"v": expected})


def test_sequences_become_lists() -> None:
    result = evaluate(
        "{% $states.input.items.name %}", Scope(input={"items": [{"name": "a"}, {"name": "b"}]})
    )
    assert type(result) is list
    assert result == ["a", "b"]


# -- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "pointer", "cause"),
    [
        (
            "{% $states.input.missing %}",
            "/States/E/Output",
            "The JSONata expression '$states.input.missing' specified for the field 'Output' "
            "returned nothing (undefined).",
        ),
        (
            {"v": "{% $states.input.missing %}"},
            "/States/E/Output",
            "The JSONata expression '$states.input.missing' specified for the field 'Output/v' "
            "returned nothing (undefined).",
        ),
        (
            {"a": {"b": [1, "{% $missing %}"]}},
            "/States/E/Output",
            "The JSONata expression '$missing' specified for the field 'Output/a/b[1]' "
            "returned nothing (undefined).",
        ),
        (
            {"x": "{% $states.input.missing %}"},
            "/States/E/Assign",
            "The JSONata expression '$states.input.missing' specified for the field 'Assign/x' "
            "returned nothing (undefined).",
        ),
        (
            "{% $states.input.missing %}",
            "/States/C/Choices/1/Condition",
            "The JSONata expression '$states.input.missing' specified for the field "
            "'Choices[1]/Condition' returned nothing (undefined).",
        ),
        (
            "{% $states.input.missing %}",
            "",
            "The JSONata expression '$states.input.missing' returned nothing (undefined).",
        ),
    ],
)
def test_undefined_fails_with_aws_cause(template: Json, pointer: str, cause: str) -> None:
    assert failure(template, Scope(input={}), pointer).cause == cause


@pytest.mark.parametrize(
    "text",
    [
        "{% $states.input.items[$ > 5] %}",
        "{% $states.input.none.deeper %}",
        "{% $lookup($states.input, 'nope') %}",
        "{% $states.input.items[$ > 1][5] %}",
    ],
)
def test_other_undefined_results_fail(text: str) -> None:
    cause = failure(text, Scope(input={"items": [1, 2], "none": None})).cause
    assert cause.endswith("returned nothing (undefined).")


def test_a_failing_expression_names_the_jsonata_error() -> None:
    cause = failure("{% 'a' + 1 %}", pointer="/States/E/Output").cause
    assert cause == (
        "The JSONata expression ''a' + 1' specified for the field 'Output' threw an error "
        "during evaluation. T2001: The left side of the + operator must evaluate to a number"
    )


def test_function_names_in_causes_say_function() -> None:
    cause = failure("{% $sum('a') %}").cause
    assert "T0412: Argument 1 of function sum" in cause
    assert "Object" not in cause


def test_error_function() -> None:
    assert failure("{% $error('boom') %}").cause.endswith(
        "threw an error during evaluation. D3137: boom"
    )


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("{% function($x) { $x } %}", "returned an unsupported result type (a function)."),
        ("{% $sum %}", "returned an unsupported result type (a function)."),
        ("{% {'f': $uppercase} %}", "returned an unsupported result type (a function)."),
        ("{% /ab+/ %}", "returned an unsupported result type (a regular expression)."),
    ],
)
def test_non_json_results_fail(text: str, what: str) -> None:
    assert failure(text).cause.endswith(what)


@pytest.mark.parametrize("text", ["{% 1 / 0 %}", "{% 1e308 * 10 %}", "{% $power(10, 400) %}"])
def test_non_finite_numbers_fail(text: str) -> None:
    cause = failure(text).cause
    assert "threw an error during evaluation" in cause
    assert "out of range" in cause


def test_runaway_recursion_fails() -> None:
    cause = failure("{% ($f := function($n) { 1 + $f($n) }; $f(1)) %}").cause
    assert "Stack overflow" in cause


def test_deep_but_bounded_recursion_works() -> None:
    text = "{% ($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100)) %}"
    assert evaluate(text) == 100


def test_python_errors_of_the_library_become_query_errors() -> None:
    cause = failure("{% $number('abc') %}").cause
    assert "threw an error during evaluation" in cause


# -- field names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "field"),
    [
        ("", ""),
        ("/States/A/Output", "Output"),
        ("/States/A/Arguments/Payload/x", "Arguments/Payload/x"),
        ("/States/C/Choices/2/Condition", "Choices[2]/Condition"),
        ("/States/C/Choices/0/Output/v", "Choices[0]/Output/v"),
        ("/States/T/Catch/1/Assign/x", "Catch[1]/Assign/x"),
        ("/States/M/ItemProcessor/States/In/Output", "Output"),
        ("/States/M/Iterator/States/In/Arguments/a", "Arguments/a"),
        ("/States/P/Branches/1/States/B/Output/a", "Output/a"),
        ("/States/M/ItemReader/Arguments/Prefix", "ItemReader/Arguments/Prefix"),
        ("/States/States/Output", "Output"),
        ("/States/a~1b/Output/c~0d", "Output/c~d"),
        ("/Output/v", "Output/v"),
    ],
)
def test_field_name(pointer: str, field: str) -> None:
    assert field_name(pointer) == field


# -- properties ------------------------------------------------------------------------------

_KEYS = st.text(max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


def _literal(text: str) -> bool:
    return not (text.startswith("{%") or text.endswith("%}"))


def _plain(value: Json) -> bool:
    if isinstance(value, str):
        return _literal(value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return True


@given(JSON.filter(_plain))
def test_property_constant_template_returns_itself(template: Json) -> None:
    assert evaluate(template) is template


@given(JSON)
def test_property_states_input_is_returned_unchanged(value: Json) -> None:
    before = copy.deepcopy(value)
    result = evaluate("{% $states.input %}", Scope(input=value))
    assert same(result, integral_as_int(value))
    assert same(value, before)


@given(JSON)
def test_property_a_variable_is_returned_unchanged(value: Json) -> None:
    result = evaluate({"v": "{% $v %}"}, Scope({"v": value}))
    assert same(result, {"v": integral_as_int(value)})


@given(JSON)
def test_property_results_hold_no_integral_float(value: Json) -> None:
    def floats(v: Json) -> list[float]:
        if isinstance(v, float):
            return [v]
        if isinstance(v, dict):
            return [f for item in v.values() for f in floats(item)]
        if isinstance(v, list):
            return [f for item in v for f in floats(item)]
        return []

    result = evaluate("{% [$states.input] %}", Scope(input=value))
    assert all(math.isfinite(f) and not f.is_integer() for f in floats(result))
