"""The array intrinsics: Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
ArrayLength and ArrayUnique."""

from __future__ import annotations

import pytest

from sfc.core.failure import AslError, StatesError
from sfc.core.intrinsics import IntrinsicSyntaxError, compile_intrinsic
from sfc.core.scope import Scope
from sfc.core.types import Json


def run(text: str, data: Json = None) -> Json:
    return compile_intrinsic(text)(data, Scope())


def failure(text: str, data: Json = None) -> AslError:
    evaluate = compile_intrinsic(text)
    with pytest.raises(AslError) as info:
        evaluate(data, Scope())
    assert info.value.error == StatesError.RUNTIME
    return info.value


# States.Array


def test_array_aws_example() -> None:
    assert run("States.Array($.Id)", {"Id": 123456}) == [123456]


def test_array_mixes_literals_paths_and_calls() -> None:
    data = {"someJson": {"k": [1]}}
    assert run("States.Array('Foo', 2020, $.someJson, null, States.Array())", data) == [
        "Foo",
        2020,
        {"k": [1]},
        None,
        [],
    ]


def test_array_of_nothing() -> None:
    assert run("States.Array()") == []


def test_array_builds_a_new_list_each_time() -> None:
    evaluate = compile_intrinsic("States.Array($.a)")
    first = evaluate({"a": 1}, Scope())
    second = evaluate({"a": 2}, Scope())
    assert (first, second) == ([1], [2])


# States.ArrayPartition


def test_partition_aws_example() -> None:
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    assert run("States.ArrayPartition($.inputArray,4)", data) == [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9],
    ]


@pytest.mark.parametrize(
    ("items", "size", "chunks"),
    [
        ([], 3, []),
        ([1, 2, 3], 1, [[1], [2], [3]]),
        ([1, 2, 3], 10, [[1, 2, 3]]),
        ([1, 2, 3, 4], 2, [[1, 2], [3, 4]]),
        ([1, 2, 3, 4, 5], 2.6, [[1, 2], [3, 4], [5]]),
        ([[1], {"a": 1}], 1, [[[1]], [{"a": 1}]]),
        ([1, 2, 3], 2147483647, [[1, 2, 3]]),
    ],
)
def test_partition(items: list[Json], size: Json, chunks: list[Json]) -> None:
    assert run("States.ArrayPartition($.a, $.n)", {"a": items, "n": size}) == chunks


@pytest.mark.parametrize("size", [0, -1, 0.6, -0.4, "2", None, True, 2147483648])
def test_partition_rejects_bad_chunk_sizes(size: Json) -> None:
    error = failure("States.ArrayPartition($.a, $.n)", {"a": [1, 2, 3], "n": size})
    assert error.cause.startswith("Invalid arguments in States.ArrayPartition")


def test_partition_rejects_a_non_array() -> None:
    error = failure("States.ArrayPartition($.a, 2)", {"a": "abc"})
    assert 'argument 1 must be an array, not the string "abc"' in error.cause


@pytest.mark.parametrize(
    "text",
    [
        "States.ArrayPartition($.a, 0)",
        "States.ArrayPartition($.a, 0.9)",
        "States.ArrayPartition($.a, -3)",
        "States.ArrayPartition($.a, '2')",
        "States.ArrayPartition('abc', 2)",
    ],
)
def test_partition_literal_mistakes_are_syntax_errors(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.ArrayPartition argument"):
        compile_intrinsic(text)


# States.ArrayContains


def test_contains_aws_example() -> None:
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5}
    assert run("States.ArrayContains($.inputArray, $.lookingFor)", data) is True


