"""The Elasticsearch client: how it is built, how it speaks JSON, and how it fails.

The official ``elasticsearch`` client (major version 8, asynchronous) is given msgspec as
its JSON library: SFC uses one JSON library everywhere, and msgspec is several times
faster than the standard library (the exporter encodes its bulk bodies itself).

Every failure to reach the cluster, or of the cluster to serve (timeouts, refused
connections, ``429`` and ``5xx`` answers, a missing index), becomes
:class:`~sfc.errors.UnavailableError`: the exporter waits and retries, and the API
answers ``503``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import msgspec
from elastic_transport import TransportError
from elastic_transport.client_utils import DEFAULT
from elasticsearch import ApiError, AsyncElasticsearch
from elasticsearch.serializer import JsonSerializer

from sfc.errors import SfcError, UnavailableError

_ENCODER: Final = msgspec.json.Encoder()
_DECODER: Final = msgspec.json.Decoder()

UNAVAILABLE_STATUSES: Final = frozenset({404, 408, 429, 500, 502, 503, 504})
"""HTTP statuses of a cluster that cannot serve now; 404 only for a missing index."""


class RejectedError(SfcError):
    """Elasticsearch refused a request or document for a reason that retrying won't fix."""

    code = "sfc.index.rejected"


class _MsgspecJson(JsonSerializer):
    def json_dumps(self, data: Any) -> bytes:
        return _ENCODER.encode(data)

    def json_loads(self, data: bytes) -> Any:
        return _DECODER.decode(data)


@dataclass(frozen=True)
class Connection:
    """How to reach the cluster.

    Attributes:
        url: One node's URL, or several separated by commas.
        api_key: An API key (encoded ``id:key``).
        username: A user for HTTP basic authentication (with ``password``).
        password: Its password.
        ca_certs: A CA bundle for the cluster's TLS certificate.
        timeout: Seconds a request may take.
    """

    url: str
    api_key: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_certs: Path | None = None
    timeout: float = 10.0

    def client(self) -> AsyncElasticsearch:
        """A new client (it connects on its first request)."""
        hosts = [url.strip() for url in self.url.split(",") if url.strip()]
        basic = None
        if self.username is not None:
            basic = (self.username, self.password or "")
        return AsyncElasticsearch(
            hosts,
            api_key=self.api_key,
            basic_auth=basic,
            ca_certs=DEFAULT if self.ca_certs is None else str(self.ca_certs),
            request_timeout=self.timeout,
            # One node is usual; its own retries only delay the exporter's back-off.
            max_retries=1,
            retry_on_timeout=False,
            serializers={"application/json": _MsgspecJson()},
        )


@contextlib.contextmanager
def translated(what: str) -> Iterator[None]:
    """Turn the client's failures into SFC's errors.

    Args:
        what: What was being done, for the message (``"searching flows"``).

    Raises:
        UnavailableError: The cluster could not be reached or could not serve.
        RejectedError: It refused the request (a bad request, missing rights).
    """
    try:
        yield
    except TransportError as exc:
        raise UnavailableError(f"Elasticsearch is unavailable while {what}: {exc}") from exc
    except ApiError as exc:
        raise error_of(exc.meta.status, exc.body, what) from exc


def error_of(status: int, body: Any, what: str) -> SfcError:
    """The error for an Elasticsearch answer with this status and body."""
    reason = reason_of(body)
    if status in UNAVAILABLE_STATUSES:
        return UnavailableError(f"Elasticsearch could not serve while {what}: {reason}")
    if status in (401, 403):
        return UnavailableError(f"Elasticsearch refused SFC's credentials while {what}: {reason}")
    return RejectedError(f"Elasticsearch refused {what}: {reason}")


def reason_of(body: Any) -> str:
    """The error type and reason in an Elasticsearch error body, or the body itself."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}"
    if error is not None:
        return str(error)
    return str(body)[:500]


def error_type(body: Any) -> str | None:
    """The ``error.type`` of an Elasticsearch error body, if it has one."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping):
        kind = error.get("type")
        return kind if isinstance(kind, str) else None
    return None
