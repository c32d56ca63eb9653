"""The imputed data sets as the workflow's jobs read them: one .npz file, read back bit-identically.

Like mice's `mids` object, the file holds the observed data once (`.imp` 0) and, for each column
with gaps, every imputation's values at those gaps; the long format (`.imp` 0..m, `.id`) is
rebuilt from them. Numbers are stored as their bytes, text as codes into its distinct values, so
every value and dtype reads back as written (the long CSV for R rounds to 10 digits and is slower).
"""

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from interplay.imputation.chained import IMPUTATION_COLUMN
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


def column_arrays(name: str, values: pd.Series, n: int, m: int) -> dict[str, np.ndarray]:
    """One column's arrays: observed values, positions of its gaps and each imputation's values."""
    if is_text(values):
        codes, levels = pd.factorize(values, use_na_sentinel=True)
        arrays = {f"{name}/levels": np.asarray(levels, dtype=str)}
        values = pd.Series(codes.astype(np.int64))
        gaps = np.flatnonzero(codes[:n] < 0)
    elif values.dtype.kind in NUMBER_KINDS:
        arrays = {}
        gaps = np.flatnonzero(values.isna().to_numpy()[:n])
    else:
        raise TypeError(f"column {name} has dtype {values.dtype}, neither numbers nor text")
    stored = values.to_numpy()
    blocks = stored.reshape(m + 1, n)
    kept = np.ones(n, dtype=bool)
    kept[gaps] = False
    if not (blocks[1:, kept] == blocks[0, kept]).all():
        raise ValueError(f"column {name}: an imputation changes an observed value")
    return {
        **arrays,
        f"{name}/observed": blocks[0],
        f"{name}/gaps": gaps,
        f"{name}/imputed": blocks[1:, gaps],
    }


def write_imputed_file(imputed: pd.DataFrame, path: str | Path) -> None:
    """Write long-format imputations (`.imp` 0..m in blocks of one row per patient) as .npz."""
    numbers = imputed[IMPUTATION_COLUMN].to_numpy()
    m = int(numbers.max())
    n = len(imputed) // (m + 1)
    if not np.array_equal(numbers, np.repeat(np.arange(m + 1), n)):
        raise ValueError(f"{IMPUTATION_COLUMN} is not 0..m in blocks of equal length")
    data = imputed.drop(columns=IMPUTATION_COLUMN)
    arrays = {}
    for position, name in enumerate(data.columns):
        arrays |= column_arrays(str(position), data[name], n, m)
    layout = {
        "columns": list(imputed.columns),
        "dtypes": [str(dtype) for dtype in imputed.dtypes],
        "m": m,
        "n": n,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("wb") as file:
        np.savez(file, **arrays, **{LAYOUT: np.array(json.dumps(layout))})


def rebuilt_column(arrays: dict, key: str, dtype: str, n: int, m: int) -> pd.Series:
    """One long column from its observed values and each imputation's values of its gaps."""
    values = np.tile(arrays[f"{key}/observed"], m + 1)
    gaps = arrays[f"{key}/gaps"]
    values[(np.arange(1, m + 1)[:, None] * n + gaps[None, :]).ravel()] = arrays[
        f"{key}/imputed"
    ].ravel()
    if f"{key}/levels" in arrays:
        text = np.append(arrays[f"{key}/levels"].astype(object), np.nan)
        return pd.Series(text[values], dtype=dtype)
    return pd.Series(values, dtype=dtype)


def rebuilt_frame(arrays: dict) -> pd.DataFrame:
    """The long-format imputations from the file's arrays."""
    layout = json.loads(str(arrays[LAYOUT]))
    m, n = layout["m"], layout["n"]
    columns = {IMPUTATION_COLUMN: pd.Series(np.repeat(np.arange(m + 1), n))}
    names = [name for name in layout["columns"] if name != IMPUTATION_COLUMN]
    dtypes = dict(zip(layout["columns"], layout["dtypes"], strict=True))
    for position, name in enumerate(names):
        columns[name] = rebuilt_column(arrays, str(position), dtypes[name], n, m)
    frame = pd.DataFrame(columns)[layout["columns"]]
    return frame.astype({IMPUTATION_COLUMN: dtypes[IMPUTATION_COLUMN]})


def read_imputed_file(path: str | Path) -> pd.DataFrame:
    """The long-format imputations of a .npz file; a 'damaged' error when it is not whole."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise damaged(path, f"it is not a whole .npz file: {error}") from error
    try:
        return rebuilt_frame(arrays)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise damaged(path, f"its arrays do not fit together: {error}") from error
