"""``sfc exporter``: run the exporter role."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.errors import SfcError
from sfc.exporter import Exporter
from sfc.index import IndexStore
from sfc.index.stores import make_store
from sfc.roles import HealthServer, run_until_signalled
from sfc.settings import load_settings


class _OpenStore:
    """The index store as a service: opened first, closed last."""

    def __init__(self, store: IndexStore) -> None:
        self._store = store

    async def start(self) -> None:
        await self._store.open()

    async def stop(self) -> None:
        await self._store.close()


def exporter_command(
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
    host: Annotated[
        str | None, typer.Option(help="Address of the health and metrics server.")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port of the health and metrics server; 0 picks one.")
    ] = None,
) -> None:
    """Run an exporter: index every flow's history from sfc.events into the monitor's store."""
    try:
        settings = load_settings(config)
        setup_logging(settings.log)
        store = make_store(settings.monitor)
        exporter = Exporter(settings, store)
        monitor = settings.monitor
        health = HealthServer(
            host or monitor.host, monitor.port if port is None else port, lambda: exporter.ready
        )
        asyncio.run(run_until_signalled([_OpenStore(store), exporter, health]))
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
