"""glibc's allocator settings for workflow jobs (interplay.jobs.allocator)."""

import platform

import pytest
from interplay.jobs.allocator import keep_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_accepts_the_settings():
    assert keep_freed_memory()  # mallopt returns 0 for a value out of its range
