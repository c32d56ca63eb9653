"""Keep freed memory in the process for reuse instead of handing it back to the kernel (glibc).

glibc serves allocations above its mmap threshold (128 KiB at start, raised as large blocks are
freed) from fresh pages of the kernel, and trims its heap whenever much of it is free. A loop that
makes and frees megabyte-sized numpy temporaries, such as a batched Newton step over (replicates ×
patients) arrays, then pays a page fault and the zeroing of every 4 KiB page at every step; on
the 2-core reference machine that cost more than the arithmetic (benchmarks/bootstrap.py prints
both, `--default-allocator`). mallopt(3) with a fixed M_MMAP_THRESHOLD at its maximum and a large
M_TRIM_THRESHOLD serves such arrays from the heap and reuses them. Results do not change: only
where numpy's memory comes from.
"""

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # mallopt parameter numbers from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_MAX = 32 * 1024**2  # glibc's upper limit for M_MMAP_THRESHOLD on 64-bit systems
TRIM_THRESHOLD = 256 * 1024**2  # free heap kept for reuse before any is returned


def keep_freed_memory() -> bool:
    """Ask glibc to reuse freed heap memory for large arrays; False where there is no glibc."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # macOS, Windows: their allocators keep their defaults
        return False
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX) == 1 and (
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    )
