"""``GET /api/v1/stats`` and ``/blueprints/{name}/stats``: how flows fare, per blueprint.

Both read the index's counters (never its flows), so they answer as fast with a million
flows as with ten. The window is ``from`` / ``to`` (the last 24 hours by default),
widened by the index to whole UTC hours.
"""

from __future__ import annotations

from typing import Final

import msgspec
from aiohttp import web

from sfc.core.types import Json
from sfc.gateway.errors import MissingError
from sfc.gateway.params import QueryParams
from sfc.gateway.routes.common import API
from sfc.gateway.routing import Param, Reply, Route, json_response, services_of
from sfc.index import BlueprintStats
from sfc.index.projection import FLOW_STATUSES

_WINDOW = (
    Param(
        "from",
        "Window start: epoch seconds or ISO 8601 (default: 24 hours ago)",
        {"type": "string"},
    ),
    Param("to", "Window end: epoch seconds or ISO 8601 (default: now)", {"type": "string"}),
)
_VERSION = Param("version", "Only this version", {"type": "integer", "minimum": 1})


async def overview(request: web.Request) -> web.Response:
    """Every blueprint's figures over the window (no per-state figures)."""
    params = QueryParams(request, {"from", "to"})
    since, until = params.window()
    found = await services_of(request).index.stats(since, until)
    return json_response(
        {"from": since, "to": until, "items": [stats_body(stats) for stats in found]}
    )


async def blueprint_stats(request: web.Request) -> web.Response:
    """One blueprint's figures over the window, with its states'.

    Raises:
        MissingError: Neither the registry nor the index knows the blueprint.
    """
    services = services_of(request)
    name = request.match_info["name"]
    params = QueryParams(request, {"from", "to", "version"})
    version = params.positive("version")
    since, until = params.window()
    found = await services.index.stats(since, until, blueprint=name, version=version, states=True)
    if found:
        stats = found[0]
    elif services.registry.catalog.versions(name):
        stats = BlueprintStats(blueprint=name, counts={}, version=version)
    else:
        raise MissingError(f"no blueprint named {name!r}", field="name")
    return json_response({"from": since, "to": until, **stats_body(stats)})


def stats_body(stats: BlueprintStats) -> dict[str, Json]:
    """A blueprint's figures as the API answers them: every member present, and a
    count (zero if need be) for every flow status."""
    body: dict[str, Json] = {**_BLUEPRINT_DEFAULTS, **msgspec.to_builtins(stats)}
    body["counts"] = {status: stats.counts.get(status, 0) for status in FLOW_STATUSES}
    body["states"] = [{**_STATE_DEFAULTS, **msgspec.to_builtins(s)} for s in stats.states]
    return body


# The index's records leave default members out; the API's answers have them all.
_BLUEPRINT_DEFAULTS: Final[dict[str, Json]] = {
    "version": None,
    "started": 0,
    "ended": 0,
    "failed": 0,
    "failureRate": None,
    "throughputPerHour": 0.0,
    "p50Seconds": None,
    "p95Seconds": None,
    "hours": [],
}
_STATE_DEFAULTS: Final[dict[str, Json]] = {
    "running": 0,
    "ended": 0,
    "failed": 0,
    "caught": 0,
    "meanSeconds": None,
    "p50Seconds": None,
    "p95Seconds": None,
}


ROUTES = [
    Route(
        "GET",
        f"{API}/stats",
        overview,
        "Every blueprint's flows: counts now, and ended, failed, durations over a window",
        "monitor",
        {200: Reply("One entry per blueprint the index knows", "StatsOverview")},
        errors=(400, 503),
        query=_WINDOW,
    ),
    Route(
        "GET",
        f"{API}/blueprints/{{name}}/stats",
        blueprint_stats,
        "One blueprint's flows and states: counts now, and figures over a window",
        "monitor",
        {200: Reply("The blueprint's figures with its states'", "BlueprintStats")},
        errors=(400, 404, 503),
        query=(_VERSION, *_WINDOW),
    ),
]
