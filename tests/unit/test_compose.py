"""compose/docker-compose.yml parses as Compose and matches SFC's commands and settings.

No Docker engine runs here, so the file is checked the other ways it can go wrong: a
strict Compose parser, SFC commands that exist, and SFC_ variables that name real settings
with values the settings accept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sfc.cli.main import app
from sfc.settings import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "compose" / "docker-compose.yml"


def _services() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]
    return services


def _sfc_services() -> dict[str, Any]:
    return {name: s for name, s in _services().items() if s.get("image", "").startswith("sfc")}


def test_the_file_is_valid_compose() -> None:
    compose_spec = pytest.importorskip("compose_spec")
    parsed = compose_spec.PyCompose.from_yaml(COMPOSE.read_text())
    assert set(parsed.service_names()) == set(_services())


def test_every_sfc_service_runs_an_existing_sfc_command() -> None:
    commands = {c.name for c in app.registered_commands}
    roles = {name: service["command"][0] for name, service in _sfc_services().items()}
    assert {"engine", "gateway", "exporter", "executor", "scheduler"} <= set(roles.values())
    assert set(roles.values()) <= commands


@pytest.mark.parametrize("name", sorted(_sfc_services()))
def test_sfc_variables_name_real_settings_with_valid_values(name: str) -> None:
    environment = _sfc_services()[name]["environment"]
    tree: dict[str, Any] = {}
    for variable, value in environment.items():
        if not variable.startswith("SFC_"):
            continue
        section, _, field = variable.removeprefix("SFC_").lower().partition("__")
        assert section in Settings.model_fields, variable
        model = Settings.model_fields[section].annotation
        assert model is not None
        assert field in model.model_fields, variable
        tree.setdefault(section, {})[field] = "token" if "${" in str(value) else value
    Settings.model_validate(_decoded(tree))


def _decoded(tree: dict[str, Any]) -> dict[str, Any]:
    import json

    return {
        section: {k: json.loads(v) if str(v).startswith("[") else v for k, v in fields.items()}
        for section, fields in tree.items()
    }


@pytest.mark.parametrize("name", sorted(_sfc_services()))
def test_health_checks_ask_the_port_the_role_serves_on(name: str) -> None:
    service = _sfc_services()[name]
    probe = " ".join(service["healthcheck"]["test"])
    port = re.search(r"127\.0\.0\.1:(\d+)/", probe)
    assert port is not None
    ports = [v for k, v in service["environment"].items() if k.endswith("__PORT")]
    assert ports == [port.group(1)]
