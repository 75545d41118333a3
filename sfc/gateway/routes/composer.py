"""What the composer asks while a blueprint is edited: its problems, and its graph.

``POST /api/v1/validate`` takes the blueprint's text as typed (not a decoded object: the
line of each problem is a place in that text, and a syntax error is one), and answers
every problem with its pointer, code, message, line and column, plus the graph of what
could be read, for the live preview. ``GET .../versions/{version}/graph`` draws a
deployed version.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from sfc.core.types import Json
from sfc.core.validation import validate_text
from sfc.gateway.bodies import MAX_DEFINITION_BYTES, Body, read_json
from sfc.gateway.lookup import blueprint_version
from sfc.gateway.routes.common import API, version_of_path
from sfc.gateway.routing import Reply, Route, json_response, services_of
from sfc.monitor import build_graph, locate_problems

MAX_TEXT_BYTES = 2 * MAX_DEFINITION_BYTES
"""The largest validate request: a definition's text grows when quoted as a JSON string."""


async def validate(request: web.Request) -> web.Response:
    """Every problem of a blueprint's text, placed at its line; and its graph."""
    body = Body(await read_json(request, MAX_TEXT_BYTES), {"text"})
    text = body.any("text")
    if not isinstance(text, str):
        body.string("text")  # raises, naming the field
    # Validation of a large blueprint takes a while: keep the event loop free.
    answer = await asyncio.to_thread(check_text, text)
    return json_response(answer)


def check_text(text: str) -> dict[str, Json]:
    """The answer to a validate request for ``text``."""
    problems = validate_text(text)
    graph = None
    if not any(problem.code == "json-syntax" for problem in problems):
        graph = build_graph(json.loads(text))
    return {
        "valid": not problems,
        "problems": locate_problems(text, problems),
        "graph": graph,
    }


async def version_graph(request: web.Request) -> web.Response:
    """One deployed version of a blueprint as a graph."""
    services = services_of(request)
    found = blueprint_version(services, request.match_info["name"], version_of_path(request))
    graph = await asyncio.to_thread(build_graph, found.definition)
    return json_response({"name": found.name, "version": found.version, "graph": graph})


ROUTES = [
    Route(
        "POST",
        f"{API}/validate",
        validate,
        "Validate a blueprint's text: problems with their line and column, and its graph",
        "composer",
        {200: Reply("Valid or not: the problems found (none when valid)", "Validation")},
        errors=(400, 413),
        body="ValidateRequest",
    ),
    Route(
        "GET",
        f"{API}/blueprints/{{name}}/versions/{{version}}/graph",
        version_graph,
        "A blueprint version as a graph: states, Parallel branches and Map processors, transitions",
        "composer",
        {200: Reply("The graph", "VersionGraph")},
        errors=(400, 404),
    ),
]
