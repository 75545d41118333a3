"""Task resources: where a Task's work is done, and whether SFC waits on a call or a reply."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

import msgspec

from sfc.errors import SfcError


class ResourceKind(StrEnum):
    """The schemes a Task ``Resource`` may use."""

    HTTP = "http"
    GRPC = "grpc"
    TASK = "task"
    KAFKA = "kafka"
    ARN = "arn"
    URI = "uri"
    """Any other absolute URI or a template placeholder: an async task named by it."""


class Mode(StrEnum):
    """How a Task's job is carried out (the blueprint's ``Mode``)."""

    SYNC = "Sync"
    ASYNC = "Async"


class ResourceError(SfcError):
    """A Task ``Resource`` is not a URI SFC understands."""

    code = "sfc.resource"


class Resource(msgspec.Struct, frozen=True):
    """A parsed Task resource.

    Attributes:
        uri: The resource as written.
        kind: Its scheme.
        name: The task name (``task:``; for ARNs and other URIs, which run as async tasks,
            the whole resource), the Kafka topic (``kafka://``), the full method name
            ``package.Service/Method`` (``grpc://``), or the URL (``http(s)://``).
        version: The task-definition version a ``task:`` resource pins, if any.
        address: ``host:port`` of a ``grpc://`` resource.
    """

    uri: str
    kind: ResourceKind
    name: str
    version: int | None = None
    address: str | None = None

    @property
    def mode(self) -> Mode:
        """Sync for calls the executor makes; Async for jobs a worker or service replies to."""
        return Mode.SYNC if self.kind in (ResourceKind.HTTP, ResourceKind.GRPC) else Mode.ASYNC


_TASK: Final = re.compile(r"task:([A-Za-z0-9_.\-]+)(?::([1-9][0-9]*))?\Z")
_GRPC: Final = re.compile(
    r"grpc://([^/\s:]+:[0-9]+)/([A-Za-z_][\w.]*\.[A-Za-z_]\w*/[A-Za-z_]\w*)\Z"
)
_KAFKA: Final = re.compile(r"kafka://([A-Za-z0-9._\-]+)\Z")
_HTTP: Final = re.compile(r"https?://\S+\Z")
_URI: Final = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:\S+|\$\{[^{}\s]+\})\Z")


def parse_resource(uri: str) -> Resource:
    """Parse a Task ``Resource``.

    Raises:
        ResourceError: ``uri`` is none of ``http(s)://...``,
            ``grpc://host:port/package.Service/Method``, ``task:<name>[:<version>]``,
            ``kafka://<topic>``, ``arn:...``, another absolute URI or a ``${...}``
            placeholder.
    """
    if match := _TASK.match(uri):
        version = int(match.group(2)) if match.group(2) else None
        return Resource(uri, ResourceKind.TASK, match.group(1), version)
    if match := _KAFKA.match(uri):
        return Resource(uri, ResourceKind.KAFKA, match.group(1))
    if match := _GRPC.match(uri):
        return Resource(uri, ResourceKind.GRPC, match.group(2), address=match.group(1))
    if _HTTP.match(uri):
        return Resource(uri, ResourceKind.HTTP, uri)
    if uri.startswith("arn:"):
        return Resource(uri, ResourceKind.ARN, uri)
    if _URI.match(uri) and not uri.startswith(("http:", "https:", "grpc:", "task:", "kafka:")):
        return Resource(uri, ResourceKind.URI, uri)
    raise ResourceError(
        f"resource {uri!r} is not one of http(s)://..., grpc://host:port/package.Service/Method, "
        "task:<name>[:<version>], kafka://<topic>, an ARN or another absolute URI"
    )
