"""Per-blueprint statistics from the flows and the facts indices.

Flows by current status and running flows by state are counted over the flows' own
documents (``terms`` aggregations). Figures over a window are counted over the facts:
one document per flow start, per flow ending and per step ending (see
:mod:`sfc.index.elasticsearch.documents`), each with its UTC hour and duration bucket,
the same cells as the SQLite store's rollup tables.

Only plain ``terms`` and ``sum`` aggregations are used, each with a size above
the number of keys it can meet and in no particular order, so that every
Elasticsearch-API server answers them alike. Percentiles come from the duration buckets'
counts through :func:`sfc.index.rollup.percentile`, as in SQLite: exactly the same
figures, not Elasticsearch's approximate ``percentiles``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from elasticsearch import AsyncElasticsearch

from sfc.index.elasticsearch.client import error_of, translated
from sfc.index.elasticsearch.mappings import Indices
from sfc.index.projection import FLOW_ENDINGS, SUCCEEDED
from sfc.index.query import BlueprintStats, HourStats, StateStats
from sfc.index.rollup import HOUR, STARTED, hour_of, percentile, state_stats

FAILURES: Final = tuple(status for status in FLOW_ENDINGS.values() if status != SUCCEEDED)

MAX_BLUEPRINTS: Final = 10_000
MAX_STATES: Final = 10_000
MAX_HOURS: Final = 10_000
"""Hours of a window listed at most (the newest; totals count every hour)."""
MAX_BUCKETS: Final = 1_000
"""More than the duration buckets there are (a year is bucket 280)."""
STATUSES: Final = 16


@dataclass
class _Flows:
    """One blueprint's flow facts in the window, by status."""

    totals: dict[str, int] = field(default_factory=dict)
    hours: dict[int, dict[str, int]] = field(default_factory=dict)
    durations: list[tuple[int, int]] = field(default_factory=list)


async def blueprint_stats(
    client: AsyncElasticsearch,
    indices: Indices,
    since: float,
    until: float,
    blueprint: str | None,
    version: int | None,
    with_states: bool,
) -> list[BlueprintStats]:
    """Figures per blueprint (one, or every one the index knows) over ``[since, until)``.

    The window is widened to whole UTC hours: the hour holding ``since`` counts in full.
    """
    names = [blueprint] if blueprint is not None else await _blueprints(client, indices)
    if not names:
        return []
    answers = await _msearch(
        client, _searches(indices, names, version, since, until, with_states=with_states)
    )
    # The answers come in the order of the searches: counts, each blueprint's flow
    # facts, then (with states) running flows and each blueprint's step facts.
    counts = _nested_counts(answers[0]["by_blueprint"])
    flows = [_flows_of(answer) for answer in answers[1 : 1 + len(names)]]
    states: list[list[StateStats]] = [[] for _ in names]
    if with_states:
        running = _nested_counts(answers[1 + len(names)]["by_blueprint"])
        states = [
            _states(running.get(name, {}), answer)
            for name, answer in zip(names, answers[2 + len(names) :], strict=True)
        ]
    window_hours = max((until - since) / HOUR, 1 / 60)
    return [
        _figures(name, version, counts.get(name, {}), facts, window_hours, its_states)
        for name, facts, its_states in zip(names, flows, states, strict=True)
        if name in counts or facts.totals
    ]


def _searches(
    indices: Indices,
    names: list[str],
    version: int | None,
    since: float,
    until: float,
    *,
    with_states: bool,
) -> list[tuple[str, dict[str, Any]]]:
    """The searches of one statistics call, as ``(index, body)``.

    One search per blueprint for the facts keeps each answer's buckets well under the
    cluster's ``search.max_buckets`` however many blueprints there are.
    """
    start = hour_of(since)
    hours = max(1, min(MAX_HOURS, math.ceil((until - start) / HOUR)))
    window = [{"range": {"hour": {"gte": start, "lt": until}}}]
    searches: list[tuple[str, dict[str, Any]]] = [
        (indices.flows, _counts(names, version)),
        *((indices.flow_facts, _flow_facts(name, version, window, hours)) for name in names),
    ]
    if with_states:
        searches.append((indices.flows, _running(names, version)))
        searches += [(indices.step_facts, _step_facts(name, version, window)) for name in names]
    return searches


async def _blueprints(client: AsyncElasticsearch, indices: Indices) -> list[str]:
    """Every blueprint with a flow in the index, by name."""
    with translated("reading statistics"):
        answer = await client.search(
            index=indices.flows,
            size=0,
            aggs={"names": {"terms": {"field": "blueprint", "size": MAX_BLUEPRINTS}}},
        )
    return sorted(bucket["key"] for bucket in answer["aggregations"]["names"]["buckets"])


async def _msearch(
    client: AsyncElasticsearch, searches: list[tuple[str, dict[str, Any]]]
) -> list[Mapping[str, Any]]:
    """Run the searches in one request; each one's aggregations."""
    lines: list[Mapping[str, Any]] = []
    for index, body in searches:
        lines += [{"index": index}, {"size": 0, "track_total_hits": False, **body}]
    with translated("reading statistics"):
        answer = await client.msearch(searches=lines)
    found = []
    for response in answer["responses"]:
        if "error" in response:
            raise error_of(response.get("status", 500), response, "reading statistics")
        found.append(response.get("aggregations", {}))
    return found


