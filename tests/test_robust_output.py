"""Output that cannot be written whole (stop 20): a disk that fills up is simulated by a file size
limit (RLIMIT_FSIZE: writes past it fail with EFBIG, as with ENOSPC on a full disk; Python
ignores SIGXFSZ). The report is never cut short silently: exit 2 and one line."""
from __future__ import annotations

import resource
import subprocess

import pytest

from cli_process import ROOT, archive, command, env

LIMIT = 8192       # bytes a file may hold


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return archive(tmp_path_factory.mktemp("full") / "logs", files=1, per_file=20)


@pytest.mark.parametrize("unbuffered", ["1", ""])
@pytest.mark.parametrize("cmd", ["check", "audit"])
def test_standard_output_to_a_full_disk_is_an_error_not_a_cut_report(tmp_path, logs, unbuffered, cmd):
    """Under PYTHONUNBUFFERED=1 (set in many containers) the text layer of standard output took
    the short write of a full disk for the whole: check wrote 8,192 bytes of 1 MB and exit 0."""
    out = tmp_path / "report.json"
    with open(out, "wb") as stream:
        result = subprocess.run(command(cmd, str(logs), "--as-of", "2026-04-30", "--format", "json"),
                                stdout=stream, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
                                env=env(PYTHONUNBUFFERED=unbuffered), preexec_fn=_limited)
    assert out.stat().st_size == LIMIT          # the report did not fit
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "compliance: error: cannot write to standard output (File too large)"


@pytest.mark.parametrize("cmd", ["check", "audit"])
def test_an_output_file_on_a_full_disk_keeps_the_previous_one(tmp_path, logs, cmd):
    out = tmp_path / "report.json"
    out.write_text("previous\n", encoding="utf-8")
    result = subprocess.run(command(cmd, str(logs), "--as-of", "2026-04-30", "--format", "json", "--output", str(out)),
                            capture_output=True, text=True, cwd=ROOT, timeout=120, env=env(PYTHONUNBUFFERED="1"),
                            preexec_fn=_limited)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (f"compliance: error: --output {out}: cannot write (File too large); "
                                              "the previous file is left as it was")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_reader_that_leaves_early_gives_141_under_pythonunbuffered():
    """`check --format json | head -1`: the text layer took the pipe's short write for the whole,
    so the rest of the report was dropped and the exit code said all was written (1)."""
    process = subprocess.Popen(command("check", "examples", "--as-of", "2026-06-30", "--format", "json"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env(PYTHONUNBUFFERED="1"))
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"{\n"
    process.stdout.close()                  # as head does after its line
    assert process.wait(timeout=120) == 141
    assert process.stderr.read() == b""
