"""Rows of the ``flows`` and ``steps`` tables, to and from records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import msgspec

from sfc.core.types import Json
from sfc.index.port import FlowRecord, StepRecord

FLOW_COLUMNS: Final = (
    "id, blueprint, version, status, paused, correlation_id, started_at, ended_at, "
    "updated_at, last_seq, run, current_states, input, output, error, cause"
)
STEP_COLUMNS: Final = (
    "flow_id, seq, thread, state, status, entered_at, exited_at, attempt, input, output, "
    "error, cause, worker"
)

Load = Callable[[str | None], Json]
"""How a JSON column is read: parsed for readers, kept as raw text for the writer."""

_ENCODER: Final = msgspec.json.Encoder()
_STATES: Final = msgspec.json.Decoder(list[str])


def parsed(text: str | None) -> Json:
    """A JSON column's value."""
    return None if text is None else msgspec.json.decode(text)


def raw(text: str | None) -> Json:
    """A JSON column's text, to be written back as it is (``msgspec.Raw`` encodes as is)."""
    return None if text is None else msgspec.Raw(text)


def dumped(value: Json) -> str | None:
    """A value as a JSON column's text; None stays NULL."""
    return None if value is None else _ENCODER.encode(value).decode()


def flow_of(row: tuple[Any, ...], load: Load = parsed) -> FlowRecord:
    """A ``flows`` row, selected as :data:`FLOW_COLUMNS`, as a record."""
    return FlowRecord(
        id=row[0],
        blueprint=row[1],
        version=row[2],
        status=row[3],
        correlation_id=row[5],
        started_at=row[6],
        ended_at=row[7],
        updated_at=row[8],
        last_seq=row[9],
        run=row[10],
        current_states=_STATES.decode(row[11]),
        input=load(row[12]),
        output=load(row[13]),
        error=row[14],
        cause=row[15],
    )


def flow_row(flow: FlowRecord, paused: bool) -> tuple[Any, ...]:
    """A record as a ``flows`` row, in :data:`FLOW_COLUMNS` order."""
    return (
        flow.id,
        flow.blueprint,
        flow.version,
        flow.status,
        int(paused),
        flow.correlation_id,
        flow.started_at,
        flow.ended_at,
        flow.updated_at,
        flow.last_seq,
        flow.run,
        _ENCODER.encode(flow.current_states).decode(),
        dumped(flow.input),
        dumped(flow.output),
        flow.error,
        flow.cause,
    )


def step_of(row: tuple[Any, ...], load: Load = parsed) -> StepRecord:
    """A ``steps`` row, selected as :data:`STEP_COLUMNS`, as a record."""
    return StepRecord(
        flow_id=row[0],
        seq=row[1],
        thread=row[2],
        state=row[3],
        status=row[4],
        entered_at=row[5],
        exited_at=row[6],
        attempt=row[7],
        input=load(row[8]),
        output=load(row[9]),
        error=row[10],
        cause=row[11],
        worker=row[12],
    )


def step_row(step: StepRecord) -> tuple[Any, ...]:
    """A record as a ``steps`` row, in :data:`STEP_COLUMNS` order."""
    return (
        step.flow_id,
        step.seq,
        step.thread,
        step.state,
        step.status,
        step.entered_at,
        step.exited_at,
        step.attempt,
        dumped(step.input),
        dumped(step.output),
        step.error,
        step.cause,
        step.worker,
    )
