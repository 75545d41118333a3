"""Flow searches are checked when built, naming the field that is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from sfc.errors import InputError
from sfc.index.query import Cursor, FlowQuery, decode_cursor, encode_cursor


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sort": "name"}, "sort"),
        ({"sort": "--startedAt"}, "sort"),
        ({"statuses": ("RUNNING", "LOST")}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"version": 0}, "version"),
        ({"text": ' " - '}, "q"),
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"cursor": encode_cursor(Cursor("endedAt", 1.0, 3))}, "cursor"),
    ],
)
def test_a_bad_field_is_named(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as refused:
        FlowQuery(**fields)
    assert refused.value.field == field


def test_a_cursor_reads_back_for_its_own_sort() -> None:
    cursor = Cursor("-startedAt", 1_700_000_000.25, 42)
    text = encode_cursor(cursor)
    assert "=" not in text
    assert decode_cursor(text, "-startedAt") == cursor
    assert FlowQuery(cursor=text).cursor == text


def test_words_drop_quotes_and_punctuation_only_words() -> None:
    query = FlowQuery(text='order "A-17" - failed', sort="endedAt")
    assert query.words == ["order", "A-17", "failed"]
    assert (query.sort_field, query.descending) == ("endedAt", False)
