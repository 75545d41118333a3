"""``/api/v1/blueprints``: deploy, list, read, compare, enable / disable, pause / resume."""

from __future__ import annotations

from aiohttp import web

from sfc.core.types import Json
from sfc.gateway import ids
from sfc.gateway.bodies import MAX_DEFINITION_BYTES, Body, header_token, query_int, read_json
from sfc.gateway.commands import broadcast_command
from sfc.gateway.diff import state_changes, unified_diff
from sfc.gateway.lookup import blueprint_version
from sfc.gateway.routes.common import API, IDEMPOTENCY_KEY, TRACEPARENT, version_of_path
from sfc.gateway.routing import Param, Reply, Route, json_response, services_of
from sfc.kafka import make_headers
from sfc.kafka.records import PauseBlueprint, ResumeBlueprint
from sfc.registry import BlueprintVersion, Catalog

BASE = f"{API}/blueprints"


async def deploy(request: web.Request) -> web.Response:
    """Validate a definition and store it as the blueprint's next version."""
    services = services_of(request)
    body = Body(await read_json(request, MAX_DEFINITION_BYTES), {"name", "definition", "comment"})
    name, definition = body.string("name"), body.object("definition")
    deployed = await services.registry.deploy(name, definition, body.optional_string("comment"))
    return json_response({"name": deployed.name, "version": deployed.version}, status=201)


async def list_blueprints(request: web.Request) -> web.Response:
    """Every blueprint with its latest version."""
    catalog = services_of(request).registry.catalog
    return json_response({"items": [_summary(catalog, name) for name in catalog.names()]})


async def get_blueprint(request: web.Request) -> web.Response:
    """One blueprint: its summary and its latest definition."""
    services = services_of(request)
    latest = blueprint_version(services, request.match_info["name"])
    summary = _summary(services.registry.catalog, latest.name)
    return json_response({**summary, "definition": latest.definition})


async def list_versions(request: web.Request) -> web.Response:
    """Every version of a blueprint, oldest first, without definitions."""
    services = services_of(request)
    name = blueprint_version(services, request.match_info["name"]).name
    versions = services.registry.catalog.versions(name)
    return json_response({"name": name, "items": [_version(v) for v in versions]})


async def get_version(request: web.Request) -> web.Response:
    """One version of a blueprint, with its definition."""
    services = services_of(request)
    found = blueprint_version(services, request.match_info["name"], version_of_path(request))
    return json_response({**_version(found), "definition": found.definition})


async def diff(request: web.Request) -> web.Response:
    """A unified diff between two versions, and the states added, removed or changed."""
    services = services_of(request)
    name = request.match_info["name"]
    old_number, new_number = query_int(request, "from"), query_int(request, "to")
    old = blueprint_version(services, name, old_number, version_field="from")
    new = blueprint_version(services, name, new_number, version_field="to")
    text = unified_diff(
        old.definition, new.definition, f"{name}@{old_number}", f"{name}@{new_number}"
    )
    return json_response(
        {
            "name": name,
            "from": old_number,
            "to": new_number,
            "diff": text,
            "states": state_changes(old.definition, new.definition),
        }
    )


async def enable(request: web.Request) -> web.Response:
    """Accept new flows of the blueprint again."""
    return await _set_enabled(request, True)


async def disable(request: web.Request) -> web.Response:
    """Refuse new flows of the blueprint (``409``); running flows go on."""
    return await _set_enabled(request, False)


async def _set_enabled(request: web.Request, enabled: bool) -> web.Response:
    services = services_of(request)
    name = blueprint_version(services, request.match_info["name"]).name
    await services.registry.set_enabled(name, enabled)
    return json_response({"name": name, "enabled": enabled})


async def pause(request: web.Request) -> web.Response:
    """Pause every running flow of the blueprint, on every engine."""
    return await _control(request, "pause")


async def resume(request: web.Request) -> web.Response:
    """Resume every paused flow of the blueprint, on every engine."""
    return await _control(request, "resume")


