#!/usr/bin/env python3
"""Speed and memory figures for compliance. Prints medians and ratios; asserts nothing.

    .venv/bin/python benchmarks/run.py [--sessions 2000] [--repeat 3]

Shared machines are noisy: compare ratios (jobs 2 vs 1, live vs batch) rather than absolute
figures, and rerun before drawing conclusions.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compliance import Checker, check_session, read_path  # noqa: E402
from compliance.readers import read_file  # noqa: E402


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_archive(directory: Path, sessions: int, per_file: int = 250) -> int:
    (session,) = read_path(ROOT / "examples" / "session-conforme.yaml")
    records = [e.to_record() for e in session.events]
    events = 0
    for f in range(0, sessions, per_file):
        with (directory / f"log-{f:06d}.jsonl").open("w", encoding="utf-8") as out:
            for s in range(f, min(f + per_file, sessions)):
                for r in records:
                    out.write(json.dumps(dict(r, session=f"S{s:06d}"), ensure_ascii=False) + "\n")
                    events += 1
    return events


def write_log(path: Path, events: int) -> int:
    """One JSON Lines log of about ``events`` events, sessions one after the other."""
    (session,) = read_path(ROOT / "examples" / "session-conforme.yaml")
    records = [json.dumps(e.to_record(), ensure_ascii=False) for e in session.events]
    written = 0
    with path.open("w", encoding="utf-8") as out:
        s = 0
        while written < events:
            sid = json.dumps(f"S{s:07d}")
            for line in records:
                out.write(line.replace('"session": "TP-00417-2026-03-10"', f'"session": {sid}', 1) + "\n")
            written += len(records)
            s += 1
    return written


def peak_tree_rss(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (seconds, peak of the summed RSS of it and its children, in MiB),
    sampled every 20 ms from /proc (Linux)."""
    import threading
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    peak = 0

    def tree_rss() -> int:
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            pid, ppid = int(entry.name), int(fields.get("PPid", "0").strip())
            if pid == proc.pid or ppid == proc.pid:
                total += int(fields.get("VmRSS", "0 kB").split()[0])
        return total

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, tree_rss())
            time.sleep(0.02)
    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} exited with {proc.returncode}")
    return time.perf_counter() - start, peak / 1024


