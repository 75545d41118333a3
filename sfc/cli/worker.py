"""``sfc worker``: serve jobs of a pool with handlers from Python modules."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.errors import SfcError
from sfc.roles import HealthServer, run_until_signalled
from sfc.settings import load_settings
from sfc.worker import Worker, load_handlers


def worker_command(
    module: Annotated[
        list[str], typer.Option("--module", "-m", help="A module defining sfc.worker.Handlers.")
    ],
    pool: Annotated[
        str | None,
        typer.Option(help="'common', or a blueprint's name for its specific pool."),
    ] = None,
    concurrency: Annotated[int | None, typer.Option(help="Jobs run at once.")] = None,
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
) -> None:
    """Run a worker: take jobs from a pool's topic and report their results.

    SIGTERM or SIGINT drains it: no new jobs, jobs in hand finish within
    worker.shutdown_grace_seconds, and those still running are handed back to the pool.
    """
    try:
        settings = load_settings(config)
        setup_logging(settings.log)
        sys.path.insert(0, str(Path.cwd()))
        handlers = load_handlers(module)
        worker = Worker(settings, pool or settings.worker.pool, handlers, concurrency)
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    health = HealthServer(settings.worker.host, settings.worker.port, lambda: worker.ready)
    asyncio.run(run_until_signalled([health, worker]))
