"""The installed wheel must carry the default rule base."""
from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_ships_every_rule_file(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("tp_compliance-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"compliance/_rules/{p.name}" for p in (ROOT / "rules").glob("*.yaml")}
    assert "compliance/_rules/clauses.yaml" in expected
    assert expected <= names
    assert "compliance/schemas/rules.schema.json" in names      # the published rule-file schema
    assert any(n.startswith("compliance/_capi_compat.") and n.endswith(".so") for n in names), \
        "the C-API compatibility extension (needed on Python 3.13+) is missing from the wheel"
    assert "compliance/py.typed" in names, "without the PEP 561 marker, type checkers ignore our annotations"


def test_engine_imports_and_runs_on_this_python():
    """durable-rules loads on every supported Python (3.13+ through compliance._capi_compat)."""
    import importlib.util

    from compliance import check_session, read_path
    assert importlib.util.find_spec("compliance._capi_compat") is not None
    (session,) = read_path(ROOT / "examples" / "session-avec-manquements.yaml")
    report = check_session(session)
    assert report.violations
