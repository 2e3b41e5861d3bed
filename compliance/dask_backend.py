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
  reported "not checked", never dropped.

``import distributed`` happens only here, only when asked for: the package does not need dask.
"""
from __future__ import annotations

import threading
import traceback
import uuid
from collections import deque
from typing import Any, Callable, Iterable, Iterator

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


def run_on_worker(setup: _WorkerSetup, task: Any) -> Any:
    """Run one task in a Dask worker, setting the worker up first if it is not yet."""
    global _worker_token
    with _worker_lock:
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
