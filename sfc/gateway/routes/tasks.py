"""``/api/v1/tasks``: task definitions, versioned apart from the blueprints that use them."""

from __future__ import annotations

from aiohttp import web

from sfc.core.types import Json
from sfc.gateway.bodies import MAX_DEFINITION_BYTES, Body, read_json
from sfc.gateway.lookup import task_version, task_versions
from sfc.gateway.routes.common import API, version_of_path
from sfc.gateway.routing import Reply, Route, json_response, services_of
from sfc.registry import Catalog, TaskDefinitionVersion

BASE = f"{API}/tasks"


async def deploy_task(request: web.Request) -> web.Response:
    """Store a task definition's next version."""
    services = services_of(request)
    body = Body(await read_json(request, MAX_DEFINITION_BYTES), {"name", "definition"})
    name, definition = body.string("name"), body.object("definition")
    deployed = await services.registry.deploy_task(name, definition)
    return json_response({"name": deployed.name, "version": deployed.version}, status=201)


async def list_tasks(request: web.Request) -> web.Response:
    """Every task definition with its latest version."""
    catalog = services_of(request).registry.catalog
    return json_response({"items": [_summary(catalog, name) for name in catalog.task_names()]})


async def list_task_versions(request: web.Request) -> web.Response:
    """Every version of a task definition, oldest first, with definitions."""
    services = services_of(request)
    name = request.match_info["name"]
    versions = task_versions(services, name)
    return json_response({"name": name, "items": [_version(v) for v in versions]})


async def get_task_version(request: web.Request) -> web.Response:
    """One version of a task definition."""
    services = services_of(request)
    found = task_version(services, request.match_info["name"], version_of_path(request))
    return json_response(_version(found))


def _summary(catalog: Catalog, name: str) -> dict[str, Json]:
    versions = catalog.task_versions(name)
    return {
        "name": name,
        "latestVersion": versions[-1].version,
        "versions": [found.version for found in versions],
        "deployedAt": versions[-1].deployed_at,
    }


def _version(found: TaskDefinitionVersion) -> dict[str, Json]:
    return {
        "name": found.name,
        "version": found.version,
        "deployedAt": found.deployed_at,
        "definition": found.definition,
    }


ROUTES = [
    Route(
        "POST",
        BASE,
        deploy_task,
        "Deploy a new version of a task definition",
        "tasks",
        {201: Reply("The version stored", "Deployed")},
        errors=(400, 413, 503),
        body="TaskDeploy",
    ),
    Route(
        "GET",
        BASE,
        list_tasks,
        "List task definitions",
        "tasks",
        {200: Reply("Every task definition", "TaskList")},
    ),
    Route(
        "GET",
        BASE + "/{name}/versions",
        list_task_versions,
        "List a task definition's versions",
        "tasks",
        {200: Reply("Every version, oldest first", "TaskVersionList")},
        errors=(404,),
    ),
    Route(
        "GET",
        BASE + "/{name}/versions/{version}",
        get_task_version,
        "One version of a task definition",
        "tasks",
        {200: Reply("The version", "TaskVersion")},
        errors=(400, 404),
    ),
]
