"""ASL paths: roots, definite and indefinite paths, reference paths and placing values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.failure import AslError, StatesError
from sfc.core.paths import PathSyntaxError, compile_path, compile_reference_path
from sfc.core.scope import Scope
from sfc.core.types import Json

DATA = {"a": {"b": [10, 20, {"c": "x"}]}, "items": [{"p": 5, "n": "lo"}, {"p": 15, "n": "hi"}]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$", DATA),
        ("$.a.b[0]", 10),
        ("$.a.b[-1].c", "x"),
        ("$['a']['b'][1]", 20),
        ("$.items[*].n", ["lo", "hi"]),
        ("$.items[?(@.p > 10)].n", ["hi"]),
        ("$..c", ["x"]),
        ("$.items[0:1]", [{"p": 5, "n": "lo"}]),
    ],
)
def test_select(text: str, expected: Json) -> None:
    assert compile_path(text).select(DATA) == expected


def test_definite_paths_that_select_nothing_fail_with_states_runtime() -> None:
    path = compile_path("$.a.missing")
    assert path.definite
    assert path.find(DATA) == (False, None)
    with pytest.raises(AslError) as failure:
        path.select(DATA)
    assert failure.value.error == StatesError.RUNTIME
    assert "$.a.missing" in failure.value.cause


def test_indefinite_paths_that_select_nothing_give_an_empty_list() -> None:
    path = compile_path("$.items[?(@.p > 100)]")
    assert not path.definite
    assert path.select(DATA) == []


def test_index_and_name_on_the_wrong_kind_of_value_select_nothing() -> None:
    assert compile_path("$.a[0]").find(DATA) == (False, None)
    assert compile_path("$.a.b.c").find(DATA) == (False, None)
    assert compile_path("$.a.b[3]").find(DATA) == (False, None)


def test_context_and_variable_roots_read_the_scope() -> None:
    scope = Scope({"order": {"id": 7}}, lambda: {"Execution": {"Id": "e-1"}})
    assert compile_path("$$.Execution.Id").select(None, scope) == "e-1"
    assert compile_path("$order.id").select(None, scope) == 7
    assert compile_path("$order").select(None, scope) == {"id": 7}
    assert compile_path("$missing").find(None, scope) == (False, None)
    assert compile_path("$$.Execution.Id").root == "$$"
    assert compile_path("$order.id").root == "order"


@pytest.mark.parametrize("text", ["a.b", "$.a.", "$.a | $.b", " $.a", "$.a b", "$["])
def test_malformed_paths_are_syntax_errors(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        compile_path(text)


@pytest.mark.parametrize("text", ["$.a[*]", "$..a", "$.a[?(@.x)]", "$$.Execution", "$var.x"])
def test_reference_paths_must_be_definite_paths_on_the_data(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        compile_reference_path(text)


def test_assign_copies_and_creates_what_is_missing() -> None:
    data = {"a": {"keep": 1}, "list": [0, {"x": 1}]}
    placed = compile_reference_path("$.a.new.deep").assign(data, "v")
    assert placed == {"a": {"keep": 1, "new": {"deep": "v"}}, "list": [0, {"x": 1}]}
    assert data == {"a": {"keep": 1}, "list": [0, {"x": 1}]}, "the input is unchanged"
    assert compile_reference_path("$.list[1].x").assign(data, 2)["list"] == [0, {"x": 2}]
    assert compile_reference_path("$").assign(data, "whole") == "whole"


@pytest.mark.parametrize("text", ["$.a.keep.x", "$.list[5]", "$.a[0]"])
def test_assign_through_a_scalar_or_a_missing_index_fails(text: str) -> None:
    with pytest.raises(AslError) as failure:
        compile_reference_path(text).assign({"a": {"keep": 1}, "list": [0]}, 1)
    assert failure.value.error == StatesError.RESULT_PATH_MATCH_FAILURE


names = st.text("abcdefghij_", min_size=1, max_size=6)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(names, values, max_size=4), st.lists(names, min_size=1, max_size=4), values)
def test_a_value_placed_at_a_path_is_what_the_path_selects(
    data: dict[str, Json], keys: list[str], value: Json
) -> None:
    text = "$" + "".join(f"['{k}']" for k in keys)
    try:
        placed = compile_reference_path(text).assign(data, value)
    except AslError:
        return  # a step went through a value that is not an object
    assert compile_path(text).select(placed) == value
