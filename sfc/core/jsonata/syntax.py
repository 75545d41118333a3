"""The ``{% %}`` wrapper around a JSONata expression, and the error for a malformed one.

AWS writes a JSONata expression as a string that starts with ``{%`` and ends with ``%}``.
The wrapper rules SFC enforces are those the ASL validators agree on, loosened where AWS is
known to accept more:

- ``{%`` is followed by white space and the expression on the same line
  (``"{% 1 + 1 %}"``), or by a line break (``"{%\\n  1 + 1\\n%}"``, as the AWS CDK writes
  a multi-line expression). ``"{%1 + 1 %}"`` and ``"{% \\n1 + 1 %}"`` are refused.
- ``%}`` is preceded by white space after the expression, or by a line break and
  indentation.
- A string that starts with ``{%`` but does not end with ``%}``, or the other way round,
  is a malformed expression rather than a literal.
"""

from __future__ import annotations

import re
from typing import Final

from sfc.errors import SfcError

OPEN: Final = "{%"
CLOSE: Final = "%}"
_SHAPE: Final = 'write it as "{% <JSONata expression> %}"'

_OPENING: Final = re.compile(r"[ \t]+\S|\r?\n")
"""What may follow ``{%``: blanks then the expression on the same line, or a line break."""
_CLOSING: Final = re.compile(r"(?:\S[ \t]+|\n[ \t]*)\Z")
"""What may precede ``%}``: the expression then blanks, or a line break and indentation."""


class JsonataSyntaxError(SfcError):
    """A ``{% %}`` string is malformed or holds an invalid JSONata expression.

    Attributes:
        pointer: JSON pointer (RFC 6901) of the offending string in the blueprint.
    """

    code = "sfc.jsonata_syntax"

    def __init__(self, message: str, *, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


def is_jsonata(value: object) -> bool:
    """Tell whether a value is a JSONata expression: a string that starts ``{%`` and ends ``%}``.

    Args:
        value: Any JSON value.

    Returns:
        True for a string such as ``"{% $states.input %}"``; whether the wrapper is
        well formed is checked when the expression is compiled.
    """
    return isinstance(value, str) and value.startswith(OPEN) and value.endswith(CLOSE)


def is_wrapped(value: str) -> bool:
    """Tell whether a string is meant as JSONata, well formed or not (either marker)."""
    return value.startswith(OPEN) or value.endswith(CLOSE)


def unwrap(text: str, pointer: str) -> str:
    """The JSONata expression inside a ``{% %}`` string, without surrounding white space.

    Raises:
        JsonataSyntaxError: The wrapper is incomplete, badly spaced or holds nothing.
    """
    if not is_jsonata(text):
        missing = "'%}' at its end" if text.startswith(OPEN) else "'{%' at its start"
        raise JsonataSyntaxError(
            f"JSONata expression {text!r} lacks {missing}: {_SHAPE}", pointer=pointer
        )
    body = text[len(OPEN) : -len(CLOSE)]
    expression = body.strip()
    if not expression:
        raise JsonataSyntaxError(f"JSONata expression {text!r} is empty", pointer=pointer)
    if not _OPENING.match(body):
        raise JsonataSyntaxError(
            f"JSONata expression {text!r}: '{{%' must be followed by a space and the "
            f"expression, or by a line break: {_SHAPE}",
            pointer=pointer,
        )
    if not _CLOSING.search(body):
        raise JsonataSyntaxError(
            f"JSONata expression {text!r}: '%}}' must be preceded by a space: {_SHAPE}",
            pointer=pointer,
        )
    return expression
