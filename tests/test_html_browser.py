"""The sample report in a real, headless Chromium: renders, filters, stays offline.

Drives the distribution's Chromium (no browser download) through Playwright. Outside CI the
test skips when no browser is installed; in CI (CI=true) a missing browser is a failure,
because .ci/run installs one.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from html_factory import QUOTE_NAME, XSS_NAME, sample_chain
from imvo_cli.report.html import write_map_html

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _need(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run the browser test; .ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def page_session(tmp_path_factory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed (pip install -e '.[test]')")
    executable = _chromium()
    if executable is None:
        _need("no Chromium found on PATH (apt-get install chromium)")
    report = tmp_path_factory.mktemp("html") / "report.html"
    write_map_html(sample_chain(), report)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1680, "height": 1050})
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        yield page, errors, requests, report
        browser.close()


def expect(locator):
    # Playwright's expect polls from its own world; wait_for_function would need eval,
    # which the report's Content-Security-Policy rightly refuses.
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def test_loads_without_errors_or_network(page_session):
    page, errors, requests, report = page_session
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "report.png"), full_page=True)
    page.locator("#chain").screenshot(path=str(OUTPUT / "report-chain.png"))
    assert errors == []
    assert requests == [report.as_uri()]  # the file itself, nothing else


def test_every_node_is_rendered(page_session):
    page, *_ = page_session
    cm = sample_chain()
    assert page.locator("#chain-svg .node").count() == len(cm.suppliers) + 1
    assert page.locator("#chain-svg .edge").count() == cm.graph.number_of_edges()
    assert page.locator("#chain-svg .node:not(.off)").count() == len(cm.suppliers) + 1


def test_level_filter_hides_nodes(page_session):
    page, errors, *_ = page_session
    total = page.locator("#chain-svg .node:visible").count()
    page.uncheck("input[name=level][value=high]")
    after = page.locator("#chain-svg .node:visible").count()
    assert 0 < after < total
    assert page.locator("#chain-svg .node[data-level=high]:visible").count() == 0
    assert "Showing" in page.text_content("#f-status")
    page.click("#f-reset")
    expect(page.locator("#chain-svg .node:not(.off)")).to_have_count(total)
    page.select_option("#f-country", "PK")
    assert page.locator("#chain-svg .node:visible").count() == 3  # two in PK and the company
    page.click("#f-reset")
    assert errors == []


def test_search_and_hover_show_markup_as_text(page_session):
    page, errors, *_ = page_session
    page.fill("#f-search", "onerror")
    expect(page.locator("#chain-svg .node:not(.off)")).to_have_count(2)
    node = page.locator("#chain-svg .node:not(.off):not(.company)")
    node.hover()
    assert page.locator("#card h3").inner_text() == XSS_NAME
    assert page.locator("#card img").count() == 0
    assert page.locator("img").count() == 0  # nowhere on the page did the name become markup
    assert XSS_NAME[:20] in page.locator("#flagged-table").inner_text()
    page.fill("#f-search", "")
    page.locator(f"#chain-svg .node[aria-label^='{QUOTE_NAME[:10]}']").focus()
    assert page.locator("#card h3").inner_text() == QUOTE_NAME
    assert errors == []


def test_click_and_keyboard_highlight_paths(page_session):
    page, errors, *_ = page_session
    node = page.locator("#chain-svg .node[aria-label^='Gujarat']")
    node.click()
    assert page.locator("#chain-svg.selecting").count() == 1
    on = page.locator("#chain-svg .node.on").count()
    assert on >= 4  # farm, ginnery, spinners, ... down to the company
    assert page.locator("#chain-svg .node.company.on").count() == 1
    page.keyboard.press("Escape")
    assert page.locator("#chain-svg.selecting").count() == 0
    node.focus()
    page.keyboard.press("Enter")
    assert page.locator("#chain-svg .node.on").count() == on
    page.keyboard.press("Escape")
    assert errors == []


def test_table_sorts(page_session):
    page, *_ = page_session
    first = page.locator("#flagged-table tbody tr td.nm").first.inner_text()
    page.locator("#flagged-table th button", has_text="Supplier").click()
    names = page.locator("#flagged-table tbody tr td.nm").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert first  # the table starts worst first


def test_sector_report_runs_without_errors(page_session, tmp_path):
    from test_html import _aggregate

    from imvo_cli.report.html import write_aggregate_html

    page, *_ = page_session
    out = tmp_path / "sector.html"
    write_aggregate_html(_aggregate(public=False), out)
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.locator("#shared-table th button", has_text="Members").click()
    counts = page.locator("#shared-table tbody tr td:nth-child(3)").all_inner_texts()
    assert counts == sorted(counts)
    page.screenshot(path=str(OUTPUT / "sector.png"), full_page=True)
    assert errors == [] and requests == [out.as_uri()]


def test_dutch_report_builds_dutch_cards_and_status(page_session, tmp_path):
    page, *_ = page_session
    out = tmp_path / "nl.html"
    write_map_html(sample_chain(), out, lang="nl")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    n = len(sample_chain().suppliers)
    assert page.text_content("#f-status") == f"Alle {n} leveranciers getoond."
    page.locator("#chain-svg .node[aria-label^='Dhaka Stitch']").hover()
    assert page.locator("#card dt").all_inner_texts() == ["Land", "Tier", "Productieproces", "Risiconiveau",
                                                          "Verderop", "Regels in de werkmap"]
    card = page.locator("#card").inner_text()
    assert "Redenen" in card and "kritiek" in card and "bron:" in card
    assert not any(word in card for word in ("Country", "Risk level", "Reasons", "source:"))
    page.locator("#chain-svg .node.company").hover()
    assert "het bedrijf aan het eind van de ketens" in page.locator("#card").inner_text()
    page.uncheck("input[name=level][value=high]")
    assert re.fullmatch(rf"\d+ van {n} leveranciers getoond\.", page.text_content("#f-status"))
    assert errors == []
