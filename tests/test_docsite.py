"""The rule base's documentation site (``compliance docs``), parsed as HTML and checked against
the rule base read as data: a page for every clause and event type, every internal link resolves,
every source's link is there, every field has a label, the same rule base gives the same bytes.
"""
from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from compliance.checker import default_rulebook
from compliance.docsite import clause_page, event_page, site_pages, write_site
from compliance.events import EVENT_TYPES, specific_fields
from conftest import ROOT


class _Page(HTMLParser):
    """The links, ids, headings and ``lang`` of one page."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.h1 = ""
        self.lang = ""
        self.rows: list[list[str]] = []
        self._in_h1 = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "h1":
            self._in_h1 = True
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def rulebook():
    return default_rulebook()


@pytest.fixture(scope="module")
def pages(rulebook):
    return {name: _Page(text) for name, text in site_pages(rulebook).items()}


def _catalogue():
    return yaml.safe_load((ROOT / "rules" / "clauses.yaml").read_text(encoding="utf-8"))


def test_a_page_for_every_clause_of_the_catalogue_and_every_event_type(pages):
    ids = [c["id"] for c in _catalogue()["clauses"] if not c.get("retired")]
    assert len(ids) >= 50
    for clause_id in ids:
        page = pages[clause_page(clause_id)]
        assert page.h1.startswith(f"Clause {clause_id} — "), page.h1
    for type_name in ("session_opened", "test_started", "pv_transmitted", "duty_handover"):
        assert event_page(type_name) in pages
    assert {n for n in pages if n.startswith("event-")} == {event_page(t) for t in EVENT_TYPES}


def test_every_internal_link_resolves_to_a_page_and_an_anchor(pages):
    broken = []
    for name, page in pages.items():
        for href in page.links:
            if href.startswith(("http://", "https://")):
                continue
            target, _, anchor = href.partition("#")
            target = target or name
            if target not in pages or (anchor and anchor not in pages[target].ids):
                broken.append(f"{name} -> {href}")
    assert broken == []


def test_every_rule_is_on_its_clause_page_with_its_sources_links(rulebook, pages):
    for rule in rulebook.checks:
        page = pages[clause_page(rule.clause)]
        assert rule.id in page.ids, rule.id
        for text in rule.reference.texts:
            if text.url:
                assert text.url in page.links, (rule.id, text.id)
        if rule.reference.url:
            assert rule.reference.url in page.links, rule.id


def test_the_versions_table_shows_an_effective_date(pages):
    # R16 (the DP studied before the decision) is in force from 1 June 2016 (arrêté 2015, art. 8)
    rows = [r for r in pages[clause_page("R16")].rows if len(r) == 3 and r[1].startswith("R16")]
    assert rows and all("juin 2016" in r[0] for r in rows), rows
    # S3.1 rests on no dated text
    rows = [r for r in pages[clause_page("S3.1")].rows if len(r) == 3 and r[1].startswith("S3.1")]
    assert rows and rows[0][0] == "sans limite de date"


def test_the_versions_table_shows_spans_by_kind_and_suspensions(pages):
    # R14 binds CCP juries from 1 January 2017; R5 is suspended by the Covid derogations
    r14 = [r for r in pages[clause_page("R14")].rows if len(r) == 3 and r[1].startswith("R14")]
    assert r14 and all("session CCP" in r[0] and "janvier 2017" in r[0] for r in r14), r14
    (r5,) = [r for r in pages[clause_page("R5")].rows if len(r) == 3 and r[1] == "R5-convocation-tardive"]
    assert "suspendue" in r5[0] and "25 mai 2020" in r5[0], r5


def test_every_field_of_every_event_type_has_a_french_label(pages):
    for type_name, cls in EVENT_TYPES.items():
        rows = {r[0]: r for r in pages[event_page(type_name)].rows[1:]}
        for spec in specific_fields(cls):
            label = rows[spec.name][1]
            assert label and not label.startswith(spec.doc or "\0"), (type_name, spec.name)


def test_english_pages_say_so(rulebook):
    page = _Page(site_pages(rulebook, "en")[clause_page("S3.1")])
    assert page.lang == "en"
    assert page.h1.startswith("Clause S3.1 — ")


def test_the_same_rule_base_gives_the_same_bytes(tmp_path, rulebook):
    first = write_site(rulebook, tmp_path / "a")
    second = write_site(rulebook, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]   # no temporary left


def test_pages_are_self_contained(pages, rulebook):
    for name, text in site_pages(rulebook).items():
        assert "<script" not in text and 'rel="stylesheet"' not in text and "<img" not in text, name


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_cli_writes_the_site_and_refuses_a_file_for_a_directory(tmp_path):
    done = _cli("docs", "--output", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "clause-S3.1.html").is_file()
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    refused = _cli("docs", "--output", "plain", cwd=tmp_path)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "plain" in lines[0] and "directory" in lines[0]
    assert "Traceback" not in refused.stderr
