"""validate_text: JSON syntax errors and duplicate keys."""

from __future__ import annotations

import json

import pytest

from sfc.core.validation import validate_text

VALID = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})


def test_valid_text_has_no_problems() -> None:
    assert validate_text(VALID) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"StartAt": "A",\n  "States": {]}', "line 2, column 14"),
        ("", "line 1, column 1"),
        ('{"StartAt": "A"', "line 1, column 16"),
        ('{"a": 1,}', "line 1, column 9"),
    ],
)
def test_malformed_json_is_one_problem_with_line_and_column(text: str, where: str) -> None:
    problems = validate_text(text)
    assert len(problems) == 1
    assert (problems[0].pointer, problems[0].code) == ("", "json-syntax")
    assert where in problems[0].message


def test_nan_is_not_json() -> None:
    problems = validate_text('{"StartAt": "A",\n "TimeoutSeconds": NaN}')
    assert [(p.pointer, p.code) for p in problems] == [("", "json-syntax")]
    assert "NaN" in problems[0].message
    assert "line 2, column 20" in problems[0].message


def test_duplicate_top_level_key_is_reported_with_its_pointer() -> None:
    text = '{"StartAt": "A", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
    problems = validate_text(text)
    assert [(p.pointer, p.code) for p in problems] == [("/StartAt", "duplicate-key")]


def test_duplicate_state_and_nested_duplicates_are_each_reported() -> None:
    text = """{
      "StartAt": "A",
      "States": {
        "A": {"Type": "Pass", "Result": {"x/y": 1, "x/y": 2}, "End": true},
        "A": {"Type": "Succeed", "Type": "Succeed"}
      }
    }"""
    pairs = {(p.pointer, p.code) for p in validate_text(text)}
    assert ("/States/A", "duplicate-key") in pairs
    assert ("/States/A/Type", "duplicate-key") in pairs
    assert ("/States/A/Result/x~1y", "duplicate-key") in pairs


def test_duplicate_keys_do_not_hide_other_problems() -> None:
    text = '{"StartAt": "B", "States": {"A": {"Type": "Succeed", "Type": "Succeed"}}}'
    pairs = {(p.pointer, p.code) for p in validate_text(text)}
    assert pairs == {("/States/A/Type", "duplicate-key"), ("/StartAt", "start-at-missing")}


def test_duplicate_inside_an_array_element() -> None:
    text = (
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "task:x", "End": true,'
        ' "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1, "MaxAttempts": 2}]}}}'
    )
    pairs = [(p.pointer, p.code) for p in validate_text(text)]
    assert pairs == [("/States/A/Retry/0/MaxAttempts", "duplicate-key")]


def test_text_that_is_not_an_object() -> None:
    problems = validate_text("[1, 2]")
    assert [(p.pointer, p.code) for p in problems] == [("", "schema")]
