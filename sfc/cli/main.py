"""``sfc``: the command-line entry point; each sub-command lives in its own module."""

from __future__ import annotations

import typer

from sfc import __version__
from sfc.cli import blueprint, flow, pool
from sfc.cli.dev import dev_command
from sfc.cli.engine import engine_command
from sfc.cli.executor import executor_command
from sfc.cli.exporter import exporter_command
from sfc.cli.gateway import gateway_command
from sfc.cli.scheduler import scheduler_command
from sfc.cli.worker import worker_command

app = typer.Typer(
    name="sfc",
    help="SFC, the service flow conductor: run Amazon States Language blueprints over Kafka.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(blueprint.app, name="blueprint")
app.add_typer(flow.app, name="flow")
app.add_typer(pool.app, name="pool")
app.command("dev")(dev_command)
app.command("engine")(engine_command)
app.command("executor")(executor_command)
app.command("exporter")(exporter_command)
app.command("gateway")(gateway_command)
app.command("scheduler")(scheduler_command)
app.command("worker")(worker_command)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"sfc {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """SFC, the service flow conductor."""
