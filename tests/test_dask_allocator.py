"""glibc's malloc thresholds while a task runs on a Dask worker (``dask_backend.roomy_allocator``).

Dask's nanny fixes them through the environment (MALLOC_TRIM_THRESHOLD_=65536); a fixed threshold
makes glibc map and unmap every block above 128 KiB each time, so each session's engine state
(5 MiB) faulted in afresh. The behaviour is measured in page faults, which are counted, not timed.
"""
from __future__ import annotations

import platform
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli_process import env
from compliance.dask_backend import fixed_thresholds

KIB = 1024


@pytest.mark.parametrize("environ, thresholds", [
    ({}, None),                                                         # glibc adjusts them itself
    ({"PATH": "/bin", "MALLOC_ARENA_MAX": "2"}, None),                  # nothing that fixes them
    ({"MALLOC_TRIM_THRESHOLD_": "65536"}, (128 * KIB, 64 * KIB)),       # Dask's nanny
    ({"MALLOC_TRIM_THRESHOLD_": " 65536 "}, (128 * KIB, 64 * KIB)),
    ({"MALLOC_MMAP_THRESHOLD_": "0x40000"}, (256 * KIB, 128 * KIB)),
    ({"MALLOC_TOP_PAD_": "0"}, (128 * KIB, 128 * KIB)),                 # fixed, both at glibc's start
    ({"MALLOC_MMAP_MAX_": "0"}, (128 * KIB, 128 * KIB)),
    ({"MALLOC_TRIM_THRESHOLD_": "1000", "MALLOC_MMAP_THRESHOLD_": "2000"}, (2000, 1000)),
    ({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=65536"}, (128 * KIB, 64 * KIB)),
    ({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}, None),
    ({"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"}, None),
    ({"GLIBC_TUNABLES": "trim_threshold=65536"}, None),                  # not a malloc tunable
    ({"MALLOC_TRIM_THRESHOLD_": "65536", "GLIBC_TUNABLES": "glibc.malloc.trim_threshold=65536"},
     (128 * KIB, 64 * KIB)),
    ({"MALLOC_TRIM_THRESHOLD_": "65536", "GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"}, None),  # which?
    ({"MALLOC_TRIM_THRESHOLD_": "64k"}, None),                          # not understood: left alone
    ({"MALLOC_TRIM_THRESHOLD_": "-1"}, None),
    ({"MALLOC_TRIM_THRESHOLD_": ""}, None),
])
def test_the_thresholds_an_environment_fixes(environ, thresholds):
    assert fixed_thresholds(environ) == thresholds


@given(st.integers(min_value=0, max_value=2**40), st.booleans())
def test_a_trim_threshold_in_decimal_or_hex_is_read_back(value, hexadecimal):
    written = hex(value) if hexadecimal else str(value)
    assert fixed_thresholds({"MALLOC_TRIM_THRESHOLD_": written}) == (128 * KIB, value)


# In a child process of the given environment, before the scope, within it and after it: the
# page faults of 30 blocks of 5 MiB, each written through and freed; and whether a block of 1 MiB
# is mapped on its own (mallinfo's count of mapped blocks while it is held).
_FAULTS = """
import ctypes, resource
from compliance.dask_backend import roomy_allocator
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                  "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo.restype = Info
SIZE = 5 * 1024 * 1024
def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(30):
        block = libc.malloc(SIZE)
        ctypes.memset(block, 1, SIZE)
        libc.free(block)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
def mapped():
    before = libc.mallinfo().hblks
    block = libc.malloc(1024 * 1024)
    held = libc.mallinfo().hblks
    libc.free(block)
    return held - before
first = faults(), mapped()
with roomy_allocator():
    within = faults(), mapped()
after = faults(), mapped()
print(*first, *within, *after)
"""

_PAGES = 5 * 1024 * 1024 // 4096        # one block's pages: faulted in each time it is mapped afresh
needs_glibc = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                                 reason="glibc's malloc only")


def _faults(**extra: str) -> tuple[tuple[int, int], ...]:
    variables = env(**extra)
    for name in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_",
                 "GLIBC_TUNABLES"):
        if name not in extra:
            variables.pop(name, None)
    done = subprocess.run([sys.executable, "-c", _FAULTS], env=variables, capture_output=True, text=True,
                          timeout=60, check=True)
    first, within, after = (tuple(int(n) for n in pair) for pair in zip(*[iter(done.stdout.split())] * 2))
    return first, within, after


@needs_glibc
def test_with_the_nannys_threshold_a_task_reuses_its_blocks_and_the_threshold_comes_back_after():
    (first, first_mapped), (within, within_mapped), (after, after_mapped) = _faults(MALLOC_TRIM_THRESHOLD_="65536")
    assert first >= 25 * _PAGES and first_mapped == 1     # the premise: each block mapped, faulted in again
    assert within < 3 * _PAGES and within_mapped == 0     # in the scope: the first block's pages, then reused
    assert after >= 25 * _PAGES and after_mapped == 1     # the worker's own thresholds again


@needs_glibc
def test_where_glibc_adjusts_its_thresholds_itself_nothing_is_changed():
    (first, _), (within, _), (after, after_mapped) = _faults()
    # glibc raises its threshold after the first block is freed; had the scope set and reset the
    # thresholds, they would stay fixed after it, and every block would fault in again
    assert first < 3 * _PAGES and within < 3 * _PAGES and after < 3 * _PAGES
    assert after_mapped == 0              # its threshold still the one it raised (above 5 MiB)


@needs_glibc
def test_a_threshold_beyond_what_mallopt_takes_is_left_alone():
    # 4 GiB cannot be put back through mallopt's int: the scope changes nothing rather than fail
    (first, _), (within, within_mapped), (after, _) = _faults(MALLOC_TRIM_THRESHOLD_=str(4 * 1024**3))
    assert min(first, within, after) >= 25 * _PAGES and within_mapped == 1
