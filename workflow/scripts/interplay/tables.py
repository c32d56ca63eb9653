"""Reading and writing the workflow's intermediate and result tables, byte-stably."""

from pathlib import Path

import pandas as pd

# Fixed float formatting keeps result tables byte-identical across runs and platforms.
FLOAT_FORMAT = "%.10g"


def separator_for(path: str | Path) -> str:
    """Tab for .tsv files (compressed or not), comma otherwise."""
    suffixes = Path(path).suffixes
    return "\t" if ".tsv" in suffixes else ","


def write_table(table: pd.DataFrame, path: str | Path) -> None:
    """Write a table without its index, choosing the separator from the file name."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(
        path,
        sep=separator_for(path),
        index=False,
        float_format=FLOAT_FORMAT,
        lineterminator="\n",
        compression={"method": "infer", "mtime": 0} if str(path).endswith(".gz") else "infer",
    )


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by write_table, keeping patient IDs as text."""
    return pd.read_csv(path, sep=separator_for(path), dtype={"patient_id": str})
