#!/usr/bin/env python3
"""Speed and memory figures for compliance. Prints medians and ratios; asserts nothing.

    .venv/bin/python benchmarks/run.py [--sessions 2000] [--repeat 3] [--only audit|memory]

With the bench extra (pm4py) installed, PM4Py's Declare conformance runs on the same archive.

Shared machines are noisy: compare ratios (jobs 2 vs 1, live vs batch) rather than absolute
figures, and rerun before drawing conclusions.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

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
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
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
    # feed and guide runs alternate, so that a change of load on a shared machine weighs on both
    by_method: dict[str, list[tuple[float, list[float], list[float]]]] = {"feed": [], "guide": []}
    for _ in range(repeat):
        for method in by_method:
            by_method[method].append(run(method))
    results = {}
    for method, runs in by_method.items():
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


def cpu_time(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def wall_and_cpu(fn, repeat: int) -> tuple[float, float]:
    """Medians of the wall time and of the CPU time of the child processes ``fn`` runs (and
    theirs): CPU time holds better than wall time on a loaded machine."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


# Run in a child process: the audit's own CPU time (the parent: planning, writing) apart from its
# workers' (reaped at the end of the audit, so counted in RUSAGE_CHILDREN).
_CPU_SPLIT = """
import datetime as dt, io, resource, sys, time
from compliance.audit_output import AuditOptions, write_audit
from compliance.checker import default_rulebook
rulebook = default_rulebook()
options = AuditOptions(paths=[sys.argv[1]], as_of=dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc),
                       format=sys.argv[2], jobs=int(sys.argv[3]))
start, before = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
write_audit(options, io.StringIO(), io.StringIO(), rulebook)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.process_time() - start, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
"""


def cpu_split(archive: Path, fmt: str, jobs: int, repeat: int) -> tuple[float, float]:
    """Medians of the CPU seconds of an audit's parent process and of its workers."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _CPU_SPLIT, str(archive), fmt, str(jobs)], cwd=ROOT,
                              check=True, capture_output=True, text=True)
        runs.append(tuple(float(x) for x in done.stdout.split()))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def audit_figures(args: argparse.Namespace) -> None:
    """The audit of a generated archive (jobs 1 and 2), reading alone, and PM4Py on the same files."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        archive.mkdir()
        events = write_archive(archive, args.sessions)
        files = sorted(archive.glob("*.jsonl"))
        per_read = median_time(lambda: [read_file(f) for f in files], args.repeat)
        cpu_read = statistics.median(cpu_time(lambda: [read_file(f) for f in files]) for _ in range(args.repeat))
        print(f"reading JSONL    {events / per_read:8.0f} events/s (read and validate only, one process, "
              f"{len(files)} files); {events / cpu_read:.0f} events per CPU-second")
        breakdown_figures(files, events, args.repeat)
        results, cpus = {}, {}
        for jobs in (1, 2):
            def audit():
                subprocess.run([sys.executable, "-m", "compliance", "audit", str(archive), "--as-of", "2026-04-30",
                                "--format", "jsonl", "--output", str(Path(tmp) / "out.jsonl"), "--jobs", str(jobs)],
                               check=True, cwd=ROOT, stderr=subprocess.DEVNULL)    # its summary
            results[jobs], cpus[jobs] = wall_and_cpu(audit, args.repeat)
            print(f"audit --jobs {jobs}   {args.sessions / results[jobs]:8.0f} sessions/s "
                  f"{events / results[jobs]:9.0f} events/s ({args.sessions} sessions, {events} events, "
                  f"{results[jobs]:.1f} s); {events / cpus[jobs]:.0f} events per CPU-second (parent and workers)")
        print(f"parallel speed-up (jobs 2 / jobs 1): {results[1] / results[2]:.2f}x")
        print(f"rules / read: the audit (jobs 1) adds {(results[1] - per_read) / per_read:.2f}x the read-and-validate "
              f"time (target: at most 3x); in CPU time {(cpus[1] - cpu_read) / cpu_read:.2f}x")
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS of an audit process: {child:.0f} MiB")
        for fmt in ("jsonl", "csv", "json"):
            parent, workers = cpu_split(archive, fmt, 1, args.repeat)
            print(f"CPU per session, --format {fmt:5} --jobs 1: parent {parent / args.sessions * 1e3:.3f} ms, "
                  f"workers {workers / args.sessions * 1e3:.3f} ms (one parent core keeps "
                  f"{workers / max(parent, 1e-9):.0f} workers busy)")
        dask_figures(archive, Path(tmp), events, args.repeat)
        peer_figures(files, events, args.repeat, events / results[2])


def breakdown_figures(files: list[Path], events: int, repeat: int) -> None:
    """Where one core's time goes, in CPU time: reading, the whole check, and the rule engine
    alone (each session's facts built beforehand: durable_rules matching them, nothing else).
    The engine alone bounds any audit on this rule base: two cores cannot pass twice its rate."""
    import datetime as dt
    from compliance import _time, checker, compiler
    sessions = [s for f in files for s in read_file(f).sessions]
    as_of = dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)
    check = statistics.median(cpu_time(lambda: [check_session(s, as_of=as_of, timeline=False) for s in sessions])
                              for _ in range(repeat))
    prepared = checker._prepare(None)        # the shipped rule base, as check_session runs it
    facts = []
    for s in sessions:
        tz = _time.zone(checker.session_time_zone(s.events))
        facts.append(compiler.session_facts(list(s.events), tz, prepared.settings))
    end = _time.epoch(as_of)
    engine = statistics.median(cpu_time(lambda: [prepared.engine.run(f, end) for f in facts]) for _ in range(repeat))
    rules = len(prepared.compiled.ruleset)
    print(f"check alone      {events / check:8.0f} events per CPU-second ({len(sessions)} sessions read "
          f"beforehand; {check / len(sessions) * 1e3:.2f} ms a session)")
    print(f"engine alone     {events / engine:8.0f} events per CPU-second ({rules} compiled rules; "
          f"{engine / len(sessions) * 1e3:.2f} ms a session, {engine / check:.0%} of the check): "
          f"two cores cannot audit faster than {2 * events / engine:.0f} events/s on this rule base")


