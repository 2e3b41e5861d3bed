"""Audits on a Dask distributed cluster: the same tasks as the local pool, run by Dask workers.

An audit is a map over tasks (``audit``: a file, a slice of a large log's sessions, a group of
sessions spread over several files); the parent plans them and renders the outcomes in input
order. ``DaskPool`` takes the place of ``pool.Pool`` for that map: same ``run(tasks)``, same
``Done`` values in the same order, so the output is byte for byte the local audit's.

What a worker needs: this package (and durable-rules) importable, and the archive at the same
paths as the parent sees it (a shared file system): tasks carry file names and byte offsets,
not the data. The rule base, the audit date and the waivers go to every worker once
(``Client.scatter(broadcast=True)``); each worker process sets itself up on its first task.

Differences with the local pool, by necessity:

* a Dask worker runs tasks in threads; calls into durable_rules are serialised anyway
  (``engine``), so tasks run one at a time per worker process (a lock): run workers with one
  thread each (``dask worker --nthreads 1 --nworkers N``);
* ``time_limit`` is not enforced: a thread cannot be stopped, and Dask has no per-task limit;
* a task whose worker dies is retried by Dask itself (``distributed.scheduler.allowed-failures``);
  when Dask gives up (``KilledWorker``) the whole task is one failure: its sessions are
  reported "not checked", never dropped;
* Dask's nanny starts each worker with glibc's malloc thresholds fixed (see ``roomy_allocator``):
  while one of our tasks runs they are those glibc would have chosen, then the worker's again.

``import distributed`` happens only here, only when asked for: the package does not need dask.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import threading
import traceback
import uuid
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Mapping

import attrs

from .errors import ComplianceError, UsageError
from .pool import Done, Failure, Ready, Runner

CONNECT_TIMEOUT = 10.0     # seconds to reach the scheduler before giving up
INSTALL_HINT = "pip install 'tp-compliance[dask]'"     # the distribution's name (pyproject.toml)


class SchedulerError(ComplianceError):
    """The Dask scheduler cannot be reached, or was lost during the audit (exit 2)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError("--scheduler needs Dask distributed, which is not installed",
                         hint=INSTALL_HINT) from None
    return distributed


