"""The error a malformed Choice rule raises while it is compiled."""

from __future__ import annotations

from sfc.errors import SfcError


class ChoiceRuleError(SfcError):
    """A Choice rule is malformed: no operator, two operators, a bad operand or path.

    Attributes:
        pointer: JSON pointer to the offending field (or to the rule, when a required
            field is missing).
    """

    code = "sfc.choice_rule"

    def __init__(self, message: str, *, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer
