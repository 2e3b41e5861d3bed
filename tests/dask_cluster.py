"""A small Dask cluster for the tests, in a process of its own: prints its address, then runs
until its standard input closes. ``python tests/dask_cluster.py [WORKERS]``.

Its own process keeps the test process free of Dask's threads (the local pool forks only a
single-threaded process) and makes the workers real processes that import the package."""
from __future__ import annotations

import sys


def main() -> None:
    from distributed import LocalCluster
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1", memory_limit=0) as cluster:
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
