"""Hostile and clumsy use of the real CLI, in child processes: exit code, the one line a user
reads, and every input session accounted for."""
from __future__ import annotations

import json
import os
import stat
import subprocess

import pytest

from cli_process import (ROOT, archive, clean_records, cli, command, env, jsonl, without_file_permission_bypass,
                         write_log)

AS_OF = ("--as-of", "2026-04-30")
EXAMPLES_IDS = {"TP-00417-2026-03-10", "TP-00417-2026-03-10-B", "TP-01345-2026-05-18", "TP-00302-2026-04-14",
                "TP-00186-2026-03-03", "TP-00378-2026-04-02"}
LATE = "TP-01345-2026-05-18"      # session-deux-jours: its last event is on 2026-05-26


def _accounted(summary: dict) -> int:
    return summary["sessions"] + summary["sessions_not_checked"]


# -- one session that cannot be checked does not stop the audit (item 1)
def test_an_audit_date_before_one_sessions_events_is_that_sessions_problem_in_every_format():
    text = cli("audit", "examples", *AS_OF, "--lang", "en")
    assert text.returncode == 2 and text.stderr == ""
    problem_line = [line for line in text.stdout.splitlines() if line.startswith("!! ")]
    assert problem_line == [
        f"!! examples/session-deux-jours.yaml: session '{LATE}' not checked: audit date: expected no earlier "
        "than the last event (2026-05-26T09:30:00+02:00), got '2026-04-30T23:59:59+02:00'"]
    # PVs overdue at 30 April in the VAE and CCP examples, and the breaches example
    assert "sessions: 5 · not checked: 1 · with violations: 3" in text.stdout
    for other in EXAMPLES_IDS - {LATE}:
        assert other in text.stdout

    result = cli("audit", "examples", *AS_OF, "--format", "jsonl")
    lines = jsonl(result.stdout)
    assert result.returncode == 2 and lines[-1]["sessions_with_violations"] == 3   # problems and findings: 2
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem["session"] == LATE and problem["file"] == "examples/session-deux-jours.yaml"
    assert problem["error"] == problem_line[0][3:]
    sessions = {line["session"] for line in lines if line["kind"] == "session"}
    assert sessions == EXAMPLES_IDS - {LATE}
    assert _accounted(lines[-1]) == 6 and lines[-1]["sessions_not_checked"] == 1

    document = json.loads(cli("audit", "examples", *AS_OF, "--format", "json").stdout)
    assert document["problems"] == [problem_line[0][3:]]
    assert _accounted(document["summary"]) == 6


def test_a_file_that_disappears_between_discovery_and_reading_is_a_problem_of_that_file(tmp_path):
    write_log(tmp_path / "a.jsonl", clean_records("A"))
    gone = write_log(tmp_path / "b.jsonl", clean_records("B"))
    # a worker deletes b.jsonl as it checks A, after discovery and the id scan, before b is read
    result = cli("audit", str(tmp_path), *AS_OF, "--jobs", "1", "--format", "jsonl",
                 fault=("unlink", "A", str(gone)))
    assert result.returncode == 2, result.stderr
    lines = jsonl(result.stdout)
    (problem,) = [line for line in lines if line["kind"] == "problem"]
    assert problem == {"kind": "problem", "file": str(gone),
                       "error": f"{gone}: cannot read the file (No such file or directory)"}
    assert [(line["session"], line["source"]) for line in lines if line["kind"] == "session"] == \
        [("A", str(tmp_path / "a.jsonl")), ("", str(gone))]        # b.jsonl: a D1 finding
    assert lines[-1]["unreadable_files"] == [str(gone)] and lines[-1]["files"] == 2


# -- exit codes hold everywhere (item 2)
@pytest.mark.parametrize("argv", [("rules", "list"), ("schema",), ("audit", "examples", "--as-of", "2026-06-30"),
                                  ("check", "examples/session-conforme.yaml", *AS_OF)])
def test_a_pipe_closed_by_its_reader_is_quiet_and_exits_141(argv):
    read_end, write_end = os.pipe()
    os.close(read_end)                   # the reader is gone before the first line
    try:
        result = cli(*argv, stdout=write_end)
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (141, "")


