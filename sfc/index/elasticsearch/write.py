"""Applying history batches to the Elasticsearch index, idempotently, in bulk.

Elasticsearch has no transactions across documents, so an apply is built to be correct
when any part of it fails, is retried, or runs twice at once (during a rebalance two
exporters may briefly write the same flow):

1. The flows' documents are read with one realtime ``mget``; each holds the flow's
   record and its :class:`~sfc.index.elasticsearch.documents.Carry` (open steps, pause,
   fact counters), so the fold starts from one consistent snapshot.
2. Each flow's new events (above its ``last_seq``) are folded with
   :class:`~sfc.index.projection.FlowProjection`, exactly as the SQLite store does.
3. One bulk writes what hangs off the flows: events (``create``: they never change),
   steps (versioned externally with the fold's last sequence number, so a stale writer
   cannot overwrite a newer step), and statistics facts (numbered per flow from the
   carry's counters, so the same fact always gets the same id).
4. A second bulk writes the flows' documents, each conditional on the ``_seq_no`` read
   in step 1 (``create`` for new flows). This is the commit: a retry after a failure
   before it folds the same events again and writes the same documents. A flow that
   another writer changed in between is read and folded again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec
from elasticsearch import AsyncElasticsearch

from sfc.core.interpreter.commands import HistoryEvent
from sfc.errors import UnavailableError
from sfc.index.elasticsearch import documents
from sfc.index.elasticsearch.client import error_of, translated
from sfc.index.elasticsearch.documents import Carry
from sfc.index.elasticsearch.mappings import Indices
from sfc.index.port import FlowRecord, StepRecord
from sfc.index.projection import FlowProjection
from sfc.kafka.records import HistoryBatch

log = logging.getLogger(__name__)

MGET_CHUNK: Final = 1000
"""Flows read per ``mget``."""

BULK_BYTES: Final = 8 * 1024 * 1024
"""Bytes per bulk request: well below Elasticsearch's 100 MiB limit on a request."""

CONFLICT_ROUNDS: Final = 5
"""How often an apply folds again the flows another writer changed meanwhile."""

_FOUND_EXCLUDES: Final = ["text"]
_ENCODER: Final = msgspec.json.Encoder()
_NDJSON: Final = {"accept": "application/json", "content-type": "application/x-ndjson"}


@dataclass
class Stored:
    """A flow's document as read: its record, carry and version for a conditional write."""

    flow: FlowRecord
    carry: Carry
    seq_no: int
    primary_term: int


class Bulk:
    """Bulk operations as NDJSON, cut into requests of a bounded size."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def add(self, action: dict[str, Any], doc: dict[str, Any]) -> None:
        """Add one operation and its document."""
        self._parts.append(_ENCODER.encode(action) + b"\n" + _ENCODER.encode(doc) + b"\n")

    def bodies(self) -> Iterator[bytes]:
        """The request bodies: each about :data:`BULK_BYTES` at most (one big document
        may exceed it alone)."""
        body: list[bytes] = []
        size = 0
        for part in self._parts:
            if body and size + len(part) > BULK_BYTES:
                yield b"".join(body)
                body, size = [], 0
            body.append(part)
            size += len(part)
        if body:
            yield b"".join(body)


@dataclass
class Plan:
    """The bulk operations of one apply: documents hanging off flows, then the flows."""

    dependents: Bulk = field(default_factory=Bulk)
    flows: Bulk = field(default_factory=Bulk)
    flow_ids: list[str] = field(default_factory=list)


async def apply_batches(
    client: AsyncElasticsearch, indices: Indices, batches: Sequence[HistoryBatch]
) -> None:
    """Index the batches' events that are new to the index.

    Raises:
        UnavailableError: The cluster cannot be reached, refused a write for lack of
            resources, or other writers kept changing the same flows.
        RejectedError: It refused a document.
    """
    by_flow: dict[str, list[HistoryBatch]] = {}
    for batch in batches:
        by_flow.setdefault(batch.flow_id, []).append(batch)
    pending = by_flow
    for _ in range(CONFLICT_ROUNDS):
        stored = await load_flows(client, indices, list(pending))
        plan = Plan()
        for flow_id, its in pending.items():
            fold(plan, indices, stored.get(flow_id), its)
        if not plan.flow_ids:
            return
        await _bulk(client, plan.dependents, "indexing steps and events")
        refused = await _bulk(client, plan.flows, "indexing flows", conflicts=True)
        if not refused:
            return
        log.info("%d flows changed while being indexed; folding them again", len(refused))
        ids = {documents.doc_id(flow_id): flow_id for flow_id in pending}
        pending = {ids[refused_id]: by_flow[ids[refused_id]] for refused_id in refused}
    raise UnavailableError("other writers kept changing the same flows; try again")


async def load_flows(
    client: AsyncElasticsearch, indices: Indices, ids: list[str]
) -> dict[str, Stored]:
    """The documents of these flows that exist, realtime (not waiting for a refresh)."""
    found: dict[str, Stored] = {}
    for start in range(0, len(ids), MGET_CHUNK):
        chunk = [documents.doc_id(flow_id) for flow_id in ids[start : start + MGET_CHUNK]]
        with translated("reading flows"):
            answer = await client.mget(
                index=indices.flows, ids=chunk, source_excludes=_FOUND_EXCLUDES
            )
        for doc in answer["docs"]:
            if "error" in doc:
                raise error_of(404, doc, "reading flows")
            if doc.get("found"):
                source = doc["_source"]
                found[source["id"]] = Stored(
                    documents.flow_of(source),
                    documents.carry_of(source),
                    doc["_seq_no"],
                    doc["_primary_term"],
                )
    return found


def fold(plan: Plan, indices: Indices, stored: Stored | None, batches: list[HistoryBatch]) -> None:
    """Fold one flow's batches and add the writes they make to ``plan`` (none if stale)."""
    carry = Carry() if stored is None else stored.carry
    if stored is None:
        projection = FlowProjection()
    else:
        projection = FlowProjection(
            stored.flow, carry.open_steps, paused=carry.paused, ended_steps=carry.stranded
        )
    applied: list[HistoryEvent] = []
    for batch in batches:
        applied += projection.apply(batch)
    after = projection.flow()
    if not applied or after is None:
        return
    changed = projection.steps()
    _add_steps_and_events(plan.dependents, indices, after, changed, applied)
    _add_facts(plan.dependents, indices, after.id, projection, carry)
    stranded, closed_at = documents.stranded(carry, changed)
    carried = Carry(
        paused=projection.paused,
        open_steps=projection.open_steps(),
        stranded=stranded,
        closed_at=closed_at,
        starts=carry.starts + len(projection.starts),
        endings=carry.endings + len(projection.endings),
        closures=carry.closures + len(projection.closed),
    )
    plan.flows.add(_flow_action(indices, after.id, stored), documents.flow_doc(after, carried))
    plan.flow_ids.append(after.id)


