"""Glue between a Snakemake script and the library: logging, clean errors, no partial output."""

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from interplay.errors import InputError
from interplay.jobs.allocator import keep_freed_memory

log = logging.getLogger(__name__)
# Characters of an unexpected error's message shown on the terminal (the log has all of it).
MAX_SUMMARY = 300


def configure_logging(log_file: str | None) -> None:
    """Send interplay's log records to the rule's log file (and stderr)."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )


def remove_outputs(paths: list[str]) -> None:
    """Delete whatever a failed job managed to write, so no partial output survives."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def report_unexpected(error: Exception, log_file: str | None) -> None:
    """Write the traceback of an unexpected error to the log file; stderr gets one line about it."""
    summary = " ".join(f"{type(error).__name__}: {error}".split())[:MAX_SUMMARY]
    if not log_file:
        log.error("interplay internal error: %s\n%s", summary, traceback.format_exc())
        return
    log.error(
        "interplay internal error: %s\n  the full traceback is in %s (please include it in "
        "a bug report)",
        summary,
        log_file,
    )
    with Path(log_file).open("a", encoding="utf-8") as file:
        file.write(traceback.format_exc())


def run(snakemake: Any, main: Callable[[Any], None]) -> None:
    """Run main(snakemake) with logging; any error exits 1 and leaves no partial output.

    An InputError becomes its message; any other error a line pointing at the log file, which
    gets the traceback.
    """
    log_file = snakemake.log[0] if len(snakemake.log) else None
    configure_logging(log_file)
    keep_freed_memory()
    try:
        main(snakemake)
    except Exception as error:
        if isinstance(error, InputError):
            log.error("%s", error.message())
        else:
            report_unexpected(error, log_file)
        remove_outputs(list(snakemake.output))
        sys.exit(1)
