"""Compile Choice rules (comparisons, And / Or / Not, JSONata Condition) into predicates.

A rule is compiled once, when the blueprint is, into nested closures, so evaluating one
costs a handful of function calls. Run-time behaviour follows Step Functions:

- ``Variable`` (or a ``...Path`` operand) selecting nothing fails the state with
  ``States.Runtime`` ("Invalid path '$.x': The choice state's condition path references an
  invalid value."), except under ``IsPresent``, which exists to ask exactly that.
- A value of the wrong type for the operator makes the comparison false, not an error
  (see :mod:`sfc.core.states.choice.operators` for the one exception).
- ``And`` and ``Or`` stop at the first rule that decides them, so a later rule's missing
  variable is not an error when an earlier rule already decided.
- A JSONata ``Condition`` must evaluate to a boolean; anything else fails the state with
  ``States.QueryEvaluationError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sfc.core.pointer import child
from sfc.core.scope import Scope
from sfc.core.states.choice import operators
from sfc.core.states.choice.access import MISSING, Getter, compile_getter, invalid_path
from sfc.core.states.choice.condition import compile_condition
from sfc.core.states.choice.errors import ChoiceRuleError
from sfc.core.types import Json

Predicate = Callable[[Json, Scope], bool]
"""A compiled rule: takes the state's effective input and the scope."""

_BOOLEAN_OPERATORS: Final = frozenset({"And", "Or", "Not"})
_TOP_LEVEL_ONLY: Final = frozenset({"Next", "Assign", "Output"})


def compile_rule(rule: dict[str, Json], query_language: str, pointer: str = "") -> Predicate:
    """Compile one Choice rule (without its ``Next``, ``Assign`` or ``Output``).

    ``Next``, ``Assign``, ``Output`` (JSONata only) and ``Comment`` may be present at the
    top level and are left to the Choice state; rules nested in ``And``, ``Or`` or ``Not``
    must not have ``Next``, ``Assign`` or ``Output``.

    Args:
        rule: The rule as written.
        query_language: ``"JSONPath"`` or ``"JSONata"``.
        pointer: JSON pointer of the rule in the blueprint, for error messages.

    Returns:
        A predicate of the state's effective input and the scope. A JSONata rule ignores
        the first argument and reads ``$states.input`` from the scope. Evaluating it raises
        :class:`~sfc.core.failure.AslError` when the rule cannot be decided.

    Raises:
        ChoiceRuleError: The rule is malformed; its ``pointer`` names the offending field.
    """
    if query_language == "JSONPath":
        return _compile_jsonpath(rule, pointer, nested=False)
    if query_language == "JSONata":
        decide = compile_condition(rule, pointer)

        def condition(data: Json, scope: Scope) -> bool:
            return decide(scope)

        return condition
    raise ChoiceRuleError(
        f"unknown query language {query_language!r}: expected 'JSONPath' or 'JSONata'",
        pointer=pointer,
    )


def _compile_jsonpath(rule: Json, pointer: str, *, nested: bool) -> Predicate:
    if not isinstance(rule, dict):
        raise ChoiceRuleError("a choice rule must be an object", pointer=pointer)
    found: list[str] = []
    for key, value in rule.items():
        where = child(pointer, key)
        if key in _BOOLEAN_OPERATORS or operators.parse_operator(key) is not None:
            found.append(key)
        elif key == "Variable":
            continue
        elif key == "Comment":
            if not isinstance(value, str):
                raise ChoiceRuleError("Comment must be a string", pointer=where)
        elif key in _TOP_LEVEL_ONLY:
            if nested:
                raise ChoiceRuleError(
                    f"{key} is only allowed in a top-level choice rule, not inside And, Or or Not",
                    pointer=where,
                )
            if key == "Output":
                raise ChoiceRuleError(
                    "Output is only supported with the JSONata query language", pointer=where
                )
        elif key == "Condition":
            raise ChoiceRuleError(
                "Condition is only supported with the JSONata query language; JSONPath "
                "rules use Variable and a comparison operator",
                pointer=where,
            )
        else:
            raise ChoiceRuleError(f"unknown field {key!r} in a choice rule", pointer=where)
    if not found:
        raise ChoiceRuleError(
            "a choice rule needs one comparison operator (such as StringEquals or IsPresent) "
            "or one of And, Or, Not",
            pointer=pointer,
        )
    if len(found) > 1:
        raise ChoiceRuleError(
            f"a choice rule must have exactly one operator, but has {found[0]} and {found[1]}",
            pointer=child(pointer, found[1]),
        )
    name = found[0]
    if name in _BOOLEAN_OPERATORS:
        if "Variable" in rule:
            raise ChoiceRuleError(
                f"Variable is not allowed beside {name}; put it in the nested rules",
                pointer=child(pointer, "Variable"),
            )
        return _compile_boolean(name, rule[name], child(pointer, name))
    return _compile_comparison(rule, name, pointer)


