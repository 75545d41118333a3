"""``sfc flow``: start, read and control flows through a gateway."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sfc.cli.blueprint import _load_input as load_input
from sfc.cli.client import (
    REQUEST_SECONDS,
    ConfigOption,
    KeyOption,
    TokenOption,
    UrlOption,
    connect,
    fail,
    run,
    segment,
)
from sfc.core.types import Json
from sfc.errors import SfcError

app = typer.Typer(help="Start, read and control flows (through a gateway).", no_args_is_help=True)

InputOption = Annotated[str | None, typer.Option("--input", "-i", help="JSON, or @FILE.")]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept in the history).")]
FlowId = Annotated[str, typer.Argument(help="The flow id.")]


@app.command("start")
def start_command(
    blueprint: Annotated[str, typer.Argument(help="The blueprint's name.")],
    input_: InputOption = None,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="Version [default: the latest].")
    ] = None,
    wait: Annotated[
        float, typer.Option("--wait", min=0, help="Seconds to wait for the flow to end.")
    ] = 0,
    correlation_id: Annotated[str | None, typer.Option("--correlation-id")] = None,
    key: KeyOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Start a flow; print {"id", "status"}, or its outcome if it ends within --wait."""
    body: dict[str, Json] = {"blueprint": blueprint, "input": _input(input_, {})}
    if version is not None:
        body["version"] = version
    if correlation_id is not None:
        body["correlationId"] = correlation_id
    params = {"wait": str(wait)} if wait else None
    gateway = connect(url, token, config)
    run(
        gateway,
        "POST",
        "/api/v1/flows",
        body=body,
        params=params,
        idempotency_key=key,
        seconds=REQUEST_SECONDS + wait,
    )


@app.command("get")
def get_command(
    flow: FlowId, url: UrlOption = None, token: TokenOption = None, config: ConfigOption = None
) -> None:
    """Print a flow's status, current states, input and output."""
    run(connect(url, token, config), "GET", f"/api/v1/flows/{segment(flow)}")


@app.command("history")
def history_command(
    flow: FlowId, url: UrlOption = None, token: TokenOption = None, config: ConfigOption = None
) -> None:
    """Print a flow's raw history events."""
    run(connect(url, token, config), "GET", f"/api/v1/flows/{segment(flow)}/history")


@app.command("steps")
def steps_command(
    flow: FlowId, url: UrlOption = None, token: TokenOption = None, config: ConfigOption = None
) -> None:
    """Print the states a flow entered, with their input, output and timing."""
    run(connect(url, token, config), "GET", f"/api/v1/flows/{segment(flow)}/steps")


@app.command("pause")
def pause_command(
    flow: FlowId,
    reason: ReasonOption = None,
    key: KeyOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Pause a flow: it schedules no new task until resumed."""
    _control(flow, "pause", {"reason": reason} if reason else None, key, url, token, config)


@app.command("resume")
def resume_command(
    flow: FlowId,
    key: KeyOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Resume a paused flow."""
    _control(flow, "resume", None, key, url, token, config)


@app.command("terminate")
def terminate_command(
    flow: FlowId,
    reason: ReasonOption = None,
    key: KeyOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Stop a flow for good (ABORTED)."""
    _control(flow, "terminate", {"reason": reason} if reason else None, key, url, token, config)


@app.command("retry")
def retry_command(
    flow: FlowId,
    key: KeyOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Run a failed, timed-out or aborted flow again from where it stopped."""
    _control(flow, "retry", None, key, url, token, config)


@app.command("restart")
def restart_command(
    flow: FlowId,
    input_: InputOption = None,
    latest: Annotated[
        bool, typer.Option("--latest", help="Run the blueprint's latest version.")
    ] = False,
    key: KeyOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Run a flow again from the start (with a new input when --input is given)."""
    body: dict[str, Json] = {"latest": latest}
    if input_ is not None:
        body["input"] = _input(input_, None)
    _control(flow, "restart", body, key, url, token, config)


def _control(
    flow: str,
    action: str,
    body: Json,
    key: str | None,
    url: str | None,
    token: str | None,
    config: Path | None,
) -> None:
    path = f"/api/v1/flows/{segment(flow)}/{action}"
    run(connect(url, token, config), "POST", path, body=body, idempotency_key=key)


def _input(text: str | None, default: Json) -> Json:
    if text is None:
        return default
    try:
        return load_input(text)
    except SfcError as exc:
        fail(exc)