def _add_steps_and_events(
    bulk: Bulk,
    indices: Indices,
    flow: FlowRecord,
    changed: list[StepRecord],
    applied: list[HistoryEvent],
) -> None:
    for step in changed:
        action = {
            "_index": indices.steps,
            "_id": documents.step_id(flow.id, step.seq),
            # The fold's position orders writers: an older fold cannot undo a newer one.
            "version": flow.last_seq,
            "version_type": "external_gte",
        }
        bulk.add({"index": action}, documents.step_doc(step))
    for event in applied:
        action = {"_index": indices.events, "_id": documents.step_id(flow.id, event.seq)}
        bulk.add({"create": action}, documents.event_doc(flow.id, event))


def _add_facts(
    bulk: Bulk, indices: Indices, flow_id: str, projection: FlowProjection, carry: Carry
) -> None:
    facts = [
        *documents.start_facts(flow_id, projection.starts, carry.starts + 1),
        *documents.ending_facts(flow_id, projection.endings, carry.endings + 1),
    ]
    for fact_id, doc in facts:
        bulk.add({"index": {"_index": indices.flow_facts, "_id": fact_id}}, doc)
    for fact_id, doc in documents.step_facts(flow_id, projection.closed, carry.closures + 1):
        bulk.add({"index": {"_index": indices.step_facts, "_id": fact_id}}, doc)


def _flow_action(indices: Indices, flow_id: str, stored: Stored | None) -> dict[str, Any]:
    if stored is None:
        return {"create": {"_index": indices.flows, "_id": documents.doc_id(flow_id)}}
    return {
        "index": {
            "_index": indices.flows,
            "_id": documents.doc_id(flow_id),
            "if_seq_no": stored.seq_no,
            "if_primary_term": stored.primary_term,
        }
    }


async def _bulk(
    client: AsyncElasticsearch, operations: Bulk, what: str, *, conflicts: bool = False
) -> list[str]:
    """Run the operations; the ids refused for a version conflict (if ``conflicts``).

    A version conflict on a step or event is no failure: the document there is as new
    as this one, or newer.
    """
    refused: list[str] = []
    for body in operations.bodies():
        with translated(what):
            answer = await client.perform_request("POST", "/_bulk", headers=_NDJSON, body=body)
        if answer.body.get("errors"):
            refused += _refused(answer.body["items"], what, conflicts=conflicts)
    return refused


def _refused(items: list[dict[str, Any]], what: str, *, conflicts: bool) -> list[str]:
    refused: list[str] = []
    for item in items:
        ((_, result),) = item.items()
        status = result.get("status", 200)
        if status < 300:
            continue
        if status == 409:
            if conflicts:
                refused.append(result["_id"])
            continue
        raise error_of(status, result, f"{what} ({result.get('_index')}/{result.get('_id')})")
    return refused
