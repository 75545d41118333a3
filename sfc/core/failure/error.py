"""The exception the core raises when a state fails with an ASL error."""

from __future__ import annotations

from sfc.errors import SfcError


class AslError(SfcError):
    """A state failed with an ASL error name and cause.

    The interpreter turns it into Retry / Catch handling or a failed flow; it never
    escapes :func:`sfc.core.decide`.

    Attributes:
        error: The ASL error name, for example ``States.Runtime``.
        cause: A human-readable explanation.
    """

    code = "sfc.asl"

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
