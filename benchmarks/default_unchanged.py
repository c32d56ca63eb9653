"""Compare the result tables of two default runs across the pair rename of issue 15.

    python benchmarks/default_unchanged.py OLD/results NEW/results

OLD is a run from before issue 15 (e.g. commit bacae0b, where the pair was hard-coded as IL-1β ×
BDNF), NEW a run of the same configuration now. Every TSV under tables/ and analyses/ of OLD is read
with its old codes mapped to the generic pair names (il1b_high -> exposure_high, bdnf_sd ->
modifier_scaled, cutpoints' biomarker -> role and column, ...), then compared cell by cell with NEW:
numbers by their relative difference, text exactly. Columns NEW added (sensitivity.tsv's pair) are
left out. Prints one line per table and how many are equal; every number equal is the acceptance of
issue 15 item 4 (docs/pair.md).
"""

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

# Old derived codes and their generic names (whole tokens; the synthetic truth keeps its own).
TOKENS = {
    "il1b_high": "exposure_high", "bdnf_high": "modifier_high", "il1b_low": "exposure_low",
    "bdnf_low": "modifier_low", "il1b_level": "exposure_level", "bdnf_level": "modifier_level",
    "bdnf_sd": "modifier_scaled", "bdnf_sd_to": "modifier_scaled_to",
    "bdnf_sd_from": "modifier_scaled_from", "log2_il1b": "exposure_scaled",
    "il1b_or_bdnf_low": "exposure_or_modifier_low",
    "il1b_or_bdnf_high": "exposure_or_modifier_high",
    "stratum_bdnf_low": "stratum_modifier_low", "stratum_bdnf_high": "stratum_modifier_high",
    "stratum_il1b_low": "stratum_exposure_low", "stratum_il1b_high": "stratum_exposure_high",
    "il1b_high_bdnf_high": "exposure_high_modifier_high",
    "il1b_low_bdnf_low": "exposure_low_modifier_low",
    "il1b_high_bdnf_low": "exposure_high_modifier_low",
    "il1b_low_bdnf_high": "exposure_low_modifier_high",
    "risk_il1b_low_bdnf_low": "risk_exposure_low_modifier_low",
    "risk_il1b_low_bdnf_high": "risk_exposure_low_modifier_high",
    "risk_il1b_high_bdnf_low": "risk_exposure_high_modifier_low",
    "risk_il1b_high_bdnf_high": "risk_exposure_high_modifier_high",
    "il1b_T3": "exposure_T3", "bdnf_T3": "modifier_T3", "bdnf_T1": "modifier_T1",
    "il1b_tertile": "exposure_tertile", "bdnf_tertile": "modifier_tertile",
    "bdnf_to": "modifier_to", "bdnf_from": "modifier_from",
    "bdnf_percentile": "modifier_percentile",
    "il1b_within_bdnf": "exposure_within_modifier", "bdnf_within_il1b": "modifier_within_exposure",
}  # fmt: skip
TOKEN = re.compile(r"[A-Za-z0-9_]*(?:il1b|bdnf)[A-Za-z0-9_]*")
ROLES = {"il1b": "exposure", "bdnf": "modifier"}
ROLE_COLUMNS = ("model", "biomarker", "role", "exposure", "stratum_by", "group")
STAGES = {
    "with_both_biomarkers": "with_exposure_and_modifier",
    "il1b_above_lod": "exposure_above_lod",
}
ADDED_COLUMNS = {"pair"}


def renamed(text: str, column: str) -> str:
    """An old cell or header in the generic names; a bare il1b/bdnf as a role where it is one."""
    mapped = TOKEN.sub(lambda match: TOKENS.get(match[0], match[0]), text)
    return ROLES.get(mapped, mapped) if column in ROLE_COLUMNS else mapped


def old_table(path: Path) -> pd.DataFrame:
    """An old run's table with its codes in the generic names."""
    table = pd.read_csv(path, sep="\t", keep_default_na=False, dtype=str)
    if path.name == "cutpoints.tsv":
        table.insert(list(table.columns).index("biomarker") + 1, "column", table["biomarker"])
        table = table.rename(columns={"biomarker": "role"})
    if path.name == "flow.tsv":
        table["stage"] = table["stage"].replace(STAGES)
    if path.name in ("slopes.tsv", "predictions.tsv"):
        table = table.rename(columns=ROLES)
    table.columns = [renamed(column, "") for column in table.columns]
    for column in table.columns:
        table[column] = table[column].map(lambda value, c=column: renamed(value, c))
    return table


def differences(old: pd.DataFrame, new: pd.DataFrame) -> tuple[float, list[str]]:
    """The largest relative difference of the numbers and the columns whose text differs."""
    worst, texts = 0.0, []
    for column in old.columns:
        x = pd.to_numeric(old[column].replace("NA", np.nan), errors="coerce")
        y = pd.to_numeric(new[column].replace("NA", np.nan), errors="coerce")
        numeric = x.notna() & y.notna()
        if numeric.any():
            gap = (x[numeric] - y[numeric]).abs() / np.maximum(1.0, x[numeric].abs())
            worst = max(worst, float(gap.where(x[numeric] != y[numeric], 0.0).max()))
        if (~numeric & (old[column] != new[column])).any():
            texts.append(column)
    return worst, texts


def compare(old_path: Path, new_path: Path) -> tuple[bool, str]:
    """Whether one table is equal after renaming, and a line saying how it differs."""
    old = old_table(old_path)
    new = pd.read_csv(new_path, sep="\t", keep_default_na=False, dtype=str)
    new = new[[c for c in new.columns if c in old.columns or c not in ADDED_COLUMNS]]
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return False, f"layout differs: {sorted(set(old.columns) ^ set(new.columns))}"
    worst, texts = differences(old, new)
    text = f"; text differs in {', '.join(texts)}" if texts else ""
    return worst == 0 and not texts, f"largest relative difference {worst:.1e}{text}"


def main(old_root: Path, new_root: Path) -> None:
    """Print each table's comparison and the count of equal tables."""
    tables = sorted(
        path.relative_to(old_root)
        for folder in ("tables", "analyses")
        for path in (old_root / folder).rglob("*.tsv")
    )
    equal = 0
    for table in tables:
        if not (new_root / table).exists():
            print(f"{table}: missing in {new_root}")
            continue
        same, line = compare(old_root / table, new_root / table)
        equal += same
        print(f"{table}: {'equal' if same else line}")
    print(f"{equal}/{len(tables)} tables equal after renaming")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
