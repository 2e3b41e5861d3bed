"""The real CLI with a fault planted in its audit workers, for the fault-injection tests only.

    python tests/fault_cli.py FAULT SESSION [MARKER] -- compliance arguments...

FAULT is what a worker does when it is about to check SESSION: ``exit`` (dies, as a crash of
the engine would), ``segv`` (killed by SIGSEGV), ``hang`` (never returns), ``raise`` (a bug: an
exception), ``unlink`` (deletes the file MARKER, then checks the session: a file that vanishes
during the audit), ``pause`` (waits 20 ms, then checks it: a slow audit; SESSION ``*`` is any). Otherwise, with a MARKER path, the fault happens once: the first worker creates
the file and dies, the retry finds it and checks the session normally. It works through
``compliance.audit._fault_hook``, which forked workers inherit; no environment variable or
option of the tool can set it.
"""
import os
import signal
import sys
import time

import compliance.audit
from compliance.cli import main


def _plant(fault: str, session_id: str, marker: str | None) -> None:
    def hook(session) -> None:
        if session_id != "*" and session.id != session_id:
            return
        if fault == "pause":
            time.sleep(0.02)
            return
        if fault == "unlink":
            os.unlink(marker)
            return
        if marker is not None:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return                     # the fault already happened once
        if fault == "exit":
            os._exit(3)
        if fault == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        if fault == "hang":
            while True:
                time.sleep(60)
        if fault == "raise":
            raise ZeroDivisionError("planted bug")
    compliance.audit._fault_hook = hook


if __name__ == "__main__":
    split = sys.argv.index("--")
    fault, session_id, *marker = sys.argv[1:split]
    _plant(fault, session_id, marker[0] if marker else None)
    sys.exit(main(sys.argv[split + 1:]))
