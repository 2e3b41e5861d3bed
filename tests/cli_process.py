"""Running the real CLI in a child process, and small archives for it (shared by several tests)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAULT_CLI = ROOT / "tests" / "fault_cli.py"


def env(**extra: str) -> dict[str, str]:
    values = dict(os.environ, **extra)
    values["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    values.pop("NO_COLOR", None)
    return values


def command(*argv: str | bytes, fault: tuple[str, ...] = ()) -> list:
    """``python -m compliance ARGV``, or the fault-planting harness when ``fault`` is given."""
    if fault:
        return [sys.executable, str(FAULT_CLI), *fault, "--", *argv]
    return [sys.executable, "-m", "compliance", *argv]


def cli(*argv: str | bytes, fault: tuple[str, ...] = (), timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(command(*argv, fault=fault), env=env(), cwd=kwargs.pop("cwd", ROOT), timeout=timeout,
                          text=True, **kwargs)


def without_file_permission_bypass() -> list[str] | None:
    """A command prefix under which file permissions apply (root bypasses them), or None."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run([setpriv, "--bounding-set=-dac_override,-dac_read_search", "true"], capture_output=True)
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"] if probe.returncode == 0 else None


def clean_records(session_id: str, *, ids: bool = True) -> list[dict]:
    """The events of the compliant example as log records, for ``session_id``."""
    from compliance import read_path
    (session,) = read_path(ROOT / "examples" / "session-conforme.yaml")
    records = []
    for event in session.events:
        record = dict(event.to_record(), session=session_id)
        if not ids:
            del record["id"]
        records.append(record)
    return records


def write_log(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def archive(directory: Path, files: int, per_file: int) -> Path:
    """``files`` logs of ``per_file`` compliant sessions each, ids TP-ff-sss."""
    directory.mkdir(parents=True, exist_ok=True)
    base = clean_records("X")
    for f in range(files):
        write_log(directory / f"log-{f:02d}.jsonl",
                  [dict(r, session=f"TP-{f:02d}-{s:03d}") for s in range(per_file) for r in base])
    return directory


def children(pid: int) -> set[int]:
    """The pids of the direct children of ``pid`` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    """Running, or a zombie nobody reaped (an orphan in both cases)."""
    return Path(f"/proc/{pid}").exists()


def wait_for_children(process: subprocess.Popen, count: int, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        pids = children(process.pid)
        if len(pids) >= count:
            return pids
        time.sleep(0.02)
    raise AssertionError(f"the audit did not start {count} workers in {timeout} s")


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]
