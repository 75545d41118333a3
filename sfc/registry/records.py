"""Records of the registry topic (``sfc.blueprints``), one partition, read in order.

A version number is never written: it is the ordinal of a deploy record among those of
the same name in the log, so every reader derives the same numbers and two concurrent
deploys of one name cannot claim the same version. Keys are unique per deploy, so log
compaction never drops a version.
"""

from __future__ import annotations

import msgspec

from sfc.core.types import Json


class BlueprintDeployed(msgspec.Struct, frozen=True, tag=True, rename="camel", omit_defaults=True):
    """A new version of a blueprint."""

    deploy_id: str
    name: str
    definition: Json
    deployed_at: float
    comment: str | None = None
    task_versions: dict[str, int] = {}


class BlueprintStatus(msgspec.Struct, frozen=True, tag=True, rename="camel"):
    """A blueprint enabled (new flows accepted) or disabled."""

    name: str
    enabled: bool
    at: float


class TaskDefinitionDeployed(
    msgspec.Struct, frozen=True, tag=True, rename="camel", omit_defaults=True
):
    """A new version of a task definition."""

    deploy_id: str
    name: str
    definition: Json
    deployed_at: float


class RegistrySync(msgspec.Struct, frozen=True, tag=True, rename="camel"):
    """A marker a reader writes and waits for, to know it has read everything before it."""

    nonce: str


RegistryRecord = BlueprintDeployed | BlueprintStatus | TaskDefinitionDeployed | RegistrySync

DECODER = msgspec.json.Decoder(RegistryRecord)


class BlueprintVersion(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One immutable version of a blueprint, as the registry holds it."""

    name: str
    version: int
    definition: Json
    deployed_at: float
    deploy_id: str
    comment: str | None = None
    task_versions: dict[str, int] = {}


class TaskDefinitionVersion(msgspec.Struct, frozen=True, rename="camel"):
    """One immutable version of a task definition."""

    name: str
    version: int
    definition: Json
    deployed_at: float
