"""``sfc gateway``: run the gateway role (the REST API) on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.errors import SfcError
from sfc.gateway import GatewayRole
from sfc.roles import run_until_signalled
from sfc.settings import Settings, load_settings


def gateway_command(
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
    host: Annotated[
        str | None, typer.Option(help="Address to bind [default: settings, 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: settings, 8080].")] = None,
) -> None:
    """Run the gateway: deploy blueprints, start, read and control flows over HTTP."""
    try:
        settings = _with_address(load_settings(config), host, port)
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    setup_logging(settings.log)
    try:
        asyncio.run(run_until_signalled([GatewayRole(settings)]))
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


def _with_address(settings: Settings, host: str | None, port: int | None) -> Settings:
    changes: dict[str, object] = {}
    if host is not None:
        changes["host"] = host
    if port is not None:
        changes["port"] = port
    if not changes:
        return settings
    return settings.model_copy(update={"gateway": settings.gateway.model_copy(update=changes)})