def connect(address: str, timeout: float | None = None) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:8786``).

    Raises:
        UsageError: dask is not installed. SchedulerError: no scheduler answers there.
    """
    distributed = _distributed()
    try:        # checked first: a Client made of a bad address complains again when collected
        distributed.comm.get_address_host_port(address)
    except ValueError:
        raise UsageError("not a Dask scheduler address", subject="--scheduler", got=address,
                         expected="tcp://HOST:PORT (or HOST:PORT)") from None
    wait = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        return distributed.Client(address, timeout=wait, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:     # refused or timed out
        reason = " ".join(str(error).split()) or type(error).__name__
        raise SchedulerError(f"cannot reach the Dask scheduler at '{address}' ({reason})") from None


@attrs.frozen
class _WorkerSetup:
    """Sent once to every worker; ``token`` tells a worker whether it is already set up for it."""
    token: str
    init: Callable[..., None]
    init_args: tuple[Any, ...]
    runner: Runner


_worker_lock = threading.Lock()
_worker_token: str | None = None


def _no_beat(_label: str) -> None:
    return None


# -- glibc's allocator while a task runs.
# Dask's nanny starts every worker with MALLOC_TRIM_THRESHOLD_=65536 (the setting
# distributed.nanny.pre-spawn-environ), so that freed memory goes back to the system. Fixing any
# malloc threshold also stops glibc from raising its mmap threshold as it otherwise does: every
# block above 128 KiB is then mapped and unmapped each time, and its pages fault in afresh. The
# engine's state for one session is such a block (5.1 MiB with the shipped rule base): measured,
# 3.9 s of kernel time in a worker's 10.4 s for an audit of 1,000 sessions. While one of our
# tasks runs, the thresholds are the most glibc itself would reach; after it, the worker's own.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3      # mallopt's parameters (glibc's malloc.h)
_GLIBC_DEFAULT = 128 * 1024                         # either threshold until something sets it
_INT_MAX = 2**31 - 1                                # mallopt takes an int
TASK_MMAP_THRESHOLD = 32 * 1024 * 1024              # the ceiling of glibc's own (64-bit)
TASK_TRIM_THRESHOLD = 2 * TASK_MMAP_THRESHOLD       # as glibc pairs them when it raises the first
_FIXING = {"MALLOC_TRIM_THRESHOLD_": "trim_threshold", "MALLOC_MMAP_THRESHOLD_": "mmap_threshold",
           "MALLOC_TOP_PAD_": "top_pad", "MALLOC_MMAP_MAX_": "mmap_max"}   # each fixes the thresholds


def fixed_thresholds(environ: Mapping[str, str]) -> tuple[int, int] | None:
    """The (mmap, trim) thresholds at which ``environ`` fixes glibc's malloc; None when it leaves
    them to glibc, or sets them in a way not understood here (then nothing is changed)."""
    given: dict[str, set[str]] = {}
    for variable, tunable in _FIXING.items():
        if variable in environ:
            given.setdefault(tunable, set()).add(environ[variable].strip())
    for item in environ.get("GLIBC_TUNABLES", "").split(":"):
        name, _, value = item.partition("=")
        tunable = name.strip().removeprefix("glibc.malloc.")
        if tunable != name.strip() and tunable in _FIXING.values():
            given.setdefault(tunable, set()).add(value.strip())
    if not given or any(len(values) > 1 for values in given.values()):    # unset, or two answers
        return None
    try:
        mmap, trim = (_size(given[key].pop()) if key in given else _GLIBC_DEFAULT
                      for key in ("mmap_threshold", "trim_threshold"))
    except ValueError:
        return None
    return mmap, trim


def _size(text: str) -> int:
    value = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    if value < 0:
        raise ValueError(text)
    return value


@functools.lru_cache(maxsize=1)
def _worker_thresholds() -> tuple[Callable[[int, int], int], int, int] | None:
    """``mallopt`` and the thresholds to put back after a task, if this process has them fixed."""
    fixed = fixed_thresholds(os.environ)
    if fixed is None or max(fixed) > _INT_MAX:      # left alone: mallopt could not put it back
        return None
    try:
        libc = ctypes.CDLL(None)
        mallopt, _glibc = libc.mallopt, libc.gnu_get_libc_version     # the second is glibc's alone
    except (OSError, AttributeError, TypeError):    # another C library (or Windows): not glibc's malloc
        return None
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt, *fixed


@contextlib.contextmanager
def roomy_allocator() -> Iterator[None]:
    """Within: glibc's mmap and trim thresholds at 32 and 64 MiB, when this process's environment
    had fixed them (as Dask's nanny does); after: as they were. Elsewhere: nothing changes."""
    thresholds = _worker_thresholds()
    if thresholds is None:
        yield
        return
    mallopt, mmap, trim = thresholds
    mallopt(_M_TRIM_THRESHOLD, TASK_TRIM_THRESHOLD)
    mallopt(_M_MMAP_THRESHOLD, TASK_MMAP_THRESHOLD)
    try:
        yield
    finally:
        mallopt(_M_MMAP_THRESHOLD, mmap)
        mallopt(_M_TRIM_THRESHOLD, trim)


def run_on_worker(setup: _WorkerSetup, task: Any) -> Any:
    """Run one task in a Dask worker, setting the worker up first if it is not yet."""
    global _worker_token
    with _worker_lock, roomy_allocator():
        if _worker_token != setup.token:
            setup.init(*setup.init_args)
            _worker_token = setup.token
        value = setup.runner(task, _no_beat)
        if getattr(value, "retire_worker", False):    # an internal error: set up afresh next time
            _worker_token = None
        return value


class DaskPool:
    """``pool.Pool``'s interface over a Dask cluster: ``scheduler`` is an address or a ``Client``."""

    def __init__(self, scheduler: Any, init: Callable[..., None], init_args: tuple[Any, ...],
                 runner: Runner, *, time_limit: float | None = None):
        del time_limit          # not enforceable on Dask (see the module docstring)
        self._own = isinstance(scheduler, str)
        self.address = scheduler if isinstance(scheduler, str) else getattr(scheduler, "scheduler", None)
        self.client = connect(scheduler) if isinstance(scheduler, str) else scheduler
        self._distributed = _distributed()
        setup = _WorkerSetup(uuid.uuid4().hex, init, init_args, runner)
        try:
            self._setup = self.client.scatter(setup, broadcast=True, hash=False)
            threads = sum(self.client.nthreads().values())
        except (OSError, self._distributed.TimeoutError) as error:
            self.close()
            raise self._lost(error) from None
        self.window = 4 * max(1, threads)       # tasks sent ahead: bounds what results hold in memory

    def __enter__(self) -> "DaskPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """The cluster's workers are already running."""

    def close(self) -> None:
        if self._own:
            self.client.close()

    def run(self, tasks: Iterable[Any]) -> Iterator[Done]:
        """One ``Done`` per task (a ``Ready`` passes through), in the order of ``tasks``."""
        pending: deque[tuple[Any, Any]] = deque()     # (task, future), or (Ready, None)
        try:
            for item in tasks:
                if isinstance(item, Ready):
                    pending.append((item, None))
                else:
                    pending.append((item, self.client.submit(run_on_worker, self._setup, item, pure=False)))
                while len(pending) >= self.window:
                    yield self._result(*pending.popleft())
            while pending:
                yield self._result(*pending.popleft())
        finally:
            for _task, future in pending:        # the consumer stopped early: nothing left running
                if future is not None:
                    future.cancel()

    def _result(self, task: Any, future: Any) -> Done:
        if future is None:
            return Done(task.value)
        distributed = self._distributed
        try:
            return Done(future.result(), (), task)
        except distributed.KilledWorker as error:
            return Done(None, (Failure(None, "died", f"the Dask worker died: {_one_line(error)}"),), task)
        except Exception as error:     # noqa: BLE001 - sorted below
            if future.status != "error":        # not raised by the task: the cluster is gone
                raise self._lost(error) from None
            detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            return Done(None, (Failure(None, "error", detail),), task)     # a bug, in the worker

    def _lost(self, error: BaseException) -> SchedulerError:
        return SchedulerError(f"lost the Dask scheduler at '{self.address}' during the audit ({_one_line(error)})")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
