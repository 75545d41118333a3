"""The functions Step Functions adds to JSONata, and the ones made deterministic."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonata import Jsonata

from sfc.core.failure import AslError
from sfc.core.jsonata import JsonataSyntaxError, compile_jsonata_template
from sfc.core.jsonata.functions import FRAME, RANGE_LIMIT
from sfc.core.scope import Scope
from sfc.core.types import Json


def evaluate(text: str, scope: Scope | None = None) -> Json:
    return compile_jsonata_template(text)(scope or Scope())


def cause(text: str, scope: Scope | None = None) -> str:
    with pytest.raises(AslError) as caught:
        evaluate(text, scope)
    assert caught.value.error == "States.QueryEvaluationError"
    return caught.value.cause


UNDEFINED = "returned nothing (undefined)."

# -- $partition ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ("{% $partition([1, 2, 3, 4, 5], 2) %}", [[1, 2], [3, 4], [5]]),
        ("{% $partition([1, 2], 5) %}", [[1, 2]]),
        ("{% $partition([1, 2, 3], 2.9) %}", [[1, 2], [3]]),
        ("{% $partition([{'a': 1}, null], 1) %}", [[{"a": 1}], [None]]),
        ("{% $partition('one', 2) %}", [["one"]]),
    ],
)
def test_partition(text: str, expected: Json) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    "text",
    ["{% $partition([1, 2], 0) %}", "{% $partition([], 2) %}", "{% $partition([1], -1) %}"],
)
def test_partition_undefined(text: str) -> None:
    assert cause(text).endswith(UNDEFINED)


def test_partition_needs_a_size() -> None:
    assert "T0410" in cause("{% $partition([1, 2]) %}")


@given(st.lists(st.integers(), min_size=1, max_size=30), st.integers(min_value=1, max_value=12))
def test_property_partition_keeps_every_item_in_order(items: list[int], size: int) -> None:
    chunks = evaluate(f"{{% $partition($states.input, {size}) %}}", Scope(input=items))
    assert isinstance(chunks, list)
    assert [item for chunk in chunks for item in chunk] == items
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert 1 <= len(chunks[-1]) <= size


# -- $range ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $range(0, 10, 2) %}", [0, 2, 4, 6, 8, 10]),
        ("{% $range(1, 8, 2) %}", [1, 3, 5, 7]),
        ("{% $range(9, 1, -2) %}", [9, 7, 5, 3, 1]),
        ("{% $range(-1.7, 2, 1) %}", [-1, 0, 1, 2]),
        ("{% $range(2.8, -1.2, -1.2) %}", [2, 1, 0, -1]),
        ("{% $range(3, 3, 1) %}", 3),
        ("{% $append([], $range(7, 7, 1)) %}", [7]),
        ("{% $count($range(0, 999, 1)) %}", 1000),
    ],
)
def test_range(text: str, expected: Json) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "{% $range(0, 4) %}",
        "{% $range(0, 4, 0) %}",
        "{% $range(0, 4, 0.9) %}",
        "{% $range(0, 4, -1) %}",
        "{% $range(4, 0, 1) %}",
    ],
)
def test_range_undefined(text: str) -> None:
    assert cause(text).endswith(UNDEFINED)


def test_range_checks_types() -> None:
    assert "T0410: Argument 1 of function range" in cause("{% $range('0', 4, 1) %}")


def test_range_is_bounded() -> None:
    assert evaluate(f"{{% $count($range(1, {RANGE_LIMIT}, 1)) %}}") == RANGE_LIMIT
    assert "memory limit exceeded" in cause(f"{{% $range(1, {RANGE_LIMIT + 1}, 1) %}}")


@given(
    st.integers(min_value=-50, max_value=50),
    st.integers(min_value=-50, max_value=50),
    st.integers(min_value=1, max_value=7),
)
def test_property_range_matches_python(start: int, end: int, stride: int) -> None:
    step = stride if end >= start else -stride
    expected = list(range(start, end + (1 if step > 0 else -1), step))
    result = evaluate(f"{{% $append([], $range({start}, {end}, {step})) %}}")
    assert result == expected


# -- $hash -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "python"),
    [
        ("MD5", "md5"),
        ("SHA-1", "sha1"),
        ("SHA-256", "sha256"),
        ("SHA-384", "sha384"),
        ("SHA-512", "sha512"),
    ],
)
def test_hash(algorithm: str, python: str) -> None:
    expected = hashlib.new(python, "input data é".encode()).hexdigest()
    assert evaluate(f"{{% $hash('input data é', '{algorithm}') %}}") == expected


def test_hash_algorithm_names_are_case_sensitive() -> None:
    assert "does not know the algorithm 'sha-256'" in cause("{% $hash('a', 'sha-256') %}")


def test_hash_without_algorithm_is_undefined() -> None:
    assert cause("{% $hash('a') %}").endswith(UNDEFINED)


def test_hash_wants_a_string() -> None:
    assert "T0410" in cause("{% $hash(1, 'MD5') %}")


# -- $parse ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("""{% $parse('{"a": [1, 2.5, null, true]}') %}""", {"a": [1, 2.5, None, True]}),
        ("""{% $parse('"text"') %}""", "text"),
        ("{% $parse('null') %}", None),
        ("{% $parse('12345678901234567890') %}", 12345678901234567890),
        ("{% $parse('[1, 2]')[1] %}", 2),
        ("""{% $parse($states.input.body).id %}""", 7),
    ],
)
def test_parse(text: str, expected: Json) -> None:
    assert evaluate(text, Scope(input={"body": '{"id": 7}'})) == expected


@pytest.mark.parametrize("json", ["nope", "{'a': 1}", "NaN", "[1,", ""])
def test_parse_refuses_invalid_json(json: str) -> None:
    scope = Scope(input={"s": json})
    assert "$parse was given invalid JSON" in cause("{% $parse($states.input.s) %}", scope)


# -- $random, $uuid, $shuffle, $now, $millis ------------------------------------------------


def test_random_draws_from_the_scope() -> None:
    compiled = compile_jsonata_template("{% [$random(), $random()] %}")
    first = compiled(Scope(seed="flow-1"))
    assert first == compiled(Scope(seed="flow-1"))
    assert first != compiled(Scope(seed="flow-2"))
    assert isinstance(first, list)
    assert first[0] != first[1]
    assert all(0 <= n < 1 for n in first)


def test_random_continues_the_scope_sequence() -> None:
    scope = Scope(seed="s")
    compiled = compile_jsonata_template("{% $random() %}")
    assert compiled(scope) != compiled(scope)


def test_random_with_a_seed_depends_only_on_the_seed() -> None:
    compiled = compile_jsonata_template("{% [$random(42), $random(42), $random(7)] %}")
    values = compiled(Scope(seed="a"))
    assert values == compiled(Scope(seed="b"))
    assert isinstance(values, list)
    assert values[0] == values[1] != values[2]
    assert evaluate("{% $random(42.0) %}") == values[0]


def test_uuid_is_a_version_4_uuid_from_the_scope() -> None:
    compiled = compile_jsonata_template("{% [$uuid(), $uuid()] %}")
    values = compiled(Scope(seed="x"))
    assert values == compiled(Scope(seed="x"))
    assert values != compiled(Scope(seed="y"))
    assert isinstance(values, list)
    assert values[0] != values[1]
    assert all(uuid.UUID(v).version == 4 for v in values)


def test_uuid_takes_no_argument() -> None:
    assert "T0410" in cause("{% $uuid(1) %}")


def test_shuffle_is_deterministic() -> None:
    compiled = compile_jsonata_template("{% $shuffle([1, 2, 3, 4, 5, 6, 7, 8]) %}")
    shuffled = compiled(Scope(seed="x"))
    assert shuffled == compiled(Scope(seed="x"))
    assert isinstance(shuffled, list)
    assert sorted(shuffled) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_now_and_millis_read_the_scope_time() -> None:
    scope = Scope(now=1_700_000_000.123)
    assert evaluate("{% $now() %}", scope) == "2023-11-14T22:13:20.123Z"
    assert evaluate("{% $millis() %}", scope) == 1_700_000_000_123
    assert evaluate("{% $now('[Y0001]-[M01]-[D01]') %}", scope) == "2023-11-14"
    assert evaluate("{% $now('[H01]:[m01]', '+0130') %}", scope) == "23:43"
    assert evaluate("{% $now() = $fromMillis($millis()) %}", scope) is True


def test_now_is_the_same_for_the_same_scope() -> None:
    compiled = compile_jsonata_template({"a": "{% $now() %}", "b": "{% $millis() %}"})
    assert compiled(Scope(now=5.0)) == {"a": "1970-01-01T00:00:05.000Z", "b": 5000}


def test_functions_work_as_values() -> None:
    result = evaluate("{% $map([1, 2], function($v) { $uuid() }) %}", Scope(seed="m"))
    assert isinstance(result, list)
    assert len(set(result)) == 2
    assert evaluate("{% $map(['a', 'b'], $uppercase) %}") == ["A", "B"]


def test_builtin_functions_still_work() -> None:
    assert evaluate("{% $join($map([1, 2], $string), ',') %}") == "1,2"
    assert evaluate("{% $formatNumber(1234.5, '#,##0.00') %}") == "1,234.50"
    assert evaluate("{% $toMillis('1970-01-01T00:00:01.000Z') %}") == 1000


# -- $eval -----------------------------------------------------------------------------------


def test_eval_is_refused_at_compile_time() -> None:
    with pytest.raises(JsonataSyntaxError, match=r"\$eval"):
        compile_jsonata_template("{% $eval('1 + 1') %}")


def test_eval_is_unbound_at_run_time() -> None:
    # Compilation refuses $eval; should an expression reach it anyway, it is no function,
    # and a call fails with T1006 as it does on AWS.
    parsed = Jsonata("$eval('1 + 1')")
    with pytest.raises(Exception, match="Attempted to invoke a non-function"):
        parsed.eval(parsed.ast, None, Jsonata.Frame(FRAME))


def test_a_block_may_define_its_own_eval() -> None:
    assert evaluate("{% ($eval := function() { 0.5 }; $eval()) %}") == 0.5
