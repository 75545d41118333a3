"""Talking to a gateway from the command line: options, one HTTP call, printed JSON.

Commands that use it print the gateway's JSON answer on stdout; on an error they print
``error: <message>`` (with the field and blueprint problems when the gateway names them)
on stderr and exit with status 1, as ``kubectl`` and ``gh`` do.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

import aiohttp
import msgspec
import typer

from sfc.core.types import Json
from sfc.errors import SfcError, UnavailableError
from sfc.settings import load_settings

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="The gateway's base URL [default: from the settings' gateway]"),
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", help="Bearer token [default: the settings' gateway.token]"),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Settings file (TOML) [default: sfc.toml]")
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key", help="Repeating the command with the same key has no further effect."
    ),
]

REQUEST_SECONDS = 30.0
"""How long one call may take, on top of any ``--wait``."""


class ApiError(SfcError):
    """The gateway answered with an error."""

    code = "sfc.api"

    def __init__(self, status: int, body: Json) -> None:
        detail = body.get("error") if isinstance(body, dict) else None
        detail = detail if isinstance(detail, dict) else {}
        super().__init__(str(detail.get("message") or f"the gateway answered HTTP {status}"))
        self.status = status
        self.field: str | None = detail.get("field")
        self.problems: list[dict[str, Any]] = detail.get("problems") or []


@dataclass(frozen=True)
class Gateway:
    """Where the gateway is and how to authenticate to it."""

    url: str
    token: str | None = None

    @classmethod
    def from_options(cls, url: str | None, token: str | None, config: Path | None) -> Gateway:
        """The options given, completed from the settings."""
        if url is not None and token is not None:
            return cls(url.rstrip("/"), token)
        settings = load_settings(config).gateway
        if url is None:
            # A gateway bound to every address is reached on loopback from here.
            host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
            url = f"http://{host}:{settings.port}"
        if token is None and settings.token is not None:
            token = settings.token.get_secret_value()
        return cls(url.rstrip("/"), token)


def connect(url: str | None, token: str | None, config: Path | None) -> Gateway:
    """The gateway the options name; on a settings error, print it and exit 1."""
    try:
        return Gateway.from_options(url, token, config)
    except SfcError as exc:
        fail(exc)


def segment(value: str) -> str:
    """A value made safe to put in a URL path as one segment."""
    return quote(value, safe="")


def call(
    gateway: Gateway,
    method: str,
    path: str,
    *,
    body: Json = None,
    params: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    seconds: float = REQUEST_SECONDS,
) -> Json:
    """Send one request and return the decoded JSON answer.

    Raises:
        ApiError: The gateway answered with an error status.
        UnavailableError: The gateway could not be reached.
    """
    try:
        return asyncio.run(_call(gateway, method, path, body, params, idempotency_key, seconds))
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise UnavailableError(f"cannot reach the gateway at {gateway.url}: {exc!r}") from exc


async def _call(
    gateway: Gateway,
    method: str,
    path: str,
    body: Json,
    params: dict[str, str] | None,
    idempotency_key: str | None,
    seconds: float,
) -> Json:
    headers = {"Accept": "application/json"}
    if gateway.token is not None:
        headers["Authorization"] = f"Bearer {gateway.token}"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    data = None
    if body is not None:
        data = msgspec.json.encode(body)
        headers["Content-Type"] = "application/json"
    timeout = aiohttp.ClientTimeout(total=seconds)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.request(
            method, gateway.url + path, data=data, params=params, headers=headers
        ) as response,
    ):
        raw = await response.read()
    answer = _decode(raw)
    if response.status >= 400:
        raise ApiError(response.status, answer)
    return answer


def _decode(raw: bytes) -> Json:
    if not raw.strip():
        return None
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return {"error": {"message": raw.decode(errors="replace")[:500]}}


def show(value: Json) -> None:
    """Print a JSON value on stdout, indented."""
    typer.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def fail(error: SfcError) -> NoReturn:
    """Print an error on stderr and exit with status 1."""
    field = getattr(error, "field", None)
    suffix = f" (field: {field})" if field else ""
    typer.echo(f"error: {error.message}{suffix}", err=True)
    for problem in getattr(error, "problems", ()):
        if isinstance(problem, dict):
            pointer = problem.get("pointer") or "/"
            typer.echo(f"  {pointer}: {problem.get('message')} [{problem.get('code')}]", err=True)
    raise typer.Exit(1)


def run(
    gateway: Gateway,
    method: str,
    path: str,
    **options: Any,
) -> None:
    """Send one request, print its answer, or print the error and exit 1."""
    try:
        show(call(gateway, method, path, **options))
    except SfcError as exc:
        fail(exc)
