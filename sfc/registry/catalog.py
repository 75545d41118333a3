"""What the registry log says, folded into maps: pure, no I/O."""

from __future__ import annotations

from collections import defaultdict

from sfc.core.blueprint import Blueprint, load_blueprint
from sfc.core.blueprint.tasks import apply_task_definitions
from sfc.core.types import Json
from sfc.registry.records import (
    BlueprintDeployed,
    BlueprintStatus,
    BlueprintVersion,
    RegistryRecord,
    TaskDefinitionDeployed,
    TaskDefinitionVersion,
)


class Catalog:
    """Every blueprint version, task definition version and enabled flag seen so far."""

    def __init__(self) -> None:
        self._versions: dict[str, list[BlueprintVersion]] = defaultdict(list)
        self._tasks: dict[str, list[TaskDefinitionVersion]] = defaultdict(list)
        self._enabled: dict[str, bool] = {}
        self._deploys: set[str] = set()
        self._compiled: dict[tuple[str, int], Blueprint] = {}
        self.syncs: set[str] = set()

    def apply(self, record: RegistryRecord) -> None:
        """Fold one record of the log in."""
        if isinstance(record, BlueprintDeployed):
            if record.deploy_id in self._deploys:
                return
            self._deploys.add(record.deploy_id)
            versions = self._versions[record.name]
            versions.append(
                BlueprintVersion(
                    record.name,
                    len(versions) + 1,
                    record.definition,
                    record.deployed_at,
                    record.deploy_id,
                    record.comment,
                    record.task_versions,
                )
            )
            self._enabled.setdefault(record.name, True)
        elif isinstance(record, BlueprintStatus):
            self._enabled[record.name] = record.enabled
        elif isinstance(record, TaskDefinitionDeployed):
            if record.deploy_id in self._deploys:
                return
            self._deploys.add(record.deploy_id)
            tasks = self._tasks[record.name]
            tasks.append(
                TaskDefinitionVersion(
                    record.name, len(tasks) + 1, record.definition, record.deployed_at
                )
            )
        else:
            self.syncs.add(record.nonce)

    def names(self) -> list[str]:
        """Every blueprint name, sorted."""
        return sorted(self._versions)

    def versions(self, name: str) -> list[BlueprintVersion]:
        """Every version of a blueprint, oldest first (empty if unknown)."""
        return list(self._versions.get(name, ()))

    def version(self, name: str, version: int | None = None) -> BlueprintVersion | None:
        """One version (the latest when ``version`` is None), or None."""
        versions = self._versions.get(name)
        if not versions:
            return None
        if version is None:
            return versions[-1]
        return versions[version - 1] if 1 <= version <= len(versions) else None

    def version_of_deploy(self, deploy_id: str, name: str) -> int | None:
        """The version a deploy record became, once it has been read."""
        for found in self._versions.get(name, ()):
            if found.deploy_id == deploy_id:
                return found.version
        return None

    def enabled(self, name: str) -> bool:
        """Whether new flows of the blueprint are accepted."""
        return self._enabled.get(name, False)

    def blueprint(self, name: str, version: int | None = None) -> Blueprint | None:
        """A version compiled for the interpreter (compiled once, then cached).

        Raises:
            InvalidBlueprintError: The stored definition is invalid.
        """
        found = self.version(name, version)
        if found is None:
            return None
        key = (name, found.version)
        compiled = self._compiled.get(key)
        if compiled is None:
            definition = apply_task_definitions(
                found.definition, found.task_versions, self.task_definition
            )
            compiled = load_blueprint(definition, name, found.version)
            self._compiled[key] = compiled
        return compiled

    def task_definition(self, name: str, version: int) -> Json:
        """The JSON of one task definition version, or None."""
        found = self.task(name, version)
        return None if found is None else found.definition

    def task_versions(self, name: str) -> list[TaskDefinitionVersion]:
        """Every version of a task definition, oldest first."""
        return list(self._tasks.get(name, ()))

    def task_names(self) -> list[str]:
        """Every task definition name, sorted."""
        return sorted(self._tasks)

    def task(self, name: str, version: int | None = None) -> TaskDefinitionVersion | None:
        """One task definition version (the latest when ``version`` is None)."""
        tasks = self._tasks.get(name)
        if not tasks:
            return None
        if version is None:
            return tasks[-1]
        return tasks[version - 1] if 1 <= version <= len(tasks) else None
