"""The Python API under wrong arguments, and any bytes as input (stop 20)."""
from __future__ import annotations

import datetime as dt
import json
import io
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from cli_process import ROOT, clean_records, command, env, write_log
from compliance import load_waivers
from compliance.audit import run_audit
from compliance.cli import main
from compliance.errors import UsageError

AS_OF = dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)


def test_run_audit_refuses_one_path_given_as_a_text(tmp_path):
    """Its characters were taken for paths: '/' had the whole file system searched (a hang)."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    with pytest.raises(TypeError, match=r"run_audit takes a list of paths, got one: pass \["):
        next(run_audit(str(log), as_of=AS_OF))


@pytest.mark.parametrize("as_of", ["2026-04-30", dt.datetime(2026, 4, 30), dt.date(2026, 4, 30), None])
def test_run_audit_refuses_an_audit_date_without_a_zone(tmp_path, as_of):
    """Each session then failed in its worker, as an internal error of ours."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    with pytest.raises(UsageError, match="audit date: expected a datetime with a time zone"):
        next(run_audit([str(log)], as_of=as_of))


@pytest.mark.parametrize("options, words", [
    ({"jobs": -3}, "jobs: expected a number of worker processes"),
    ({"jobs": "2"}, "jobs: expected a number of worker processes"),
    ({"time_limit": -1}, "time_limit: expected seconds, more than 0 and at most 1,000,000"),
    ({"time_limit": "x"}, "time_limit: expected seconds, more than 0 and at most 1,000,000"),
    ({"time_limit": float("inf")}, "time_limit: expected seconds, more than 0 and at most 1,000,000"),
])
def test_run_audit_refuses_jobs_and_time_limits_it_cannot_use(tmp_path, options, words):
    """A negative time limit had every session reported over its limit; a text one was a TypeError."""
    log = write_log(tmp_path / "a.jsonl", clean_records("TP-1"))
    with pytest.raises(UsageError, match=words):
        next(run_audit([str(log)], as_of=AS_OF, **options))


def test_load_waivers_does_not_take_an_int_for_a_file_descriptor():
    with pytest.raises(TypeError):
        load_waivers(5)


def _clean_log() -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in clean_records("TP-1")[:25]).encode()


CLEAN = _clean_log()


@st.composite
def hostile_bytes(draw) -> bytes:
    """Random bytes, or the clean log with slices replaced, inserted or deleted."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=3000))
    data = bytearray(CLEAN)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        size = draw(st.integers(0, 40))
        data[at:at + size] = draw(st.one_of(st.binary(max_size=40), st.sampled_from(
            [b"", b"\n", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b'"', b"{", b"}", b"[" * 200, b"-0", b"1e999",
             b"NaN", b'"\\ud800"', b"+24:00", b'"session": 5', b'"at": "9999-12-31T23:59:59-14:00"'])))
    return bytes(data)


@settings(max_examples=60)
@given(data=hostile_bytes(), suffix=st.sampled_from([".jsonl", ".yaml", ".json"]), command_=st.sampled_from(["check", "audit"]))
def test_any_bytes_end_in_a_documented_exit_code_and_no_traceback(tmp_path_factory, data, suffix, command_):
    """Whatever a file holds, the run ends (0, 1 or 2), and never in an internal error."""
    path = tmp_path_factory.mktemp("any") / f"input{suffix}"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    args = [command_, str(path), "--as-of", "2026-04-30", "--format", "json"] + (["--jobs", "1"] if command_ == "audit" else [])
    code = main(args, stdout=out, stderr=err)
    assert code in (0, 1, 2), err.getvalue()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()


@settings(max_examples=8)
@given(data=hostile_bytes())
def test_any_bytes_on_standard_input_end_in_a_process_exit_code_within_a_bound(data):
    """The real process, reading standard input: no traceback, no hang (a generous bound)."""
    result = subprocess.run(command("check", "-", "--as-of", "2026-04-30"), input=data, capture_output=True,
                            env=env(), cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1, 2)
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr
