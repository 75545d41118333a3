"""JSONata Choice rules: a ``Condition`` that must evaluate to a boolean."""

from __future__ import annotations

from collections.abc import Callable

from sfc.core import jsonata
from sfc.core.failure import AslError, StatesError
from sfc.core.pointer import child
from sfc.core.scope import Scope
from sfc.core.states.choice import operators
from sfc.core.states.choice.errors import ChoiceRuleError
from sfc.core.types import Json

_TOP_LEVEL_ONLY = frozenset({"Next", "Assign", "Output"})
_JSONPATH_ONLY = frozenset({"Variable", "And", "Or", "Not"})


def compile_condition(rule: Json, pointer: str) -> Callable[[Scope], bool]:
    """Compile a JSONata choice rule into a function of the scope returning a boolean.

    The expression reads the state's input as ``$states.input`` from the scope.

    Raises:
        ChoiceRuleError: The rule is malformed or its expression does not parse.
    """
    if not isinstance(rule, dict):
        raise ChoiceRuleError("a choice rule must be an object", pointer=pointer)
    for key, value in rule.items():
        where = child(pointer, key)
        if key == "Condition" or key in _TOP_LEVEL_ONLY:
            continue
        if key == "Comment":
            if not isinstance(value, str):
                raise ChoiceRuleError("Comment must be a string", pointer=where)
        elif key in _JSONPATH_ONLY or operators.parse_operator(key) is not None:
            raise ChoiceRuleError(
                f"{key} is only supported with the JSONPath query language; JSONata rules "
                "use a Condition such as '{% $states.input.count > 1 %}'",
                pointer=where,
            )
        else:
            raise ChoiceRuleError(f"unknown field {key!r} in a choice rule", pointer=where)
    if "Condition" not in rule:
        raise ChoiceRuleError("a JSONata choice rule needs a Condition", pointer=pointer)
    condition = rule["Condition"]
    where = child(pointer, "Condition")
    if type(condition) is bool:
        constant: bool = condition

        def literal(scope: Scope) -> bool:
            return constant

        return literal
    if not jsonata.is_jsonata(condition):
        raise ChoiceRuleError(
            "Condition must be true, false or a JSONata expression written '{% ... %}'",
            pointer=where,
        )
    try:
        evaluate = jsonata.compile_jsonata_template(condition, where)
    except jsonata.JsonataSyntaxError as exc:
        raise ChoiceRuleError(exc.message, pointer=exc.pointer or where) from exc
    expression = condition[2:-2].strip()

    def decide(scope: Scope) -> bool:
        result = evaluate(scope)
        if type(result) is not bool:
            raise AslError(
                StatesError.QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{expression}' specified for the field 'Condition' "
                f"must return a boolean, but returned {_describe(result)}.",
            )
        return result

    return decide


def _describe(value: Json) -> str:
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return f"the string {value!r}"
    if kind is int or kind is float:
        return f"the number {value!r}"
    if kind is list:
        return "an array"
    if kind is dict:
        return "an object"
    return f"a {kind.__name__}"
