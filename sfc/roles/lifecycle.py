"""Run services until SIGINT or SIGTERM, then stop them in reverse order."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class Service(Protocol):
    """Anything with an async start and stop."""

    async def start(self) -> None:
        """Start."""
        ...

    async def stop(self) -> None:
        """Stop cleanly."""
        ...


async def run_until_signalled(services: Sequence[Service]) -> None:
    """Start the services in order, wait for SIGINT / SIGTERM, stop them in reverse order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
        await stop.wait()
        log.info("stopping")
    finally:
        for service in reversed(started):
            try:
                await service.stop()
            except Exception:
                log.exception("stopping %s failed", type(service).__name__)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
