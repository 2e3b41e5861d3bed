"""The package is typed: `mypy --strict` passes on compliance/ and the wheel says so (py.typed)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


def test_the_package_passes_mypy_strict():
    """Every module of compliance/ type-checks under --strict (configuration in pyproject.toml)."""
    pytest.importorskip("mypy", reason="mypy is a test dependency: pip install -e '.[test]'")
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert (result.returncode, result.stdout) == (0, "")
