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
