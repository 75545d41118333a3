"""Query strings read strictly: known parameters only, each given once, typed values.

The monitor's routes take their criteria in the query string. A parameter the route
does not know, one repeated where a single value is expected, or a value of the wrong
form raises :class:`~sfc.errors.InputError` naming the parameter: a typo in a search
must not silently widen it. An empty value (``?q=``, what an HTML form sends for a
blank field) counts as not given.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Final

from aiohttp import web

from sfc.errors import InputError

DAY: Final = 86_400.0
MAX_WINDOW: Final = 400 * DAY
"""The widest statistics window accepted (a little over a year)."""


class QueryParams:
    """A request's query parameters, checked against what the route accepts.

    Args:
        request: The request.
        allowed: The parameters the route knows.
        repeatable: Those that may be given more than once.

    Raises:
        InputError: A parameter is unknown, or repeated though not repeatable.
    """

    def __init__(
        self, request: web.Request, allowed: Collection[str], repeatable: Collection[str] = ()
    ) -> None:
        self._query = request.query
        for name in self._query:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                raise InputError(
                    f"unknown query parameter {name!r}; this route takes {known}", field=name
                )
            if name not in repeatable and len(self._query.getall(name)) > 1:
                raise InputError(f"the query parameter {name!r} is given twice", field=name)

    def string(self, name: str) -> str | None:
        """The parameter's value, or None when absent or empty."""
        value = self._query.get(name, "")
        return value or None

    def strings(self, name: str) -> list[str]:
        """Every value of a repeatable parameter, each also split on commas."""
        return [
            part.strip()
            for value in self._query.getall(name, [])
            for part in value.split(",")
            if part.strip()
        ]

    def positive(self, name: str) -> int | None:
        """A positive integer, or None when absent."""
        text = self.string(name)
        if text is None:
            return None
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise InputError(f"{name!r} must be a positive integer, not {text!r}", field=name)
        return int(text)

    def time(self, name: str) -> float | None:
        """A moment: seconds since the Unix epoch, or an ISO 8601 date and time (UTC
        when it names no offset); None when absent."""
        text = self.string(name)
        return None if text is None else parse_time(text, name)

    def window(self, default: float = DAY) -> tuple[float, float]:
        """``from`` and ``to``: by default the ``default`` seconds up to now.

        Raises:
            InputError: ``from`` is not before ``to``, or the window is over a year.
        """
        until = self.time("to")
        until = time.time() if until is None else until
        since = self.time("from")
        since = until - default if since is None else since
        if since >= until:
            raise InputError("'from' must be before 'to'", field="from")
        if until - since > MAX_WINDOW:
            raise InputError(f"the window is at most {MAX_WINDOW / DAY:.0f} days", field="from")
        return since, until


def parse_time(text: str, name: str) -> float:
    """Seconds since the Unix epoch from a number or an ISO 8601 date and time.

    Raises:
        InputError: ``text`` is neither (naming ``name``).
    """
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"{name!r} must be seconds since the epoch or an ISO 8601 time, not {text!r}",
                field=name,
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError(f"{name!r} must be a time after 1970, not {text!r}", field=name)
    return seconds
