"""Options a user can get wrong (stop 20): each one ended in a traceback (exit 70), a hang or lost
input before its fix; now it is one line and exit 2, before any work."""
from __future__ import annotations

import os

import pytest

from cli_process import clean_records, cli, write_log

AS_OF = ("--as-of", "2026-04-30")


@pytest.mark.parametrize("command", ["check", "audit"])
def test_an_empty_output_name_is_a_usage_error(tmp_path, command):
    """It was exit 70: FileNotFoundError renaming '..PID.tmp' to ''."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    result = cli(command, str(log), *AS_OF, "--output", "", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "compliance: error: --output: expected a file name, got ''\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


@pytest.mark.parametrize("command", ["check", "audit"])
@pytest.mark.parametrize("how", ["the file", "a file under the directory", "a link to the file"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, command, how):
    """``check a.jsonl --output a.jsonl`` replaced the log by its own report: the input was lost."""
    (tmp_path / "logs").mkdir()
    log = write_log(tmp_path / "logs" / "a.jsonl", clean_records("TP-1"))
    before = log.read_bytes()
    output, given = {"the file": (log, log), "a file under the directory": (log, log.parent),
                     "a link to the file": (tmp_path / "link.jsonl", log)}[how]
    if how == "a link to the file":
        output.symlink_to(log)
    result = cli(command, str(given), *AS_OF, "--format", "jsonl", "--output", str(output))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"compliance: error: --output {output}: also an input of this run ({given}); refused "
                             "(the report would replace it)\n")
    assert log.read_bytes() == before


def test_an_output_beside_the_inputs_is_still_written(tmp_path):
    """The refusal is only for a file the run reads: a new report in the inputs' directory is fine."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    result = cli("audit", str(tmp_path), *AS_OF, "--format", "json", "--output", str(tmp_path / "report.json"))
    assert result.returncode == 0 and (tmp_path / "report.json").stat().st_size > 0
    assert log.exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "1000000", "99999999999999999999", "two"])
def test_a_number_of_jobs_out_of_range_is_refused(tmp_path, jobs):
    """--jobs 1000 forked a thousand workers, each compiling the rule base: minutes with no
    output (-1 and 0 were taken silently)."""
    most = 4 * (os.cpu_count() or 1)
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    result = cli("audit", str(log), *AS_OF, "--jobs", jobs, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"compliance: error: argument --jobs: expected a number of worker processes from 1 "
                             f"to {most} (4 per core), got '{jobs}'\n")


def test_a_huge_time_limit_is_refused_in_words(tmp_path):
    """1e308 passed the check for a finite positive number, then overflowed the pool's wait: exit 70."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    result = cli("audit", str(log), *AS_OF, "--time-limit", "1e308")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "compliance: error: argument --time-limit: expected at most 1,000,000 seconds, got '1e308'\n"
    assert cli("audit", str(log), *AS_OF, "--time-limit", "1000000").returncode == 0


@pytest.mark.parametrize("option, words", [("--waivers", "the waiver file"), ("--config", "the configuration file"),
                                           ("--rules", "the file")])
def test_a_fifo_given_as_waivers_config_or_rule_file_is_refused_without_waiting(tmp_path, option, words):
    """Each was opened for reading and waited for a writer that never came: a hang."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    if option == "--rules":
        (tmp_path / "rules").mkdir()
        fifo = tmp_path / "rules" / "S1-extra.yaml"
        os.mkfifo(fifo)
        given = fifo.parent
    else:
        fifo = given = tmp_path / "pipe"
        os.mkfifo(fifo)
    result = cli("check", str(log), *AS_OF, option, str(given), timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"compliance: error: {fifo}: cannot read {words} (a FIFO, not a regular file)\n"


def test_a_waiver_file_that_is_not_utf8_names_its_line_and_byte(tmp_path):
    """It showed Python's codec message ('utf-8' codec can't decode byte 0xff in position 22...)."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    waivers = tmp_path / "w.yaml"
    waivers.write_bytes(b"# accepted deviations\nwaivers: [\xff]\n")
    result = cli("check", str(log), *AS_OF, "--waivers", str(waivers))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"compliance: error: {waivers}:2: not UTF-8 text (byte 0xff): expected a UTF-8 "
                             "encoded waiver file\n")


def test_a_missing_waiver_file_is_said_once_in_words(tmp_path):
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    result = cli("check", str(log), *AS_OF, "--waivers", str(tmp_path / "none.yaml"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"compliance: error: {tmp_path / 'none.yaml'}: cannot read the waiver file "
                             "(No such file or directory)\n")
