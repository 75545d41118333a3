"""Records as Elasticsearch documents, and back (field names as in ``mappings``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.core.types import Json
from sfc.index.port import FlowRecord, StepRecord
from sfc.index.projection import CANCELLED, SUCCEEDED, Closed, Ending, Started
from sfc.index.rollup import STARTED, duration_bucket, hour_of

Source = Mapping[str, Any]
"""A document's ``_source``."""

_TEXT: Final = msgspec.json.Encoder(order="sorted")
"""Sorted keys: the text is the same whatever order a server hands a document's keys back
in (some sort them), so rewriting a flow rewrites the same text."""

MAX_ID_BYTES: Final = 400
"""Flow ids longer than this (in UTF-8) are hashed into document ids."""


class Carry(msgspec.Struct, frozen=True, omit_defaults=True):
    """What folding a flow's next events needs beyond its record (kept in its document).

    It lives in the flow's own document so that one read gives a consistent start for the
    fold, and one conditional write of that document commits the whole apply of the flow.

    Attributes:
        paused: Whether the flow is paused.
        open_steps: Its steps that have not ended.
        stranded: The steps that ended other than SUCCEEDED at ``closed_at``: a
            ``FlowRetried`` resumes some of those its ending stopped.
        closed_at: When its last step ended.
        starts: How many ``FlowStarted`` it had (numbers its start facts).
        endings: How many times it ended (numbers its ending facts).
        closures: How many times one of its steps ended (numbers its step facts).
    """

    paused: bool = False
    open_steps: list[StepRecord] = []
    stranded: list[StepRecord] = []
    closed_at: float | None = None
    starts: int = 0
    endings: int = 0
    closures: int = 0


