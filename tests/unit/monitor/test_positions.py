"""JSON pointers placed at lines and columns of a blueprint's text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.pointer import child
from sfc.core.validation import Problem, validate_text
from sfc.monitor import Position, locate_problems, position_of
from sfc.monitor.positions import TextIndex, syntax_position

TEXT = """{
  "Comment": "a ~ and a / in keys",
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Result": [1, {"deep": [true, null]}, "x"],
      "Next": "B/C~"
    },
    "B/C~": {"Type": "Succeed"}
  }
}"""


@pytest.mark.parametrize(
    ("pointer", "line", "column"),
    [
        ("", 1, 1),
        ("/StartAt", 3, 3),
        ("/States", 4, 3),
        ("/States/A", 5, 5),
        ("/States/A/Type", 6, 7),
        ("/States/A/Result", 7, 7),
        ("/States/A/Result/0", 7, 18),
        ("/States/A/Result/1/deep/1", 7, 37),
        ("/States/A/Result/2", 7, 45),
        ("/States/A/Next", 8, 7),
        ("/States/B~1C~0", 10, 5),
        ("/States/B~1C~0/Type", 10, 14),
    ],
)
def test_a_pointer_lands_on_its_key_or_its_item(pointer: str, line: int, column: int) -> None:
    assert position_of(TEXT, pointer) == Position(line, column)


def test_a_missing_member_lands_on_the_closest_thing_that_exists() -> None:
    assert position_of(TEXT, "/States/A/End") == Position(5, 5)
    assert position_of(TEXT, "/States/Z/Next") == Position(4, 3)
    assert position_of(TEXT, "/States/A/Result/9") == Position(7, 7)


def test_of_repeated_keys_the_last_one_counts() -> None:
    text = '{"S": {"A": {"Next": "x"},\n"A": {"End": true}}}'
    index = TextIndex(text)
    assert index.locate("/S/A") == Position(2, 1)
    assert index.locate("/S/A/End") == Position(2, 7)
    # The first value's members are gone with it: its Next lands on the last A.
    assert index.locate("/S/A/Next") == Position(2, 1)


def test_columns_count_characters_not_bytes() -> None:
    assert position_of('{"é": 1, "ü": 2}', "/ü") == Position(1, 10)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"a": 1,}', 1, 9),
        ('{\n  "a": tru\n}', 2, 8),
        ('{"a": 1}\n  x', 2, 3),
        ('{"a": "unterminated', 1, 7),
        ("", 1, 1),
        ('{"a": NaN}', 1, 7),
    ],
)
def test_malformed_text_reports_where_it_stops_being_json(
    text: str, line: int, column: int
) -> None:
    assert syntax_position(text) == Position(line, column)
    assert TextIndex(text).error is not None


def test_problems_get_the_line_of_their_pointer() -> None:
    text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "B"}\n  }\n}'
    [problem] = [p for p in validate_text(text) if p.pointer == "/States/A/Next"]
    [located] = locate_problems(text, [problem])
    assert (located.line, located.column) == (4, 27)
    assert (located.pointer, located.code, located.message) == (
        problem.pointer,
        problem.code,
        problem.message,
    )


def test_a_syntax_problem_gets_the_position_its_message_names() -> None:
    text = '{\n  "StartAt": "A",\n  "States": {,}\n}'
    problems = validate_text(text)
    assert [p.code for p in problems] == ["json-syntax"]
    [located] = locate_problems(text, problems)
    assert (located.line, located.column) == (3, 14)
    assert "line 3, column 14" in located.message


def test_no_problems_no_positions() -> None:
    assert locate_problems("{}", []) == []
    assert locate_problems("{}", [Problem("/x", "c", "m")])[0].line == 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


def pointers(value: object, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(value, dict):
        for key, item in value.items():
            found += pointers(item, child(pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += pointers(item, child(pointer, index))
    return found


@given(JSON, st.sampled_from([None, 1, 2]))
def test_every_pointer_of_any_document_lands_where_its_text_is(
    value: object, indent: int | None
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    index = TextIndex(text)
    assert index.error is None
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    for pointer, parent, item in members(value):
        where = index.locate(pointer)
        rest = text[offsets[where.line - 1] + where.column - 1 :]
        if isinstance(parent, dict):
            key = pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            assert rest.startswith(json.dumps(key, ensure_ascii=False))
        else:
            assert json.JSONDecoder().raw_decode(rest)[0] == item


def members(value: object, pointer: str = "") -> list[tuple[str, object, object]]:
    """Every (pointer, the value holding it, its value) of a document."""
    found: list[tuple[str, object, object]] = [(pointer, None, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += [
                (p, value if p == child(pointer, key) else o, v)
                for p, o, v in members(item, child(pointer, key))
            ]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += [
                (p, value if p == child(pointer, index) else o, v)
                for p, o, v in members(item, child(pointer, index))
            ]
    return found
