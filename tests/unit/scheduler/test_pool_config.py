"""Pools: settings, changes at run time and their checks, the workers' command."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from sfc.errors import InputError
from sfc.scheduler.local import worker_environment
from sfc.scheduler.pools import (
    PoolChanges,
    WorkerCommand,
    changed,
    check_module,
    check_name,
    check_replicas,
    desired_fixed,
    from_settings,
)
from sfc.scheduler.records import PoolConfig
from sfc.settings import PoolSettings, SchedulerSettings, Settings

COMMON = from_settings(PoolSettings(name="common", modules=["json"], max_replicas=4))


def test_changes_keep_what_they_leave_out() -> None:
    config = changed(COMMON, PoolChanges(max_replicas=6, cooldown_seconds=1.5), now=10.0)
    assert (config.max_replicas, config.cooldown_seconds) == (6, 1.5)
    assert (config.modules, config.min_replicas, config.target_pending) == (("json",), 1, 32)
    assert (config.source, config.updated_at, config.revision) == ("api", 10.0, 0)


def test_new_modules_or_a_roll_change_the_workers_command() -> None:
    before = WorkerCommand.of(COMMON)
    new_modules = changed(COMMON, PoolChanges(modules=["json", "csv"]))
    assert WorkerCommand.of(new_modules).arguments() == [
        "worker",
        "--pool",
        "common",
        "--module",
        "json",
        "--module",
        "csv",
    ]
    rolled = changed(COMMON, PoolChanges(roll=True))
    assert rolled.revision == 1
    assert WorkerCommand.of(rolled) != before
    assert WorkerCommand.of(rolled).fingerprint != before.fingerprint
    assert WorkerCommand.of(changed(COMMON, PoolChanges(max_replicas=9))) == before


def test_concurrency_is_passed_on_and_zero_age_turns_the_age_rule_off() -> None:
    config = changed(COMMON, PoolChanges(concurrency=3, max_age_seconds=20.0))
    assert WorkerCommand.of(config).arguments()[-2:] == ["--concurrency", "3"]
    assert config.max_age_seconds == 20.0
    assert changed(config, PoolChanges(max_age_seconds=0)).max_age_seconds is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (PoolChanges(min_replicas=5), "minReplicas"),
        (PoolChanges(max_replicas=0), "maxReplicas"),
        (PoolChanges(min_replicas=-1), "minReplicas"),
        (PoolChanges(target_pending=0), "targetPending"),
        (PoolChanges(cooldown_seconds=-1.0), "cooldownSeconds"),
        (PoolChanges(concurrency=0), "concurrency"),
        (PoolChanges(max_age_seconds=-3.0), "maxAgeSeconds"),
        (PoolChanges(modules=["no_such_module_here"]), "modules"),
        (PoolChanges(modules=["not a module"]), "modules"),
        (PoolChanges(modules=[]), "modules"),
    ],
)
def test_bad_changes_name_the_field_at_fault(changes: PoolChanges, field: str) -> None:
    with pytest.raises(InputError) as raised:
        changed(COMMON, changes)
    assert raised.value.field == field


def test_a_fixed_size_must_be_within_the_bounds() -> None:
    check_replicas(COMMON, 4)
    with pytest.raises(InputError, match="within 1 and 4"):
        check_replicas(COMMON, 5)
    assert desired_fixed(COMMON) is None
    assert desired_fixed(PoolConfig(name="common", modules=("json",), replicas=2)) == 2
    assert desired_fixed(PoolConfig(name="common", replicas=2)) == 0, "no module, no worker"


def test_a_pool_is_common_or_a_deployed_blueprint() -> None:
    check_name("common", {})
    check_name("orders", {"orders": "specific"})
    for name in ("orders", "../etc", ""):
        with pytest.raises(InputError, match="unknown pool"):
            check_name(name, {})


def test_modules_are_found_without_being_imported() -> None:
    check_module("json")
    check_module("sfc.worker")
    with pytest.raises(InputError, match="unknown module"):
        check_module("sfc.no_such_thing")


def test_settings_refuse_inverted_bounds_and_duplicate_pools() -> None:
    with pytest.raises(ValidationError, match="over max_replicas"):
        PoolSettings(min_replicas=3, max_replicas=2)
    with pytest.raises(ValidationError, match="within min and max"):
        PoolSettings(replicas=9)
    with pytest.raises(ValidationError, match="more than once"):
        SchedulerSettings(pools=[PoolSettings(), PoolSettings()])
    assert [p.name for p in SchedulerSettings().pools] == ["common"]


def test_workers_get_the_settings_as_environment_variables() -> None:
    settings = Settings.model_validate(
        {
            "kafka": {"bootstrap_servers": "broker:9999", "session_timeout_ms": 1500},
            "worker": {"port": 1234, "shutdown_grace_seconds": 7.5},
            "log": {"level": "DEBUG"},
            "gateway": {"token": SecretStr("secret")},
        }
    )
    env = worker_environment(settings, {"EXTRA": "1"})
    assert env["SFC_KAFKA__BOOTSTRAP_SERVERS"] == "broker:9999"
    assert env["SFC_KAFKA__SESSION_TIMEOUT_MS"] == "1500"
    assert env["SFC_WORKER__SHUTDOWN_GRACE_SECONDS"] == "7.5"
    assert env["SFC_LOG__LEVEL"] == "DEBUG"
    assert env["EXTRA"] == "1"
    assert "SFC_WORKER__PORT" not in env or env["SFC_WORKER__PORT"] != "1234"
    assert "SFC_GATEWAY__TOKEN" not in env or env["SFC_GATEWAY__TOKEN"] != "secret"
