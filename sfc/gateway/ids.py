"""Flow ids and message ids, random or derived from a client's ``Idempotency-Key``.

A derived id is the same for the same request repeated, so a client that retries (after a
timeout, a ``503``, a lost answer) starts no second flow and sends no second control
message the engine would apply: the engine ignores a message id it has already seen.
"""

from __future__ import annotations

import uuid
from typing import Final

_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sfc:gateway")


def flow_id(blueprint: str, idempotency_key: str | None) -> str:
    """A new flow's id: random, or derived from the blueprint and the client's key."""
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_NAMESPACE, f"flow\n{blueprint}\n{idempotency_key}"))


def message_id(flow: str, action: str, idempotency_key: str | None) -> str:
    """A command's message id: random, or derived from (flow, action, client's key)."""
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_NAMESPACE, f"message\n{flow}\n{action}\n{idempotency_key}"))
