"""The errors a user of SFC can meet. Every one is an :class:`SfcError`."""

from __future__ import annotations


class SfcError(Exception):
    """Base of every error SFC raises on purpose.

    Attributes:
        code: A short stable identifier, safe to match on in scripts and clients.
    """

    code = "sfc.error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(SfcError):
    """The settings are wrong or incomplete."""

    code = "sfc.config"


class InputError(SfcError):
    """A request or command-line argument is malformed; the message names the field."""

    code = "sfc.input"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(SfcError):
    """A blueprint, version, flow or other named thing does not exist."""

    code = "sfc.not_found"


class ConflictError(SfcError):
    """The request contradicts the current state (for example a disabled blueprint)."""

    code = "sfc.conflict"


class UnavailableError(SfcError):
    """A backing service (the broker, the index store) cannot be reached right now."""

    code = "sfc.unavailable"