def key_of(flow_id: str) -> int:
    """A flow's tie-breaker in sorts and cursors: 63 bits of a hash of its id."""
    digest = hashlib.blake2b(flow_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def millis(at: float | None) -> int | None:
    """Seconds since the epoch as whole milliseconds (for ``date`` fields)."""
    return None if at is None else round(at * 1000)


def dumped(value: Json) -> str | None:
    """A JSON value as the text full-text search reads (as SQLite's FTS does); None stays."""
    return None if value is None else _TEXT.encode(value).decode()


def _present(doc: dict[str, Any]) -> dict[str, Any]:
    """Without the None values: a missing field and a null are the same to Elasticsearch."""
    return {name: value for name, value in doc.items() if value is not None}


def flow_doc(flow: FlowRecord, carry: Carry) -> dict[str, Any]:
    """A flow's document."""
    text = [dumped(flow.input), dumped(flow.output), flow.error, flow.cause]
    return _present(
        {
            "id": flow.id,
            "key": key_of(flow.id),
            "blueprint": flow.blueprint,
            "version": flow.version,
            "status": flow.status,
            "correlation_id": flow.correlation_id,
            "current_states": flow.current_states,
            "started_at": flow.started_at,
            "ended_at": flow.ended_at,
            "updated_at": flow.updated_at,
            "started": millis(flow.started_at),
            "ended": millis(flow.ended_at),
            "updated": millis(flow.updated_at),
            "last_seq": flow.last_seq,
            "run": flow.run,
            "input": flow.input,
            "output": flow.output,
            "error": flow.error,
            "cause": flow.cause,
            "text": [part for part in text if part is not None],
            "carry": msgspec.to_builtins(carry),
        }
    )


def flow_of(source: Source) -> FlowRecord:
    """A flow's document as its record."""
    return FlowRecord(
        id=source["id"],
        blueprint=source["blueprint"],
        version=source["version"],
        status=source["status"],
        current_states=list(source.get("current_states", ())),
        input=source.get("input"),
        output=source.get("output"),
        error=source.get("error"),
        cause=source.get("cause"),
        correlation_id=source.get("correlation_id"),
        started_at=source.get("started_at"),
        ended_at=source.get("ended_at"),
        updated_at=source.get("updated_at"),
        last_seq=source.get("last_seq", 0),
        run=source.get("run", 0),
    )


def carry_of(source: Source) -> Carry:
    """The carry kept in a flow's document."""
    return msgspec.convert(source.get("carry") or {}, Carry)


def step_doc(step: StepRecord) -> dict[str, Any]:
    """A step's document."""
    return _present(
        {
            "flow_id": step.flow_id,
            "seq": step.seq,
            "thread": step.thread,
            "state": step.state,
            "status": step.status,
            "entered_at": step.entered_at,
            "exited_at": step.exited_at,
            "entered": millis(step.entered_at),
            "exited": millis(step.exited_at),
            "attempt": step.attempt,
            "input": step.input,
            "output": step.output,
            "error": step.error,
            "cause": step.cause,
            "worker": step.worker,
        }
    )


def step_of(source: Source) -> StepRecord:
    """A step's document as its record."""
    return StepRecord(
        flow_id=source["flow_id"],
        seq=source["seq"],
        thread=source["thread"],
        state=source["state"],
        status=source["status"],
        entered_at=source["entered_at"],
        input=source.get("input"),
        output=source.get("output"),
        error=source.get("error"),
        cause=source.get("cause"),
        attempt=source.get("attempt", 0),
        exited_at=source.get("exited_at"),
        worker=source.get("worker"),
    )


def event_doc(flow_id: str, event: HistoryEvent) -> dict[str, Any]:
    """A history event's document."""
    return {
        "flow_id": flow_id,
        "seq": event.seq,
        "type": event.type,
        "at": event.at,
        "time": millis(event.at),
        "event": msgspec.to_builtins(event),
    }


def event_of(source: Source) -> HistoryEvent:
    """A history event's document as the event."""
    return msgspec.convert(source["event"], HistoryEvent)


def doc_id(flow_id: str) -> str:
    """The id of a flow's document: the flow id, or a hash of a very long one.

    Elasticsearch refuses ids over 512 bytes, and steps, events and facts add a suffix.
    """
    if len(flow_id.encode()) <= MAX_ID_BYTES:
        return flow_id
    return "~" + hashlib.blake2b(flow_id.encode(), digest_size=32).hexdigest()


def step_id(flow_id: str, seq: int) -> str:
    """The id of a step's or an event's document."""
    return f"{doc_id(flow_id)}:{seq}"


def start_facts(
    flow_id: str, starts: Iterable[Started], first: int
) -> list[tuple[str, dict[str, Any]]]:
    """Documents of a flow's starts, numbered from ``first``: ``(id, document)``."""
    return [
        (
            f"{doc_id(flow_id)}:s{n}",
            _fact(flow_id, start.blueprint, start.version, STARTED, start.at),
        )
        for n, start in enumerate(starts, first)
    ]


def ending_facts(
    flow_id: str, endings: Iterable[Ending], first: int
) -> list[tuple[str, dict[str, Any]]]:
    """Documents of a flow's endings, numbered from ``first``: ``(id, document)``."""
    facts = []
    for n, ending in enumerate(endings, first):
        doc = _fact(flow_id, ending.blueprint, ending.version, ending.status, ending.at)
        if ending.duration is not None:
            doc["seconds"] = ending.duration
            doc["bucket"] = duration_bucket(ending.duration)
        facts.append((f"{doc_id(flow_id)}:e{n}", doc))
    return facts


def step_facts(
    flow_id: str, closed: Iterable[Closed], first: int
) -> list[tuple[str, dict[str, Any]]]:
    """Documents of a flow's steps that ended, numbered from ``first``: ``(id, document)``.

    As in the rollup: every ending counts with its duration; only those that did not
    end CANCELLED go into the duration histogram (``bucket``).
    """
    facts = []
    for n, step in enumerate(closed, first):
        seconds = max(0.0, step.exited_at - step.entered_at)
        doc = _fact(flow_id, step.blueprint, step.version, step.status, step.exited_at)
        doc["state"] = step.state
        doc["seconds"] = seconds
        if step.status != CANCELLED:
            doc["bucket"] = duration_bucket(seconds)
        facts.append((f"{doc_id(flow_id)}:{n}", doc))
    return facts


def _fact(flow_id: str, blueprint: str, version: int, status: str, at: float) -> dict[str, Any]:
    return {
        "flow_id": flow_id,
        "blueprint": blueprint,
        "version": version,
        "status": status,
        "hour": hour_of(at),
        "at": at,
        "time": millis(at),
    }


def stranded(carry: Carry, changed: Iterable[StepRecord]) -> tuple[list[StepRecord], float | None]:
    """The steps a later ``FlowRetried`` may resume, and when the last step ended.

    The projection resumes steps that ended other than SUCCEEDED when the flow ended
    (their ``exitedAt`` is its ``endedAt``). A flow's ending is the last moment any of its
    steps ended, so the steps that ended last are the ones to keep.
    """
    steps = {step.seq: step for step in carry.stranded}
    latest = carry.closed_at
    for step in changed:
        steps[step.seq] = step
        if step.exited_at is not None and (latest is None or step.exited_at > latest):
            latest = step.exited_at
    kept = [
        step
        for step in steps.values()
        if step.exited_at is not None and step.exited_at == latest and step.status != SUCCEEDED
    ]
    return sorted(kept, key=lambda step: step.seq), latest