def _scope(names: list[str], version: int | None) -> list[dict[str, Any]]:
    scope: list[dict[str, Any]] = [{"terms": {"blueprint": names}}]
    if version is not None:
        scope.append({"term": {"version": version}})
    return scope


def _terms(
    name: str, size: int, *, aggs: dict[str, Any] | None = None, newest: bool = False
) -> dict[str, Any]:
    """A ``terms`` aggregation on a field, with sub-aggregations; ``newest``: the
    highest keys first (else the most frequent, which is no matter: sizes are above the
    number of keys)."""
    terms: dict[str, Any] = {"field": name, "size": size}
    if newest:
        terms["order"] = {"_key": "desc"}
    return {"terms": terms} if aggs is None else {"terms": terms, "aggs": aggs}


def _counts(names: list[str], version: int | None) -> dict[str, Any]:
    """Flows by blueprint and current status."""
    by_status = {"by": _terms("status", STATUSES)}
    return {
        "query": {"bool": {"filter": _scope(names, version)}},
        "aggs": {"by_blueprint": _terms("blueprint", len(names), aggs=by_status)},
    }


def _running(names: list[str], version: int | None) -> dict[str, Any]:
    """Flows by blueprint and the states they are in now."""
    by_state = {"by": _terms("current_states", MAX_STATES)}
    return {
        "query": {"bool": {"filter": _scope(names, version)}},
        "aggs": {"by_blueprint": _terms("blueprint", len(names), aggs=by_state)},
    }


def _flow_facts(
    name: str, version: int | None, window: list[dict[str, Any]], hours: int
) -> dict[str, Any]:
    """A blueprint's starts and endings in the window, by status: per hour, and by
    duration bucket."""
    per_status = {
        "hours": _terms("hour", hours, newest=True),
        "buckets": _terms("bucket", MAX_BUCKETS),
    }
    return {
        "query": {"bool": {"filter": [*_scope([name], version), *window]}},
        "aggs": {"statuses": _terms("status", STATUSES, aggs=per_status)},
    }


def _step_facts(name: str, version: int | None, window: list[dict[str, Any]]) -> dict[str, Any]:
    """A blueprint's step endings in the window, by state: per status with the duration
    sum, and by duration bucket."""
    per_status = {"seconds": {"sum": {"field": "seconds"}}}
    per_state = {
        "statuses": _terms("status", STATUSES, aggs=per_status),
        "buckets": _terms("bucket", MAX_BUCKETS),
    }
    return {
        "query": {"bool": {"filter": [*_scope([name], version), *window]}},
        "aggs": {"states": _terms("state", MAX_STATES, aggs=per_state)},
    }


def _buckets(agg: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    buckets: list[Mapping[str, Any]] = agg.get("buckets", [])
    return buckets


def _nested_counts(agg: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """``{outer key: {inner key: documents}}`` of a two-level ``terms`` aggregation."""
    return {
        outer["key"]: {inner["key"]: inner["doc_count"] for inner in _buckets(outer["by"])}
        for outer in _buckets(agg)
    }


def _flows_of(answer: Mapping[str, Any]) -> _Flows:
    facts = _Flows()
    for status in _buckets(answer["statuses"]):
        key = status["key"]
        facts.totals[key] = status["doc_count"]
        for hour in _buckets(status["hours"]):
            facts.hours.setdefault(int(hour["key"]), {})[key] = hour["doc_count"]
        if key == SUCCEEDED:
            facts.durations = [(int(b["key"]), b["doc_count"]) for b in _buckets(status["buckets"])]
    return facts


def _figures(
    name: str,
    version: int | None,
    counts: dict[str, int],
    facts: _Flows,
    window_hours: float,
    states: list[StateStats],
) -> BlueprintStats:
    series = [
        HourStats(
            hour,
            by.get(STARTED, 0),
            by.get(SUCCEEDED, 0),
            sum(by.get(status, 0) for status in FAILURES),
        )
        for hour, by in sorted(facts.hours.items())
    ]
    failed = sum(facts.totals.get(status, 0) for status in FAILURES)
    ended = failed + facts.totals.get(SUCCEEDED, 0)
    return BlueprintStats(
        blueprint=name,
        version=version,
        counts=dict(sorted(counts.items())),
        started=facts.totals.get(STARTED, 0),
        ended=ended,
        failed=failed,
        failure_rate=failed / ended if ended else None,
        throughput_per_hour=ended / window_hours,
        p50_seconds=percentile(facts.durations, 0.5),
        p95_seconds=percentile(facts.durations, 0.95),
        hours=series,
        states=states,
    )


def _states(running: dict[str, int], answer: Mapping[str, Any]) -> list[StateStats]:
    ended: defaultdict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
    buckets: dict[str, list[tuple[int, int]]] = {}
    for state in _buckets(answer["states"]):
        for status in _buckets(state["statuses"]):
            ended[state["key"]][status["key"]] = (status["doc_count"], status["seconds"]["value"])
        buckets[state["key"]] = [
            (int(b["key"]), b["doc_count"]) for b in _buckets(state["buckets"])
        ]
    return [
        state_stats(state, running.get(state, 0), ended.get(state, {}), buckets.get(state, []))
        for state in sorted(set(running) | set(ended))
    ]