@pytest.mark.parametrize(
    ("items", "value", "found"),
    [
        ([], 1, False),
        ([1, 2, 3], 2, True),
        ([1, 2, 3], 5, False),
        (["A", "B"], "B", True),
        (["1"], 1, False),
        ([1], "1", False),
        ([1.0], 1, True),
        ([0, 1], False, False),
        ([1], True, False),
        ([True, False], False, True),
        ([None], None, True),
        ([[1, 2], [3]], [1, 2], True),
        ([[1, 2]], [2, 1], False),
        ([{"a": 1, "b": 2}], {"b": 2, "a": 1}, True),
        ([{"a": 1}], {"a": 1, "extra": None}, False),
        ([[True]], [1], False),
    ],
)
def test_contains(items: list[Json], value: Json, found: bool) -> None:
    assert run("States.ArrayContains($.a, $.v)", {"a": items, "v": value}) is found


def test_contains_literal_search_value() -> None:
    assert run("States.ArrayContains($.a, 'C')", {"a": ["A", "C"]}) is True
    assert run("States.ArrayContains($.a, null)", {"a": [1, None]}) is True


def test_contains_rejects_a_non_array() -> None:
    error = failure("States.ArrayContains($.a, 1)", {"a": {"x": 1}})
    assert "Invalid arguments in States.ArrayContains: argument 1 must be an array" in error.cause


# States.ArrayRange


@pytest.mark.parametrize(
    ("args", "result"),
    [
        ("1, 9, 2", [1, 3, 5, 7, 9]),
        ("0, 10, 3", [0, 3, 6, 9]),
        ("1, 9, 9", [1]),
        ("3, 3, 1", [3]),
        ("3, 3, -1", [3]),
        ("5, 1, -2", [5, 3, 1]),
        ("5, 1, 1", []),
        ("1, 5, -1", []),
        ("-2, 2, 2", [-2, 0, 2]),
        ("1.4, 5.6, 2.2", [1, 3, 5]),
        ("5.4, -0.6, -2.4", [5, 3, 1]),
    ],
)
def test_range(args: str, result: list[int]) -> None:
    assert run(f"States.ArrayRange({args})") == result


def test_range_of_a_thousand_is_allowed() -> None:
    assert run("States.ArrayRange($.a, $.b, 1)", {"a": 1, "b": 1000}) == list(range(1, 1001))
    assert len(run("States.ArrayRange(1000, 1, -1)")) == 1000


def test_range_of_more_than_a_thousand_fails_at_run_time() -> None:
    error = failure("States.ArrayRange($.a, 1001, 1)", {"a": 1})
    assert error.cause == (
        "Invalid arguments in States.ArrayRange: the range has 1001 elements; the limit is 1000"
    )


@pytest.mark.parametrize("step", [0, 0.49, -0.9])
def test_range_rejects_a_zero_step(step: float) -> None:
    error = failure("States.ArrayRange(1, 10, $.s)", {"s": step})
    assert "the step (argument 3) must not be 0" in error.cause


@pytest.mark.parametrize("bound", ["a", None, True, [1], 2**31])
def test_range_rejects_non_integers(bound: Json) -> None:
    error = failure("States.ArrayRange($.b, 5, 1)", {"b": bound})
    assert "argument 1 must be an integer" in error.cause


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("States.ArrayRange(1, 1001, 1)", "always fails: .*limit is 1000"),
        ("States.ArrayRange(1, 10, 0)", "argument 3 must not be 0"),
        ("States.ArrayRange($.a, 10, 0)", "argument 3 must not be 0"),
        ("States.ArrayRange('a', 5, 1)", "argument 1 must be a number"),
        ("States.ArrayRange(1, 5)", "takes 3 argument"),
    ],
)
def test_range_literal_mistakes_are_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=message):
        compile_intrinsic(text)


# States.ArrayGetItem


def test_get_item_aws_example() -> None:
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5}
    assert run("States.ArrayGetItem($.inputArray, $.index)", data) == 6


