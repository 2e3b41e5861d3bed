"""Worker processes for audits: results in submission order, a dead or stuck worker costs one step.

Why not ``ProcessPoolExecutor``: one dead worker breaks the whole executor (every pending result
is lost) and it cannot bound the time of a task. Here each worker has its own pipe and its own
step slot, so the pool always knows which task a worker holds and which *step* of it (a session
being checked) it is on:

* a task announces each step with ``beat(label)``; a step (or the part of a task before its first
  step) that runs longer than ``time_limit`` seconds has its worker killed, becomes a
  ``Failure`` of kind ``"exceeded"``, and the task goes on without that step in another worker.
  A forked worker writes its beats to memory it shares with the pool (``_StepSlot``) rather
  than sending them: the pool reads the last one only when it needs to know (a worker died, or
  a step's time is up), so it is not woken for every session (a spawned worker sends them);
* a worker that dies (a crash in the engine, a kill) has its task run again in another worker;
  dying twice on the same step makes it a ``Failure`` of kind ``"died"`` and the task goes on
  without it; dying twice before any step fails the whole task (its value is ``None``);
* an exception that escapes a task (a bug) fails the task with kind ``"error"``.

A task is an object with ``without(label)``: the same task, skipping that step.
Workers ignore SIGINT (the parent decides when to stop) and exit when their pipe closes; on Linux
the kernel also kills them if the parent dies (even by SIGKILL), so none is ever left behind.
``close()`` kills every worker and reaps it.

How workers start (``start_method``), chosen on purpose rather than left to Python's default
(``fork`` on Linux up to 3.13, ``forkserver`` from 3.14):

* ``fork`` when this process runs a single thread (counted by the kernel, as Python 3.12+ does
  before it warns). Forking a multi-threaded process may deadlock the child (a lock held by
  another thread is copied locked); with one thread there is no such lock, and Python does not
  warn. Forked workers share the loaded rule base for free. This is the CLI's case: nothing
  in ``compliance`` starts a thread (the engine's polling threads are disabled).
* ``spawn`` otherwise (a program that calls the audit from a threaded server, or not Linux): a
  fresh interpreter per worker, handed the rule base by pickle. Measured on a 500-session audit
  with two workers, its start-up cost is lost in the noise (22.8 s forked, 22.3 s spawned on this
  machine), so no fork server is kept. As for any ``spawn`` use, a script calling the audit
  must guard its entry point with ``if __name__ == "__main__":``.

The choice is made for each worker started, since a worker may be replaced mid-audit.
"""
from __future__ import annotations

import mmap
import multiprocessing
import os
import signal
import struct
import sys
import threading
import time
import traceback
from collections import Counter, deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

import attrs

MAX_RESTARTS = 20     # per task: past this, the task fails whatever its steps


@attrs.frozen
class Failure:
    step: str | None     # the step that failed, None when outside any step
    kind: str            # "died", "exceeded" or "error"
    detail: str          # how the worker died, the limit in seconds, or a traceback


@attrs.frozen
class Done:
    value: Any                         # what the task returned; None when it failed as a whole
    failures: tuple[Failure, ...] = ()
    task: Any = None                   # the task as last run (with the steps it went without)


@attrs.frozen
class Ready:
    """A result known without a worker, kept in its place in the order."""
    value: Any


@attrs.define
class _Job:
    seq: int
    task: Any
    step: str | None = None
    deaths: Counter[str | None] = attrs.field(factory=Counter)
    restarts: int = 0
    failures: list[Failure] = attrs.field(factory=list)


def start_method() -> str:
    """``fork`` when this process runs a single thread on Linux, else ``spawn`` (see above)."""
    if sys.platform.startswith("linux") and _thread_count() == 1:
        return "fork"
    return "spawn"


def _thread_count() -> int:
    """The threads of this process, as the kernel counts them (C threads included)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _die_with_parent(parent: int) -> None:
    """On Linux, ask the kernel to kill this worker when the parent dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:      # the parent died before the request took effect
        os._exit(1)


Runner = Callable[[Any, Callable[[str], None]], Any]    # (task, beat) -> value

# bytes of a step's label (a session id): ids are at most 1,000 characters once normalised, so
# at most 4,000 bytes of UTF-8; a label never fits in part, since the pool matches it whole
_LABEL = 4096
_HEADER = struct.Struct("qq2q2d")      # current half, seq, label bytes of each half (-1: no step), start times


