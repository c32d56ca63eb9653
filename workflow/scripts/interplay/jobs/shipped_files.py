"""Files the workflow ships, found wherever it is deployed: in its own folder or as a module.

A configured input path is relative to the working directory (where results/ goes), except the
path of a shipped file as the workflow's config.yaml writes it, which names the workflow's own copy
(README: "Use as a Snakemake module").
"""

from collections.abc import Sequence
from pathlib import Path

from interplay.jobs.config_checks import ConfigError

# Input files the workflow ships, as config.yaml names them (relative to the workflow's folder).
SHIPPED_INPUTS = {"dictionary": "resources/data_dictionary.tsv"}


def shown_location(path: Path, working_dir: Path) -> str:
    """A path relative to the working directory when inside it, else absolute."""
    resolved = path.resolve()
    working = working_dir.resolve()
    return str(resolved.relative_to(working)) if resolved.is_relative_to(working) else str(resolved)


def input_location(
    key: str, written: str, workflow_dir: Path, working_dir: Path, files: Sequence[str] = ()
) -> str:
    """Where the data.<key> input the configuration names is read from.

    The shipped path names the workflow's copy: unchanged (relative) when the workflow is the
    working directory, absolute when it is a module. A different file at that path in the
    working directory is ambiguous and stops the run; any other path is returned as written.
    """
    if SHIPPED_INPUTS.get(key) != written:
        return written
    shipped = workflow_dir / written
    own = working_dir / written
    if own.exists() and shipped.exists() and not own.samefile(shipped):
        raise ConfigError(
            f"'{written}' names the workflow's shipped {key} file, but the working directory "
            "has its own file at that path",
            key=f"data.{key}",
            written=written,
            allowed="",
            fix=f"to use your own file, rename it (e.g. resources/my_{key}.tsv) and point "
            f"data.{key} at it; to use the shipped one, move yours away",
            files=files,
        )
    return shown_location(shipped, working_dir)