@pytest.mark.parametrize(
    ("items", "index", "item"),
    [
        (["a", "b", "c"], 0, "a"),
        (["a", "b", "c"], 2, "c"),
        ([None], 0, None),
        ([{"a": 1}, {"b": 2}], 1, {"b": 2}),
        ([10, 20, 30], 1.2, 20),
    ],
)
def test_get_item(items: list[Json], index: Json, item: Json) -> None:
    assert run("States.ArrayGetItem($.a, $.i)", {"a": items, "i": index}) == item


@pytest.mark.parametrize(("items", "index"), [([10, 20, 30], 3), ([10, 20, 30], -1), ([], 0)])
def test_get_item_out_of_range(items: list[Json], index: int) -> None:
    error = failure("States.ArrayGetItem($.a, $.i)", {"a": items, "i": index})
    assert error.cause == (
        f"Invalid arguments in States.ArrayGetItem: index {index} is out of range "
        f"for an array of {len(items)}"
    )


@pytest.mark.parametrize("index", ["1", None, False])
def test_get_item_rejects_non_numeric_indexes(index: Json) -> None:
    error = failure("States.ArrayGetItem($.a, $.i)", {"a": [1, 2], "i": index})
    assert "argument 2 must be an integer" in error.cause


def test_get_item_from_a_nested_call() -> None:
    assert run("States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)") == "y"


@pytest.mark.parametrize(
    "text",
    [
        "States.ArrayGetItem($.a, -1)",
        "States.ArrayGetItem($.a, '1')",
        "States.ArrayGetItem('a', 0)",
    ],
)
def test_get_item_literal_mistakes_are_syntax_errors(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=r"States\.ArrayGetItem argument"):
        compile_intrinsic(text)


# States.ArrayLength


@pytest.mark.parametrize(
    ("items", "length"), [([], 0), ([1, 2, 3, 4, 5, 6, 7, 8, 9], 9), ([[1], [2, 3]], 2)]
)
def test_length(items: list[Json], length: int) -> None:
    assert run("States.ArrayLength($.inputArray)", {"inputArray": items}) == length


@pytest.mark.parametrize("value", ["abc", {"k": 1}, 3, None])
def test_length_rejects_non_arrays(value: Json) -> None:
    error = failure("States.ArrayLength($.a)", {"a": value})
    assert error.cause.startswith("Invalid arguments in States.ArrayLength: argument 1")


def test_length_of_a_literal_is_a_syntax_error() -> None:
    with pytest.raises(IntrinsicSyntaxError, match="must be an array, not the string"):
        compile_intrinsic("States.ArrayLength('not-array')")


# States.ArrayUnique


def test_unique_aws_example() -> None:
    data = {"inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4]}
    assert run("States.ArrayUnique($.inputArray)", data) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("items", "unique"),
    [
        ([], []),
        (["a", "b", "a", "c", "b"], ["a", "b", "c"]),
        ([1, 2, 1, 3, 2, 4], [1, 2, 3, 4]),
        ([None, None, 1, None], [None, 1]),
        ([1, "1", 1.0, "01"], [1, "1", "01"]),
        ([1, True, 0, False], [1, True, 0, False]),
        ([{"a": 1, "b": 2}, {"b": 2, "a": 1}], [{"a": 1, "b": 2}]),
        ([[1, 2], [1, 2], [2, 1]], [[1, 2], [2, 1]]),
        ([{"n": {"x": 1}}, {"n": {"x": 1}}], [{"n": {"x": 1}}]),
    ],
)
def test_unique(items: list[Json], unique: list[Json]) -> None:
    result = run("States.ArrayUnique($.a)", {"a": items})
    assert result == unique
    assert [type(item) for item in result] == [type(item) for item in unique]


def test_unique_does_not_modify_its_input() -> None:
    items = [1, 1, 2]
    run("States.ArrayUnique($.a)", {"a": items})
    assert items == [1, 1, 2]


def test_unique_rejects_a_non_array() -> None:
    error = failure("States.ArrayUnique($.a)", {"a": {"a": 1}})
    assert "States.ArrayUnique: argument 1 must be an array, not an object" in error.cause