class _StepSlot:
    """The step a forked worker is on, in memory it shares with the pool (an anonymous shared
    mapping: no file, which a file-size limit would refuse): the worker writes each step
    (``beat``), the pool reads the last one when it needs it (``read``) and clears it before
    sending a task (``clear``, while the worker waits for it).

    A step is written into the half not in use, then that half is made current: a worker killed
    while writing leaves the previous step whole. ``seq`` counts the steps, so the pool tells a
    new step from the one it knew, and a read that a write overlapped is made again.
    """

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, _HEADER.size + 2 * _LABEL)
        self.clear()

    def beat(self, label: str) -> None:
        data = label.encode("utf-8", "surrogatepass")
        if len(data) > _LABEL:
            raise ValueError(f"a step label of {len(data):,} bytes (at most {_LABEL:,})")
        self._write(data)

    def clear(self) -> None:
        self._write(None)

    def _write(self, data: bytes | None) -> None:
        half, seq, *sizes_times = _HEADER.unpack_from(self._memory)
        sizes, times = sizes_times[:2], sizes_times[2:]
        half = 1 - half
        if data is not None:
            start = _HEADER.size + half * _LABEL
            self._memory[start:start + len(data)] = data
        sizes[half], times[half] = (-1 if data is None else len(data)), time.monotonic()
        struct.pack_into("2q2d", self._memory, 16, *sizes, *times)       # the new half's step first,
        struct.pack_into("q", self._memory, 0, half)                     # then made current,
        struct.pack_into("q", self._memory, 8, seq + 1)                  # then counted

    def read(self) -> tuple[int, str | None, float]:
        """(seq, the step's label or None before the first, when it began)."""
        while True:     # seq read first and again last: a write that overlapped any part shows
            seq = struct.unpack_from("q", self._memory, 8)[0]
            half, _seq, size0, size1, time0, time1 = _HEADER.unpack_from(self._memory)
            size, began = (size0, time0) if half == 0 else (size1, time1)
            start = _HEADER.size + half * _LABEL
            data = self._memory[start:start + max(size, 0)]
            if struct.unpack_from("q", self._memory, 8)[0] == seq:
                return seq, None if size < 0 else data.decode("utf-8", "surrogatepass"), began


def _serve(conn: Connection, parent: int, init: Callable[..., None], init_args: tuple[Any, ...],
           runner: Runner, slot: _StepSlot | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    try:
        init(*init_args)
        while True:
            message = conn.recv()
            if message is None:
                return
            try:
                value = runner(message, slot.beat if slot is not None else lambda label: conn.send(("step", label)))
            except Exception:      # a bug: report it, and leave (this process may be damaged)
                conn.send(("error", traceback.format_exc()))
                return
            retire = bool(getattr(value, "retire_worker", False))
            conn.send(("done", value))
            if retire:
                return
    except (EOFError, OSError, KeyboardInterrupt):   # the parent is gone or stopping us
        return


class _Worker:
    def __init__(self, pool: "Pool"):
        fork = start_method() == "fork"
        context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        # forked, the worker shares the slot; spawned (a fresh interpreter), it sends its steps
        self.slot = _StepSlot() if fork else None
        self.seen = -1                 # the slot's seq when the pool last read it
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(child, os.getpid(), pool._init, pool._init_args, pool._runner,
                                             self.slot))
        self.process.start()
        child.close()
        self.conn = parent
        self.job: _Job | None = None
        self.deadline = float("inf")

    def read_step(self, job: "_Job", time_limit: float | None) -> None:
        """Bring ``job.step`` (and the deadline, which each step moves) up to the worker's last beat."""
        if self.slot is None:
            return
        seq, label, began = self.slot.read()
        if seq != self.seen:
            self.seen = seq
            job.step = label
            if time_limit:
                self.deadline = began + time_limit

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


