"""Every per-session report says which session it is (from the record's declarations) and pins
the exact record and rules that produced it; the HTML report ends with a block to sign."""
from __future__ import annotations

import hashlib
import io
import json
from html.parser import HTMLParser

from compliance.cli import main
from conftest import EXAMPLES

CLEAN = EXAMPLES / "session-conforme.yaml"
TWO_DAYS = EXAMPLES / "session-deux-jours.yaml"


def _render(record, fmt: str, lang: str = "fr", as_of: str = "2026-06-30") -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(record), "--as-of", as_of, "--format", fmt, "--lang", lang], out, err) == 0, err.getvalue()
    return out.getvalue()


def test_json_report_identifies_the_session_from_its_declarations():
    info = json.loads(_render(CLEAN, "json"))["reports"][0]["info"]
    # examples/session-conforme.yaml, read by hand: one day, RS1, two jurors, C3 absent
    assert info == {
        "title": "TP-00417", "title_name": "Cuisinier", "kind": "titre",
        "centre": "Centre de formation Les Tilleuls", "site": "Villeurbanne",
        "first_day": "2026-03-10", "last_day": "2026-03-10",
        "managers": ["Agnès Roussel (RS1)"], "substitutes": [],
        "jurors": ["Françoise Ollivier (J1)", "Jérôme Caël (J2)"],
        "candidates": 3, "present": 2,
        "record_sha256": hashlib.sha256(CLEAN.read_bytes()).hexdigest()}


def test_text_report_names_the_days_in_words_and_counts_with_real_plurals():
    text = _render(TWO_DAYS, "text")
    assert "  Dates : du lundi 18 mai 2026 au mardi 19 mai 2026\n" in text
    assert "  Candidats : 3 inscrits, 3 présents, 0 absent\n" in text
    english = _render(TWO_DAYS, "text", "en")
    assert "  Dates: Monday 18 May 2026 to Tuesday 19 May 2026\n" in english
    assert "  Candidates: 3 registered, 3 present, 0 absent\n" in english


class _Page(HTMLParser):
    """The rows of every table (th, td) and the attestation's text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str]] = []
        self.sign: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self._table: list[str] = []
        self.attestation = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("class") == "attestation":
            self.attestation += 1
        if tag == "table":
            self._table.append(attrs.get("class", ""))
        if tag == "tr":
            self._row = []
        if tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and len(self._row) == 2:
            (self.sign if self._table and self._table[-1] == "sign" else self.rows).append(tuple(self._row))
        if tag == "table" and self._table:
            self._table.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_report_has_the_identity_and_a_block_to_sign():
    page = _Page()
    page.feed(_render(CLEAN, "html"))
    rows = dict(page.rows)
    assert rows["Centre"] == "Centre de formation Les Tilleuls"
    assert rows["Titre"] == "TP-00417 — Cuisinier"
    assert rows["Jury"] == "Françoise Ollivier (J1), Jérôme Caël (J2)"
    assert rows["Empreinte SHA-256 du dossier"] == hashlib.sha256(CLEAN.read_bytes()).hexdigest()
    assert page.attestation == 1
    assert [label for label, blank in page.sign] == ["Observations", "Fait à", "Le", "Nom", "Fonction", "Signature"]
    assert all(blank == "" for _, blank in page.sign)


def test_markdown_report_ends_with_the_same_block_to_sign():
    text = _render(CLEAN, "markdown")
    block = text[text.rindex("## Attestation"):]
    assert f"`{hashlib.sha256(CLEAN.read_bytes()).hexdigest()}`" in block
    rows = [line.split("|")[1].strip() for line in block.splitlines() if line.startswith("| ") and "<br>" in line]
    assert rows == ["Observations", "Fait à", "Le", "Nom", "Fonction", "Signature"]
