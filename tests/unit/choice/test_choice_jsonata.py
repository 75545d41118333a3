"""JSONata rules: a Condition that must evaluate to a boolean."""

from __future__ import annotations

from typing import Any

import pytest

from sfc.core import jsonata
from sfc.core.failure import AslError, StatesError
from sfc.core.scope import Scope
from sfc.core.states.choice import ChoiceRuleError, compile_rule

AT = "/States/Pick/Choices/0"


def _jsonata_ready() -> bool:
    try:
        jsonata.compile_jsonata_template("{% true %}")
    except jsonata.JsonataSyntaxError:
        return False
    return True


needs_jsonata = pytest.mark.skipif(
    not _jsonata_ready(), reason="sfc.core.jsonata does not evaluate expressions yet"
)


@pytest.mark.parametrize("literal", [True, False])
def test_a_literal_condition(literal: bool) -> None:
    predicate = compile_rule({"Condition": literal, "Next": "X"}, "JSONata", AT)
    assert predicate({"anything": 1}, Scope()) is literal


class _FakeCompiler:
    """Stands in for sfc.core.jsonata.compile_jsonata_template; records what it was given."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.calls: list[tuple[Any, str]] = []
        self.scopes: list[Scope] = []

    def __call__(self, template: Any, pointer: str = "") -> Any:
        self.calls.append((template, pointer))

        def evaluate(scope: Scope) -> Any:
            self.scopes.append(scope)
            return self.result

        return evaluate


@pytest.mark.parametrize("result", [True, False])
def test_a_boolean_result_decides(monkeypatch: pytest.MonkeyPatch, result: bool) -> None:
    fake = _FakeCompiler(result)
    monkeypatch.setattr(jsonata, "compile_jsonata_template", fake)
    predicate = compile_rule({"Condition": "{% $x = 1 %}"}, "JSONata", AT)
    scope = Scope(input={"x": 1})
    assert predicate({"x": 1}, scope) is result
    assert fake.calls == [("{% $x = 1 %}", f"{AT}/Condition")]
    assert fake.scopes == [scope]


@pytest.mark.parametrize(
    ("result", "described"),
    [
        (None, "null"),
        (1, "the number 1"),
        (0, "the number 0"),
        ("true", "the string 'true'"),
        ([True], "an array"),
        ({"ok": True}, "an object"),
    ],
)
def test_a_non_boolean_result_is_a_query_evaluation_error(
    monkeypatch: pytest.MonkeyPatch, result: Any, described: str
) -> None:
    monkeypatch.setattr(jsonata, "compile_jsonata_template", _FakeCompiler(result))
    predicate = compile_rule({"Condition": "{%  $states.input.n  %}"}, "JSONata", AT)
    with pytest.raises(AslError) as caught:
        predicate({}, Scope(input={}))
    assert caught.value.error == StatesError.QUERY_EVALUATION_ERROR
    assert "'$states.input.n'" in caught.value.cause
    assert "'Condition'" in caught.value.cause
    assert described in caught.value.cause


def test_a_syntax_error_becomes_a_choice_rule_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(template: Any, pointer: str = "") -> Any:
        raise jsonata.JsonataSyntaxError("unexpected token ')'", pointer=pointer)

    monkeypatch.setattr(jsonata, "compile_jsonata_template", broken)
    with pytest.raises(ChoiceRuleError) as caught:
        compile_rule({"Condition": "{% ($x %}"}, "JSONata", AT)
    assert caught.value.pointer == f"{AT}/Condition"
    assert "unexpected token" in caught.value.message


def test_evaluation_errors_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(template: Any, pointer: str = "") -> Any:
        def evaluate(scope: Scope) -> Any:
            raise AslError(StatesError.QUERY_EVALUATION_ERROR, "boom")

        return evaluate

    monkeypatch.setattr(jsonata, "compile_jsonata_template", failing)
    predicate = compile_rule({"Condition": "{% $boom() %}"}, "JSONata", AT)
    with pytest.raises(AslError, match="boom"):
        predicate({}, Scope())


# With the real JSONata engine.


def _decide(condition: str, data: Any, variables: dict[str, Any] | None = None) -> bool:
    predicate = compile_rule({"Condition": condition, "Next": "X"}, "JSONata", AT)
    return predicate(data, Scope(variables or {}, input=data))


@needs_jsonata
@pytest.mark.parametrize(
    ("condition", "data", "expected"),
    [
        ("{% $states.input.count > 1 %}", {"count": 2}, True),
        ("{% $states.input.count > 1 %}", {"count": 1}, False),
        ("{% $states.input.type = 'local' %}", {"type": "local"}, True),
        ("{% $states.input.type = 'local' %}", {"type": "remote"}, False),
        ("{% $states.input.v != null and $states.input.v = 42 %}", {"v": 42}, True),
        ("{% $exists($states.input.v) %}", {}, False),
        ("{% $states.input.a and $not($states.input.b) %}", {"a": True, "b": False}, True),
    ],
)
def test_real_conditions(condition: str, data: Any, expected: bool) -> None:
    assert _decide(condition, data) is expected


@needs_jsonata
def test_real_conditions_read_variables() -> None:
    assert _decide("{% $limit > $states.input.n %}", {"n": 3}, {"limit": 10}) is True
    assert _decide("{% $limit > $states.input.n %}", {"n": 30}, {"limit": 10}) is False


@needs_jsonata
@pytest.mark.parametrize(
    "condition", ["{% $states.input.n %}", "{% 'true' %}", "{% [true] %}", "{% null %}"]
)
def test_real_non_boolean_results_fail(condition: str) -> None:
    with pytest.raises(AslError) as caught:
        _decide(condition, {"n": 1})
    assert caught.value.error == StatesError.QUERY_EVALUATION_ERROR


@needs_jsonata
def test_real_syntax_errors_fail_to_compile() -> None:
    with pytest.raises(ChoiceRuleError) as caught:
        compile_rule({"Condition": "{% ($states.input %}"}, "JSONata", AT)
    assert caught.value.pointer.startswith(f"{AT}/Condition")
