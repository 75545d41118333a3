"""The dashboard in headless Chromium against a running SFC: what a person would do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dashboard_handlers
import pytest
from dashboard_support import TOKEN, ThreadedStack

pytestmark = pytest.mark.e2e


def wait_for_status(page: Any, status: str) -> None:
    page.wait_for_selector(f'.flow-head .badge[data-status="{status}"]', timeout=45_000)


def test_start_a_flow_from_the_ui_and_watch_it_finish(page: Any, artifacts: Path) -> None:
    page.goto("/#/flows")
    page.click("#show-start")
    page.wait_for_selector(
        '#start select[name="blueprint"] option[value="greet"]', state="attached"
    )
    page.select_option('#start select[name="blueprint"]', "greet")
    page.fill('#start textarea[name="input"]', json.dumps({"name": "Ada"}))
    page.click('#start button[type="submit"]')
    page.wait_for_url("**/#/flows/*")
    wait_for_status(page, "SUCCEEDED")

    # The graph: every state coloured by what happened to it.
    page.wait_for_selector('#flow-graph g.node[data-name="Sign"][data-status="SUCCEEDED"]')
    statuses = page.eval_on_selector_all(
        "#flow-graph g.node", "nodes => nodes.map(n => [n.dataset.name, n.dataset.status])"
    )
    assert sorted(statuses) == [["Greet", "SUCCEEDED"], ["Sign", "SUCCEEDED"]]
    fill = page.eval_on_selector(
        '#flow-graph g.node[data-name="Greet"] rect', "r => getComputedStyle(r).fill"
    )
    assert fill not in ("rgb(255, 255, 255)", "none"), "a succeeded state is coloured"
    # The timeline: one bar per step, sized.
    bars = page.eval_on_selector_all(
        "#timeline .gantt-bar", "bars => bars.map(b => [b.dataset.state, b.dataset.status])"
    )
    assert bars == [["Greet", "SUCCEEDED"], ["Sign", "SUCCEEDED"]]
    assert page.eval_on_selector("#timeline .gantt-bar", "b => b.getBoundingClientRect().width") > 0
    # The JSON viewers: the output, and each step's input and output.
    assert "Hello, Ada!" in page.inner_text(".card:has(h2:text('Input and output'))")
    page.click('#steps details[data-state="Greet"] summary')
    assert '"name": "Ada"' in page.inner_text('#steps details[data-state="Greet"]')
    page.screenshot(path=str(artifacts / "flow.png"), full_page=True)

    flow_id = page.url.rsplit("/", 1)[1]
    page.goto("/#/flows?blueprint=greet")
    page.wait_for_selector(f'table.flows tr[data-flow="{flow_id}"][data-status="SUCCEEDED"]')
    page.screenshot(path=str(artifacts / "flows.png"), full_page=True)


def test_a_failed_flow_is_retried_from_the_ui(
    page: Any, stack: ThreadedStack, artifacts: Path
) -> None:
    dashboard_handlers.set_declines(True)
    started = stack.call("POST", "/api/v1/flows", {"blueprint": "charge", "input": {"amount": 12}})
    page.goto(f"/#/flows/{started['id']}")
    wait_for_status(page, "FAILED")
    page.wait_for_selector('#flow-graph g.node[data-name="Charge"][data-status="FAILED"]')
    assert "Card.Declined" in page.inner_text(".flow-head")
    # Parallel branches are drawn as groups; the states not reached stay uncoloured.
    assert page.locator("#flow-graph g.cluster").count() == 2
    assert page.get_attribute('#flow-graph g.node[data-name="Free"]', "data-status") == ""
    page.screenshot(path=str(artifacts / "flow-failed.png"), full_page=True)

    assert page.is_disabled('button[data-action="pause"]')
    dashboard_handlers.set_declines(False)  # the condition is fixed
    page.click('button[data-action="retry"]')
    wait_for_status(page, "SUCCEEDED")
    page.wait_for_selector('#flow-graph g.node[data-name="Charge"][data-status="SUCCEEDED"]')
    page.wait_for_selector('#flow-graph g.node[data-name="Archive"][data-status="SUCCEEDED"]')
    assert page.locator('#timeline .gantt-bar[data-state="Charge"]').count() >= 1
    page.screenshot(path=str(artifacts / "flow-retried.png"), full_page=True)


def test_blueprints_show_their_figures_and_can_be_disabled(
    page: Any, stack: ThreadedStack, artifacts: Path
) -> None:
    stack.call("POST", "/api/v1/flows?wait=20", {"blueprint": "greet", "input": {"name": "Bo"}})
    page.goto("/#/blueprints")
    row = 'tr[data-blueprint="greet"]'
    page.wait_for_selector(f'{row} td[data-count="SUCCEEDED"] a')
    assert int(page.inner_text(f'{row} td[data-count="SUCCEEDED"]')) >= 1
    page.wait_for_selector(f"{row} .spark canvas", state="attached")
    page.screenshot(path=str(artifacts / "blueprints.png"), full_page=True)

    page.click(f'{row} button[data-action="disable"]')
    page.wait_for_selector(f'{row} button[data-action="enable"]')
    assert stack.call("GET", "/api/v1/blueprints/greet")["enabled"] is False
    page.click(f'{row} button[data-action="enable"]')
    page.wait_for_selector(f'{row} button[data-action="disable"]')
    assert stack.call("GET", "/api/v1/blueprints/greet")["enabled"] is True

    page.click(f'{row} a[href="#/blueprints/greet"]')
    page.wait_for_selector('.graph g.node[data-name="Greet"]')
    page.wait_for_selector('tr[data-state="Greet"]')
    page.screenshot(path=str(artifacts / "blueprint.png"), full_page=True)


INVALID = """{
  "StartAt": "Greet",
  "States": {
    "Greet": {
      "Type": "Task",
      "Resource": "task:e2e.greet",
      "Next": "Nowhere"
    },
    "Sign": {"Type": "Pass", "End": true}
  }
}"""


def test_the_composer_refuses_an_invalid_blueprint_and_deploys_a_valid_one(
    page: Any, stack: ThreadedStack, artifacts: Path
) -> None:
    page.goto("/#/composer/greet")
    page.wait_for_selector("#validation.ok")
    page.wait_for_selector('#preview g.node[data-name="Sign"]')
    before = stack.call("GET", "/api/v1/blueprints/greet")["latestVersion"]

    page.fill("#editor", INVALID)
    # The problem is shown at its line: "Next": "Nowhere" is line 7.
    page.wait_for_selector('#problems li[data-line="7"]')
    page.wait_for_selector('#gutter div.error[data-line="7"]')
    page.wait_for_selector('#preview g.node.problem[data-name="Greet"]')
    page.click("#deploy")
    page.wait_for_selector("#validation:has-text('Not deployed')")
    assert stack.call("GET", "/api/v1/blueprints/greet")["latestVersion"] == before
    page.screenshot(path=str(artifacts / "composer-invalid.png"), full_page=True)

    page.fill("#editor", INVALID.replace('"Nowhere"', '"Sign"'))
    page.wait_for_selector("#validation.ok")
    page.fill("#bp-comment", "points Greet at Sign")
    page.click("#deploy")
    page.wait_for_selector(f'#versions tr[data-version="{before + 1}"]')
    latest = stack.call("GET", "/api/v1/blueprints/greet")
    assert (latest["latestVersion"], latest["comment"]) == (before + 1, "points Greet at Sign")

    page.click("#show-diff")
    page.wait_for_selector("#diff-text .del")
    assert '"ResultPath": "$.signature"' in page.inner_text("#diff-text .del >> nth=-1")
    page.screenshot(path=str(artifacts / "composer.png"), full_page=True)

    page.fill("#copy-name", "greet-copy")
    page.click("#copy")
    page.wait_for_selector("#validation:has-text('Deployed greet-copy v1')")
    copied = stack.call("GET", "/api/v1/blueprints/greet-copy")
    assert copied["definition"] == json.loads(INVALID.replace('"Nowhere"', '"Sign"'))


def test_a_malformed_text_is_shown_at_its_line(page: Any) -> None:
    page.goto("/#/composer")
    page.wait_for_selector("#validation.ok")
    page.fill("#editor", '{\n  "StartAt": "A",\n  "States": {,}\n}')
    page.wait_for_selector('#problems li[data-line="3"][data-code="json-syntax"]')
    page.wait_for_selector('#gutter div.error[data-line="3"]')


def test_login_stores_the_token_and_sends_it(
    browser: Any, stack: ThreadedStack, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=stack.url)
    page = context.new_page()
    try:
        page.goto("/#/blueprints")
        page.wait_for_selector("#login:not([hidden])")
        page.screenshot(path=str(artifacts / "login.png"))
        page.fill("#login-token", "wrong")
        page.click('#login-form button[type="submit"]')
        page.wait_for_selector("#login-error:has-text('refused')")
        page.fill("#login-token", TOKEN)
        page.click('#login-form button[type="submit"]')
        page.wait_for_selector('tr[data-blueprint="greet"]')
        assert page.evaluate("localStorage.getItem('sfc.token')") == TOKEN
        assert page.is_hidden("#login")
        page.click("#logout")
        page.wait_for_selector("#login:not([hidden])")
        assert page.evaluate("localStorage.getItem('sfc.token')") is None
    finally:
        context.close()
