"""How the gateway turns errors into HTTP answers.

Every error answer has the body ``{"error": {"code", "message", "field"?, "problems"?}}``:
``code`` is the :class:`~sfc.errors.SfcError` code (or ``http.<status>`` for errors of
HTTP itself, such as an unknown route), ``field`` names the request field at fault, and
``problems`` lists what is wrong with an invalid blueprint.
"""

from __future__ import annotations

from typing import Final

import msgspec
from aiohttp import web

from sfc.core.validation import InvalidBlueprintError
from sfc.errors import ConflictError, InputError, NotFoundError, SfcError, UnavailableError

RETRY_AFTER_SECONDS: Final = 2
"""What a ``503`` answer's ``Retry-After`` header says."""


class PayloadTooLargeError(SfcError):
    """A request body is over the gateway's limit."""

    code = "sfc.payload_too_large"

    def __init__(self, message: str, *, field: str = "body") -> None:
        super().__init__(message)
        self.field = field


class UnauthorizedError(SfcError):
    """A request under ``/api`` lacks the bearer token, or has a wrong one."""

    code = "sfc.unauthorized"


class MissingError(NotFoundError):
    """A blueprint, version, task or flow named by a request field does not exist."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class RefusedError(ConflictError):
    """A request contradicts the current state; ``field`` names what it is about."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


_STATUS: Final[tuple[tuple[type[SfcError], int], ...]] = (
    (InvalidBlueprintError, 400),
    (InputError, 400),
    (UnauthorizedError, 401),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PayloadTooLargeError, 413),
    (UnavailableError, 503),
)


def status_of(error: SfcError) -> int:
    """The HTTP status that answers an error (500 for a kind not listed)."""
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 500


def error_body(
    code: str,
    message: str,
    *,
    field: str | None = None,
    problems: list[dict[str, str]] | None = None,
) -> dict[str, dict[str, object]]:
    """The JSON body of an error answer."""
    detail: dict[str, object] = {"code": code, "message": message}
    if field is not None:
        detail["field"] = field
    if problems is not None:
        detail["problems"] = problems
    return {"error": detail}


def error_response(error: SfcError) -> web.Response:
    """The answer to an :class:`SfcError` raised while handling a request."""
    status = status_of(error)
    problems = None
    if isinstance(error, InvalidBlueprintError):
        problems = [msgspec.structs.asdict(problem) for problem in error.problems]
    field = getattr(error, "field", None)
    body = error_body(
        error.code,
        _first_line(error.message),
        field=field if isinstance(field, str) else None,
        problems=problems,
    )
    headers = {}
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="sfc"'
    return json_error(body, status, headers)


def http_error_response(error: web.HTTPException) -> web.Response:
    """The JSON answer to an HTTP-level error (unknown route, method not allowed)."""
    headers = {name: value for name, value in error.headers.items() if name == "Allow"}
    body = error_body(f"http.{error.status}", error.reason)
    return json_error(body, error.status, headers)


def json_error(body: object, status: int, headers: dict[str, str]) -> web.Response:
    """An error answer with a JSON body."""
    return web.Response(
        body=msgspec.json.encode(body),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _first_line(message: str) -> str:
    # An invalid blueprint's message lists every problem on its own line; the
    # ``problems`` member carries them, so the message keeps only its summary.
    return message.split("\n", 1)[0]
