"""``sfc pool``: list, change and scale worker pools (through a gateway)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sfc.cli.client import ConfigOption, TokenOption, UrlOption, call, connect, fail, run, segment
from sfc.core.types import Json
from sfc.errors import SfcError

app = typer.Typer(
    help="List, change and scale worker pools (through a gateway).", no_args_is_help=True
)

PoolName = Annotated[str, typer.Argument(help="'common', or a blueprint's name.")]


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the gateway's JSON.")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Print the pools, their workers and pending jobs, and which blueprints need a pool."""
    gateway = connect(url, token, config)
    if as_json:
        run(gateway, "GET", "/api/v1/pools")
        return
    try:
        answer = call(gateway, "GET", "/api/v1/pools")
    except SfcError as exc:
        fail(exc)
    typer.echo("\n".join(overview_lines(answer)))


@app.command("set")
def set_command(
    name: PoolName,
    module: Annotated[
        list[str] | None,
        typer.Option("--module", "-m", help="A handler module (repeat for several)."),
    ] = None,
    min_replicas: Annotated[
        int | None, typer.Option("--min", min=0, help="Workers at least.")
    ] = None,
    max_replicas: Annotated[
        int | None, typer.Option("--max", min=1, help="Workers at most.")
    ] = None,
    target: Annotated[
        int | None, typer.Option("--target", min=1, help="Pending jobs per worker.")
    ] = None,
    cooldown: Annotated[
        float | None, typer.Option("--cooldown", min=0, help="Seconds before shrinking.")
    ] = None,
    max_age: Annotated[
        float | None,
        typer.Option(
            "--max-age", min=0, help="Add a worker while the oldest job is older (0: off)."
        ),
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Jobs each worker runs at once.")
    ] = None,
    roll: Annotated[
        bool, typer.Option("--roll", help="Roll the workers over to new code of the same modules.")
    ] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Create a pool or change it; options left out keep their value."""
    body: dict[str, Json] = {
        key: value
        for key, value in {
            "modules": module or None,
            "minReplicas": min_replicas,
            "maxReplicas": max_replicas,
            "targetPending": target,
            "cooldownSeconds": cooldown,
            "maxAgeSeconds": max_age,
            "concurrency": concurrency,
        }.items()
        if value is not None
    }
    if roll:
        body["roll"] = True
    run(connect(url, token, config), "PUT", f"/api/v1/pools/{segment(name)}", body=body)


@app.command("scale")
def scale_command(
    name: PoolName,
    replicas: Annotated[
        int | None, typer.Argument(min=0, help="Workers to run (leave out with --auto).")
    ] = None,
    auto: Annotated[bool, typer.Option("--auto", help="Return the pool to autoscaling.")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Give a pool a fixed number of workers, or return it to autoscaling (--auto)."""
    if (replicas is None) == (not auto):
        typer.echo("error: give a number of workers, or --auto", err=True)
        raise typer.Exit(1)
    path = f"/api/v1/pools/{segment(name)}/scale"
    run(connect(url, token, config), "POST", path, body={"replicas": replicas})


def overview_lines(answer: Json) -> list[str]:
    """``GET /api/v1/pools`` as lines for people: a table of pools, then the advice."""
    body: dict[str, Any] = answer if isinstance(answer, dict) else {}
    leader = body.get("scheduler")
    lines = [_leader_line(leader), ""]
    header = ("POOL", "MODULES", "MIN", "MAX", "DESIRED", "READY", "PENDING", "OLDEST")
    rows = [header, *(_row(pool) for pool in body.get("items", []))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for pool in body.get("items", []):
        failure = pool.get("failure")
        if failure:
            lines.append(f"\npool {pool['name']}: workers fail to start: {failure['message']}")
            lines += [f"  | {line}" for line in str(failure.get("stderr", "")).splitlines()]
    advice = body.get("advice", [])
    if advice:
        lines += ["", "Advice:"]
        lines += [
            f"  {item['blueprint']} ({', '.join(item['reasons'])}): {item['message']}"
            for item in advice
        ]
    return lines


def _leader_line(leader: Any) -> str:
    if not isinstance(leader, dict):
        return "No scheduler leads: pools are not being sized."
    return f"Scheduler {leader['id']} leads (epoch {leader['epoch']})."


def _row(pool: dict[str, Any]) -> tuple[str, ...]:
    def shown(value: Any) -> str:
        return "-" if value is None else str(value)

    modules = ",".join(pool.get("modules", [])) or "-"
    fixed = pool.get("replicas")
    desired = shown(pool.get("desired")) + (" (fixed)" if fixed is not None else "")
    return (
        pool["name"],
        modules,
        str(pool["minReplicas"]),
        str(pool["maxReplicas"]),
        desired,
        shown(pool.get("ready")),
        str(pool.get("pending", 0)),
        f"{pool.get('oldestAgeSeconds', 0):.1f}s",
    )
