"""Task handlers of the dashboard tests' blueprints, served by the DevStack's workers.

``e2e.charge`` fails while the file named by ``SFC_E2E_DECLINE_FILE`` exists: a test
makes a flow fail, "fixes the condition" by removing the file, and retries the flow from
the dashboard. A file, because the workers are processes the scheduler starts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from sfc.worker import Handlers, TaskError

worker = Handlers()

DECLINE_FILE = Path(
    os.environ.get("SFC_E2E_DECLINE_FILE", Path(tempfile.gettempdir()) / "sfc-e2e-declines")
)


def set_declines(declines: bool) -> None:
    """Make ``e2e.charge`` fail (True) or succeed (False), in every worker process."""
    if declines:
        DECLINE_FILE.touch()
    else:
        DECLINE_FILE.unlink(missing_ok=True)


@worker.task("e2e.greet")
def greet(data: dict[str, Any]) -> dict[str, Any]:
    """Greet whoever the input names."""
    return {"greeting": f"Hello, {data.get('name', 'you')}!"}


@worker.task("e2e.charge")
def charge(data: dict[str, Any]) -> dict[str, Any]:
    """Charge the amount, or fail with ``Card.Declined`` while the decline file exists."""
    if DECLINE_FILE.exists():
        raise TaskError("Card.Declined", f"the card was declined for {data.get('amount')}")
    return {"charged": data.get("amount", 0)}
