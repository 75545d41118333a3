"""StringMatches: ``*`` wildcards and the ``\\*`` and ``\\\\`` escapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfc.core.scope import Scope
from sfc.core.states.choice import compile_rule

Holds = Callable[..., bool]


def _matches(pattern: str, value: Any) -> bool:
    rule = {"Variable": "$.v", "StringMatches": pattern}
    return compile_rule(rule, "JSONPath")({"v": value}, Scope())


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("log-*.txt", "log-2024.txt", True),
        ("log-*.txt", "log-.txt", True),
        ("log-*.txt", "log-2024.txt.gz", False),
        ("log-*.txt", "xlog-1.txt", False),
        ("*.log", "audit.log", True),
        ("*.log", "audit", False),
        ("audit*", "audit", True),
        ("*", "", True),
        ("*", "anything at all\nwith a newline", True),
        ("**", "x", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "acb", False),
        ("", "", True),
        ("", "x", False),
        ("exact", "exact", True),
        ("exact", "Exact", False),
        # Nothing but '*' is special: no '?', no classes, no regex.
        ("a?c", "abc", False),
        ("a?c", "a?c", True),
        ("[ab]", "a", False),
        ("[ab]", "[ab]", True),
        ("a.c", "abc", False),
        ("a.c", "a.c", True),
        ("^a+$", "^a+$", True),
    ],
)
def test_wildcards(pattern: str, value: str, expected: bool) -> None:
    assert _matches(pattern, value) is expected


@pytest.mark.parametrize(
    ("json_pattern", "value", "expected"),
    [
        # Written as they appear in the blueprint's JSON.
        (r'"\\*"', "*", True),
        (r'"\\*"', "x", False),
        (r'"\\*"', "", False),
        (r'"a\\*b"', "a*b", True),
        (r'"a\\*b"', "axb", False),
        (r'"\\**"', "*star", True),
        (r'"\\**"', "star", False),
        (r'"\\\\"', "\\", True),
        (r'"\\\\"', "\\\\", False),
        (r'"\\\\*"', "\\anything", True),  # an escaped backslash, then a wildcard
        (r'"\\\\*"', "anything", False),
        (r'"\\\\\\*"', "\\*", True),  # an escaped backslash, then an escaped star
        (r'"\\\\\\*"', "\\x", False),
        (r'"C:\\\\temp\\\\*"', "C:\\temp\\file.txt", True),
        # A backslash before any other character stands for itself.
        (r'"a\\b"', "a\\b", True),
        (r'"a\\"', "a\\", True),
    ],
)
def test_escapes(json_pattern: str, value: str, expected: bool) -> None:
    assert _matches(json.loads(json_pattern), value) is expected


@pytest.mark.parametrize("value", [None, 1, True, ["a"], {"a": 1}])
def test_non_strings_never_match(value: Any) -> None:
    assert _matches("*", value) is False


_TEXT = st.text(alphabet=st.characters(blacklist_characters="*\\"), max_size=20)


@given(_TEXT, st.text(max_size=20))
def test_without_wildcards_it_is_string_equals(pattern: str, value: str) -> None:
    equals = compile_rule({"Variable": "$.v", "StringEquals": pattern}, "JSONPath")
    assert _matches(pattern, value) is equals({"v": value}, Scope())
    assert _matches(pattern, pattern) is True


@given(_TEXT, _TEXT, st.text(max_size=20))
def test_a_star_matches_any_infix(prefix: str, suffix: str, middle: str) -> None:
    assert _matches(f"{prefix}*{suffix}", prefix + middle + suffix) is True


@given(st.text(max_size=20))
def test_escaping_every_special_character_matches_only_the_text(text: str) -> None:
    pattern = text.replace("\\", "\\\\").replace("*", "\\*")
    assert _matches(pattern, text) is True
    assert _matches(pattern, text + "x") is False
