"""The dashboard's Pools page in headless Chromium: pools with their workers and advice;
a change made in the page reaches the running scheduler."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from conftest import StartScheduler
from scheduler_support import TWO_STEPS

from sfc.gateway import GatewayServices, create_app, open_services
from sfc.kafka import Topics
from sfc.settings import Settings
from tests.integration.waiting import wait_until

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.fixture
def chromium() -> str:
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        pytest.skip("no Chromium binary (/usr/bin/chromium): apt-get install chromium")
    return found


@pytest.fixture
async def gateway(settings: Settings, topics: Topics) -> AsyncIterator[tuple[str, GatewayServices]]:
    async with open_services(settings) as services:
        server = TestServer(create_app(services))
        await server.start_server()
        yield str(server.make_url("")).rstrip("/"), services
        await server.close()


@pytest.fixture
async def page(chromium: str) -> AsyncIterator[Any]:
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=ARGS)
        yield await browser.new_page()
        await browser.close()


async def test_the_pools_page_shows_workers_and_advice_and_changes_a_pool(
    gateway: tuple[str, GatewayServices], page: Any, start_scheduler: StartScheduler
) -> None:
    url, services = gateway
    scheduler = await start_scheduler()
    await services.registry.deploy("vip", {**TWO_STEPS, "Sla": "high"})

    await page.goto(f"{url}/#/pools")
    row = 'table.pools tr[data-pool="common"]'
    await page.wait_for_selector(f"{row} td[data-workers]:has-text('1 / 1')", timeout=30_000)
    assert "pool_v1" in await page.inner_text(row)
    assert "high SLA" in await page.inner_text('#advice li[data-blueprint="vip"]')
    assert "leads" in await page.inner_text("#leader")

    await page.click(f'{row} button[data-action="edit"]')
    await page.fill('#pool-form input[name="maxReplicas"]', "3")
    await page.fill('#pool-form input[name="minReplicas"]', "2")
    await page.click('#pool-form button[type="submit"]')
    await page.wait_for_selector(".toast:has-text('pool common saved')")
    await wait_until(lambda: scheduler.desired("common") == 2, within=10)
    await page.wait_for_selector(f"{row} td[data-workers]:has-text('2 / 2')", timeout=30_000)

    await page.click(f'{row} button[data-action="scale"]')
    await page.fill('#scale-form input[name="replicas"]', "7")
    await page.click('#scale-form button[type="submit"]')
    await page.wait_for_selector(".toast.error:has-text('within 2 and 3')")
