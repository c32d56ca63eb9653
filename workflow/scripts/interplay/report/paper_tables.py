"""The paper's tables of one or more analyses, from their sample, models and interaction tables.

table2 — Cho et al. (2025) Table 2: remitted n / N per group (its split) of each variable of the
  pair, crude OR (unadjusted logistic regression in the analysis's own sample, Wald interval) and
  adjusted OR (the exposure / modifier models).
table3 — Cho et al. Table 3: each variable within each stratum of the other, n / N per cell,
  adjusted OR from the stratum models and from the product model, and P for interaction from the
  product model (Wald / D1 and likelihood-ratio / D3) and from the stratum models (Altman & Bland
  2003, BMJ 326:219: z = (b1 − b2) / √(se1² + se2²)).
interaction_2x2 — Knol & VanderWeele (2012, Int J Epidemiol 41:514) Table 2: the 2 × 2 cells
  with counts and ORs against ONE reference cell (interaction.tsv's reference_group, for its
  outcome), the within-stratum ORs both ways in that frame, the ratio of ORs and RERI, AP, S.

The TSV rows keep the generic codes (exposure, modifier, low, high); the report pages name each
analysis's own pair (its labels and split levels).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from interplay.analysis.fit import read_plan, used_columns
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.describe.table1 import format_p
from interplay.errors import InputError
from interplay.labels import (
    GROUP,
    PAPER_TABLE_COLUMNS,
    analysis_label,
    ci_method_label,
    group_label,
    label,
    measure_label,
    pair_noun,
    split_group,
)
from interplay.models import logistic as models
from interplay.models.distributions import normal_sf
from interplay.pair import LEVEL_CODES, ROLES, Pair, pair_from_settings
from interplay.privacy import SUPPRESSED_TEXT, is_small
from interplay.report.pages import html_page, interval_text, number_text, status_note
from interplay.tables import WHOLE_SAMPLE

OTHER = {"exposure": "modifier", "modifier": "exposure"}
# The two levels of each role, low (0) first.
ROLE_LEVELS = list(LEVEL_CODES.values())
# Model-based intervals of models.tsv and interaction.tsv (the bootstrap rows are left out).
COUNT_COLUMNS = {
    "table2": ["n_events", "n"],
    "table3": ["n_events", "n"],
    "interaction_2x2": ["remitters", "non_remitters"],
}
OR_COLUMNS = ["estimate", "ci_low", "ci_high", "p_value"]


@dataclass(frozen=True)
class PaperTableInputs:
    """What the paper tables read of one analysis."""

    name: str
    sample: pd.DataFrame
    models: pd.DataFrame
    interaction: pd.DataFrame
    estimator: str
    ci_level: float
    outcome: str
    pair: Pair


def analysis_tables(
    name: str,
    dataset: pd.DataFrame,
    settings: Mapping[str, Any],
    model_table: pd.DataFrame,
    interaction: pd.DataFrame,
    table1: pd.DataFrame | None = None,
) -> PaperTableInputs:
    """What the paper tables read of one analysis, its adjustment set resolved as for its models
    (the paper-style set from Table 1 by outcome)."""
    covariates = adjustment_covariates(settings["covariates"], table1, dataset)
    resolved = with_covariates(settings, covariates)
    return PaperTableInputs(
        name=name,
        sample=paper_sample(dataset, resolved),
        models=model_table,
        interaction=interaction,
        estimator=resolved["models"]["estimator"],
        ci_level=float(resolved["models"]["ci_level"]),
        outcome=resolved["outcome"]["definition"],
        pair=pair_from_settings(settings),
    )


def indicator(role: str) -> str:
    """The two-group column of a role: 'exposure' -> 'exposure_high'."""
    return f"{role}_high"


def paper_sample(dataset: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The patients an analysis models: everyone analysed when it imputes (outcome and biomarkers
    are never imputed), else the complete cases on every model variable."""
    plan = read_plan(settings)
    columns = (
        used_columns(plan)
        if not plan.impute
        else [models.OUTCOME, "exposure_high", "modifier_high"]
    )
    return dataset[models.complete_rows(dataset, columns)].reset_index(drop=True)


def only_row(rows: pd.DataFrame, what: str, file: str, column: str) -> pd.Series:
    """The one row a selection of a result table must hold; an error naming the table otherwise."""
    if len(rows) != 1:
        raise InputError(
            f"the {what} has {len(rows)} rows where it should have one",
            file=file,
            column=column,
            fix="rerun the analysis (snakemake --forcerun fit_models)",
        )
    return rows.iloc[0]