def _compile_boolean(name: str, operand: Json, pointer: str) -> Predicate:
    if name == "Not":
        if not isinstance(operand, dict):
            raise ChoiceRuleError("Not must be a single choice rule (an object)", pointer=pointer)
        inner = _compile_jsonpath(operand, pointer, nested=True)

        def negation(data: Json, scope: Scope) -> bool:
            return not inner(data, scope)

        return negation
    if not isinstance(operand, list) or not operand:
        raise ChoiceRuleError(f"{name} must be a non-empty array of choice rules", pointer=pointer)
    rules = tuple(
        _compile_jsonpath(item, child(pointer, index), nested=True)
        for index, item in enumerate(operand)
    )
    return _all_of(rules) if name == "And" else _any_of(rules)


def _all_of(rules: tuple[Predicate, ...]) -> Predicate:
    if len(rules) == 1:
        return rules[0]
    if len(rules) == 2:
        first, second = rules

        def both(data: Json, scope: Scope) -> bool:
            return first(data, scope) and second(data, scope)

        return both

    def every(data: Json, scope: Scope) -> bool:
        return all(rule(data, scope) for rule in rules)

    return every


def _any_of(rules: tuple[Predicate, ...]) -> Predicate:
    if len(rules) == 1:
        return rules[0]
    if len(rules) == 2:
        first, second = rules

        def either(data: Json, scope: Scope) -> bool:
            return first(data, scope) or second(data, scope)

        return either

    def some(data: Json, scope: Scope) -> bool:
        return any(rule(data, scope) for rule in rules)

    return some


def _compile_comparison(rule: dict[str, Json], name: str, pointer: str) -> Predicate:
    parsed = operators.parse_operator(name)
    assert parsed is not None  # only called with names parse_operator accepted
    family, relation, is_path = parsed
    if "Variable" not in rule:
        raise ChoiceRuleError(
            f"{name} needs a Variable: the path of the value to compare", pointer=pointer
        )
    variable_path = rule["Variable"]
    variable = compile_getter(variable_path, child(pointer, "Variable"))
    operand = rule[name]
    where = child(pointer, name)
    if is_path:
        other = compile_getter(operand, where)
        test = operators.path_test(family, relation, operand)
        return _pair_predicate(variable, variable_path, other, operand, test)
    problem = operators.literal_problem(family, operand)
    if problem is not None:
        raise ChoiceRuleError(f"{name} {problem}", pointer=where)
    if family == "Is":
        if relation == "Present":
            return _presence_predicate(variable, operand)
        return _value_predicate(variable, variable_path, operators.type_test(relation, operand))
    test_value = operators.literal_test(family, relation, operand)
    return _value_predicate(variable, variable_path, test_value)


def _value_predicate(get: Getter, path: str, test: operators.ValueTest) -> Predicate:
    def predicate(data: Json, scope: Scope) -> bool:
        value = get(data, scope)
        if value is MISSING:
            raise invalid_path(path)
        return test(value)

    return predicate


def _pair_predicate(
    get: Getter, path: str, get_other: Getter, other_path: str, test: operators.PairTest
) -> Predicate:
    def predicate(data: Json, scope: Scope) -> bool:
        value = get(data, scope)
        if value is MISSING:
            raise invalid_path(path)
        other = get_other(data, scope)
        if other is MISSING:
            raise invalid_path(other_path)
        return test(value, other)

    return predicate


def _presence_predicate(get: Getter, expected: bool) -> Predicate:
    def predicate(data: Json, scope: Scope) -> bool:
        return (get(data, scope) is not MISSING) is expected

    return predicate
