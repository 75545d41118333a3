"""Task handlers of the dashboard tests' blueprints, served by the DevStack's worker.

``CHARGE`` says whether ``e2e.charge`` fails: a test makes a flow fail, "fixes the
condition" by clearing it, and retries the flow from the dashboard.
"""

from __future__ import annotations

from typing import Any

from sfc.worker import Handlers, TaskError

worker = Handlers()

CHARGE = {"declines": True}


@worker.task("e2e.greet")
def greet(data: dict[str, Any]) -> dict[str, Any]:
    """Greet whoever the input names."""
    return {"greeting": f"Hello, {data.get('name', 'you')}!"}


@worker.task("e2e.charge")
def charge(data: dict[str, Any]) -> dict[str, Any]:
    """Charge the amount, or fail with ``Card.Declined`` while ``CHARGE`` says so."""
    if CHARGE["declines"]:
        raise TaskError("Card.Declined", f"the card was declined for {data.get('amount')}")
    return {"charged": data.get("amount", 0)}
