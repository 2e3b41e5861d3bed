"""Makes durable-rules importable on Python 3.13 and later (``engine`` calls this first).

durable-rules 2.0.28 is unmaintained and its C extension calls ``PyEval_CallObject``, a C-API
function that Python 3.13 removed. Our small extension ``_capi_compat`` (``_capi_compat.c``)
defines that symbol as ``PyObject_CallObject``, its documented replacement. Loading it with
``RTLD_GLOBAL`` before the engine's library lets the dynamic linker resolve the symbol there.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import sys


def provide_removed_symbols() -> None:
    """On Python 3.13+, make the removed C-API symbols visible to libraries loaded next."""
    if sys.version_info < (3, 13):
        return
    spec = importlib.util.find_spec("compliance._capi_compat")
    if spec is None or spec.origin is None:
        raise ImportError("compliance._capi_compat is missing: the package was installed without "
                          "building its C extension (a C compiler and the Python headers are needed)")
    ctypes.CDLL(spec.origin, mode=os.RTLD_NOW | os.RTLD_GLOBAL)
