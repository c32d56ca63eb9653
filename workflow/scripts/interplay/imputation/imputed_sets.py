"""m imputed data sets as mice's `mids` holds them: the data once, each set's values at its gaps.

A data set is built only when asked for (`data_set(i)`, or indexing and iterating the sets 1..m
one at a time), so a job holds one imputed copy at a time, never the m + 1 copies of the long
format (`.imp` 0..m, `.id`), which `long_frame` still builds for R, tests and notebooks.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interplay.errors import InputError

IMPUTATION_COLUMN = ".imp"
ROW_ID_COLUMN = ".id"


@dataclass(frozen=True)
class ImputedSets(Sequence[pd.DataFrame]):
    """The observed data (block `.imp` 0 of the long format) and, per imputed column, the row
    positions of its gaps and each imputation's values there, (m, gaps)."""

    observed: pd.DataFrame
    gaps: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    m: int

    def __len__(self) -> int:
        """The number of imputed data sets, m."""
        return self.m

    def __getitem__(self, index: int) -> pd.DataFrame:  # type: ignore[override]
        """Imputed data set index + 1 (the sequence holds sets 1..m)."""
        if not -self.m <= index < self.m:
            raise IndexError(f"imputed data set {index} of {self.m}")
        return self.data_set(index % self.m + 1)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """Imputed data sets 1..m, one at a time."""
        return (self.data_set(number) for number in range(1, self.m + 1))

    def data_set(self, number: int) -> pd.DataFrame:
        """Block `.imp` = number of the long format: 0 the observed data, 1..m imputed."""
        frame = self.observed.copy()
        frame[IMPUTATION_COLUMN] = np.full(
            len(frame), number, self.observed[IMPUTATION_COLUMN].dtype
        )
        if number:
            for column, rows in self.gaps.items():
                at_gaps = np.zeros(len(frame), dtype=bool)
                at_gaps[rows] = True
                frame.loc[at_gaps, column] = self.values[column][number - 1]
        return frame

    def blocks(self) -> Iterator[pd.DataFrame]:
        """The long format's blocks, data sets 0..m, one at a time."""
        return (self.data_set(number) for number in range(self.m + 1))

    def long_frame(self) -> pd.DataFrame:
        """The long format: data sets 0..m stacked (mice's `complete(action = "long")`)."""
        return pd.concat(list(self.blocks()), ignore_index=True)

    def without(self, columns: Sequence[str]) -> "ImputedSets":
        """The sets without the given columns."""
        return ImputedSets(
            observed=self.observed.drop(columns=list(columns)),
            gaps={column: rows for column, rows in self.gaps.items() if column not in columns},
            values={c: values for c, values in self.values.items() if c not in columns},
            m=self.m,
        )

    def of_rows(self, rows: np.ndarray) -> "ImputedSets":
        """The sets restricted to the rows where the boolean array rows is true, in their order."""
        position = np.cumsum(rows) - 1
        kept = {column: rows[gaps] for column, gaps in self.gaps.items()}
        return ImputedSets(
            observed=self.observed[rows].reset_index(drop=True),
            gaps={column: position[gaps[kept[column]]] for column, gaps in self.gaps.items()},
            values={column: self.values[column][:, kept[column]] for column in self.gaps},
            m=self.m,
        )


def imputed_sets_of_long(long: pd.DataFrame) -> ImputedSets:
    """The sets of a long-format frame (`.imp` 0..m in blocks of one row per patient)."""
    if IMPUTATION_COLUMN not in long.columns:
        raise ValueError(f"the long format has no '{IMPUTATION_COLUMN}' column")
    numbers = pd.to_numeric(long[IMPUTATION_COLUMN], errors="coerce").to_numpy()
    m = int(np.nanmax(numbers)) if len(numbers) else 0
    n = len(long) // (m + 1)
    if not np.array_equal(numbers, np.repeat(np.arange(m + 1), n)):
        raise ValueError(f"{IMPUTATION_COLUMN} is not 0..m in blocks of equal length")
    observed = long.iloc[:n].reset_index(drop=True)
    gaps, values = {}, {}
    for column in long.columns.drop(IMPUTATION_COLUMN):
        blocks = long[column].to_numpy().reshape(m + 1, n)
        # Gaps, and any value an imputation changes (tests do so), so that the sets are the frame's.
        changed = observed[column].isna().to_numpy() | (blocks[1:] != blocks[0]).any(axis=0)
        if changed.any():
            gaps[column] = np.flatnonzero(changed)
            values[column] = blocks[1:, changed]
    return ImputedSets(observed, gaps, values, m)


def as_imputed_sets(imputed: ImputedSets | pd.DataFrame | None) -> ImputedSets | None:
    """ImputedSets of imputations given as such or in long format (tests, notebooks)."""
    if imputed is None or isinstance(imputed, ImputedSets):
        return imputed
    if IMPUTATION_COLUMN not in imputed.columns:
        raise InputError(
            f"the imputed data lack the '{IMPUTATION_COLUMN}' column",
            file="imputed data sets",
            column=IMPUTATION_COLUMN,
            fix="write imputations in long format (.imp 0 = observed data, 1..m imputed)",
        )
    return imputed_sets_of_long(imputed)
