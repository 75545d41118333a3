"""The blueprint and task-definition registry, kept in ``sfc.blueprints``."""

from sfc.registry.catalog import Catalog
from sfc.registry.records import BlueprintVersion, TaskDefinitionVersion
from sfc.registry.registry import Registry

__all__ = ["BlueprintVersion", "Catalog", "Registry", "TaskDefinitionVersion"]
