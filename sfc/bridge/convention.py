"""The convention between SFC and Kafka services that know nothing else of it (pure code).

A ``kafka://<topic>`` job reaches the service as its input alone, keyed by the job token,
with the correlation in headers. The service replies on its own output topic, echoing the
``sfc-token`` header (or keying the reply by the token); a reply with an ``sfc-error``
header is a failure. See ``docs/blueprints.md``.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable
from typing import Final

import msgspec

from sfc.core import TaskFailed, TaskSucceeded
from sfc.core.paths import Path, compile_path
from sfc.core.states.join import correlation_key
from sfc.core.types import Json
from sfc.kafka import header_value

KAFKA_SCHEME: Final = "kafka://"

TOKEN: Final = "sfc-token"
"""The job token: echoed by the reply (or used as its key)."""
ERROR: Final = "sfc-error"
"""On a reply: the ASL error name it fails the task with."""
CAUSE: Final = "sfc-cause"
"""On a failed reply: the cause."""
RETRYABLE: Final = "sfc-retryable"
"""On a failed reply: ``false`` when retrying cannot help (the state's Retry is skipped)."""

INVALID_REPLY: Final = "SFC.Kafka.InvalidReply"
"""The error of a task whose service replied with a value that is not JSON."""

_TOKEN: Final = re.compile(r"(?P<flow>.+):j[0-9]+\Z")
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sfc:bridge")
_DECODER: Final = msgspec.json.Decoder()

Headers = Iterable[tuple[str, bytes]]


def topic_of(uri: str) -> str | None:
    """The topic of a ``kafka://<topic>`` URI, or None for any other URI."""
    return uri[len(KAFKA_SCHEME) :] if uri.startswith(KAFKA_SCHEME) else None


def flow_of_token(token: str) -> str | None:
    """The flow a job token belongs to (tokens are ``<flow id>:j<n>``), or None."""
    match = _TOKEN.match(token)
    return match["flow"] if match else None


def reply_token(headers: Headers, key: bytes | None) -> str | None:
    """The job token a reply names: its ``sfc-token`` header, else its record key."""
    token = header_value(headers, TOKEN)
    if token:
        return token
    return key.decode(errors="replace") if key else None


def reply_command(
    token: str, headers: Headers, value: bytes | None, message_id: str
) -> TaskSucceeded | TaskFailed | None:
    """The command a reply stands for, or None when the token names no flow.

    Args:
        token: The job token the reply names.
        headers: The reply's headers.
        value: The reply's value: the task's output (JSON) on success.
        message_id: A unique, stable id for the command (redeliveries repeat it).
    """
    flow = flow_of_token(token)
    if flow is None:
        return None
    headers = list(headers)
    error = header_value(headers, ERROR)
    if error:
        cause = header_value(headers, CAUSE)
        retryable = (header_value(headers, RETRYABLE) or "").lower() != "false"
        return TaskFailed(message_id, flow, token, error, cause, retryable)
    try:
        output = _DECODER.decode(value) if value else None
    except msgspec.DecodeError as exc:
        cause = f"the service's reply is not JSON ({exc}): {(value or b'')[:200]!r}"
        return TaskFailed(message_id, flow, token, INVALID_REPLY, cause, retryable=False)
    return TaskSucceeded(message_id, flow, token, output)


def decode_json(value: bytes | None) -> tuple[bool, Json]:
    """``(True, value)`` for a JSON record value, ``(False, None)`` otherwise."""
    if value is None:
        return False, None
    try:
        return True, _DECODER.decode(value)
    except msgspec.DecodeError:
        return False, None


def message_key(message: Json, path: str | None, record_key: bytes | None) -> str | None:
    """A message's key: the value at ``path`` in the message, else the record's key.

    The value is turned into text as a Join turns its correlation keys (strings as they
    are, other JSON encoded), so that ``123`` in a message matches ``$.id`` = ``123``.
    Returns None when there is no key.
    """
    if path is None:
        return record_key.decode(errors="replace") if record_key else None
    compiled = _compiled(path)
    found, value = compiled.find(message)
    if found and not compiled.definite:
        # A path like $..id selects a list of matches: a key only when there is one.
        matches = value if isinstance(value, list) else []
        found, value = (True, matches[0]) if len(matches) == 1 else (False, None)
    if not found or value is None:
        return None
    return correlation_key(value)


@functools.lru_cache(maxsize=1024)
def _compiled(path: str) -> Path:
    return compile_path(path)


def trigger_flow_id(blueprint: str, key: str | None, position: tuple[str, int, int]) -> str:
    """The id of the flow a trigger message starts: the same for the same message.

    Args:
        blueprint: The blueprint the trigger belongs to.
        key: The message's idempotency key, if the trigger names one and it has it.
        position: Topic, partition and offset of the message, used without a key.
    """
    if key is not None:
        return str(uuid.uuid5(_NAMESPACE, f"trigger\n{blueprint}\nkey\n{key}"))
    topic, partition, offset = position
    return str(uuid.uuid5(_NAMESPACE, f"trigger\n{blueprint}\nat\n{topic}\n{partition}\n{offset}"))
