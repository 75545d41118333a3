"""Properties of the intrinsics that hold for all inputs, checked with hypothesis."""

from __future__ import annotations

import msgspec
from hypothesis import assume, given
from hypothesis import strategies as st

from sfc.core.intrinsics import compile_intrinsic
from sfc.core.intrinsics.values import INT_MAX, INT_MIN, equality_key
from sfc.core.scope import Scope
from sfc.core.types import Json

SCOPE = Scope()

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)
small_values = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["a", "b", ""])
int32 = st.integers(min_value=INT_MIN, max_value=INT_MAX)

BASE64_ENCODE = compile_intrinsic("States.Base64Encode($.s)")
BASE64_DECODE = compile_intrinsic("States.Base64Decode($.s)")
TO_STRING = compile_intrinsic("States.JsonToString($.v)")
TO_JSON = compile_intrinsic("States.StringToJson($.s)")
PARTITION = compile_intrinsic("States.ArrayPartition($.a, $.n)")
UNIQUE = compile_intrinsic("States.ArrayUnique($.a)")
LENGTH = compile_intrinsic("States.ArrayLength($.a)")
CONTAINS = compile_intrinsic("States.ArrayContains($.a, $.v)")
ADD = compile_intrinsic("States.MathAdd($.x, $.y)")
SPLIT = compile_intrinsic("States.StringSplit($.s, $.d)")
RANGE = compile_intrinsic("States.ArrayRange($.a, $.b, $.c)")


def same_json(left: Json, right: Json) -> bool:
    return bool(msgspec.json.encode(left) == msgspec.json.encode(right))


@given(st.text(max_size=2000))
def test_base64_round_trip(text: str) -> None:
    encoded = BASE64_ENCODE({"s": text}, SCOPE)
    assert encoded.isascii()
    assert BASE64_DECODE({"s": encoded}, SCOPE) == text


@given(json_values)
def test_string_to_json_undoes_json_to_string(value: Json) -> None:
    text = TO_STRING({"v": value}, SCOPE)
    assert "\n" not in text
    assert same_json(TO_JSON({"s": text}, SCOPE), value)


@given(st.lists(small_values, max_size=30), st.integers(min_value=1, max_value=12))
def test_partition_then_concatenation_is_the_original(items: list[Json], size: int) -> None:
    chunks = PARTITION({"a": items, "n": size}, SCOPE)
    assert [item for chunk in chunks for item in chunk] == items
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert all(0 < len(chunk) <= size for chunk in chunks)


@given(st.lists(json_values, max_size=12))
def test_unique_is_idempotent_and_keeps_first_occurrences(items: list[Json]) -> None:
    unique = UNIQUE({"a": items}, SCOPE)
    assert same_json(UNIQUE({"a": unique}, SCOPE), unique)
    keys = [equality_key(item) for item in unique]
    assert len(set(keys)) == len(keys)
    first_seen: list[object] = []
    for item in items:
        if equality_key(item) not in first_seen:
            first_seen.append(equality_key(item))
    assert keys == first_seen


@given(st.lists(json_values, max_size=20))
def test_length_is_len(items: list[Json]) -> None:
    assert LENGTH({"a": items}, SCOPE) == len(items)


@given(st.lists(json_values, min_size=1, max_size=8), st.data())
def test_an_array_contains_each_of_its_items(items: list[Json], data: st.DataObject) -> None:
    item = data.draw(st.sampled_from(items))
    assert CONTAINS({"a": items, "v": item}, SCOPE) is True


@given(int32, int32)
def test_math_add_is_the_sum(x: int, y: int) -> None:
    assume(INT_MIN <= x + y <= INT_MAX)
    assert ADD({"x": x, "y": y}, SCOPE) == x + y


@given(st.text(alphabet="ab,;. ", max_size=40), st.text(alphabet=",;.", min_size=1, max_size=3))
def test_split_pieces_are_non_empty_and_free_of_delimiters(text: str, delimiters: str) -> None:
    pieces = SPLIT({"s": text, "d": delimiters}, SCOPE)
    assert all(piece and not set(piece) & set(delimiters) for piece in pieces)
    kept = "".join(char for char in text if char not in delimiters)
    assert "".join(pieces) == kept


@given(
    st.integers(-500, 500),
    st.integers(-500, 500),
    st.integers(-50, 50).filter(lambda step: step != 0),
)
def test_range_matches_python_range(first: int, last: int, step: int) -> None:
    expected = list(range(first, last + (1 if step > 0 else -1), step))
    assume(len(expected) <= 1000)
    assert RANGE({"a": first, "b": last, "c": step}, SCOPE) == expected
