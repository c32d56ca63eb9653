"""Glue between a Snakemake script and the library: logging, clean errors, no partial output."""

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from interplay.allocator import keep_freed_memory
from interplay.errors import InputError

log = logging.getLogger("interplay")


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


def run(snakemake: Any, main: Callable[[Any], None]) -> None:
    """Run main(snakemake) with logging; an InputError becomes a clear message and exit 1."""
    configure_logging(snakemake.log[0] if len(snakemake.log) else None)
    keep_freed_memory()
    try:
        main(snakemake)
    except InputError as error:
        log.error("%s", error.message())
        remove_outputs(list(snakemake.output))
        sys.exit(1)
