"""What is wrong with a blueprint, and where."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from sfc.errors import SfcError


class Problem(msgspec.Struct, frozen=True):
    """One thing wrong with a blueprint.

    Attributes:
        pointer: JSON pointer (RFC 6901) to the offending value, ``""`` for the whole
            blueprint.
        code: A stable identifier of the kind of problem, such as ``next-missing``.
        message: One sentence saying what is wrong.
    """

    pointer: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message} [{self.code}]"


class InvalidBlueprintError(SfcError):
    """A blueprint failed validation; ``problems`` says why and where."""

    code = "sfc.invalid_blueprint"

    def __init__(self, problems: Sequence[Problem]) -> None:
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"invalid blueprint ({len(problems)} problem(s)):\n{lines}")
        self.problems = tuple(problems)