def dask_figures(archive: Path, tmp: Path, events: int, repeat: int) -> None:
    """The same audit through ``--scheduler`` on a local Dask cluster of 1 and 2 worker processes
    (each audit sets the workers up: its rule base, compiled once per worker). The workers' CPU is
    split into user and system time, with their page faults: system time well above a local
    worker's means the engine's state is mapped afresh for each session (``roomy_allocator``).
    A nanny started here writes its workers' variables (MALLOC_TRIM_THRESHOLD_) into this
    process's environment: it is put back after, so that later figures' processes do not
    inherit them."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("audit on Dask     not installed: no figure (pip install -e '.[dask]')")
        return

    def usage() -> tuple[float, float, int]:
        import resource
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime, own.ru_stime, own.ru_minflt

    environment = dict(os.environ)
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          memory_limit=0) as cluster:
            def audit():
                subprocess.run([sys.executable, "-m", "compliance", "audit", str(archive), "--as-of", "2026-04-30",
                                "--format", "jsonl", "--output", str(tmp / "out-dask.jsonl"),
                                "--scheduler", cluster.scheduler_address],
                               check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
            with Client(cluster) as client:
                before = [sum(column) for column in zip(*client.run(usage).values())]
                seconds = median_time(audit, repeat)
                after = [sum(column) for column in zip(*client.run(usage).values())]
        user, system, faults = ((a - b) / repeat for a, b in zip(after, before))
        cpu = user + system
        sessions = json.loads((tmp / "out-dask.jsonl").read_bytes().splitlines()[-1])["sessions"]
        print(f"audit on Dask, {workers} worker(s): {events / seconds:9.0f} events/s, "
              f"{events / seconds / workers:9.0f} events/s per worker ({seconds:.1f} s); "
              f"{events / cpu:.0f} events per worker CPU-second (user {user:.2f} s, system {system:.2f} s; "
              f"{faults / sessions:.0f} page faults a session)")
        same = (tmp / "out-dask.jsonl").read_bytes() == (tmp / "out.jsonl").read_bytes()
        print(f"audit on Dask gives the local audit's bytes: {same}")
    os.environ.clear()
    os.environ.update(environment)


def peer_figures(files: list[Path], events: int, repeat: int, ours: float) -> None:
    import peers
    pm4py = peers.load_pm4py()
    if pm4py is None:
        print("PM4Py            not installed: no side-by-side figure (pip install -e '.[bench]')")
        return
    runs = [peers.declare_rates(pm4py, files, events) for _ in range(repeat)]
    check = statistics.median(r[0] for r in runs)
    end_to_end = statistics.median(r[1] for r in runs)
    print(f"PM4Py {pm4py.__version__} Declare ({sum(len(v) for v in peers.DECLARE_MODEL.values())} activity-level "
          f"constraints, one core): {check:8.0f} events/s the check alone, {end_to_end:8.0f} events/s end to end "
          f"(JSON parse, DataFrame, check); {runs[0][2]} cases deviating")
    print(f"audit --jobs 2 / PM4Py end to end: {ours / end_to_end:.2f}x")


def memory_figures(args: argparse.Namespace) -> None:
    """Peak memory of the audit of one log, parent and workers, at three sizes."""
    if not args.log_events:
        return
    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        for events in (args.log_events // 2, args.log_events, args.log_events * 2):
            log = Path(tmp) / f"log-{events}.jsonl"
            n = write_log(log, events)
            seconds, peak = peak_tree_rss([sys.executable, "-m", "compliance", "audit", str(log), "--as-of",
                                           "2026-04-30", "--format", "jsonl", "--output",
                                           str(Path(tmp) / "out.jsonl"), "--jobs", "2"])
            sizes[events] = peak
            print(f"one log of {n:,} events: {n / seconds:8.0f} events/s, peak RSS of the audit "
                  f"(parent and workers) {peak:.0f} MiB (target at 1M: at most 300 MiB)")
            log.unlink()
        small, _, large = sizes.values()
        print(f"peak memory, log of {args.log_events * 2:,} events / log of a quarter of that: {large / small:.2f}x "
              f"(target: at most 1.2x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--log-events", dest="log_events", type=int, default=1_000_000,
                        help="events of the one-log memory figure (0: skip it)")
    parser.add_argument("--only", choices=["audit", "memory", "live"],
                        help="print only the audit figures (with PM4Py's), the memory ones or the live ones")
    args = parser.parse_args()
    if args.only:
        {"audit": audit_figures, "memory": memory_figures, "live": lambda _: live_figures(args.repeat)}[args.only](args)
        return
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

    audit_figures(args)
    memory_figures(args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {own:.0f} MiB")


if __name__ == "__main__":
    main()