def live_session(candidates: int = 15, near: int = 380):
    """A compliant generated session of ``candidates`` candidates (tests/strategies.py), the one
    of 20 derandomized draws whose size is nearest ``near`` events, with its audit date."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hypothesis import HealthCheck, given, settings
    from strategies import scenarios
    drawn = []

    @settings(max_examples=20, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(scenarios(min_candidates=candidates, max_candidates=candidates))
    def draw(scenario):
        drawn.append(scenario)
    draw()
    scenario = min(drawn, key=lambda s: abs(len(s.events) - near))
    return scenario.session(), scenario.as_of


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def live_figures(repeat: int) -> None:
    """Live feeding and guidance on a full-size session: per-event cost (wall clock and this
    thread's CPU time, which other processes on a shared machine do not inflate), its growth
    over the session, the total against the batch check, and guide against feed."""
    import statistics as stats
    session, as_of = live_session()
    events = sorted(session.events, key=lambda e: e.at)
    n = len(events)
    check_session(session, as_of=as_of)
    batch = median_time(lambda: check_session(session, as_of=as_of), max(repeat, 5))

    def run(method: str) -> tuple[float, list[float], list[float]]:
        checker = Checker()
        walls, cpus = [], []
        start = time.perf_counter()
        for event in events:
            wall, cpu = time.perf_counter(), time.thread_time()
            getattr(checker, method)(event)
            cpus.append(time.thread_time() - cpu)
            walls.append(time.perf_counter() - wall)
        checker.finish(as_of)
        return time.perf_counter() - start, walls, cpus

    run("guide")                                    # warm-up: the live rule base is built once
    results = {}
    for method in ("feed", "guide"):
        runs = [run(method) for _ in range(repeat)]
        total = stats.median(r[0] for r in runs)
        walls = [w for r in runs for w in r[1]]
        cpus = [c for r in runs for c in r[2]]
        results[method] = (total, walls, cpus)
    total, walls, cpus = results["feed"]
    q = n // 4
    early = stats.median(c for r in range(repeat) for c in cpus[r * n:r * n + q])
    late = stats.median(c for r in range(repeat) for c in cpus[r * n + n - q:r * n + n])
    print(f"live feeding     {n} events, 15 candidates: per feed p50 {_percentile(walls, .5) * 1e3:.3f} ms, "
          f"p99 {_percentile(walls, .99) * 1e3:.3f} ms wall clock; CPU p50 {_percentile(cpus, .5) * 1e3:.3f} ms, "
          f"p99 {_percentile(cpus, .99) * 1e3:.3f} ms (target p99 < 1 ms)")
    print(f"live growth      CPU median per feed, first quarter {early * 1e3:.3f} ms, last quarter "
          f"{late * 1e3:.3f} ms")
    print(f"live / batch     {total * 1e3:.1f} ms fed live (finish included) / {batch * 1e3:.1f} ms batch check "
          f"= {total / batch:.2f}x (target <= 3x)")
    g_total, g_walls, g_cpus = results["guide"]
    print(f"live guidance    guide p99 {_percentile(g_walls, .99) * 1e3:.3f} ms wall / "
          f"{_percentile(g_cpus, .99) * 1e3:.3f} ms CPU vs feed p99 {_percentile(walls, .99) * 1e3:.3f} / "
          f"{_percentile(cpus, .99) * 1e3:.3f} ms: +{(_percentile(g_cpus, .99) / _percentile(cpus, .99) - 1) * 100:.0f}% "
          f"at p99 (CPU; target <= +20%), total {g_total * 1e3:.1f} ms")


def _yaml_parse_time(module, text: str, repeat: int) -> float:
    return median_time(lambda: [module.load_yaml(text, lenient=True) for _ in range(20)], repeat) / 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--log-events", dest="log_events", type=int, default=1_000_000,
                        help="events of the one-log memory figure (0: skip it)")
    args = parser.parse_args()
    (session,) = read_path(ROOT / "examples" / "session-conforme.yaml")
    import datetime as dt
    as_of = dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)
    n_events = len(session.events)
    print(f"session: {n_events} events (examples/session-conforme.yaml); medians of {args.repeat} runs")

    check_session(session, as_of=as_of)          # warm-up: rule base load and compile
    per_check = median_time(lambda: [check_session(session, as_of=as_of) for _ in range(100)], args.repeat) / 100
    print(f"batch check      {1 / per_check:8.0f} sessions/s   {n_events / per_check:9.0f} events/s")

    live_figures(args.repeat)

    from compliance import _yaml
    record = ROOT / "examples" / "session-deux-jours.yaml"
    text = record.read_text(encoding="utf-8")
    (two_days,) = read_path(record)
    n_record = len(two_days.events)
    fast = median_time(lambda: [read_file(record) for _ in range(20)], args.repeat) / 20
    careful = median_time(lambda: [_yaml.yaml.load(text, Loader=_yaml._LenientLoader) for _ in range(20)],
                          args.repeat) / 20
    print(f"reading YAML     {n_record / fast:8.0f} events/s (whole reader); YAML parse alone: libyaml path "
          f"{careful / _yaml_parse_time(_yaml, text, args.repeat):.1f}x faster than the pure-Python loader")

    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        archive.mkdir()
        events = write_archive(archive, args.sessions)
        first = sorted(archive.glob("*.jsonl"))[0]
        per_read = median_time(lambda: read_file(first), args.repeat)
        print(f"reading JSONL    {250 * n_events / per_read:8.0f} events/s")
        results = {}
        for jobs in (1, 2):
            def audit():
                subprocess.run([sys.executable, "-m", "compliance", "audit", str(archive), "--as-of", "2026-04-30",
                                "--format", "jsonl", "--output", str(Path(tmp) / "out.jsonl"), "--jobs", str(jobs)],
                               check=True, cwd=ROOT)
            results[jobs] = median_time(audit, args.repeat)
            print(f"audit --jobs {jobs}   {args.sessions / results[jobs]:8.0f} sessions/s "
                  f"({args.sessions} sessions, {events} events, {results[jobs]:.1f} s)")
        print(f"parallel speed-up (jobs 2 / jobs 1): {results[1] / results[2]:.2f}x")
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS of an audit process: {child:.0f} MiB")
    if args.log_events:
        with tempfile.TemporaryDirectory() as tmp:
            sizes = {}
            for events in (args.log_events // 2, args.log_events):
                log = Path(tmp) / f"log-{events}.jsonl"
                n = write_log(log, events)
                seconds, peak = peak_tree_rss([sys.executable, "-m", "compliance", "audit", str(log), "--as-of",
                                               "2026-04-30", "--format", "jsonl", "--output",
                                               str(Path(tmp) / "out.jsonl"), "--jobs", "2"])
                sizes[events] = peak
                print(f"one log of {n:,} events: {n / seconds:8.0f} events/s, peak RSS of the audit "
                      f"(parent and workers) {peak:.0f} MiB")
                log.unlink()
            small, large = sizes.values()
            print(f"peak memory, log of {args.log_events:,} events / log of half that: {large / small:.2f}x")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {own:.0f} MiB")


if __name__ == "__main__":
    main()
