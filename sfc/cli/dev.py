"""``sfc dev``: every role in one process on the embedded broker, with the examples."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.dev import DevStack
from sfc.dev.stack import DevOptions
from sfc.errors import SfcError
from sfc.roles import run_until_signalled
from sfc.settings import load_settings

DEFAULT_WORKERS = ["workers.examples"]


def dev_command(
    port: Annotated[int, typer.Option(help="The gateway's port.")] = 8080,
    host: Annotated[str, typer.Option(help="The gateway's address.")] = "127.0.0.1",
    blueprints: Annotated[
        Path, typer.Option(help="Folder of <name>.asl.json blueprints to deploy.")
    ] = Path("blueprints"),
    workers: Annotated[
        list[str] | None,
        typer.Option("--workers", help="Modules with handlers for the in-process worker."),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Keep the monitor's SQLite file here (default: temporary).")
    ] = None,
    token: Annotated[str | None, typer.Option(help="Require this bearer token on the API.")] = None,
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
) -> None:
    """Run SFC on this machine: broker, engine, workers, exporter and gateway, in one command.

    Data lives in memory for as long as the command runs; Ctrl-C stops everything.
    """
    settings = load_settings(config)
    setup_logging(settings.log)
    sys.path.insert(0, str(Path.cwd()))
    options = DevOptions(port, host, blueprints, workers or DEFAULT_WORKERS, data_dir, token)
    stack = DevStack(options, settings)
    try:
        asyncio.run(run_until_signalled([stack, _Banner(stack)]))
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


class _Banner:
    """Prints where everything is once the stack is up."""

    def __init__(self, stack: DevStack) -> None:
        self._stack = stack

    async def start(self) -> None:
        stack = self._stack
        assert stack.server is not None
        url = stack.server.url
        auth = f' -H "Authorization: Bearer {stack.options.token}"' if stack.options.token else ""
        lines = [
            "",
            "SFC is running (Ctrl-C stops it).",
            f"  API        {url}/api/v1   (OpenAPI: {url}/openapi.json)",
            f"  Dashboard  {url}/",
            f"  Metrics    {url}/metrics",
            f"  Broker     {stack.broker.bootstrap_servers}",
            "  Blueprints " + ", ".join(f"{v.name}:{v.version}" for v in stack.deployed),
        ]
        example = _example(stack)
        if example:
            name, body = example
            lines += [
                "",
                f"Start a {name} flow and wait for its outcome:",
                f"  curl -s -X POST '{url}/api/v1/flows?wait=10'{auth} "
                f"-H 'Content-Type: application/json' -d '{body}'",
            ]
        typer.echo("\n".join(lines) + "\n")

    async def stop(self) -> None:
        return None


def _example(stack: DevStack) -> tuple[str, str] | None:
    if not stack.deployed:
        return None
    name = stack.deployed[0].name
    sample = stack.options.blueprints / f"{name}.input.json"
    flow_input = sample.read_text().strip() if sample.is_file() else "{}"
    compact = " ".join(flow_input.split())
    return name, f'{{"blueprint": "{name}", "input": {compact}}}'
