"""The ``{% %}`` wrapper, parse errors and the references refused at compile time."""

from __future__ import annotations

import pytest

from sfc.core.jsonata import JsonataSyntaxError, compile_jsonata_template, is_jsonata
from sfc.core.scope import Scope


def compiles(text: str) -> bool:
    try:
        compile_jsonata_template(text, "/States/X/Output")
    except JsonataSyntaxError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% 1 %}", True),
        ("{%\n1\n%}", True),
        ("{%10%}", True),  # well formed or not, it is meant as JSONata
        ("{%}", True),
        ("{% 1", False),
        ("1 %}", False),
        ("$.a", False),
        (1, False),
        (None, False),
        (["{% 1 %}"], False),
    ],
)
def test_is_jsonata(value: object, expected: bool) -> None:
    assert is_jsonata(value) is expected


# Every JSONata string of the asl-validator definitions in
# /work/shared/conformance/asl/definitions, with the verdict of asl-validator.
CONFORMANCE = [
    pytest.param("{% 10 %}", True, id="valid-json-surround-syntax"),
    pytest.param("{% $sum($states.input.numbers) %}", True, id="valid-syntax-function-call"),
    pytest.param("{% $states.input.data.items %}", True, id="valid-syntax-path-expression"),
    pytest.param("{% 1+2 %}", True, id="valid-syntax-simple-arithmetic"),
    pytest.param("{% 120 %}", True, id="valid-task-timeout"),
    pytest.param("{% 131072 %}", True, id="valid-map-with-item-batcher"),
    pytest.param("{% $round($random() * 10) %}", True, id="valid-wait"),
    pytest.param("{% $states.input.timeout %}", True, id="valid-wait-timestamp"),
    pytest.param("{% $states.context.Map.Item.Value %}", True, id="valid-map-items"),
    pytest.param("{% 789.0123456789012 %}", True, id="valid-assign-float"),
    pytest.param(
        "{% $exists($states.input.moreData) ? $states.input.moreData : {} %}",
        True,
        id="valid-assign-conditional",
    ),
    pytest.param(
        "{% $match($states.input.data.identity.email, "
        r"/^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/) and "
        r"$match($states.input.data.identity.ssn, /^(\d{3}-?\d{2}-?\d{4}|XXX-XX-XXXX)$/) %}",
        True,
        id="valid-jsonata-regex",
    ),
    pytest.param(
        "{% $not(null in $each($states.input.data.address, "
        "function($v) { $length($trim($v)) > 0 ? $v : null })) %}",
        True,
        id="valid-jsonata-lambda",
    ),
    pytest.param(
        "{% $inputPayload.data.firstname & ' ' & $inputPayload.data.lastname  %}",
        True,
        id="valid-jsonata-two-spaces-before-close",
    ),
    pytest.param(
        "{% ($e := $inputPayload.data.identity.email; "
        "$n := $inputPayload.data.firstname & ' ' & $inputPayload.data.lastname; "
        "$inputPayload.data.interests[category = 'home']{'customer': $n, 'email': $e, "
        "'totalAssetValue': $sum(estimatedValue), category: {type: yearBuilt}}) %}",
        True,
        id="valid-jsonata-block-grouping",
    ),
    pytest.param("{% $uuid() %}", True, id="valid-jsonata-uuid"),
    pytest.param("{% $now() %}", True, id="valid-jsonata-now"),
    pytest.param("{% 10 %", False, id="invalid-surround-no-close"),
    pytest.param("10 %}", False, id="invalid-surround-no-open"),
    pytest.param("{%10%}", False, id="invalid-surround-no-spaces"),
    pytest.param("{% \n10         %}", False, id="invalid-surround-extra-spaces"),
    pytest.param("{% 10 + * 2 %}", False, id="invalid-syntax-arithmetic"),
    pytest.param(
        "{% $.store.book[?(@.price < 10)].title %}", False, id="invalid-jsonpath-in-surround"
    ),
    pytest.param("{% $sum($states.input.items.numbers %}", False, id="invalid-mismatched-parens"),
    pytest.param("{% $sum($states.input.items.numbers %", False, id="invalid-variable-reference"),
    pytest.param("{% 420. %}", False, id="invalid-assign-trailing-dot"),
]


@pytest.mark.parametrize(("text", "valid"), CONFORMANCE)
def test_conformance_wrappers_and_syntax(text: str, valid: bool) -> None:
    assert compiles(text) is valid