async def _control(request: web.Request, action: str) -> web.Response:
    services = services_of(request)
    name = blueprint_version(services, request.match_info["name"]).name
    key = header_token(request, IDEMPOTENCY_KEY)
    message_id = ids.message_id(f"blueprint:{name}", action, key)
    record = (PauseBlueprint if action == "pause" else ResumeBlueprint)(message_id, name)
    headers = make_headers(
        type(record).__name__,
        message_id,
        blueprint=name,
        traceparent=request.headers.get(TRACEPARENT),
    )
    # Every engine owns some partitions of sfc.commands: one record on each reaches all.
    partitions = await broadcast_command(services, record, key=name, headers=headers)
    return json_response(
        {"blueprint": name, "action": action, "messageId": message_id, "partitions": partitions},
        status=202,
    )


def _summary(catalog: Catalog, name: str) -> dict[str, Json]:
    versions = catalog.versions(name)
    latest = versions[-1]
    return {
        "name": name,
        "latestVersion": latest.version,
        "enabled": catalog.enabled(name),
        "versions": [found.version for found in versions],
        "messageType": _message_type(latest.definition),
        "comment": latest.comment,
        "deployedAt": latest.deployed_at,
    }


def _version(found: BlueprintVersion) -> dict[str, Json]:
    return {
        "name": found.name,
        "version": found.version,
        "deployedAt": found.deployed_at,
        "comment": found.comment,
        "messageType": _message_type(found.definition),
    }


def _message_type(definition: Json) -> str:
    value = definition.get("messageType") if isinstance(definition, dict) else None
    return value if isinstance(value, str) else "common"


_NAMED = (404, 503)
_CONTROL_REPLY = {202: Reply("Sent to every partition of sfc.commands", "BlueprintControl")}

ROUTES = [
    Route(
        "POST",
        BASE,
        deploy,
        "Deploy a new version of a blueprint",
        "blueprints",
        {201: Reply("The version stored", "Deployed")},
        errors=(400, 413, 503),
        body="BlueprintDeploy",
    ),
    Route(
        "GET",
        BASE,
        list_blueprints,
        "List blueprints",
        "blueprints",
        {200: Reply("Every blueprint", "BlueprintList")},
    ),
    Route(
        "GET",
        BASE + "/{name}",
        get_blueprint,
        "A blueprint and its latest definition",
        "blueprints",
        {200: Reply("The blueprint", "Blueprint")},
        errors=(404,),
    ),
    Route(
        "GET",
        BASE + "/{name}/versions",
        list_versions,
        "List a blueprint's versions",
        "blueprints",
        {200: Reply("Every version, oldest first", "BlueprintVersionList")},
        errors=(404,),
    ),
    Route(
        "GET",
        BASE + "/{name}/versions/{version}",
        get_version,
        "One version of a blueprint, with its definition",
        "blueprints",
        {200: Reply("The version", "BlueprintVersion")},
        errors=(400, 404),
    ),
    Route(
        "GET",
        BASE + "/{name}/diff",
        diff,
        "Compare two versions of a blueprint",
        "blueprints",
        {200: Reply("A unified diff and the states that changed", "BlueprintDiff")},
        errors=(400, 404),
        query=(
            Param("from", "The older version", {"type": "integer", "minimum": 1}, True),
            Param("to", "The newer version", {"type": "integer", "minimum": 1}, True),
        ),
    ),
    Route(
        "POST",
        BASE + "/{name}/enable",
        enable,
        "Accept new flows of a blueprint",
        "blueprints",
        {200: Reply("Enabled", "BlueprintEnabled")},
        errors=_NAMED,
    ),
    Route(
        "POST",
        BASE + "/{name}/disable",
        disable,
        "Refuse new flows of a blueprint; running flows go on",
        "blueprints",
        {200: Reply("Disabled", "BlueprintEnabled")},
        errors=_NAMED,
    ),
    Route(
        "POST",
        BASE + "/{name}/pause",
        pause,
        "Pause every running flow of a blueprint",
        "blueprints",
        _CONTROL_REPLY,
        errors=_NAMED,
        headers=(IDEMPOTENCY_KEY, TRACEPARENT),
    ),
    Route(
        "POST",
        BASE + "/{name}/resume",
        resume,
        "Resume every paused flow of a blueprint",
        "blueprints",
        _CONTROL_REPLY,
        errors=_NAMED,
        headers=(IDEMPOTENCY_KEY, TRACEPARENT),
    ),
]
