"""HTTP tasks without I/O: the request a job's input asks for, and the result of a response.

The conventions mirror AWS Step Functions' HTTP Task (``arn:aws:states:::http:invoke``).
When the input is an object with any of ``Method``, ``Headers``, ``QueryParameters``,
``RequestBody`` or ``PathParameters``, those fields shape the request; otherwise the
whole input is the JSON body of a POST. The result is
``{"StatusCode", "StatusText", "Headers", "ResponseBody"}``. See ``docs/executor.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

import msgspec

from sfc.core.types import Json
from sfc.executor.errors import (
    HTTP_INVALID_INPUT,
    HTTP_INVALID_RESPONSE,
    CallError,
    http_retryable,
    http_status_error,
)

SHAPING_FIELDS: Final = frozenset(
    {"Method", "Headers", "QueryParameters", "RequestBody", "PathParameters"}
)
"""Input fields that shape the request instead of being its body."""

_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z0-9_.\-]+)\}")
_METHOD: Final = re.compile(r"[A-Za-z]+\Z")
_JSON: Final = "application/json"

Scalar = str | int | float | bool


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request, ready to send.

    Attributes:
        method: The method, upper case.
        url: The URL with its ``{name}`` placeholders filled.
        headers: Header names and values (``Accept`` and ``Content-Type`` defaulted).
        query: Query parameters, in order; a name may repeat.
        body: The body, if any.
    """

    method: str
    url: str
    headers: dict[str, str]
    query: list[tuple[str, str]]
    body: bytes | None

    @property
    def expects_json(self) -> bool:
        """Whether the answer must be JSON: unless the ``Accept`` header says otherwise."""
        return "json" in (_header(self.headers, "Accept") or _JSON)


def build_request(url_template: str, data: Json) -> HttpRequest:
    """The request a job's input asks for.

    Args:
        url_template: The Task's resource, e.g. ``http://inventory/items/{sku}``.
        data: The task's input.

    Raises:
        CallError: ``SFC.Http.InvalidInput`` when the input cannot shape a request.
    """
    if not (isinstance(data, dict) and SHAPING_FIELDS.intersection(data)):
        return _with_defaults(HttpRequest("POST", _fill(url_template, None), {}, [], _json(data)))
    unknown = sorted(set(data) - SHAPING_FIELDS)
    if unknown:
        raise _invalid(
            f"the input shapes the request with {', '.join(sorted(SHAPING_FIELDS & set(data)))} "
            f"but also has {', '.join(unknown)}: put the body in RequestBody"
        )
    headers = _headers(data.get("Headers"))
    has_body = "RequestBody" in data
    request = HttpRequest(
        method=_method(data.get("Method"), has_body),
        url=_fill(url_template, data.get("PathParameters")),
        headers=headers,
        query=_query(data.get("QueryParameters")),
        body=_body(data["RequestBody"], headers) if has_body else None,
    )
    return _with_defaults(request)


def check_status(status: int, reason: str, body: str, request: HttpRequest) -> None:
    """Fail unless the status is 2xx.

    Raises:
        CallError: ``SFC.Http.<status>``, whose cause is the response body (as much of it
            as was read), or a sentence when the body is empty.
    """
    if 200 <= status <= 299:
        return
    cause = body or f"HTTP {status} {reason} from {request.method} {request.url}"
    raise CallError(http_status_error(status), cause, retryable=http_retryable(status))


def response_result(
    status: int,
    reason: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    request: HttpRequest,
) -> dict[str, Json]:
    """The task's result for a 2xx response.

    Raises:
        CallError: ``SFC.Http.InvalidResponse`` when the body is not the JSON expected.
    """
    joined: dict[str, str] = {}
    for name, value in headers:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return {
        "StatusCode": status,
        "StatusText": reason,
        "Headers": joined,
        "ResponseBody": _response_body(body, _header(joined, "Content-Type"), request),
    }


def _response_body(body: bytes, content_type: str | None, request: HttpRequest) -> Json:
    if not body:
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    declared_json = media == _JSON or media.endswith("+json")
    if declared_json or not media:
        try:
            return msgspec.json.decode(body)
        except msgspec.DecodeError as exc:
            # Without a content type the body may be anything: JSON was only a guess.
            if declared_json or request.expects_json:
                raise _bad_response(
                    f"the response is not valid JSON ({exc}): {_text(body)}"
                ) from None
            return _text(body)
    if request.expects_json:
        raise _bad_response(f"expected JSON, got {content_type}: {_text(body)}")
    return _text(body)


def _text(body: bytes) -> str:
    return body.decode(errors="replace")


def _with_defaults(request: HttpRequest) -> HttpRequest:
    headers = dict(request.headers)
    if _header(headers, "Accept") is None:
        headers["Accept"] = _JSON
    if request.body is not None and _header(headers, "Content-Type") is None:
        headers["Content-Type"] = _JSON
    return HttpRequest(request.method, request.url, headers, request.query, request.body)


def _method(value: Json, has_body: bool) -> str:
    if value is None:
        return "POST" if has_body else "GET"
    if not isinstance(value, str) or not _METHOD.match(value):
        raise _invalid(f"Method must be an HTTP method such as GET or POST, not {value!r}")
    return value.upper()


def _headers(value: Json) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, item in _object(value, "Headers").items():
        if item is None:
            continue
        text = _scalar(item, f"Headers.{name}")
        if any(ch in text or ch in name for ch in "\r\n\0"):
            raise _invalid(f"Headers.{name} contains a line break or NUL")
        headers[name] = text
    return headers


def _query(value: Json) -> list[tuple[str, str]]:
    query: list[tuple[str, str]] = []
    for name, item in _object(value, "QueryParameters").items():
        items = item if isinstance(item, list) else [item]
        query += [
            (name, _scalar(one, f"QueryParameters.{name}")) for one in items if one is not None
        ]
    return query


def _fill(url_template: str, value: Json) -> str:
    """Fill ``{name}`` placeholders with percent-encoded path parameters."""
    parameters = _object(value, "PathParameters")
    names = _PLACEHOLDER.findall(url_template)
    missing = [name for name in names if parameters.get(name) is None]
    if missing:
        raise _invalid(
            f"the URL {url_template} needs PathParameters {', '.join(missing)}, "
            "which the input does not give"
        )
    unused = sorted(set(parameters) - set(names))
    if unused:
        raise _invalid(f"PathParameters {', '.join(unused)} have no {{name}} in {url_template}")

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        return quote(_scalar(parameters[name], f"PathParameters.{name}"), safe="")

    return _PLACEHOLDER.sub(value_of, url_template)


def _body(value: Json, headers: Mapping[str, str]) -> bytes:
    content_type = _header(headers, "Content-Type")
    # A string sent with a non-JSON content type is the body itself (text, form data...).
    if isinstance(value, str) and content_type is not None and "json" not in content_type:
        return value.encode()
    return _json(value)


def _json(value: Json) -> bytes:
    try:
        return msgspec.json.encode(value)
    except (TypeError, msgspec.EncodeError) as exc:
        raise _invalid(f"the request body cannot be written as JSON: {exc}") from None


def _object(value: Json, field: str) -> dict[str, Json]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"{field} must be an object, not {type(value).__name__}")
    return value


def _scalar(value: Json, field: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Scalar):
        return str(value)
    raise _invalid(f"{field} must be a string, number or boolean, not {type(value).__name__}")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def _invalid(cause: str) -> CallError:
    return CallError(HTTP_INVALID_INPUT, cause, retryable=False)


def _bad_response(cause: str) -> CallError:
    return CallError(HTTP_INVALID_RESPONSE, cause, retryable=False)
