"""What the dashboard tests share: the token, the test blueprints, a DevStack in a thread."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from pathlib import Path
from typing import Any

from sfc.dev.stack import DevOptions, DevStack

TOKEN = "dashboard-e2e-token"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLUEPRINTS: dict[str, dict[str, Any]] = {
    "greet": {
        "Comment": "Greets someone through a worker, then adds a signature.",
        "StartAt": "Greet",
        "States": {
            "Greet": {"Type": "Task", "Resource": "task:e2e.greet", "Next": "Sign"},
            "Sign": {"Type": "Pass", "Result": "SFC", "ResultPath": "$.signature", "End": True},
        },
    },
    "charge": {
        "Comment": "Charges a card; fails while the card is declined.",
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.amount", "NumericGreaterThan": 0, "Next": "Charge"}],
                "Default": "Free",
            },
            "Charge": {"Type": "Task", "Resource": "task:e2e.charge", "Next": "Receipt"},
            "Free": {"Type": "Pass", "Next": "Receipt"},
            "Receipt": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Mail", "States": {"Mail": {"Type": "Pass", "End": True}}},
                    {"StartAt": "Archive", "States": {"Archive": {"Type": "Pass", "End": True}}},
                ],
                "End": True,
            },
        },
    },
}


class ThreadedStack:
    """A :class:`DevStack` serving from a thread of its own."""

    def __init__(self, options: DevOptions) -> None:
        self._options = options
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self.url = f"http://127.0.0.1:{options.port}"

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(90):
            raise TimeoutError("the dev stack did not start")
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        stack = DevStack(self._options)
        try:
            await stack.start()
        except BaseException as exc:
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await stack.stop()

    def call(self, method: str, path: str, body: object = None) -> Any:
        """Call the stack's API with the token; the decoded answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data,
            {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
