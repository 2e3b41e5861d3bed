"""`compliance explain` and `rules show`/`rules lint` by clause, checked against the rule files
read as plain data."""
from __future__ import annotations

import io

import yaml

from compliance.cli import main
from conftest import ROOT

RULES = ROOT / "rules"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def _rules_of(clause: str) -> list[dict]:
    found = []
    for path in sorted(RULES.glob("[SRD]*.yaml")):
        found += [r for r in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", [])
                  if r.get("clause") == clause]
    return found


def _clause(clause: str) -> dict:
    catalogue = yaml.safe_load((RULES / "clauses.yaml").read_text(encoding="utf-8"))
    return next(c for c in catalogue["clauses"] if c["id"] == clause)


def test_explain_a_clause_gives_its_text_sources_and_every_rule():
    code, out, _ = _run("explain", "S5.5")
    assert code == 0
    clause = _clause("S5.5")
    assert out.startswith(f"Clause S5.5 — {clause['title']['fr']}\n")
    assert clause["title"]["en"] in out
    rules = _rules_of("S5.5")
    assert len(rules) >= 2
    for rule in rules:
        assert f"Règle {rule['id']} — {rule['title']['fr']} (rules/S5-epreuves.yaml:" in out
        assert rule["reference"]["text"] in out
    assert not any(line.endswith(" ") for line in out.splitlines())


def test_explain_in_english_and_for_one_rule():
    (rule,) = [r for r in _rules_of("S3.1") if r["id"] == "S3.1-identite-non-controlee"]
    code, out, _ = _run("explain", rule["id"], "--lang", "en")
    assert code == 0 and f"Rule {rule['id']} — {rule['title']['en']}" in out
    assert "there is no event 'identity_checked' such that candidate == start.candidate" in out


def test_explain_an_unknown_id_suggests_the_nearest():
    code, out, err = _run("explain", "S3.7")
    assert code == 2 and out == "" and "no clause or rule 'S3.7'" in err


def test_rules_show_a_clause_shows_each_of_its_rules():
    code, out, _ = _run("rules", "show", "S5.5")
    assert code == 0
    assert sorted(line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")) == sorted(
        r["id"] for r in _rules_of("S5.5"))


def test_rules_lint_accepts_the_whole_rules_directory_catalogue_included():
    files = [str(p) for p in sorted(RULES.glob("*.yaml"))]
    code, out, err = _run("rules", "lint", *files)
    assert (code, err) == (0, "") and out.startswith(f"{len(files)} file(s) valid")
