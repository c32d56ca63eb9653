"""The imputed data sets as the workflow's jobs read them: one .npz file, read back bit-identically.

Like mice's `mids` object, the file holds the observed data once (`.imp` 0) and, for each column
with gaps, every imputation's values at those gaps; it is read back as ImputedSets, which build
one imputed data set at a time. Numbers are stored as their bytes, text as codes into its
distinct values, so every value and dtype reads back as written (the long CSV for R rounds to 10
digits and is slower).
"""

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from interplay.imputation.imputed_sets import IMPUTATION_COLUMN, ImputedSets
from interplay.tables import damaged

LAYOUT = "layout"
# gzip level of the long CSV for R: 20 sets of 10,000 patients take 3.4 CPU s at level 1, 4.3 at
# 6 and 7.7 at 9 (files 10.2, 8.2 and 7.9 MB; benchmarks/imputed_files.py measures 100,000).
LONG_CSV_GZIP_LEVEL = 1
NUMBER_KINDS = "biuf"


def is_text(values: pd.Series) -> bool:
    """Whether a column holds text (str dtype, or object holding only strings and gaps)."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return True
    return values.dtype == object and values.dropna().map(type).eq(str).all()


def column_arrays(name: str, sets: ImputedSets, column: str) -> dict[str, np.ndarray]:
    """One column's arrays: observed values, positions of its gaps and each imputation's values."""
    observed = sets.observed[column]
    gaps = sets.gaps.get(column, np.array([], dtype=np.int64))
    if observed.iloc[gaps].notna().any():
        raise ValueError(f"column {column}: an imputation changes an observed value")
    imputed = sets.values.get(column, np.empty((sets.m, 0), dtype=object))
    if is_text(observed):
        # Codes in the order of first appearance over the long column, as factorizing it would.
        every = pd.Series(np.concatenate([observed.to_numpy(dtype=object), imputed.ravel()]))
        codes, levels = pd.factorize(every, use_na_sentinel=True)
        n = len(observed)
        return {
            f"{name}/levels": np.asarray(levels, dtype=str),
            f"{name}/observed": codes[:n].astype(np.int64),
            f"{name}/gaps": gaps,
            f"{name}/imputed": codes[n:].astype(np.int64).reshape(imputed.shape),
        }
    if observed.dtype.kind not in NUMBER_KINDS:
        raise TypeError(f"column {column} has dtype {observed.dtype}, neither numbers nor text")
    stored = observed.to_numpy()
    return {
        f"{name}/observed": stored,
        f"{name}/gaps": gaps,
        f"{name}/imputed": np.asarray(imputed, dtype=stored.dtype),
    }


def write_imputed_file(sets: ImputedSets, path: str | Path) -> None:
    """Write imputed data sets as .npz: the observed data once, each imputation's gap values."""
    data = sets.observed.drop(columns=IMPUTATION_COLUMN)
    arrays = {}
    for position, name in enumerate(data.columns):
        arrays |= column_arrays(str(position), sets, name)
    layout = {
        "columns": list(sets.observed.columns),
        "dtypes": [str(dtype) for dtype in sets.observed.dtypes],
        "m": sets.m,
        "n": len(sets.observed),
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("wb") as file:
        np.savez(file, **arrays, **{LAYOUT: np.array(json.dumps(layout))})


def stored_column(arrays: dict, key: str, dtype: str) -> tuple[pd.Series, np.ndarray]:
    """One column's observed values and its imputations' values (m, gaps), decoded."""
    observed, imputed = arrays[f"{key}/observed"], arrays[f"{key}/imputed"]
    if f"{key}/levels" in arrays:
        text = np.append(arrays[f"{key}/levels"].astype(object), np.nan)
        return pd.Series(text[observed], dtype=dtype), text[imputed]
    return pd.Series(observed, dtype=dtype), imputed


def stored_sets(arrays: dict) -> ImputedSets:
    """The imputed data sets from the file's arrays."""
    layout = json.loads(str(arrays[LAYOUT]))
    m, n = layout["m"], layout["n"]
    dtypes = dict(zip(layout["columns"], layout["dtypes"], strict=True))
    columns = {IMPUTATION_COLUMN: pd.Series(np.zeros(n, dtype=dtypes[IMPUTATION_COLUMN]))}
    gaps, values = {}, {}
    names = [name for name in layout["columns"] if name != IMPUTATION_COLUMN]
    for position, name in enumerate(names):
        columns[name], imputed = stored_column(arrays, str(position), dtypes[name])
        rows = arrays[f"{position}/gaps"]
        if imputed.shape != (m, len(rows)) or len(columns[name]) != n:
            raise ValueError(f"column {name} holds {imputed.shape} values at {len(rows)} gaps")
        if len(rows) and not 0 <= rows.min() <= rows.max() < n:
            raise ValueError(f"column {name} has gaps outside rows 0–{n - 1}")
        if len(rows):
            gaps[name], values[name] = rows, imputed
    observed = pd.DataFrame(columns)[layout["columns"]]
    return ImputedSets(observed, gaps, values, m)


def read_imputed_file(path: str | Path) -> ImputedSets:
    """The imputed data sets of a .npz file; a 'damaged' error when it is not whole."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise damaged(path, f"it is not a whole .npz file: {error}") from error
    try:
        return stored_sets(arrays)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise damaged(path, f"its arrays do not fit together: {error}") from error
