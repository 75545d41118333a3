"""Handlers served by ``sfc worker`` child processes in the worker tests."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sfc.worker import Handlers

worker = Handlers()


@worker.task("child.work")
def work(data: dict[str, Any]) -> dict[str, Any]:
    """Touch ``data["started"]`` if given; hang if ``data["hang"]``; else answer at once."""
    if "started" in data:
        Path(data["started"]).touch()
    if data.get("hang"):
        time.sleep(3600)
    return {"by": "child", "pid": os.getpid()}
