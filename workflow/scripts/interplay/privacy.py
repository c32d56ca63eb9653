"""Small-cell suppression of the aggregate tables (config privacy.min_cell_count).

A table declares which of its columns are counts (a CountTable); each count cell is identified by
the column and the values of that column's key columns, so repeated rows (one per CI method)
share a cell. Its margins are relations: sets of cells that add up (a total and its parts), some
of them hidden (e.g. the non-remitters implied by n and remitters) or public (known from another
table, e.g. the analytic sample size), and so never suppressed here.

Rule (primary, then complementary suppression): a shown count from 1 to min_cell_count − 1 is
suppressed; zero is shown (it names nobody). Then, as long as some relation has exactly one
unknown cell (suppressed or hidden) and that cell is suppressed or itself a small count, the
smallest shown positive cell of that relation (zero only if there is none) is suppressed too,
so the cell cannot be recovered as the total minus the other cells. Percentages derived from a
suppressed count or denominator are suppressed with it. Relations are solved one unknown at a
time, following chains; a cell recoverable only by solving several relations together (linear
algebra over many unknowns) is not searched for, as in common cell-suppression practice.

In the TSV a suppressed cell is NA (missing for pandas and R's read.delim, so numeric columns stay
numeric) and the table gains a logical `suppressed` column (write_table writes it TRUE/FALSE);
report pages show SUPPRESSED_TEXT.
"""

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

SUPPRESSED_TEXT = "suppressed"
SUPPRESSED_COLUMN = "suppressed"
LOG_COLUMNS = ["table", "row", "column", "reason"]
COMPLEMENTARY = "complementary: the total and the other cells of its margin would reveal it"

TableCell = tuple[str, tuple[Hashable, ...]]