def model_based_row(table: pd.DataFrame, model: str, term: str, what: str) -> pd.Series:
    """The one model-based row of a model's term in models.tsv."""
    rows = table[
        (table["stratum"] == WHOLE_SAMPLE)
        & (table["model"] == model)
        & (table["term"] == term)
        & table["ci_method"].isin(models.MODEL_BASED_METHODS)
    ]
    return only_row(
        rows, f"models table of {what}, model-based {model} / {term},", "models.tsv", "term"
    )


def measure_row(
    table: pd.DataFrame, measure: str, methods: tuple[str, ...], what: str
) -> pd.Series:
    """The one row of an interaction measure with one of these ci_methods (empty: any)."""
    rows = table[table["measure"] == measure]
    if methods:
        rows = rows[rows["ci_method"].isin(methods)]
    return only_row(rows, f"interaction table of {what}, {measure},", "interaction.tsv", "measure")


def odds_ratio_values(row: pd.Series) -> dict[str, float]:
    """OR, interval and p of a models.tsv row."""
    return {
        "estimate": row["odds_ratio"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_high"],
        "p_value": row["p_value"],
    }


def inverted(values: Mapping[str, float]) -> dict[str, float]:
    """The OR of the other outcome level (or exposure level): 1/OR, limits swapped and inverted."""
    return {
        **values,
        "estimate": 1 / values["estimate"],
        "ci_low": 1 / values["ci_high"],
        "ci_high": 1 / values["ci_low"],
    }


def crude_odds_ratio(
    sample: pd.DataFrame, column: str, estimator: str, ci_level: float
) -> dict[str, Any]:
    """Unadjusted logistic regression of the outcome on one 0/1 column: OR, Wald CI, p."""
    fit = models.fit_model(sample, [models.INTERCEPT, column], estimator, f"crude {column} model")
    row = models.summarise_fits([fit], ci_level).set_index("term").loc[column]
    return {
        "estimate": float(np.exp(row["estimate"])),
        "ci_low": float(np.exp(row["ci_low"])),
        "ci_high": float(np.exp(row["ci_high"])),
        "p_value": float(row["p_value"]),
        "ci_method": row["ci_method"],
        "status": fit.status,
    }


def events_where(sample: pd.DataFrame, by: Mapping[str, int]) -> dict[str, int]:
    """Outcome events and patients where each column has the given 0/1 value."""
    rows = np.ones(len(sample), dtype=bool)
    for column, value in by.items():
        rows &= sample[column].to_numpy(dtype=float) == value
    events = int(models.outcome_values(sample)[rows].sum())
    return {"n_events": events, "n": int(rows.sum())}


def check_sample_size(tables: PaperTableInputs) -> None:
    """The counted sample must be the one the exposure model was fitted to (same n)."""
    fitted = model_based_row(tables.models, "exposure", "exposure_high", tables.name)["n"]
    if pd.notna(fitted) and int(fitted) != len(tables.sample):
        raise InputError(
            f"the {tables.name} analysis modelled {int(fitted)} patients but its dataset gives "
            f"{len(tables.sample)} for the paper tables",
            file="models.tsv",
            column="n",
            fix="rerun the analysis so that its dataset and models agree",
        )


def table2_rows(tables: PaperTableInputs) -> pd.DataFrame:
    """Table 2 of one analysis: per biomarker, the low (reference) and the high median group."""
    rows = []
    for role in ROLES:
        column = indicator(role)
        crude = crude_odds_ratio(tables.sample, column, tables.estimator, tables.ci_level)
        adjusted = model_based_row(tables.models, role, column, tables.name)
        for value, level in enumerate(ROLE_LEVELS):
            exposed = value == 1
            row = {"biomarker": role, "level": level, "is_reference": not exposed}
            row |= events_where(tables.sample, {column: value})
            for prefix, values, method in [
                ("crude", crude, crude["ci_method"]),
                ("adjusted", odds_ratio_values(adjusted), adjusted["ci_method"]),
            ]:
                row |= estimate_columns(prefix, values if exposed else None, method)
            row["status"] = models.worst_status([crude["status"], adjusted["status"]])
            rows.append(row)
    return pd.DataFrame(rows)


def estimate_columns(prefix: str, values: Mapping[str, Any] | None, method: str) -> dict:
    """<prefix>_or, _ci_low, _ci_high, _p_value, _ci_method; OR 1 and no interval at a reference."""
    if values is None:
        return {
            f"{prefix}_or": 1.0,
            f"{prefix}_ci_low": np.nan,
            f"{prefix}_ci_high": np.nan,
            f"{prefix}_p_value": np.nan,
            f"{prefix}_ci_method": None,
        }
    return {
        f"{prefix}_or": values["estimate"],
        f"{prefix}_ci_low": values["ci_low"],
        f"{prefix}_ci_high": values["ci_high"],
        f"{prefix}_p_value": values["p_value"],
        f"{prefix}_ci_method": method,
    }


def stratum_difference(first: pd.Series, second: pd.Series) -> tuple[float, float]:
    """Altman & Bland (2003): z = (b1 − b2) / √(se1² + se2²) of two independent log ORs, p."""
    z = (first["estimate"] - second["estimate"]) / np.hypot(first["std_error"], second["std_error"])
    return float(z), float(2 * normal_sf(abs(z)))


def table3_rows(tables: PaperTableInputs) -> pd.DataFrame:
    """Table 3 of one analysis: each biomarker (high vs low) within each stratum of the other."""
    wald = measure_row(tables.interaction, "wald_test", (), tables.name)
    likelihood = measure_row(tables.interaction, "lr_test", (), tables.name)
    rows = []
    for exposure in ROLES:
        modifier = OTHER[exposure]
        term = indicator(exposure)
        strata = {
            level: model_based_row(tables.models, f"stratum_{modifier}_{level}", term, tables.name)
            for level in ROLE_LEVELS
        }
        z, p = stratum_difference(strata["high"], strata["low"])
        for stratum_value, stratum_level in enumerate(ROLE_LEVELS):
            stratum = strata[stratum_level]
            product = model_based_row(
                tables.models, "product_lincom", f"{term}|{modifier}_{stratum_level}", tables.name
            )
            for value, level in enumerate(ROLE_LEVELS):
                exposed = value == 1
                row = {
                    "exposure": exposure,
                    "stratum_by": modifier,
                    "stratum_level": stratum_level,
                    "exposure_level": level,
                    "is_reference": not exposed,
                }
                row |= events_where(
                    tables.sample, {term: value, indicator(modifier): stratum_value}
                )
                row |= estimate_columns(
                    "stratum", odds_ratio_values(stratum) if exposed else None, stratum["ci_method"]
                )
                row |= estimate_columns(
                    "product", odds_ratio_values(product) if exposed else None, product["ci_method"]
                )
                row |= {
                    "interaction_wald_p_value": wald["p_value"],
                    "interaction_wald_test": wald["ci_method"],
                    "interaction_wald_df1": wald["df1"],
                    "interaction_wald_df2": wald["df2"],
                    "interaction_lr_p_value": likelihood["p_value"],
                    "interaction_lr_test": likelihood["ci_method"],
                    "interaction_lr_df1": likelihood["df1"],
                    "interaction_lr_df2": likelihood["df2"],
                    "stratum_difference_z": z,
                    "stratum_difference_p_value": p,
                    "status": models.worst_status([stratum["status"], product["status"]]),
                }
                rows.append(row)
    return pd.DataFrame(rows)


def reference_levels(reference_group: str) -> dict[str, str]:
    """The levels of a joint group code: exposure_high_modifier_low -> {'exposure': 'high', ...}."""
    match = GROUP.match(reference_group)
    if match is None or set(match.groupdict().values()) - set(ROLE_LEVELS):
        raise InputError(
            f"the interaction table names reference_group '{reference_group}', not a median "
            "group of both biomarkers",
            file="interaction.tsv",
            column="reference_group",
            fix="rerun the analysis with pair.coding split",
        )
    return match.groupdict()


def other_level(level: str) -> str:
    """'low' -> 'high' and back."""
    return ROLE_LEVELS[1 - ROLE_LEVELS.index(level)]


def in_frame(values: Mapping[str, float], flips: int) -> dict[str, float]:
    """An OR of the modelled outcome, high vs low, re-expressed after `flips` inversions (the
    other outcome level, the other exposure level: each one turns OR into 1/OR)."""
    return inverted(values) if flips % 2 else dict(values)


def interaction_frame(tables: PaperTableInputs) -> tuple[str, dict[str, str]]:
    """The outcome and the reference cell of interaction.tsv's joint ORs and additive measures."""
    joint = tables.interaction[tables.interaction["scale"] == "joint_odds_ratio"]
    frames = joint[["outcome", "reference_group"]].drop_duplicates()
    if len(frames) != 1:
        raise InputError(
            f"the interaction table of {tables.name} has {len(frames)} (outcome, reference) "
            "pairs for its joint odds ratios instead of one",
            file="interaction.tsv",
            column="reference_group",
            fix="rerun the analysis (snakemake --forcerun fit_models)",
        )
    outcome, reference = frames.iloc[0]
    return outcome, reference_levels(reference)


def within_stratum_ors(tables: PaperTableInputs) -> list[dict[str, Any]]:
    """Each biomarker's OR within each level of the other in the interaction frame: the product
    model's OR (modelled outcome, high vs low), inverted for the other outcome and again when the
    reference level is high (the exposed level is then low)."""
    outcome, reference = interaction_frame(tables)
    outcome_flip = outcome != tables.outcome
    rows = []
    for exposure in ROLES:
        modifier = OTHER[exposure]
        flips = outcome_flip + (reference[exposure] == "high")
        for stratum_level in [reference[modifier], other_level(reference[modifier])]:
            row = model_based_row(
                tables.models,
                "product_lincom",
                f"{indicator(exposure)}|{modifier}_{stratum_level}",
                tables.name,
            )
            rows.append(
                {
                    "part": f"{exposure}_within_{modifier}",
                    f"{exposure}_level": other_level(reference[exposure]),
                    f"{modifier}_level": stratum_level,
                    "measure": "odds_ratio",
                    **in_frame(odds_ratio_values(row), flips),
                    "ci_method": row["ci_method"],
                }
            )
    return rows


def ratio_in_frame(tables: PaperTableInputs) -> dict[str, Any]:
    """The ratio of ORs in the interaction frame: exp(β3) inverted once per flip of the outcome
    and of each exposure's reference level (β3·A·B with A → 1 − A changes the sign of β3)."""
    outcome, reference = interaction_frame(tables)
    row = measure_row(
        tables.interaction, "ratio_of_odds_ratios", models.MODEL_BASED_METHODS, tables.name
    )
    flips = (outcome != tables.outcome) + sum(level == "high" for level in reference.values())
    values = {column: row[column] for column in OR_COLUMNS}
    return {
        "part": "multiplicative",
        "measure": "ratio_of_odds_ratios",
        **in_frame(values, flips),
        "ci_method": row["ci_method"],
    }


def cell_rows(tables: PaperTableInputs) -> list[dict[str, Any]]:
    """The four cells, reference first: counts and OR against the reference cell."""
    _, reference = interaction_frame(tables)
    measures = {(0, 1): "or_01", (1, 0): "or_10", (1, 1): "or_11"}
    rows = []
    for exposure_changed in (0, 1):
        for modifier_changed in (0, 1):
            levels = {
                "exposure": other_level(reference["exposure"])
                if exposure_changed
                else reference["exposure"],
                "modifier": other_level(reference["modifier"])
                if modifier_changed
                else reference["modifier"],
            }
            by = {indicator(role): ROLE_LEVELS.index(levels[role]) for role in ROLES}
            counts = events_where(tables.sample, by)
            row = {
                "part": "cell",
                "exposure_level": levels["exposure"],
                "modifier_level": levels["modifier"],
                "measure": "odds_ratio",
                "is_reference": not (exposure_changed or modifier_changed),
                "remitters": counts["n_events"],
                "non_remitters": counts["n"] - counts["n_events"],
            }
            key = (exposure_changed, modifier_changed)
            if key in measures:
                found = measure_row(
                    tables.interaction, measures[key], models.MODEL_BASED_METHODS, tables.name
                )
                row |= {column: found[column] for column in OR_COLUMNS}
                row["ci_method"] = found["ci_method"]
            else:
                row |= {"estimate": 1.0}
            rows.append(row)
    return rows


def additive_row(tables: PaperTableInputs, measure: str) -> dict[str, Any]:
    """RERI, AP or S with its delta-method interval (Hosmer & Lemeshow) from interaction.tsv."""
    row = measure_row(tables.interaction, measure, models.DELTA_METHODS, tables.name)
    return {"part": "additive", "measure": measure, **row[[*OR_COLUMNS, "ci_method"]].to_dict()}


def interaction_2x2_rows(tables: PaperTableInputs) -> pd.DataFrame:
    """Knol & VanderWeele's Table 2 of one analysis as tidy rows (part says which block)."""
    outcome, reference = interaction_frame(tables)
    additive = [additive_row(tables, measure) for measure in ["reri", "ap", "s"]]
    rows = [*cell_rows(tables), *within_stratum_ors(tables), ratio_in_frame(tables), *additive]
    table = pd.DataFrame(rows)
    table.insert(
        0, "reference_group", f"exposure_{reference['exposure']}_modifier_{reference['modifier']}"
    )
    table.insert(0, "outcome", outcome)
    return table


TABLE2_COLUMNS = [
    "analysis", "outcome", "biomarker", "level", "is_reference", "n_events", "n",
    "crude_or", "crude_ci_low", "crude_ci_high", "crude_p_value", "crude_ci_method",
    "adjusted_or", "adjusted_ci_low", "adjusted_ci_high", "adjusted_p_value", "adjusted_ci_method",
    "status",
]  # fmt: skip
TABLE3_COLUMNS = [
    "analysis", "outcome", "exposure", "stratum_by", "stratum_level", "exposure_level",
    "is_reference", "n_events", "n",
    "stratum_or", "stratum_ci_low", "stratum_ci_high", "stratum_p_value", "stratum_ci_method",
    "product_or", "product_ci_low", "product_ci_high", "product_p_value", "product_ci_method",
    "interaction_wald_p_value", "interaction_wald_test", "interaction_wald_df1",
    "interaction_wald_df2", "interaction_lr_p_value", "interaction_lr_test", "interaction_lr_df1",
    "interaction_lr_df2", "stratum_difference_z", "stratum_difference_p_value", "status",
]  # fmt: skip
INTERACTION_2X2_COLUMNS = [
    "analysis", "outcome", "reference_group", "part", "exposure_level", "modifier_level", "measure",
    "is_reference", "remitters", "non_remitters", "estimate", "ci_low", "ci_high", "ci_method",
    "p_value",
]  # fmt: skip
PAPER_TABLE_BUILDERS = {
    "table2": (table2_rows, TABLE2_COLUMNS),
    "table3": (table3_rows, TABLE3_COLUMNS),
    "interaction_2x2": (interaction_2x2_rows, INTERACTION_2X2_COLUMNS),
}


def has_small_cells(sample: pd.DataFrame, min_count: int) -> bool:
    """Whether a 2 × 2 cell's patients, remitters or non-remitters are 1 to min_count − 1."""
    for exposure in (0, 1):
        for modifier in (0, 1):
            counts = events_where(sample, {"exposure_high": exposure, "modifier_high": modifier})
            values = [counts["n"], counts["n_events"], counts["n"] - counts["n_events"]]
            if any(is_small(value, min_count) for value in values):
                return True
    return False


def paper_tables(
    analyses: list[PaperTableInputs], min_count: int | None = None
) -> dict[str, pd.DataFrame]:
    """table2, table3 and interaction_2x2 of the analyses, in the order given.

    Every count of the tables is built from the four 2 × 2 cells, whose margins they show; so when
    a cell holds a small count (privacy.min_cell_count) all counts of that analysis are left out
    (NA, suppressed TRUE) rather than suppressing cells one by one.
    """
    for tables in analyses:
        check_sample_size(tables)
    hidden = {
        tables.name: min_count is not None and has_small_cells(tables.sample, min_count)
        for tables in analyses
    }
    out = {}
    for name, (build, columns) in PAPER_TABLE_BUILDERS.items():
        parts = []
        for tables in analyses:
            part = build(tables)
            part.insert(0, "analysis", tables.name)
            if "outcome" not in part:
                part.insert(1, "outcome", tables.outcome)
            part = part.reindex(columns=columns)
            if hidden[tables.name]:
                part[COUNT_COLUMNS[name]] = np.nan
            if min_count is not None:
                part["suppressed"] = hidden[tables.name]
            parts.append(part)
        out[name] = pd.concat(parts, ignore_index=True)
    return out


# Report pages ---------------------------------------------------------------------------------


def ci_header(ci_level: float) -> str:
    """'OR (95% CI)' at the configured level."""
    return PAPER_TABLE_COLUMNS["or_ci"].format(level=f"{ci_level:.0%}")


def count_pair(events: Any, n: Any) -> str:
    """'98/302' ('suppressed' where privacy hid the counts)."""
    if pd.isna(events) or pd.isna(n):
        return SUPPRESSED_TEXT
    return f"{int(events)}/{int(n)}"


def or_text(estimate: Any, low: Any, high: Any, reference: Any = False) -> str:
    """'0.52 (0.36 to 0.76)'; '1 (reference)' for a reference row."""
    if isinstance(reference, bool | np.bool_) and reference:
        return PAPER_TABLE_COLUMNS["reference"]
    interval = interval_text(low, high)
    return f"{number_text(estimate)} ({interval})" if interval else number_text(estimate)


Pairs = Mapping[str, Pair]


def pair_level_text(pair: Pair, role: str, level: str) -> str:
    """'IL-1β high (> median)', 'HADS anxiety ≥ 12': a role's level in its pair's words."""
    variable = pair.variable(role)
    return f"{variable.label} {split_group(variable, level)}"


def noun_header(pairs: Pairs) -> str:
    """'Biomarker' when every pair shown is two biomarkers, else 'Variable'."""
    nouns = {pair_noun(pair) for pair in pairs.values()}
    return "Biomarker" if nouns == {"biomarker"} else "Variable"


def or_column(table: pd.DataFrame, prefix: str) -> list[str]:
    """'0.52 (0.36 to 0.76)' of <prefix>_or, _ci_low, _ci_high; '1 (reference)' at references."""
    columns = [f"{prefix}_or", f"{prefix}_ci_low", f"{prefix}_ci_high", "is_reference"]
    return [or_text(*values) for values in zip(*(table[c] for c in columns), strict=True)]


def counts_column(table: pd.DataFrame) -> list[str]:
    """'98/302' of n_events and n."""
    return [count_pair(e, n) for e, n in zip(table["n_events"], table["n"], strict=True)]


def table2_display(table2: pd.DataFrame, ci_level: float, pairs: Pairs) -> pd.DataFrame:
    """Cho et al.'s Table 2 as it prints: n/N, crude and adjusted OR (CI) and p; each analysis's
    variables and groups in its pair's words."""
    header = ci_header(ci_level)
    block = table2["analysis"] + " " + table2["biomarker"]
    columns = PAPER_TABLE_COLUMNS
    variables = [
        pairs[analysis].variable(role)
        for analysis, role in zip(table2["analysis"], table2["biomarker"], strict=True)
    ]
    return pd.DataFrame(
        {
            columns["analysis"]: first_only(
                table2["analysis"].map(analysis_label), table2["analysis"]
            ),
            noun_header(pairs): first_only([v.label for v in variables], block),
            columns["group"]: [
                split_group(v, level) for v, level in zip(variables, table2["level"], strict=True)
            ],
            events_header(table2): counts_column(table2),
            f"{columns['crude']} {header}": or_column(table2, "crude"),
            f"{columns['crude']} p": table2["crude_p_value"].map(format_p),
            f"{columns['adjusted']} {header}": or_column(table2, "adjusted"),
            f"{columns['adjusted']} p": table2["adjusted_p_value"].map(format_p),
        }
    )


def outcomes_text(table: pd.DataFrame) -> str:
    """'Remission': the outcome (or outcomes) of a table's analyses."""
    return ", ".join(label("outcome", o) for o in dict.fromkeys(table["outcome"]))


def events_header(table: pd.DataFrame) -> str:
    """'Remission, n/N' for the outcome of the table's analyses."""
    return f"{outcomes_text(table)}, n/N"


def first_only(values: Any, block: pd.Series) -> list[str]:
    """A value shown on the first row of each block, empty on the others."""
    first = ~block.duplicated()
    return [str(v) if show else "" for v, show in zip(values, first, strict=True)]


def interaction_p_rows(block: pd.DataFrame, width: int) -> list[list[str]]:
    """Table 3's P for interaction rows of one exposure: under the stratum model the Altman &
    Bland comparison of its two ORs, under the product model the Wald (D1) and LR (D3) tests."""
    first = block.iloc[0]
    title = PAPER_TABLE_COLUMNS["interaction_p"]
    wald, lr = (
        [
            ci_method_label(
                first[f"interaction_{test}_test"],
                first[f"interaction_{test}_df1"],
                first[f"interaction_{test}_df2"],
            ),
            format_p(first[f"interaction_{test}_p_value"]),
        ]
        for test in ("wald", "lr")
    )
    compared = [
        PAPER_TABLE_COLUMNS["stratum_difference"],
        format_p(first["stratum_difference_p_value"]),
    ]
    lead = [""] * (width - 6)
    return [[*lead, title, "", *compared, *wald], [*lead, title, "", "", "", *lr]]


def table3_display(table3: pd.DataFrame, ci_level: float, pairs: Pairs) -> pd.DataFrame:
    """Cho et al.'s Table 3 as it prints: per stratum both exposure levels with n/N and the ORs
    of both models; after each exposure's strata its P for interaction rows."""
    header = ci_header(ci_level)
    columns = PAPER_TABLE_COLUMNS
    shown = pd.DataFrame(
        {
            columns["analysis"]: table3["analysis"].map(analysis_label),
            columns["stratum"]: [
                pair_level_text(pairs[a], b, s)
                for a, b, s in zip(
                    table3["analysis"], table3["stratum_by"], table3["stratum_level"], strict=True
                )
            ],
            columns["exposure"]: [
                pair_level_text(pairs[a], b, s)
                for a, b, s in zip(
                    table3["analysis"], table3["exposure"], table3["exposure_level"], strict=True
                )
            ],
            events_header(table3): counts_column(table3),
            f"{columns['stratum_model']} {header}": or_column(table3, "stratum"),
            f"{columns['stratum_model']} p": table3["stratum_p_value"].map(format_p),
            f"{columns['product_model']} {header}": or_column(table3, "product"),
            f"{columns['product_model']} p": table3["product_p_value"].map(format_p),
        }
    )
    rows = []
    for _, block in table3.groupby(["analysis", "exposure"], sort=False):
        part = shown.loc[block.index].copy()
        part.iloc[1:, 0] = ""
        part.iloc[1::2, 1] = ""
        rows += part.to_numpy().tolist()
        rows += interaction_p_rows(block, len(shown.columns))
    return pd.DataFrame(rows, columns=shown.columns)


def cases_and_controls(row: pd.Series) -> str:
    """'204/98': patients with / without the frame's outcome (non-remitters first for
    non-remission), as Knol & VanderWeele print cases/controls."""
    if str(row["outcome"]).startswith("non_"):
        return count_pair(row["non_remitters"], row["remitters"])
    return count_pair(row["remitters"], row["non_remitters"])


def measure_text(row: pd.Series) -> str:
    """'-1.22 (-2.14 to -0.29), p = 0.010' for an interaction measure."""
    interval = interval_text(row["ci_low"], row["ci_high"])
    p = format_p(row["p_value"])
    return f"{number_text(row['estimate'])} ({interval})" + (f", p {p_suffix(p)}" if p else "")


def p_suffix(p: str) -> str:
    """'= 0.010' or '< 0.001' after 'p'."""
    return f"< {p[1:]}" if p.startswith("<") else f"= {p}"


def cases_text(table: pd.DataFrame) -> str:
    """'non-remission / remission': the frame's outcome first, as in cases_and_controls."""
    outcome = str(table["outcome"].iloc[0])
    other = outcome.removeprefix("non_") if outcome.startswith("non_") else f"non_{outcome}"
    return f"{label('outcome', outcome).lower()} / {label('outcome', other).lower()}"


def first_frame(table: pd.DataFrame, pairs: Pairs) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the analyses sharing the first analysis's (outcome, reference group) and pair,
    and the analyses left out because theirs differ (one page states one frame in its title)."""
    frame = table[["analysis", "outcome", "reference_group"]].iloc[0]
    same = (
        (table["outcome"] == frame["outcome"])
        & (table["reference_group"] == frame["reference_group"])
        & (table["analysis"].map(pairs) == pairs[frame["analysis"]])
    )
    left_out = list(dict.fromkeys(table.loc[~same, "analysis"]))
    return table[same], left_out


def frame_text(table: pd.DataFrame, pair: Pair) -> str:
    """'non-remission, against IL-1β high, BDNF high' for the first row's frame."""
    outcome = label("outcome", table["outcome"].iloc[0]).lower()
    reference = group_label(table["reference_group"].iloc[0], pair)
    return f"{outcome}, {PAPER_TABLE_COLUMNS['against']} {reference}"


def indexed_or_text(indexed: pd.DataFrame, key: tuple[str, str, str]) -> str:
    """or_text of the (part, exposure_level, modifier_level) row of an indexed interaction_2x2."""
    row = indexed.loc[key]
    return or_text(*row[OR_COLUMNS[:3]], row["is_reference"])


def interaction_2x2_display(table: pd.DataFrame, ci_level: float, pair: Pair) -> pd.DataFrame:
    """Knol & VanderWeele's Table 2 as it prints, for analyses of one frame and pair
    (first_frame): exposure levels in rows, modifier levels in columns (reference level first),
    each cell 'n with / without the outcome; OR (CI)', the within-stratum ORs in the last column
    and row, then the multiplicative and additive measures with their interval methods."""
    header = ci_header(ci_level)
    cells = table[table["part"] == "cell"]
    exposure_levels = list(dict.fromkeys(cells["exposure_level"]))
    modifier_levels = list(dict.fromkeys(cells["modifier_level"]))
    exposure, modifier = pair
    columns = [
        PAPER_TABLE_COLUMNS["analysis"],
        exposure.label,
        *(pair_level_text(pair, "modifier", level) for level in modifier_levels),
        f"{modifier.label} within the {exposure.label} stratum, {header}",
    ]
    rows = []
    for analysis, part in table.groupby("analysis", sort=False):
        indexed = part.set_index(["part", "exposure_level", "modifier_level"])
        odds_ratio = partial(indexed_or_text, indexed)

        for number, level in enumerate(exposure_levels):
            row = [
                analysis_label(str(analysis)) if number == 0 else "",
                split_group(exposure, level),
            ]
            for other in modifier_levels:
                cell = ("cell", level, other)
                row.append(f"{cases_and_controls(indexed.loc[cell])}; {odds_ratio(cell)}")
            row.append(odds_ratio(("modifier_within_exposure", level, modifier_levels[1])))
            rows.append(row)
        rows.append(
            [
                "",
                f"{exposure.label} within the {modifier.label} stratum, {header}",
                *(
                    odds_ratio(("exposure_within_modifier", exposure_levels[1], b))
                    for b in modifier_levels
                ),
                "",
            ]
        )
        for _, measure in part[part["part"].isin(["multiplicative", "additive"])].iterrows():
            method = f"{PAPER_TABLE_COLUMNS['ci_by']} {ci_method_label(measure['ci_method'])}"
            shown = measure_label(measure["measure"], pair)
            rows.append(["", shown, measure_text(measure), method, ""])
    return pd.DataFrame(rows, columns=columns)


def titles(pairs: Pairs, outcome: str, frame_pair: Pair, frame: str) -> dict[str, str]:
    """The page titles, in the words of the pairs shown."""
    noun = noun_header(pairs).lower()
    return {
        "table2": f"Table 2. {outcome} by {noun} group: crude and adjusted odds ratios",
        "table3": f"Table 3. Each {noun} within the strata of the other, and P for interaction",
        "interaction_2x2": f"Interaction of {frame_pair.exposure.label} and "
        f"{frame_pair.modifier.label} (Knol & VanderWeele 2012): odds of {frame}",
    }


def notes(pairs: Pairs) -> dict[str, str]:
    """The page notes, in the words of the pairs shown."""
    noun = noun_header(pairs).lower()
    median = all(v.split == "median" for pair in pairs.values() for v in pair)
    groups = f"Median groups of each {noun}" if median else f"The two groups of each {noun}"
    models = "exposure and modifier models"
    if len(distinct := set(pairs.values())) == 1:
        (pair,) = distinct
        models = f"models of {pair.exposure.label} and of {pair.modifier.label} alone"
    return {
        "table2": f"{groups}; the first group is the reference. Crude: logistic regression on "
        f"the group alone; adjusted: with the analysis's covariates (the {models} in "
        "models.tsv). Counts and crude ORs come from the patients each analysis models (the "
        "complete cases for a complete-case analysis).",
        "table3": f"Stratum model: the {noun}'s adjusted OR fitted within the stratum; product "
        "model: the same OR from the model with the product term. P for interaction from the "
        "product term (Wald and likelihood-ratio tests) and from comparing the two stratum "
        "models' log ORs (Altman & Bland 2003, z = (b1 − b2) / √(se1² + se2²)).",
        "interaction_2x2": "Each cell: patients with / without the outcome ({cases}); the "
        "adjusted OR against the reference cell (the group with the lowest odds of the outcome, "
        "chosen from the data as in the interaction table), so that RERI, AP and S read as in "
        f"Knol & VanderWeele's Table 2. Last column and row: the OR of one {noun} within each "
        "level of the other in the same frame. The ratio of ORs is OR11 / (OR10 × OR01) of this "
        "frame, which may be the inverse of the interaction table's ratio for the modelled "
        "outcome.",
    }


def paper_pages(
    tables: Mapping[str, pd.DataFrame], ci_level: float, pairs: Pairs
) -> dict[str, str]:
    """The report page (HTML) of each paper table; `pairs`: each analysis's Pair."""
    framed, left_out = first_frame(tables["interaction_2x2"], pairs)
    frame_pair = pairs[framed["analysis"].iloc[0]]
    texts = notes(pairs)
    note = texts["interaction_2x2"].format(cases=cases_text(framed))
    if left_out:
        names = ", ".join(analysis_label(name) for name in left_out)
        note += (
            f" Not shown, as their outcome, reference or pair differ: {names} "
            "(interaction_2x2.tsv)."
        )
    page_notes = {
        name: texts[name] + status_note(tables[name], "") for name in ["table2", "table3"]
    }
    title = titles(
        pairs, outcomes_text(tables["table2"]), frame_pair, frame_text(framed, frame_pair)
    )
    return {
        "table2": html_page(
            title["table2"], table2_display(tables["table2"], ci_level, pairs), page_notes["table2"]
        ),
        "table3": html_page(
            title["table3"], table3_display(tables["table3"], ci_level, pairs), page_notes["table3"]
        ),
        "interaction_2x2": html_page(
            title["interaction_2x2"], interaction_2x2_display(framed, ci_level, frame_pair), note
        ),
    }
