"""The HTML report and the documentation site in a real browser: headless Chromium driven by
Playwright. Each page loads without a console error or a failed request; the report of every
example prints to A4 pages; every internal link of the site leads to a page and an anchor that
the browser finds.

Skipped, with the reason, where Chromium (Debian's ``chromium``, which ``.ci/run`` installs) or
the ``playwright`` package is missing.
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from compliance.checker import default_rulebook
from compliance.cli import main
from compliance.docsite import write_site
from conftest import EXAMPLES

playwright_api = pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed "
                                                                   "(pip install -e '.[test]')")
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not found (/usr/bin/chromium or "
                                                         "'chromium' on PATH): install the Debian package 'chromium'")
# flags that keep Chromium quiet on a machine without a network (see docs of the CI machine)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
A4_POINTS = (595.0, 842.0)          # 210 × 297 mm


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class _Watched:
    """A page whose console errors, script errors and failed requests are kept."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1240, "height": 1754})    # A4 at 150 dpi
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())

    def close(self) -> None:
        self.page.close()


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The (width, height) in points of each page of a PDF written by Chromium."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_the_report_of_each_example_loads_cleanly_and_prints_to_a4(tmp_path, browser, example):
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(EXAMPLES / example), "--as-of", "2026-12-31", "--format", "html"], out, err)
    assert code in (0, 1), err.getvalue()
    report = tmp_path / "rapport.html"
    report.write_text(out.getvalue(), encoding="utf-8")
    watched = _Watched(browser)
    try:
        watched.open(report)
        assert watched.page.locator("h1").count() >= 1
        shot = watched.page.screenshot()      # the first screenful: a whole report is taller than a capture may be
        pdf = watched.page.pdf(format="A4", print_background=True)
    finally:
        watched.close()
    assert watched.problems == []
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 30_000     # a blank page compresses to a few kB
    pages = _pdf_pages(pdf)
    assert pages, "no page in the printed PDF"
    for width, height in pages:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)


def test_every_page_and_internal_link_of_the_site_works_in_the_browser(tmp_path, browser):
    write_site(default_rulebook(), tmp_path)
    watched = _Watched(browser)
    broken = []
    try:
        for page_file in sorted(tmp_path.glob("*.html")):
            watched.open(page_file)
            hrefs = watched.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            for href in hrefs:
                if href.startswith(("http://", "https://")):
                    continue
                target, _, anchor = href.partition("#")
                target_file = tmp_path / target if target else page_file
                if not target_file.is_file() or (anchor and not _has_id(browser, target_file, anchor)):
                    broken.append(f"{page_file.name} -> {href}")
    finally:
        watched.close()
    assert watched.problems == []
    assert broken == []


_IDS: dict[Path, set[str]] = {}


def _has_id(browser, page_file: Path, anchor: str) -> bool:
    """Whether the browser finds an element with that id on that page (pages read once)."""
    if page_file not in _IDS:
        page = browser.new_page()
        page.goto(page_file.as_uri())
        _IDS[page_file] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        page.close()
    return anchor in _IDS[page_file]


def test_a_clause_page_screenshot_is_not_blank(tmp_path, browser):
    write_site(default_rulebook(), tmp_path)
    watched = _Watched(browser)
    try:
        watched.open(tmp_path / "clause-S8.5.html")
        assert "S8.5" in watched.page.locator("h1").inner_text()
        shot = watched.page.screenshot()
    finally:
        watched.close()
    assert watched.problems == []
    assert len(shot) > 30_000
