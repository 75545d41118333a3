"""``sfc engine``: run the engine role."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.engine import Engine
from sfc.roles import HealthServer, run_until_signalled
from sfc.settings import load_settings


def engine_command(
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
) -> None:
    """Run an engine: apply commands to the flows of the partitions it owns."""
    settings = load_settings(config)
    setup_logging(settings.log)
    engine = Engine(settings)
    health = HealthServer(settings.engine.host, settings.engine.port, lambda: engine.ready)
    asyncio.run(run_until_signalled([engine, health]))
