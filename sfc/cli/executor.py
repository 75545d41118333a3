"""``sfc executor``: run the executor role (sync HTTP and gRPC tasks)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.errors import SfcError
from sfc.executor import Executor
from sfc.roles import HealthServer, run_until_signalled
from sfc.settings import load_settings


def executor_command(
    descriptor_set: Annotated[
        list[Path] | None,
        typer.Option(
            "--descriptor-set",
            help="A protobuf descriptor set describing gRPC services (repeatable; added to "
            "the settings' executor.descriptor_sets).",
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
) -> None:
    """Run an executor: make the HTTP and gRPC calls of Task states and report the results."""
    settings = load_settings(config)
    setup_logging(settings.log)
    if descriptor_set:
        settings.executor.descriptor_sets = [*settings.executor.descriptor_sets, *descriptor_set]
    try:
        executor = Executor(settings)
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    host, port = settings.executor.host, settings.executor.port
    health = HealthServer(host, port, lambda: executor.ready)
    asyncio.run(run_until_signalled([executor, health]))