def test_audit_piped_to_head_is_quiet(tmp_path):
    logs = archive(tmp_path / "a", files=2, per_file=10)        # far more than a pipe buffer
    script = f'{subprocess.list2cmdline(command("audit", str(logs), *AS_OF, "--format", "jsonl"))} | head -1; ' \
             'exit "${PIPESTATUS[0]}"'
    result = subprocess.run(["bash", "-c", script], env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (141, "")
    assert json.loads(result.stdout)["kind"] == "audit"


def test_a_closed_stdout_is_one_line_and_exit_2():
    script = f'{subprocess.list2cmdline(command("rules", "list"))} >&-'
    result = subprocess.run(["bash", "-c", script], env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (2, "compliance: error: cannot write to standard output "
                                                     "(it is closed)\n")


def test_a_closed_stdout_does_not_matter_with_output(tmp_path):
    out = tmp_path / "audit.jsonl"
    argv = command("audit", "examples", "--as-of", "2026-06-30", "--format", "jsonl", "--output", str(out))
    result = subprocess.run(["bash", "-c", f"{subprocess.list2cmdline(argv)} >&-"], env=env(), cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.startswith("\nRésumé\n")    # the summary, for the terminal
    assert len([line for line in jsonl(out.read_text()) if line["kind"] == "session"]) == 6


# -- --output is safe (item 3)
def _no_temporary(directory) -> bool:
    return not [p for p in os.listdir(directory) if p.endswith(".tmp")]


@pytest.mark.parametrize("target, message", [
    ("/dev/full", "--output /dev/full: a character device, not a regular file; refused (only a regular file is "
                  "replaced)"),
    ("/dev/null", "--output /dev/null: a character device, not a regular file; refused (only a regular file is "
                  "replaced)"),
])
def test_output_to_a_device_is_refused_and_the_device_left_alone(target, message):
    for argv in (("audit", "examples", *AS_OF), ("check", "examples/session-conforme.yaml", *AS_OF)):
        result = cli(*argv, "--output", target)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", f"compliance: error: {message}\n")
        assert stat.S_ISCHR(os.stat(target).st_mode)


def test_output_to_a_fifo_a_directory_or_a_dangling_link_is_refused(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere" / "x.json")
    cases = {fifo: f"--output {fifo}: a FIFO, not a regular file; refused (only a regular file is replaced)",
             tmp_path / "dir.json": f"--output {tmp_path / 'dir.json'}: a directory, not a regular file; refused "
                                    "(only a regular file is replaced)",
             tmp_path / "dangling.json": f"--output {tmp_path / 'dangling.json'}: dangling symbolic link (to "
                                         f"'{tmp_path / 'nowhere' / 'x.json'}'); refused",
             tmp_path / "missing" / "x.json": f"--output {tmp_path / 'missing' / 'x.json'}: no such directory "
                                              f"'{tmp_path / 'missing'}'"}
    for target, message in cases.items():
        result = cli("audit", "examples", *AS_OF, "--output", str(target), timeout=30)
        assert (result.returncode, result.stderr) == (2, f"compliance: error: {message}\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and (tmp_path / "dir.json").is_dir()
    assert (tmp_path / "dangling.json").is_symlink() and not (tmp_path / "nowhere").exists()
    assert _no_temporary(tmp_path)


def test_output_name_not_in_utf8_is_refused(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.json"
    result = subprocess.run(command("audit", "examples", *AS_OF, "--output", name), env=env(), cwd=ROOT,
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == b"compliance: error: --output " + os.fsencode(tmp_path) + \
        b"/caf\\xe9.json: the file name is not valid UTF-8; refused\n"
    assert os.listdir(tmp_path) == []


def test_output_in_a_read_only_directory_is_refused_and_the_previous_file_kept(tmp_path):
    prefix = without_file_permission_bypass()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "audit.json").write_text("previous\n")
    locked.chmod(0o555)
    try:
        result = subprocess.run(prefix + command("audit", "examples", *AS_OF, "--output", str(locked / "audit.json")),
                                env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        locked.chmod(0o755)
    assert (result.returncode, result.stderr) == (2, f"compliance: error: --output {locked / 'audit.json'}: cannot "
                                                     f"create a file in '{locked}' (Permission denied)\n")
    assert (locked / "audit.json").read_text() == "previous\n" and os.listdir(locked) == ["audit.json"]


@pytest.mark.parametrize("umask, mode, argv", [
    (0o022, 0o644, ("audit", "examples", "--as-of", "2026-06-30", "--format", "json")),
    (0o077, 0o600, ("check", "examples/session-conforme.yaml", *AS_OF, "--format", "json")),
    (0o002, 0o664, ("audit", "examples/session-conforme.yaml", *AS_OF, "--format", "json"))])
def test_the_output_file_mode_follows_the_umask(tmp_path, umask, mode, argv):
    out = tmp_path / "report.json"
    out.write_text("previous\n")
    out.chmod(0o640)
    result = cli(*argv, "--output", str(out), preexec_fn=lambda: os.umask(umask))
    assert result.returncode in (0, 1) and result.stdout == ""
    assert stat.S_IMODE(os.stat(out).st_mode) == mode
    json.loads(out.read_text())


def test_output_through_a_link_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "reports" / "2026-04.json"
    real.parent.mkdir()
    real.write_text("previous\n")
    (tmp_path / "latest.json").symlink_to(real)
    result = cli("check", "examples/session-conforme.yaml", *AS_OF, "--format", "json",
                 "--output", str(tmp_path / "latest.json"))
    assert result.returncode == 0
    assert (tmp_path / "latest.json").is_symlink()
    assert json.loads(real.read_text())["reports"][0]["session"] == "TP-00417-2026-03-10"


def test_a_write_error_midway_keeps_the_previous_file(tmp_path):
    """The file-size limit (EFBIG) fails a write as a full disk does, on any machine."""
    import resource
    out = tmp_path / "audit.jsonl"
    out.write_text("previous\n")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
    result = cli("audit", "examples", "--as-of", "2026-06-30", "--format", "jsonl", "--output", str(out),
                 preexec_fn=limit)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"compliance: error: --output {out}: cannot write (File too large); the previous " \
                            "file is left as it was\n"
    assert out.read_text() == "previous\n" and _no_temporary(tmp_path)


# -- discovery accounts for everything (item 5)
def test_unreadable_paths_under_a_directory_are_reported_and_counted(tmp_path):
    prefix = without_file_permission_bypass()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    a = tmp_path / "a"
    a.mkdir()
    write_log(a / "good.jsonl", clean_records("GOOD"))
    (a / "dangling.yaml").symlink_to(a / "gone.yaml")
    (a / "loop.jsonl").symlink_to(a / "loop.jsonl")
    os.mkfifo(a / "fifo.jsonl")
    write_log(a / "secret.jsonl", clean_records("SECRET")).chmod(0)
    (a / "README.txt").write_text("not a session")
    (a / "notes.md").write_text("not a session")
    result = subprocess.run(prefix + command("audit", str(a), *AS_OF, "--format", "jsonl"), env=env(), cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and result.stderr == ""
    lines = jsonl(result.stdout)
    problems = sorted(line["error"] for line in lines if line["kind"] == "problem")
    assert problems == [f"{a}/dangling.yaml: cannot read the file (dangling symbolic link to '{a}/gone.yaml')",
                        f"{a}/fifo.jsonl: cannot read the file (a FIFO, not a regular file)",
                        f"{a}/loop.jsonl: cannot read the file (symbolic link loop)",
                        f"{a}/secret.jsonl: cannot read the file (Permission denied)"]
    summary = lines[-1]
    assert summary["files"] == 5 and summary["not_read"] == 2 and summary["sessions"] == 1
    assert sorted(summary["unreadable_files"]) == [f"{a}/{n}" for n in
                                                   ("dangling.yaml", "fifo.jsonl", "loop.jsonl", "secret.jsonl")]


def test_check_of_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    result = cli("check", str(fifo), *AS_OF, timeout=20)
    assert (result.returncode, result.stderr) == (2, f"compliance: error: {fifo}: cannot read the file (a FIFO, "
                                                     "not a regular file)\n")
    result = cli("audit", str(fifo), *AS_OF, timeout=20)
    assert result.returncode == 2 and f"!! {fifo}: cannot read the file (a FIFO, not a regular file)" in result.stdout


def test_a_path_reached_twice_is_audited_once_with_a_note(tmp_path):
    a = tmp_path / "a"
    a.mkdir()
    log = write_log(a / "s.jsonl", clean_records("ONE"))
    (tmp_path / "link.jsonl").symlink_to(log)
    (a / "again").symlink_to(a)          # the directory through a link: not searched twice
    result = cli("audit", str(a), str(log), str(tmp_path / "link.jsonl"), str(a), *AS_OF, "--format", "jsonl")
    assert result.returncode == 0, result.stdout
    lines = jsonl(result.stdout)
    assert [line["session"] for line in lines if line["kind"] == "session"] == ["ONE"]
    assert lines[-1]["notes"] == [f"{a}/again: same directory as {a}: searched once",
                                  f"{log}: named twice: audited once",
                                  f"{tmp_path}/link.jsonl: same file as {log}: audited once",
                                  f"{a}: named twice: searched once"]
    assert lines[-1]["files"] == 1


def test_a_session_spread_over_rotated_logs_is_one_session(tmp_path):
    records = clean_records("ROT", ids=False)
    half = len(records) // 2
    (tmp_path / "2026-03-10").mkdir()
    (tmp_path / "2026-03-11").mkdir()
    day1 = write_log(tmp_path / "2026-03-10" / "events.jsonl", records[:half])
    day2 = write_log(tmp_path / "2026-03-11" / "events.jsonl", records[half:])
    write_log(tmp_path / "2026-03-11" / "other.jsonl", clean_records("OTHER"))
    alone = jsonl(cli("audit", str(day1), *AS_OF, "--format", "jsonl").stdout)
    assert alone[-1]["sessions_with_violations"] == 1           # half a session looks like a bad one
    result = cli("audit", str(tmp_path), *AS_OF, "--format", "jsonl", "--jobs", "2")
    assert result.returncode == 0, result.stdout
    lines = jsonl(result.stdout)
    sessions = [line for line in lines if line["kind"] == "session"]
    assert [(s["session"], s["source"]) for s in sessions] == [("ROT", f"{day1}, {day2}"),
                                                              ("OTHER", str(tmp_path / "2026-03-11" / "other.jsonl"))]
    assert sessions[0]["events"] == len(records) and sessions[0]["findings"] == []
    assert lines[-1]["files"] == 3 and lines[-1]["sessions"] == 2


def test_an_event_given_in_two_rotated_logs_is_a_duplicate_of_the_merged_session(tmp_path):
    records = clean_records("DUP")              # explicit ids: the same event twice is a D4 duplicate
    write_log(tmp_path / "a.jsonl", records[:40])
    write_log(tmp_path / "b.jsonl", records[39:])
    result = cli("audit", str(tmp_path), *AS_OF, "--format", "jsonl")
    (session,) = [line for line in jsonl(result.stdout) if line["kind"] == "session"]
    assert session["source"] == f"{tmp_path}/a.jsonl, {tmp_path}/b.jsonl"
    d4 = [f for f in session["findings"] if f["clause"] == "D4"]
    assert len(d4) == 1 and f"duplicate event id '{records[39]['id']}'" in d4[0]["message"]["en"]
    assert session["events"] == len(records)


def test_a_record_and_a_log_of_the_same_session_are_merged(tmp_path):
    """The header in a record, the day's events in a live log: one session."""
    record = (ROOT / "examples" / "session-conforme.yaml").read_text(encoding="utf-8")
    header, _, _ = record.partition("\nevents:")
    (tmp_path / "a-header.yaml").write_text(header + "\nevents: []\n", encoding="utf-8")
    records = clean_records("TP-00417-2026-03-10", ids=False)
    live = [r for r in records if r["type"] not in {"manager_designated", "session_planned", "agrement_recorded",
                                                   "session_declared", "candidate_registered", "juror_appointed",
                                                   "test_scheduled", "candidate_convened"}]
    write_log(tmp_path / "b-live.jsonl", live)
    result = cli("audit", str(tmp_path), *AS_OF, "--format", "jsonl")
    (session,) = [line for line in jsonl(result.stdout) if line["kind"] == "session"]
    assert (result.returncode, session["findings"]) == (0, [])
    assert session["events"] == len(records)


def test_a_file_name_not_in_utf8_is_escaped_and_the_output_stays_utf8(tmp_path):
    directory = os.fsencode(tmp_path / "a")
    os.mkdir(directory)
    with open(directory + b"/caf\xe9.yaml", "wb") as f:
        f.write((ROOT / "examples" / "session-conforme.yaml").read_bytes())
    for fmt in ("text", "jsonl"):
        result = subprocess.run(command("audit", directory, *AS_OF, "--format", fmt), env=env(), cwd=ROOT,
                                capture_output=True, timeout=60)
        assert result.returncode == 0
        text = result.stdout.decode("utf-8")            # strict: valid UTF-8
        # the byte that is not UTF-8 shows as itself, \xe9, as the text reports show it
        assert f"{tmp_path}/a/caf\\xe9.yaml" in (text if fmt == "text" else json.loads(text.splitlines()[1])["source"])
