"""``sfc dev``: every role in one process on the embedded broker, with the examples."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.logs import setup_logging
from sfc.dev import DevStack
from sfc.dev.example import BLUEPRINT, ExampleOptions
from sfc.dev.stack import DevOptions
from sfc.errors import SfcError
from sfc.roles import run_until_signalled
from sfc.settings import load_settings

DEFAULT_WORKERS = ["workers.examples", "workers.orders"]


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
    example: Annotated[
        bool, typer.Option(help="Run the order example's services (inventory, pricing, ...).")
    ] = True,
    orders: Annotated[
        int, typer.Option(min=0, help="Example orders to publish once everything is up.")
    ] = 3,
    flaky: Annotated[
        int, typer.Option(min=0, help="The inventory fails every N-th reservation (0: never).")
    ] = 4,
) -> None:
    """Run SFC on this machine: broker, engine, workers, executor, exporter and gateway.

    Also runs the order example's services (see docs/example.md). Data lives in memory for
    as long as the command runs; Ctrl-C stops everything.
    """
    settings = load_settings(config)
    setup_logging(settings.log)
    sys.path.insert(0, str(Path.cwd()))
    options = DevOptions(
        port,
        host,
        blueprints,
        workers or DEFAULT_WORKERS,
        data_dir,
        token,
        ExampleOptions(enabled=example, orders=orders, fail_every=flaky),
    )
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
        lines += _order_example(stack, url, auth)
        typer.echo("\n".join(lines) + "\n")

    async def stop(self) -> None:
        return None


def _example(stack: DevStack) -> tuple[str, str] | None:
    if not stack.deployed:
        return None
    name = stack.deployed[0].name
    return name, _start_body(stack, name)


def _start_body(stack: DevStack, name: str) -> str:
    sample = stack.options.blueprints / f"{name}.input.json"
    flow_input = sample.read_text().strip() if sample.is_file() else "{}"
    compact = " ".join(flow_input.split())
    return f'{{"blueprint": "{name}", "input": {compact}}}'


def _order_example(stack: DevStack, url: str, auth: str) -> list[str]:
    example = stack.example
    if example is None:
        return []
    broker = stack.broker.bootstrap_servers
    published = ", ".join(str(order["order_id"]) for order in stack.published) or "none"
    every = example.options.fail_every
    flaky = f"fails 1 reservation in {every}: Retry" if every else "never fails"
    return [
        "",
        f"The order example ({BLUEPRINT}; docs/example.md):",
        f"  inventory http://{example.inventory_address} ({flaky}),"
        f" pricing grpc://{example.pricing_address},",
        "  financial statistics (Faust), payment simulator. Orders published: " + published,
        "  Publish more orders (each starts a flow):",
        f"    python -m workers.order_publisher --broker {broker} --count 3",
        "  Watch them (and in the dashboard):",
        f"    curl -s '{url}/api/v1/flows?blueprint={BLUEPRINT}'{auth}",
        f"    sfc flow steps <flow id> --url {url}",
        "  Start one over the API, then confirm its payment (else it is cancelled in 120 s):",
        f"    curl -s -X POST '{url}/api/v1/flows'{auth} -H 'Content-Type: application/json'"
        f" -d '{_start_body(stack, BLUEPRINT)}'",
        f"    python -m workers.payments --broker {broker} --confirm TM-20261121-demo0001",
    ]
