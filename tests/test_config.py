"""The configuration file: found as ruff finds its own, overridden by flags, refused in one line."""
from __future__ import annotations

import csv
import io
import json

import pytest

from cli_process import clean_records, cli, write_log

AS_OF = ("--as-of", "2026-06-30")


@pytest.fixture
def project(tmp_path):
    """A project directory with a log whose only finding is S2.3's warning, in a subdirectory."""
    (tmp_path / "logs").mkdir()
    write_log(tmp_path / "logs" / "warn.jsonl",
              [r for r in clean_records("TP-WARN-1") if r["type"] != "jury_briefed"])
    return tmp_path


def _check(project, *argv, cwd=None):
    return cli("check", "logs/warn.jsonl" if cwd is None else str(project / "logs" / "warn.jsonl"), *AS_OF, *argv,
               cwd=cwd or project)


def test_pyproject_tool_compliance_sets_lang_fail_on_and_format(project):
    (project / "pyproject.toml").write_text('[project]\nname = "archive"\n\n[tool.compliance]\nlang = "en"\n'
                                            'fail-on = "warning"\nformat = "csv-sessions"\n', encoding="utf-8")
    result = _check(project)
    assert result.returncode == 1, result.stderr          # the warning fails, as the file says
    assert result.stdout.startswith("session,title,title_name,kind,")
    # a flag wins over the file
    result = _check(project, "--fail-on", "violation", "--format", "text")
    assert result.returncode == 0 and result.stdout.endswith("\n0 violations, 1 warning, 0 pending\n")
    # --no-config: the built-in defaults (French text, fail on violations)
    result = _check(project, "--no-config")
    assert result.returncode == 0 and result.stdout.endswith("\n0 violation, 1 avertissement, 0 en attente\n")


def test_the_nearest_file_up_the_tree_applies_and_compliance_toml_comes_first(project):
    (project / "pyproject.toml").write_text('[tool.compliance]\nformat = "csv"\n', encoding="utf-8")
    (project / "logs" / "compliance.toml").write_text('format = "jsonl"\n', encoding="utf-8")
    assert _check(project, cwd=project).stdout.startswith("session,title,centre,")
    from_logs = _check(project, cwd=project / "logs")
    assert json.loads(from_logs.stdout.splitlines()[0])["kind"] == "audit"
    # a pyproject.toml without our table is passed over on the way up
    (project / "logs" / "compliance.toml").unlink()
    (project / "logs" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert _check(project, cwd=project / "logs").stdout.startswith("session,title,centre,")


def test_rule_directories_and_waivers_are_relative_to_the_file(project, tmp_path_factory):
    config = project / "conf"
    config.mkdir()
    (config / "waivers.yaml").write_text(
        "waivers:\n  - {session: TP-WARN-1, clause: S2.3, justification: 'rappel fait oralement, non consigné',"
        " accepted_by: 'DREETS ARA', expires: 2027-01-01}\n", encoding="utf-8")
    (config / "compliance.toml").write_text('waivers = "waivers.yaml"\nfail-on = "warning"\n', encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = cli("audit", str(project / "logs"), *AS_OF, "--config", str(config / "compliance.toml"),
                 "--format", "csv", cwd=elsewhere)
    assert result.returncode == 0, result.stderr          # the warning is waived
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["session"], row["clause"], row["waived"]) == ("TP-WARN-1", "S2.3", "yes")
    (config / "compliance.toml").write_text('rules = ["no-such-dir"]\n', encoding="utf-8")
    result = cli("audit", str(project / "logs"), *AS_OF, "--config", str(config / "compliance.toml"), cwd=elsewhere)
    assert result.returncode == 2 and "no-such-dir" in result.stderr


@pytest.mark.parametrize("written, expected", [
    ('[tool.compliance]\nlang = "de"\n',
     "pyproject.toml:2: [tool.compliance] lang: expected one of fr, en, got 'de'"),
    ('[tool.compliance]\nlang = "en"\nfail_on = "warning"\n',
     "pyproject.toml:3: [tool.compliance] unknown key 'fail_on': expected one of rules, waivers, lang, "
     "fail-on, format (did you mean 'fail-on'?)"),
    ('[tool.compliance]\nrules = "local"\n',
     "pyproject.toml:2: [tool.compliance] rules: expected a list of non-empty strings (directories), got 'local'"),
    ('[tool.compliance]\nformat = 3\n',
     "pyproject.toml:2: [tool.compliance] format: expected one of text, json, jsonl, csv, csv-sessions, "
     "markdown, html, sarif, junit, md, got 3"),
    ('[tool.compliance]\nlang = "en\n',
     "pyproject.toml:2:11: invalid TOML (Illegal character '\\n')"),
])
def test_a_wrong_file_is_one_line_naming_file_key_and_expectation_exit_2(project, written, expected):
    (project / "pyproject.toml").write_text(written, encoding="utf-8")
    result = _check(project)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"compliance: error: {project / expected}"]


def test_config_and_no_config_cannot_go_together_and_a_missing_file_is_named(project):
    result = _check(project, "--config", "nope.toml")
    assert (result.returncode, result.stderr) == (2, "compliance: error: nope.toml: no such configuration file\n")
    assert _check(project, "--config", "nope.toml", "--no-config").returncode == 2
