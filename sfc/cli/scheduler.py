"""``sfc scheduler``: run the scheduler role."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.errors import SfcError
from sfc.roles import HealthServer, run_until_signalled
from sfc.scheduler import Scheduler
from sfc.settings import load_settings


def scheduler_command(
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
) -> None:
    """Run a scheduler: keep the worker pools at the right size while it leads.

    Several may run: one leads, the others stand by and take over when it stops. The
    leader starts, watches and drains `sfc worker` processes on this machine.
    """
    try:
        settings = load_settings(config)
        setup_logging(settings.log)
        scheduler = Scheduler(settings)
        health = HealthServer(
            settings.scheduler.host, settings.scheduler.port, lambda: scheduler.ready
        )
        asyncio.run(run_until_signalled([health, scheduler]))
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
