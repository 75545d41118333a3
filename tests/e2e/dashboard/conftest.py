"""Fixtures of the dashboard tests: a DevStack with a token, and headless Chromium.

The stack (broker, engine, exporter, worker, gateway) runs in a thread with its own event
loop, because Playwright's synchronous API drives the browser from the test's thread.
The browser is Debian's ``chromium`` (never a downloaded one); without it these tests
are skipped, saying so.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dashboard_handlers
import pytest
from dashboard_support import BLUEPRINTS, CHROMIUM, CHROMIUM_ARGS, TOKEN, ThreadedStack

from sfc.dev.stack import DevOptions
from sfc.net import free_port


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, or a skip saying it is missing."""
    found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        pytest.skip("no Chromium binary (/usr/bin/chromium): apt-get install chromium")
    return Path(found)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, chromium: Path) -> Iterator[ThreadedStack]:
    """Every SFC role on free ports, the test blueprints deployed, the API behind TOKEN."""
    folder = tmp_path_factory.mktemp("blueprints")
    for name, definition in BLUEPRINTS.items():
        (folder / f"{name}.asl.json").write_text(json.dumps(definition, indent=2))
    options = DevOptions(
        port=free_port(),
        blueprints=folder,
        worker_modules=["dashboard_handlers"],
        data_dir=tmp_path_factory.mktemp("data"),
        token=TOKEN,
    )
    # The workers are processes: they learn where the decline switch is from the environment.
    switch = tmp_path_factory.mktemp("switch") / "declines"
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("SFC_E2E_DECLINE_FILE", str(switch))
    dashboard_handlers.DECLINE_FILE = switch
    running = ThreadedStack(options)
    running.start()
    yield running
    running.stop()
    monkeypatch.undo()


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    """Headless Chromium driven by Playwright.

    Module-scoped on purpose: Playwright's synchronous API keeps an event loop running in
    the test thread while it is open, which would break every asyncio test after it.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, stack: ThreadedStack) -> Iterator[Any]:
    """A page signed in (the token already stored), failing the test on a script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=stack.url)
    context.add_init_script(f"localStorage.setItem('sfc.token', {json.dumps(TOKEN)})")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.set_default_timeout(30_000)
    yield opened
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def artifacts(repo: Path) -> Path:
    """Where screenshots go (gitignored)."""
    folder = repo / "test-artifacts" / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