class Pool:
    """``jobs`` worker processes, each set up by ``init(*init_args)``, running ``runner(task, beat)``."""

    def __init__(self, jobs: int, init: Callable[..., None], init_args: tuple[Any, ...],
                 runner: Runner, *, time_limit: float | None = None):
        self.jobs = max(1, jobs)
        self.time_limit = time_limit or None
        self.window = 4 * self.jobs          # tasks taken ahead: bounds the results held in memory
        self._init, self._init_args, self._runner = init, init_args, runner
        self._workers: list[_Worker] = []

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill and reap every worker; SIGINT and SIGTERM wait until it is done."""
        mask = getattr(signal, "pthread_sigmask", None)
        blocked = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if mask else None
        try:
            workers, self._workers = self._workers, []
            for worker in workers:
                worker.stop()
        finally:
            if mask:
                mask(signal.SIG_SETMASK, blocked)

    def start(self) -> None:
        """Start every worker now (forked from what this process holds now, not later)."""
        while len(self._workers) < self.jobs:
            self._workers.append(_Worker(self))

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def run(self, tasks: Iterable[Any]) -> Iterator[Done]:
        """One ``Done`` per task (a ``Ready`` passes through), in the order of ``tasks``."""
        source = iter(tasks)
        queue: deque[_Job] = deque()
        results: dict[int, Done] = {}
        taken = yielded = 0
        exhausted = False
        try:
            while True:
                while not exhausted and taken - yielded < self.window:
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    if isinstance(item, Ready):
                        results[taken] = Done(item.value)
                    else:
                        queue.append(_Job(taken, item))
                    taken += 1
                if yielded in results:
                    yield results.pop(yielded)
                    yielded += 1
                    continue
                if exhausted and taken == yielded:
                    return
                self._dispatch(queue)
                self._wait(queue, results)
        except BaseException:      # interrupted, or the consumer stopped: no worker survives
            self.close()
            raise

    # -- internals
    def _dispatch(self, queue: deque[_Job]) -> None:
        while queue:
            worker = next((w for w in self._workers if w.job is None), None)
            if worker is None:
                if len(self._workers) >= self.jobs:
                    return
                worker = _Worker(self)
                self._workers.append(worker)
            job = queue.popleft()
            job.step = None
            if worker.slot is not None:     # the worker waits for a task: it writes nothing now
                worker.slot.clear()
                worker.seen = worker.slot.read()[0]
            try:
                worker.conn.send(job.task)
            except OSError:             # died while idle: not the task's fault
                queue.appendleft(job)
                self._remove(worker)
                continue
            worker.job = job
            worker.deadline = time.monotonic() + self.time_limit if self.time_limit else float("inf")

    def _wait(self, queue: deque[_Job], results: dict[int, Done]) -> None:
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            return
        nearest = min(w.deadline for w in busy)
        timeout = None if nearest == float("inf") else max(0.0, nearest - time.monotonic())
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        for worker in busy:
            self._handle(worker, queue, results)

    def _handle(self, worker: _Worker, queue: deque[_Job], results: dict[int, Done]) -> None:
        job = worker.job
        if job is None:
            return
        worker.read_step(job, self.time_limit)      # the step an error message is about
        try:
            while job is worker.job and worker.conn.poll():
                kind, payload = worker.conn.recv()
                if kind == "step":        # from a spawned worker
                    job.step = payload
                    if self.time_limit:
                        worker.deadline = time.monotonic() + self.time_limit
                elif kind == "done":
                    worker.job = None
                    results[job.seq] = Done(payload, tuple(job.failures), job.task)
                    if getattr(payload, "retire_worker", False):
                        self._remove(worker)
                else:   # "error": a bug in the task
                    worker.job = None
                    job.failures.append(Failure(job.step, "error", payload))
                    results[job.seq] = Done(None, tuple(job.failures), job.task)
                    self._remove(worker)
        except (EOFError, OSError):
            pass                     # the worker died; its exit is handled below
        if worker.job is None:
            return
        alive = worker.process.is_alive()
        worker.read_step(job, self.time_limit)      # after: a dead worker's last step is final
        if not alive:
            worker.process.join()
            detail = _how_it_died(worker.process.exitcode)
            self._remove(worker)
            job.deaths[job.step] += 1
            if job.deaths[job.step] < 2:
                self._retry(job, queue, results, None)
            else:
                self._retry(job, queue, results, Failure(job.step, "died", detail))
        elif time.monotonic() >= worker.deadline:
            self._remove(worker)
            self._retry(job, queue, results, Failure(job.step, "exceeded", f"{self.time_limit:g}"))

    def _retry(self, job: _Job, queue: deque[_Job], results: dict[int, Done], failure: Failure | None) -> None:
        job.restarts += 1
        if failure is not None:
            job.failures.append(failure)
        if (failure is not None and failure.step is None) or job.restarts > MAX_RESTARTS:
            results[job.seq] = Done(None, tuple(job.failures), job.task)
            return
        if failure is not None:
            job.task = job.task.without(failure.step)
        queue.appendleft(job)

    def _remove(self, worker: _Worker) -> None:
        worker.job = None
        worker.stop()
        self._workers.remove(worker)
