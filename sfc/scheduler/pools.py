"""Pools: from the settings, changed at run time, checked, and the command of their workers."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import msgspec

from sfc.errors import InputError
from sfc.scheduler.records import PoolConfig
from sfc.scheduler.rule import Sizing
from sfc.settings import POOL_NAME, PoolSettings

COMMON: Final = "common"
"""The pool of every ``common`` blueprint."""

_NAME: Final = re.compile(POOL_NAME)
_MODULE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


@dataclass(frozen=True)
class WorkerCommand:
    """What a pool's workers run: ``sfc worker --pool <pool> --module <m>...``.

    Attributes:
        pool: The pool.
        modules: Handler modules.
        concurrency: ``--concurrency``, if set.
        revision: The pool's revision: a new one rolls the workers over even when the
            modules are the same (their code changed).
    """

    pool: str
    modules: tuple[str, ...]
    concurrency: int | None = None
    revision: int = 0

    @classmethod
    def of(cls, config: PoolConfig) -> WorkerCommand:
        """The command of a pool's workers."""
        return cls(config.name, config.modules, config.concurrency, config.revision)

    def arguments(self) -> list[str]:
        """The arguments after ``sfc``."""
        arguments = ["worker", "--pool", self.pool]
        for module in self.modules:
            arguments += ["--module", module]
        if self.concurrency is not None:
            arguments += ["--concurrency", str(self.concurrency)]
        return arguments

    @property
    def fingerprint(self) -> str:
        """A short digest telling two commands apart (a Kubernetes label, say)."""
        text = " ".join([*self.arguments(), f"revision={self.revision}"])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def from_settings(pool: PoolSettings) -> PoolConfig:
    """A pool declared in the settings."""
    return PoolConfig(
        name=pool.name,
        modules=tuple(pool.modules),
        min_replicas=pool.min_replicas,
        max_replicas=pool.max_replicas,
        target_pending=pool.target_pending,
        cooldown_seconds=pool.cooldown_seconds,
        max_age_seconds=pool.max_age_seconds,
        concurrency=pool.concurrency,
        replicas=pool.replicas,
    )


def sizing(config: PoolConfig) -> Sizing:
    """The scaling rule's view of a pool."""
    return Sizing(
        config.min_replicas,
        config.max_replicas,
        config.target_pending,
        config.cooldown_seconds,
        config.max_age_seconds,
    )


def desired_fixed(config: PoolConfig) -> int | None:
    """The pool's size when it is not the scaling rule's to decide, else None."""
    if not config.modules:
        return 0
    return config.replicas


class PoolChanges(msgspec.Struct, frozen=True, rename="camel", forbid_unknown_fields=True):
    """What ``PUT /api/v1/pools/{name}`` may change; fields left out keep their value.

    ``maxAgeSeconds: 0`` turns the age rule off.
    """

    modules: list[str] | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    target_pending: int | None = None
    cooldown_seconds: float | None = None
    max_age_seconds: float | None = None
    concurrency: int | None = None
    roll: bool = False


def check_name(name: str, blueprints: Mapping[str, str]) -> None:
    """Check that ``name`` can be a pool: ``common`` or a deployed blueprint.

    Args:
        name: The pool's name.
        blueprints: Each deployed blueprint's ``messageType``, by name.

    Raises:
        InputError: It cannot.
    """
    if name == COMMON:
        return
    if not _NAME.match(name) or name not in blueprints:
        raise InputError(
            f"unknown pool {name!r}: a pool is 'common' or the name of a deployed blueprint",
            field="name",
        )


def check_module(name: str) -> None:
    """Check that a handler module can be found here, without importing it.

    Raises:
        InputError: The name is malformed or no such module is found.
    """
    if not _MODULE.match(name):
        raise InputError(f"{name!r} is not a Python module name", field="modules")
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise InputError(f"unknown module {name!r}: it cannot be imported here", field="modules")


def changed(current: PoolConfig, changes: PoolChanges, now: float | None = None) -> PoolConfig:
    """A pool with changes applied, checked.

    A new module list or concurrency changes the workers' command, so they roll over;
    ``roll`` raises the revision to roll them over to new code of the same modules.

    Raises:
        InputError: A value is out of range, or a module is unknown.
    """
    modules = current.modules if changes.modules is None else tuple(changes.modules)
    if changes.modules is not None:
        if not modules:
            raise InputError(
                "modules must name a module at least (minReplicas 0 lets a pool stop)",
                field="modules",
            )
        for module in modules:
            check_module(module)
    update = {
        name: value
        for name, value in msgspec.structs.asdict(changes).items()
        if value is not None and name not in ("modules", "roll")
    }
    if changes.max_age_seconds == 0:
        update["max_age_seconds"] = None
    config = msgspec.structs.replace(
        current,
        **update,
        modules=modules,
        revision=current.revision + (1 if changes.roll else 0),
        source="api",
        updated_at=time.time() if now is None else now,
    )
    check_bounds(config)
    return config


def check_bounds(config: PoolConfig) -> None:
    """Check a pool's numbers.

    Raises:
        InputError: One is out of range, naming the field.
    """
    _at_least(config.min_replicas, 0, "minReplicas")
    _at_least(config.max_replicas, 1, "maxReplicas")
    _at_least(config.target_pending, 1, "targetPending")
    if config.cooldown_seconds < 0:
        raise InputError("cooldownSeconds must be 0 or more", field="cooldownSeconds")
    if config.max_age_seconds is not None and config.max_age_seconds <= 0:
        raise InputError("maxAgeSeconds must be more than 0", field="maxAgeSeconds")
    if config.concurrency is not None:
        _at_least(config.concurrency, 1, "concurrency")
    if config.min_replicas > config.max_replicas:
        raise InputError(
            f"minReplicas ({config.min_replicas}) is over maxReplicas ({config.max_replicas})",
            field="minReplicas",
        )
    if config.replicas is not None:
        check_replicas(config, config.replicas)


def check_replicas(config: PoolConfig, replicas: int) -> None:
    """Check a fixed size against the pool's bounds.

    Raises:
        InputError: It is outside ``[minReplicas, maxReplicas]``.
    """
    if not config.min_replicas <= replicas <= config.max_replicas:
        raise InputError(
            f"replicas must be within {config.min_replicas} and {config.max_replicas} "
            f"(the pool's minReplicas and maxReplicas), not {replicas}",
            field="replicas",
        )


def _at_least(value: int, minimum: int, field: str) -> None:
    if value < minimum:
        raise InputError(f"{field} must be {minimum} or more, not {value}", field=field)
