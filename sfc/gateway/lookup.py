"""Finding what a request names, or answering 404 with the field at fault."""

from __future__ import annotations

from sfc.gateway.errors import MissingError
from sfc.gateway.services import GatewayServices
from sfc.index import FlowRecord
from sfc.registry import BlueprintVersion, TaskDefinitionVersion


def blueprint_version(
    services: GatewayServices,
    name: str,
    version: int | None = None,
    *,
    name_field: str = "name",
    version_field: str = "version",
) -> BlueprintVersion:
    """A blueprint's version (the latest when ``version`` is None) from the registry.

    Raises:
        MissingError: No such blueprint (naming ``name_field``) or version
            (naming ``version_field``).
    """
    catalog = services.registry.catalog
    found = catalog.version(name, version)
    if found is not None:
        return found
    if not catalog.versions(name):
        raise MissingError(f"no blueprint named {name!r}", field=name_field)
    raise MissingError(f"blueprint {name!r} has no version {version}", field=version_field)


def task_versions(services: GatewayServices, name: str) -> list[TaskDefinitionVersion]:
    """Every version of a task definition, oldest first.

    Raises:
        MissingError: No such task definition.
    """
    versions = services.registry.catalog.task_versions(name)
    if not versions:
        raise MissingError(f"no task definition named {name!r}", field="name")
    return versions


def task_version(services: GatewayServices, name: str, version: int) -> TaskDefinitionVersion:
    """One version of a task definition.

    Raises:
        MissingError: No such task definition or version.
    """
    versions = task_versions(services, name)
    if version > len(versions):
        raise MissingError(f"task definition {name!r} has no version {version}", field="version")
    return versions[version - 1]


async def flow_record(services: GatewayServices, flow_id: str) -> FlowRecord:
    """A flow as the index knows it.

    Raises:
        MissingError: The index does not know the flow (yet).
    """
    found = await services.index.get_flow(flow_id)
    if found is None:
        raise MissingError(f"no flow with id {flow_id!r}", field="id")
    return found
