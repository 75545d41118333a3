"""The dashboard: ``/`` serves its page, ``/ui/...`` its scripts, styles and vendored libraries.

The files are the repository's ``monitor/`` folder as committed (no build step). They
need no token: the page itself asks for one when the API answers ``401``, and sends it
with every API call.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from aiohttp import web

import sfc
from sfc.gateway.errors import MissingError
from sfc.gateway.routing import Reply, Route

UI: Final = "/ui"
_NO_CACHE: Final = {"Cache-Control": "no-cache"}
"""Browsers revalidate every file (a cheap 304): a new SFC never runs a stale script."""


@functools.cache
def monitor_dir() -> Path | None:
    """Where the dashboard's files are: ``monitor/`` beside the ``sfc`` package (a
    checkout), else in the working folder (the container image); None if neither."""
    candidates = (Path(sfc.__file__).resolve().parent.parent / "monitor", Path.cwd() / "monitor")
    return next((path for path in candidates if (path / "index.html").is_file()), None)


async def index(request: web.Request) -> web.StreamResponse:
    """The dashboard's page."""
    return _file("index.html")


async def asset(request: web.Request) -> web.StreamResponse:
    """One of the dashboard's files."""
    return _file(request.match_info["path"])


def _file(relative: str) -> web.FileResponse:
    root = monitor_dir()
    if root is None:
        raise MissingError("the dashboard's files (monitor/) are not installed", field="path")
    path = (root / relative).resolve()
    # Only files inside the folder: no ``..`` nor symbolic link leads out of it.
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise MissingError(f"no dashboard file {relative!r}", field="path")
    return web.FileResponse(path, headers=_NO_CACHE)


ROUTES = [
    Route(
        "GET",
        "/",
        index,
        "The dashboard",
        "dashboard",
        {200: Reply("The dashboard's page", media="text/html")},
        errors=(404,),
    ),
    Route(
        "GET",
        UI + "/{path:.+}",
        asset,
        "A file of the dashboard (script, style, vendored library)",
        "dashboard",
        {200: Reply("The file", media="application/octet-stream")},
        errors=(404,),
    ),
]
