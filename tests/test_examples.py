"""Each bundled example gives exactly the findings written by hand beside it."""
from __future__ import annotations

import io
import json

import pytest
import yaml

from compliance.cli import main
from conftest import EXAMPLES

RECORDS = sorted(EXAMPLES.glob("*.yaml"))


def test_every_example_has_its_expected_findings():
    assert len(RECORDS) >= 4
    assert all(p.with_name(p.stem + ".expected").is_file() for p in RECORDS)


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_example_gives_the_expected_findings(record):
    expected = yaml.safe_load(record.with_name(record.stem + ".expected").read_text(encoding="utf-8"))
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(record), "--as-of", expected["as_of"], "--format", "json"], out, err)
    assert code == expected["exit_code"], err.getvalue()
    (report,) = json.loads(out.getvalue())["reports"]
    got = sorted((f["clause"], f["severity"], f["rule"], [e["event_id"] for e in f["evidence"]])
                 for f in report["findings"])
    want = sorted((f["clause"], f["severity"], f["rule"], f["events"]) for f in expected["findings"])
    assert got == want
    for finding in report["findings"]:
        assert finding["message"]["fr"] and finding["message"]["en"]
