"""The HTML report as the Corporate Parenting Group opens it: in a real browser, offline."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    describe_violations,
    require_browser,
    screenshot,
)

from analysis.periods import parse_period
from analysis.report import ReportOptions, build_report, to_html
from heard.demo.build import build_demo
from heard.settings import load_settings
from heard.wiring import open_database


def _decoded(src: str) -> str:
    """The text of a data: URI image (SVG keeps its labels as text)."""
    head, _, body = src.partition(",")
    return base64.b64decode(body).decode("utf-8", "replace") if ";base64" in head else unquote(body)


def test_html_report_has_working_charts_and_the_target_line(tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import sync_playwright

    settings = load_settings(environ={"HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    database = open_database(settings)
    build_demo(database, settings.pseudonym_key, seed=11, scale=0.3)
    with database.engine.connect() as connection:
        report = build_report(connection, parse_period("2026-Q3"), ReportOptions())
    database.close()
    page_file = tmp_path / "report.html"
    page_file.write_text(to_html(report), encoding="utf-8")
    html = page_file.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html.replace("https://www.w3.org", "")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900}, bypass_csp=True)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(page_file.as_uri())
        images = page.evaluate(
            "Array.from(document.images).map(i =>"
            " ({src: i.src, ok: i.complete && i.naturalWidth > 0, alt: i.alt}))"
        )
        screenshot(page, "report")
        violations = axe_violations(page)
        # on a phone, wide tables scroll inside their own boxes, not the whole page
        page.set_viewport_size({"width": 390, "height": 844})
        page_width = page.evaluate("document.documentElement.scrollWidth")
        boxes = page.evaluate("document.querySelectorAll('.scroll > table').length")
        tables = page.evaluate("document.querySelectorAll('table').length")
        ids = page.evaluate("Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
        screenshot(page, "report-phone")
        phone_violations = axe_violations(page)
        browser.close()
    assert page_width <= 390, f"the report is {page_width}px wide on a 390px phone"
    assert boxes == tables
    assert len(ids) == len(set(ids)), "every id once"
    assert not phone_violations, describe_violations(phone_violations)
    assert images, "the report should have charts"
    assert all(image["ok"] for image in images), [i["alt"] for i in images if not i["ok"]]
    assert all(image["alt"].strip() for image in images), "every chart needs alt text"
    assert not failed, failed
    sources = " ".join(_decoded(image["src"]) for image in images)
    assert "80%" in sources and "Target" in sources, "the 80% target line must be drawn"
    assert not violations, describe_violations(violations)
