"""Fault injection through the real CLI: workers that die or hang, signals, a full disk.

Faults are planted by tests/fault_cli.py (a hook forked workers inherit; nothing a user can set).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from cli_process import ROOT, alive, archive, cli, command, env, jsonl, wait_for_children

AS_OF = ("--as-of", "2026-04-30")
VICTIM = "TP-01-002"


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return archive(tmp_path_factory.mktemp("faults") / "a", files=3, per_file=4)


def _sessions(lines: list[dict]) -> list[str]:
    return [line["session"] for line in lines if line["kind"] == "session"]


ALL = [f"TP-{f:02d}-{s:03d}" for f in range(3) for s in range(4)]


def test_a_worker_that_dies_once_is_replaced_and_nothing_is_lost(logs, tmp_path):
    marker = tmp_path / "died-once"
    result = cli("audit", str(logs), *AS_OF, "--format", "jsonl", "--jobs", "2", fault=("exit", VICTIM, str(marker)))
    assert marker.exists()                 # it did die, once
    assert (result.returncode, result.stderr) == (0, "")
    lines = jsonl(result.stdout)
    assert _sessions(lines) == ALL and lines[-1]["sessions_not_checked"] == 0


@pytest.mark.parametrize("fault, how, code, jobs", [("exit", "exit status 3", 2, "1"),
                                                    ("segv", "killed by SIGSEGV", 70, "2")])
def test_a_session_that_kills_its_worker_twice_is_a_problem_and_the_others_are_kept(logs, fault, how, code, jobs):
    """A crash by a signal such as SIGSEGV is the engine's bug (70); another death is not said to be."""
    result = cli("audit", str(logs), *AS_OF, "--format", "jsonl", "--jobs", jobs, fault=(fault, VICTIM))
    assert (result.returncode, result.stderr) == (code, "")
    lines = jsonl(result.stdout)
    assert _sessions(lines) == [s for s in ALL if s != VICTIM]
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem["error"] == f"{logs}/log-01.jsonl: session '{VICTIM}' not checked: the worker process " \
                               f"died twice while checking it ({how})"
    assert problem["session"] == VICTIM
    assert lines[-1]["sessions"] + lines[-1]["sessions_not_checked"] == len(ALL)


def test_a_session_that_hangs_is_stopped_at_the_time_limit(logs):
    started = time.monotonic()
    process = subprocess.Popen(command("audit", str(logs), *AS_OF, "--format", "jsonl", "--jobs", "2",
                                       "--time-limit", "1", fault=("hang", VICTIM)),
                               env=env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = wait_for_children(process, 1)
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - started < 30
    assert (process.returncode, err) == (2, "")
    lines = jsonl(out)
    assert _sessions(lines) == [s for s in ALL if s != VICTIM]
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem["error"] == f"{logs}/log-01.jsonl: session '{VICTIM}' not checked: check exceeded 1 s " \
                               "(--time-limit)"
    assert not [pid for pid in workers if alive(pid)]


def test_a_bug_in_one_session_is_exit_70_after_the_whole_audit(logs):
    result = cli("--debug", "audit", str(logs), *AS_OF, "--format", "jsonl", fault=("raise", VICTIM))
    assert result.returncode == 70
    lines = jsonl(result.stdout)
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem["error"] == f"{logs}/log-01.jsonl: session '{VICTIM}' not checked: internal error: " \
                               "ZeroDivisionError: planted bug"
    assert problem["internal"] is True and _sessions(lines) == [s for s in ALL if s != VICTIM]
    # the traceback only under --debug, after the audit
    assert result.stderr.startswith(f"compliance: traceback of: {problem['error']}\n"
                                    "Traceback (most recent call last):")
    assert result.stderr.rstrip().endswith("ZeroDivisionError: planted bug")


def test_a_worker_killed_from_outside_mid_audit_loses_nothing(tmp_path):
    big = archive(tmp_path / "big", files=6, per_file=25)
    # 20 ms per session: about two seconds of checking, so the kill comes mid-audit
    process = subprocess.Popen(command("audit", str(big), *AS_OF, "--format", "jsonl", "--jobs", "2",
                                       fault=("pause", "*")),
                               env=env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = min(wait_for_children(process, 2))
    time.sleep(0.5)
    os.kill(victim, signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (0, "")
    lines = jsonl(out)
    assert len(set(_sessions(lines))) == len(_sessions(lines)) == 150
    assert not alive(victim)


@pytest.mark.parametrize("sig, code, line", [(signal.SIGTERM, 143, "compliance: terminated\n"),
                                             (signal.SIGINT, 130, "compliance: interrupted\n")])
def test_a_signal_mid_audit_stops_every_worker_and_leaves_no_temporary_file(tmp_path, sig, code, line):
    big = archive(tmp_path / "big", files=4, per_file=40)
    out = tmp_path / "audit.jsonl"
    out.write_text("previous\n")
    # hang on the last session so that the signal always comes mid-audit
    process = subprocess.Popen(command("audit", str(big), *AS_OF, "--format", "jsonl", "--jobs", "2",
                                       "--output", str(out), fault=("hang", "TP-03-039")),
                               env=env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = wait_for_children(process, 2)
    time.sleep(0.5)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=30)
    assert (process.returncode, stdout, stderr) == (code, "", line)
    assert workers and not [pid for pid in workers if alive(pid)]
    assert out.read_text() == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["audit.jsonl", "big"]


def test_a_full_disk_keeps_the_previous_file_and_leaves_no_temporary_file(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip() or 'mount failed'}")
    try:
        out = disk / "audit.jsonl"
        out.write_text("previous\n")
        result = cli("audit", "examples", "--as-of", "2026-06-30", "--format", "jsonl", "--output", str(out))
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"compliance: error: --output {out}: cannot write (No space left on device); " \
                                "the previous file is left as it was\n"
        assert out.read_text() == "previous\n" and os.listdir(disk) == ["audit.jsonl"]
        result = cli("check", "examples/session-avec-manquements.yaml", *AS_OF, "--format", "html",
                     "--output", str(disk / "new.html"))
        assert result.returncode == 2 and "cannot write (No space left on device); no file written" in result.stderr
        assert os.listdir(disk) == ["audit.jsonl"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_workers_die_with_a_parent_killed_outright(tmp_path):
    """SIGKILL cannot be caught: the kernel stops the workers, the busy one included."""
    big = archive(tmp_path / "big", files=2, per_file=10)
    process = subprocess.Popen(command("audit", str(big), *AS_OF, "--jobs", "2", fault=("hang", "TP-01-009")),
                               env=env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = wait_for_children(process, 2)
    time.sleep(1.0)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_state(pid) not in ("gone", "Z") for pid in workers):
        time.sleep(0.05)
    survivors = [pid for pid in workers if _state(pid) not in ("gone", "Z")]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


if sys.platform != "linux":     # /proc, fork and mount are Linux's
    pytestmark = pytest.mark.skip("fault injection runs on Linux")