@dataclass(frozen=True)
class Margins:
    """Relations among the cells of a table, with cells not shown in it and their values."""

    relations: list[list[TableCell]] = field(default_factory=list)
    hidden: dict[TableCell, int] = field(default_factory=dict)
    public: dict[TableCell, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CountTable:
    """How a table holds counts: their key columns, derived percentages and margins."""

    keys: Mapping[str, Sequence[str]]
    derived: Mapping[str, Sequence[str]] = field(default_factory=dict)
    margins: Callable[[pd.DataFrame, "CellValues"], Margins] = lambda table, values: Margins()


CellValues = Mapping[TableCell, int]


def cell_values(table: pd.DataFrame, keys: Mapping[str, Sequence[str]]) -> dict[TableCell, int]:
    """The value of every count cell of a table (first row of repeated ones)."""
    values: dict[TableCell, int] = {}
    for column, key_columns in keys.items():
        for key, value in zip(
            table[list(key_columns)].itertuples(index=False, name=None), table[column], strict=True
        ):
            if pd.notna(value):
                values.setdefault((column, key), int(value))
    return values


def is_small(value: int, min_count: int) -> bool:
    """Whether a count identifies too few people to show (1 to min_count − 1)."""
    return 0 < value < min_count


def complement(relation: Sequence[TableCell], candidates: Mapping[TableCell, int]) -> TableCell:
    """The cell of a relation to suppress with it: the smallest positive shown one, else a zero."""
    shown = [cell for cell in relation if cell in candidates]
    if not shown:
        raise ValueError(f"no shown cell left to protect the margin {relation}")
    return min(shown, key=lambda cell: (candidates[cell] == 0, candidates[cell]))


def revealing_relation(
    relations: Sequence[Sequence[TableCell]], unknown: set[TableCell], protected: set[TableCell]
) -> Sequence[TableCell] | None:
    """A relation that reveals a protected cell, solving relations one unknown at a time."""
    unknown = set(unknown)
    solved = True
    while solved:
        solved = False
        for relation in relations:
            cells = unknown.intersection(relation)
            if len(cells) == 1:
                if cells <= protected:
                    return relation
                unknown -= cells
                solved = True
    return None


def suppressed_cells(
    shown: CellValues,
    margins: Margins,
    min_count: int,
    preset: Mapping[TableCell, str] | None = None,
) -> dict[TableCell, str]:
    """Which shown cells to suppress, and why (primary, then complementary suppression).

    Public cells are shown elsewhere too (e.g. the analytic sample size) and never suppressed;
    `preset` cells are suppressed from the start (hidden in a table published beside this one).
    """
    shown = {cell: value for cell, value in shown.items() if cell not in margins.public}
    reasons = dict(preset or {}) | {
        cell: f"below the minimum cell count ({min_count})"
        for cell, value in shown.items()
        if is_small(value, min_count)
    }
    small_hidden = {cell for cell, value in margins.hidden.items() if is_small(value, min_count)}
    while True:
        # A hidden zero counts as known: a count of zero is often implied by the others being
        # non-negative, which the relations do not express.
        unknown = {cell for cell, value in margins.hidden.items() if value} | set(reasons)
        revealing = revealing_relation(margins.relations, unknown, small_hidden | set(reasons))
        if revealing is None:
            return reasons
        candidates = {cell: value for cell, value in shown.items() if cell not in reasons}
        reasons[complement(revealing, candidates)] = COMPLEMENTARY


def row_label(key_columns: Sequence[str], key: tuple[Hashable, ...]) -> str:
    """A readable name of a table row, e.g. 'variable = sex, level = female, group = Overall'."""
    return ", ".join(
        f"{column} = {'' if pd.isna(value) else value}"
        for column, value in zip(key_columns, key, strict=True)
    )


def carried_over(
    shown: CellValues, published: pd.DataFrame, spec: CountTable, source: str
) -> tuple[dict[TableCell, str], dict[TableCell, int]]:
    """Cells of a table published beside this one (same kind): hidden there, or shown alike.

    A cell hidden there stays hidden here (whatever its value: over-suppression is safe); a cell
    showing the same value there is public here.
    """
    hidden, public = {}, {}
    flagged = published[SUPPRESSED_COLUMN].eq(True)
    for column, key_columns in spec.keys.items():
        rows = published.loc[flagged & published[column].isna(), list(key_columns)]
        for key in rows.itertuples(index=False, name=None):
            if (column, key) in shown:
                hidden[(column, key)] = f"complementary: suppressed in {source}"
    for cell, value in cell_values(published, spec.keys).items():
        if shown.get(cell) == value:
            public[cell] = value
    return hidden, public


def protect(
    table: pd.DataFrame,
    spec: CountTable,
    min_count: int | None,
    name: str,
    published: tuple[pd.DataFrame, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with small counts suppressed, and the log of what was (LOG_COLUMNS).

    `published`: a protected table of the same kind shown beside this one, and its name (e.g.
    the primary flow beside a sensitivity analysis's flow), kept consistent with this one.
    Without a minimum (None) the table is returned unchanged and the log is empty.
    """
    log = pd.DataFrame(columns=LOG_COLUMNS)
    if min_count is None:
        return table, log
    shown = cell_values(table, spec.keys)
    margins = spec.margins(table, shown)
    preset: dict[TableCell, str] = {}
    if published is not None:
        preset, public = carried_over(shown, published[0], spec, published[1])
        margins.public.update(public)
    reasons = suppressed_cells(shown, margins, min_count, preset)
    protected = table.copy()
    flagged = pd.Series(False, index=table.index)
    rows = []
    for (column, key), reason in reasons.items():
        key_columns = list(spec.keys[column])
        keys = table[key_columns].itertuples(index=False, name=None)
        in_cell = pd.Series([row == key for row in keys], index=table.index, dtype=bool)
        for target in [column, *spec.derived.get(column, [])]:
            numeric = pd.api.types.is_numeric_dtype(protected[target])
            protected[target] = protected[target].mask(
                in_cell, None if numeric else SUPPRESSED_TEXT
            )
        flagged |= in_cell
        rows.append((name, row_label(key_columns, key), column, reason))
    protected[SUPPRESSED_COLUMN] = flagged
    if rows:
        log = pd.DataFrame(rows, columns=LOG_COLUMNS).sort_values(["row", "column"], kind="stable")
    return protected, log.reset_index(drop=True)


def count_text(value: object, thousands: bool = False) -> str:
    """A count as text, SUPPRESSED_TEXT where it was suppressed (NA)."""
    if pd.isna(value):
        return SUPPRESSED_TEXT
    return f"{int(value):,}" if thousands else str(int(value))


# Declarations of the tables that hold counts ------------------------------------------------------


def flow_margins(flow: pd.DataFrame, values: CellValues) -> Margins:
    """Each stage: patients before = patients after + excluded; the analytic sample is public."""
    stages = flow["stage"].tolist()
    relations = [
        [("n", (before,)), ("n", (after,)), ("excluded", (after,))]
        for before, after in itertools.pairwise(stages)
    ]
    final = ("n", (stages[-1],))
    return Margins(relations=relations, public={final: values[final]})


FLOW = CountTable(keys={"n": ["stage"], "excluded": ["stage"]}, margins=flow_margins)


def table1_margins(table: pd.DataFrame, values: CellValues) -> Margins:
    """Per variable: n + missing = group size (public); levels add up to n; groups to Overall.

    A binary variable shows only level 1, so level 0 (n − count) is a hidden cell; patients
    without a group (counted only in Overall) form a hidden group.
    """
    margins = Margins()
    for (comparison, variable), rows in table.groupby(["comparison", "variable"], sort=False):
        add_variable_margins(margins, rows, values, (comparison, variable))
    return margins


def add_variable_margins(
    margins: Margins, rows: pd.DataFrame, values: CellValues, variable: tuple[str, str]
) -> None:
    """Add the Table 1 relations of one variable (rows of one comparison) to margins."""
    rest, no_group = "(other levels)", "(no group)"
    groups = list(dict.fromkeys(rows["group"]))
    categorical = rows["kind"].iloc[0] != "continuous"
    levels = list(dict.fromkeys(rows["level"])) if categorical else []
    n = {(g, c): (c, (*variable, g)) for g in groups for c in ["n", "n_missing"]}
    count = {(lv, g): ("count", (*variable, lv, g)) for lv in [*levels, rest] for g in groups}
    for group in groups:
        size = ("group size", (variable[0], group))
        margins.public[size] = values[n[group, "n"]] + values[n[group, "n_missing"]]
        margins.relations.append([size, n[group, "n"], n[group, "n_missing"]])
        if categorical:
            shown = [count[level, group] for level in levels]
            margins.hidden[count[rest, group]] = values[n[group, "n"]] - sum(
                values[cell] for cell in shown
            )
            margins.relations.append([n[group, "n"], *shown, count[rest, group]])
    lookup = {**values, **margins.hidden}
    totals = [(n[g, c] for g in groups) for c in ["n", "n_missing"]]
    totals += [
        (count[level, g] for g in groups) for level in ([*levels, rest] if categorical else [])
    ]
    for cells in map(list, totals):
        overall, parts = cells[0], cells[1:]
        missing_group = (overall[0], (*overall[1][:-1], no_group))
        margins.hidden[missing_group] = lookup[overall] - sum(lookup[cell] for cell in parts)
        margins.relations.append([*cells, missing_group])
    size = ("group size", (variable[0], no_group))
    margins.public[size] = margins.public[("group size", (variable[0], groups[0]))] - sum(
        margins.public[("group size", (variable[0], group))] for group in groups[1:]
    )
    margins.relations.append(
        [size, *((column, (*variable, no_group)) for column in ["n", "n_missing"])]
    )


TABLE1_GROUP = ["comparison", "variable", "group"]
TABLE1 = CountTable(
    keys={
        "n": TABLE1_GROUP,
        "n_missing": TABLE1_GROUP,
        "count": ["comparison", "variable", "level", "group"],
    },
    derived={"n": ["percent"], "count": ["percent"]},
    margins=table1_margins,
)


def joint_margins(joint: pd.DataFrame, values: CellValues) -> Margins:
    """Per cell n = remitters + non-remitters; per stratum each column adds up to a public total."""
    margins = Margins()
    keys = ["stratum", "exposure_level", "modifier_level"]
    for stratum, rows in joint.groupby("stratum", sort=False):
        cells = list(dict.fromkeys(rows[keys].itertuples(index=False, name=None)))
        for key in cells:
            margins.relations.append([("n", key), ("remitters", key), ("non_remitters", key)])
        for column in ["n", "remitters", "non_remitters"]:
            total = (f"total {column}", (stratum,))
            margins.public[total] = sum(values[(column, key)] for key in cells)
            margins.relations.append([total, *((column, key) for key in cells)])
    return margins


JOINT_KEYS = ["stratum", "exposure_level", "modifier_level"]
JOINT = CountTable(
    keys={"n": JOINT_KEYS, "remitters": JOINT_KEYS, "non_remitters": JOINT_KEYS},
    margins=joint_margins,
)


WARNINGS = CountTable(
    keys={"n_affected": ["table", "column", "check"]}, derived={"n_affected": ["message"]}
)


def missingness_table(patients: int) -> CountTable:
    """missingness.tsv of a dataset of `patients` rows: missing + observed (hidden) = patients."""

    def margins(table: pd.DataFrame, values: CellValues) -> Margins:
        """Per variable: the missing values and the hidden observed ones add up to the patients."""
        result = Margins(public={("patients", ()): patients})
        for variable in table["variable"]:
            missing, observed = ("n_missing", (variable,)), ("n_observed", (variable,))
            result.hidden[observed] = patients - values[missing]
            result.relations.append([("patients", ()), missing, observed])
        return result

    return CountTable(
        keys={"n_missing": ["variable"]},
        derived={"n_missing": ["percent_missing"]},
        margins=margins,
    )


def missing_pattern_margins(cells: pd.DataFrame, values: CellValues) -> Margins:
    """Each variable's missing values add up over the patterns missing it; all patterns add up
    to the patients (public)."""
    patterns = cells.loc[cells["part"] == "pattern"]
    pattern_cell = {label: ("n", ("pattern", label)) for label in patterns["pattern"]}
    relations = [
        [
            *(pattern_cell[label] for label in patterns.loc[patterns[variable] == 1, "pattern"]),
            ("n", ("total", variable)),
        ]
        for variable in cells.loc[cells["part"] == "total", "pattern"]
    ]
    everyone = ("patients", ())
    relations.append([everyone, *pattern_cell.values()])
    return Margins(relations=relations, public={everyone: int(patterns["n"].sum())})


# Rows: part "pattern" (a missingness pattern, its n patients) or "total" (a variable, its n
# missing values); the figure_missing_pattern job builds it (figures_cohort.pattern_cells).
MISSING_PATTERNS = CountTable(keys={"n": ["part", "pattern"]}, margins=missing_pattern_margins)


def histogram_margins(bars: pd.DataFrame, values: CellValues) -> Margins:
    """The bars of each biomarker add up to its patients with a value (public)."""
    margins = Margins()
    for biomarker, rows in bars.groupby("biomarker", sort=False):
        cells = [("count", key) for key in rows[HISTOGRAM_KEYS].itertuples(index=False, name=None)]
        total = ("patients", (biomarker,))
        margins.public[total] = sum(values[cell] for cell in cells)
        margins.relations.append([total, *cells])
    return margins


HISTOGRAM_KEYS = ["biomarker", "below_lod", "low"]
HISTOGRAM = CountTable(keys={"count": HISTOGRAM_KEYS}, margins=histogram_margins)


def model_margins(models: pd.DataFrame, values: CellValues) -> Margins:
    """Per stratum and model: n = events + non-events (hidden). Where they add up: a model's
    strata to its whole-sample counts (public), and the models within the groups of one biomarker
    (stratum_modifier_low, stratum_modifier_high) to the stratum's product model."""
    margins = Margins()
    keys = [
        key
        for key in dict.fromkeys(models[MODEL_KEYS].itertuples(index=False, name=None))
        if ("n", key) in values and ("n_events", key) in values
    ]
    for key in keys:
        margins.hidden[("n_non_events", key)] = values[("n", key)] - values[("n_events", key)]
        margins.relations.append([("n", key), ("n_events", key), ("n_non_events", key)])
    lookup = {**values, **margins.hidden}
    strata = list(dict.fromkeys(stratum for stratum, _ in keys))
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for stratum, model in keys:
        if model.startswith("stratum_"):
            biomarker = model.removeprefix("stratum_").rsplit("_", 1)[0]
            groups.setdefault((stratum, biomarker), []).append((stratum, model))
    for column in ["n", "n_events", "n_non_events"]:
        if len(strata) > 1:
            for model in dict.fromkeys(model for _, model in keys):
                parts = [(column, key) for key in keys if key[1] == model]
                total = (f"whole-sample {column}", (model,))
                margins.public[total] = sum(lookup[part] for part in parts)
                margins.relations.append([total, *parts])
        for (stratum, _), members in groups.items():
            whole = (column, (stratum, "product"))
            parts = [(column, key) for key in members]
            if whole in lookup and lookup[whole] == sum(lookup[part] for part in parts):
                margins.relations.append([whole, *parts])
    return margins


MODEL_KEYS = ["stratum", "model"]
MODEL_COUNTS = CountTable(keys={"n": MODEL_KEYS, "n_events": MODEL_KEYS}, margins=model_margins)

COUNT_TABLES: dict[str, CountTable] = {
    "flow": FLOW,
    "table1": TABLE1,
    "joint": JOINT,
    "models": MODEL_COUNTS,
    "warnings": WARNINGS,
}


def suppression_log(logs: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The suppression logs of several tables as one table (results/tables/privacy.tsv)."""
    found = [log for log in logs if not log.empty]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=LOG_COLUMNS)
