"""What the scheduler tests' handlers share: a record of every job they finish.

Each worker process appends ``<token> <version> <time>`` to ``<pid>.log`` in the folder
the job's input names, once the job's work is done (a job handed back unfinished leaves
no line), so the tests count how many times each job ran, and on which code.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from sfc.worker import current_job


async def work(data: dict[str, Any], version: int) -> dict[str, Any]:
    """Sleep ``data["sleep"]`` seconds, record the job, answer with the code's version."""
    await asyncio.sleep(float(data.get("sleep", 0.0)))
    folder = data.get("records")
    if folder:
        line = f"{current_job().token} {version} {time.time():.3f}\n"
        with (Path(folder) / f"{os.getpid()}.log").open("a") as out:
            out.write(line)
    return {**data, "version": version}