@pytest.mark.parametrize(
    "text",
    [
        "{%\n  $states.input.a\n%}",  # how the AWS CDK writes a multi-line expression
        "{%\r\n  1\r\n%}",
        "{%  1 %}",
        "{%\t1\t%}",
        "{% 1\n%}",
        "{% 1\n  %}",
        "{% (\n  $a := 1;\n  $a + 1\n) %}",
    ],
)
def test_accepted_spacing(text: str) -> None:
    assert compiles(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% 1 %", "lacks '%}' at its end"),
        ("1 %}", "lacks '{%' at its start"),
        ("{%1 %}", "'{%' must be followed by a space"),
        ("{% \n1 %}", "'{%' must be followed by a space"),
        ("{% 1%}", "'%}' must be preceded by a space"),
        ("{%  %}", "is empty"),
        ("{%%}", "is empty"),
        ("{%}", "is empty"),
    ],
)
def test_malformed_wrapper_message(text: str, message: str) -> None:
    with pytest.raises(JsonataSyntaxError, match=message.replace("{", r"\{")) as caught:
        compile_jsonata_template(text, "/States/X/Output")
    assert caught.value.pointer == "/States/X/Output"
    assert caught.value.code == "sfc.jsonata_syntax"


def test_parse_error_names_the_expression_and_the_code() -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_jsonata_template("{% a[1,2) %}", "/States/X/Output")
    assert "'a[1,2)'" in caught.value.message
    assert "S0202" in caught.value.message


def test_error_pointer_leads_to_the_nested_string() -> None:
    template = {"top": {"array": [{"ok": "{% 1 %}"}, {"child": "{% 420. %}"}]}}
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_jsonata_template(template, "/States/P/Assign")
    assert caught.value.pointer == "/States/P/Assign/top/array/1/child"


def test_error_pointer_escapes_keys() -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_jsonata_template({"a/b~c": "{%1%}"}, "/States/P/Output")
    assert caught.value.pointer == "/States/P/Output/a~1b~0c"


def test_malformed_wrapper_is_an_error_anywhere_in_a_template() -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_jsonata_template({"a": ["x", "50 %}"]}, "/States/P/Output")
    assert caught.value.pointer == "/States/P/Output/a/1"


def test_percent_signs_inside_a_literal_are_not_jsonata() -> None:
    evaluate = compile_jsonata_template({"a": "100% {%} sure"})
    assert evaluate(Scope()) == {"a": "100% {%} sure"}


@pytest.mark.parametrize(
    "text",
    [
        "{% foo %}",
        "{% foo.bar %}",
        "{% foo[0] %}",
        "{% $sum(price) %}",
        "{% 1 + amount %}",
        "{% [a, 1] %}",
        "{% {'k': v} %}",
        "{% flag ? 1 : 2 %}",
        "{% ($x := a; $x) %}",
        "{% $map($states.input.items, function($v) { b }) %}",
        "{% $ %}",
        "{% $.name %}",
        "{% $exists($) %}",
    ],
)
def test_top_level_field_references_are_refused(text: str) -> None:
    with pytest.raises(JsonataSyntaxError, match="at the top level is not supported"):
        compile_jsonata_template(text, "/States/E/Output")


def test_top_level_refusal_names_the_field() -> None:
    with pytest.raises(JsonataSyntaxError, match="reference to 'phone' at the top level"):
        compile_jsonata_template("{% phone %}")


@pytest.mark.parametrize(
    "text",
    [
        "{% $states.input.items[price > 10].name %}",
        "{% $states.input.items[$.price > 10] %}",
        "{% $states.input.items^(>price).name %}",
        "{% $states.input.orders{customer: $sum(amount)} %}",
        "{% $states.input.a.(b + c) %}",
        "{% $states.input ~> |items|{'flag': true}, ['old']| %}",
        "{% $map($states.input.a, function($v) { $v.x }) %}",
        "{% [1, 2, 3][$ > 1] %}",
        "{% $states.input.items#$i[$i < 2].name %}",
        "{% $states.input.items@$o.$o.name %}",
        "{% {'total': $sum($states.input.items.price)} %}",
        "{% $states.input.`a b` %}",
        "{% $states.input.items.($ * 2) %}",
    ],
)
def test_names_read_from_values_are_accepted(text: str) -> None:
    assert compiles(text)


@pytest.mark.parametrize("text", ["{% $$ %}", "{% $$.a %}", "{% $states.input.items[$$.x] %}"])
def test_root_reference_is_refused(text: str) -> None:
    with pytest.raises(JsonataSyntaxError, match=r"reference to '\$\$' is not supported"):
        compile_jsonata_template(text)


@pytest.mark.parametrize(
    "text",
    [
        "{% $eval('1 + 1') %}",
        "{% $eval($states.input.code) %}",
        "{% ($f := $eval; $f('1')) %}",
        "{% $map(['1'], $eval) %}",
    ],
)
def test_eval_is_refused(text: str) -> None:
    with pytest.raises(JsonataSyntaxError, match=r"\$eval is not available.*\$parse"):
        compile_jsonata_template(text)


def test_a_local_function_named_eval_is_allowed() -> None:
    evaluate = compile_jsonata_template("{% ($eval := function($x) { $x * 2 }; $eval(21)) %}")
    assert evaluate(Scope()) == 42
