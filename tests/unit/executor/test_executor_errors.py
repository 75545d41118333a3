"""Error names, what is retryable, cutting causes, and committable offsets (no I/O)."""

from __future__ import annotations

import pytest
from aiokafka import TopicPartition
from grpc import StatusCode
from hypothesis import given
from hypothesis import strategies as st

from sfc.executor.errors import grpc_retryable, grpc_status_error, truncate
from sfc.executor.offsets import Offsets

RETRYABLE_CODES = {"UNAVAILABLE", "RESOURCE_EXHAUSTED", "ABORTED", "INTERNAL", "UNKNOWN"}


@pytest.mark.parametrize("code", [code for code in StatusCode if code is not StatusCode.OK])
def test_grpc_codes_are_named_after_the_status(code: StatusCode) -> None:
    if code is StatusCode.DEADLINE_EXCEEDED:
        assert grpc_status_error(code) == "States.Timeout"
        assert grpc_retryable(code)
        return
    assert grpc_status_error(code) == f"SFC.Grpc.{code.name}"
    assert grpc_retryable(code) is (code.name in RETRYABLE_CODES)


def test_a_short_cause_is_kept_and_a_long_one_cut_and_marked() -> None:
    assert truncate("short", 64) == "short"
    long = "x" * 100
    cut = truncate(long, 64)
    assert len(cut.encode()) == 64
    assert cut == "x" * 50 + "...[truncated]"


@given(st.text(min_size=0, max_size=300), st.integers(min_value=64, max_value=200))
def test_a_cut_never_exceeds_the_limit_nor_splits_a_character(text: str, limit: int) -> None:
    cut = truncate(text, limit)
    assert len(cut.encode()) <= limit
    if cut != text:
        kept = cut.removesuffix("...[truncated]")
        assert text.startswith(kept)


P0, P1 = TopicPartition("jobs", 0), TopicPartition("jobs", 1)


def test_offsets_wait_for_every_earlier_job_of_the_partition() -> None:
    offsets = Offsets()
    for offset in (10, 11, 12):
        offsets.take(P0, offset)
    offsets.take(P1, 5)
    offsets.done(P0, 12)
    offsets.done(P0, 11)
    assert offsets.committable() == {}
    offsets.done(P0, 10)
    offsets.done(P1, 5)
    assert offsets.committable() == {P0: 13, P1: 6}
    assert offsets.committable() == {}


def test_offsets_of_one_partition_and_failed_commits_are_kept_for_later() -> None:
    offsets = Offsets()
    offsets.take(P0, 1)
    offsets.take(P1, 1)
    offsets.done(P0, 1)
    offsets.done(P1, 1)
    assert offsets.committable([P1]) == {P1: 2}
    offsets.take(P0, 2)
    offsets.done(P0, 2)
    offsets.retry({P0: 2})
    assert offsets.committable() == {P0: 3}
    offsets.retry({P0: 3})
    offsets.forget([P0])
    offsets.done(P0, 3)
    assert offsets.committable() == {}
