"""Bootstrap summaries per estimand, and their rows in the tidy result tables (§7).

The summary (results/analyses/{analysis}/bootstrap.tsv) has one row per estimand and interval
method: table, group, term (where the estimand's row is: model/term for models,
exposure_<level>_modifier_<level> for joint, scale/measure for interaction, the row position for
slopes), ci_method (percentile | bca | boot_mi_vhb), scale (log: ORs and S are summarised on the log
scale), estimate,
std_error, df, ci_low, ci_high, bias (all on that scale), null (the value tested, on that scale; NA
for a standardised risk), p_value (inverting the percentile or BCa interval, or the t test of
boot_mi_vhb; NA when not defined; percentile and BCa interval and p NA when the full-sample estimate
is undefined), z0 and acceleration (BCa), and counts:
replicates (requested resamples), used (finite), failed (fits that did not converge or separated,
in any imputation of a resample), firth (fits replaced by the Firth fallback), undefined (fit
converged but the measure is undefined, e.g. S when OR11 ≤ 1).
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from interplay.analysis.stratified import was_run
from interplay.bootstrap import estimands as est
from interplay.bootstrap import intervals as bi
from interplay.bootstrap.methods import IMPUTED_METHOD
from interplay.bootstrap.replicates import FAILED, FIRTH, REPLICATE, SHARD_IMPUTATION, Problem
from interplay.models.p_values import estimation_null, with_p_value_method
from interplay.privacy import COUNT_TABLES, protect, suppression_log
from interplay.tables import write_table

# The result tables that get bootstrap rows (analysis_tables; common.smk BOOTSTRAPPED_TABLES).
BOOTSTRAPPED_TABLES = ["models", "joint", "interaction", "slopes"]
REPLICATE_COUNT_COLUMNS = [
    "replicates_used", "replicates_failed", "replicates_firth", "replicates_undefined",
]  # fmt: skip


def counts(values: np.ndarray, status: np.ndarray, replicates: int) -> dict:
    """Requested, usable, failed, Firth-refitted and undefined replicates of one estimand."""
    failed = status == FAILED
    return {
        "replicates": replicates,
        "used": int(np.isfinite(values).sum()),
        "failed": int(failed.sum()),
        "firth": int((status == FIRTH).sum()),
        "undefined": int((~np.isfinite(values) & ~failed).sum()),
    }


def describe(estimand: est.Estimand) -> dict:
    """The identifying columns of an estimand's summary rows."""
    return {
        "table": estimand.table,
        "group": estimand.group,
        "term": estimand.term,
        "scale": "log" if estimand.log_scale else "identity",
    }


def null_of(estimand: est.Estimand) -> float | None:
    """The value an estimand's p-value tests (interplay.models.p_values.estimation_null)."""
    return estimation_null(estimand.term, estimand.log_scale)


def complete_interval(
    method: str, values: np.ndarray, estimate: float, accel: float, level: float, null
) -> tuple[np.ndarray, float]:
    """The percentile or BCa interval of the replicates and its p-value; both NaN when the
    full-sample estimate is undefined (e.g. S when OR11 ≤ 1): no estimate for them to belong to."""
    if not np.isfinite(estimate):
        return np.full(2, np.nan), np.nan
    if method == "percentile":
        return bi.percentile_interval(values, level), bi.percentile_p_value(values, null)
    return (
        bi.bca_interval(values, estimate, accel, level),
        bi.bca_p_value(values, estimate, accel, null),
    )


def summarise_complete(
    problem: Problem, frame: pd.DataFrame, methods: Sequence[str], level: float, replicates: int
) -> pd.DataFrame:
    """Percentile and/or BCa rows for every estimand of a complete-data bootstrap
    (complete_interval)."""
    bp = problem.blueprint
    start = {name: beta[None] for name, beta in problem.start.items()}
    full = est.estimand_values(bp, start, est.full_sample(problem.rows))[0]
    influence = est.influence_values(bp, problem.start, problem.rows)
    rows = []
    for k, (estimand, model) in enumerate(zip(bp.estimands, bp.sources, strict=True)):
        values = frame[estimand.column].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        accel = bi.acceleration(influence[:, k])
        null = null_of(estimand)
        common = {
            **describe(estimand),
            "estimate": full[k],
            "std_error": np.std(finite, ddof=1) if len(finite) > 1 else np.nan,
            "df": np.nan,
            "bias": finite.mean() - full[k] if len(finite) else np.nan,
            "z0": bi.bias_correction(values, full[k]),
            "acceleration": accel,
            "null": np.nan if null is None else null,
            **counts(values, frame[f"status/{model}"].to_numpy(), replicates),
        }
        for method in methods:
            interval, p_value = complete_interval(method, values, full[k], accel, level, null)
            rows.append(
                {
                    **common,
                    "ci_method": method,
                    "ci_low": interval[0],
                    "ci_high": interval[1],
                    "p_value": p_value,
                }
            )
    return pd.DataFrame(rows)


def summarise_imputed(
    problem: Problem, frame: pd.DataFrame, level: float, replicates: int
) -> pd.DataFrame:
    """von Hippel–Bartlett rows for every estimand; a resample counts if all its copies do."""
    bp = problem.blueprint
    rows = []
    for estimand, model in zip(bp.estimands, bp.sources, strict=True):
        table = frame.pivot(index=REPLICATE, columns=SHARD_IMPUTATION, values=estimand.column)
        status = frame.pivot(index=REPLICATE, columns=SHARD_IMPUTATION, values=f"status/{model}")
        values = table.to_numpy(dtype=float)
        usable = np.isfinite(values).all(axis=1)
        resample_status = np.where(
            (status == FAILED).any(axis=1),
            FAILED,
            np.where((status == FIRTH).any(axis=1), FIRTH, ""),
        )
        summary = counts(np.where(usable, 0.0, np.nan), resample_status, replicates)
        summary["firth"] = int((status == FIRTH).to_numpy().sum())
        result = (
            bi.boot_mi_interval(values[usable], level)
            if usable.sum() > 1
            else bi.BootMI(np.nan, np.nan, np.nan, np.nan, np.nan)
        )
        null = null_of(estimand)
        rows.append(
            {
                **describe(estimand),
                "ci_method": IMPUTED_METHOD,
                "estimate": result.estimate,
                "std_error": np.sqrt(result.variance),
                "df": result.df,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "bias": np.nan,
                "null": np.nan if null is None else null,
                "p_value": bi.boot_mi_p_value(result, null),
                "z0": np.nan,
                "acceleration": np.nan,
                **summary,
            }
        )
    return pd.DataFrame(rows)


SUMMARY_COLUMNS = [
    "table", "group", "term", "ci_method", "scale", "estimate", "std_error", "df",
    "ci_low", "ci_high", "bias", "null", "p_value", "z0", "acceleration",
    "replicates", "used", "failed", "firth", "undefined",
]  # fmt: skip


def reported(summary: pd.DataFrame) -> pd.DataFrame:
    """Summary rows with estimate and limits on the reporting scale (exp of log-scale ones)."""
    out = summary.copy()
    is_log = out["scale"] == "log"
    for column in ["estimate", "ci_low", "ci_high"]:
        out[f"{column}_reported"] = np.where(is_log, np.exp(out[column]), out[column])
    out["replicates_used"] = out["used"]
    out["replicates_failed"] = out["replicates"] - out["used"]
    out["replicates_firth"] = out["firth"]
    out["replicates_undefined"] = out["undefined"]
    return out


def interleave(base: pd.DataFrame, extra: pd.DataFrame, positions: Sequence[int]) -> pd.DataFrame:
    """Base rows with each extra row placed after the base row at its position."""
    keys = np.concatenate([np.arange(len(base)), np.asarray(positions, dtype=float) + 0.5])
    combined = pd.concat([base, extra], ignore_index=True)
    return combined.iloc[np.argsort(keys, kind="stable")].reset_index(drop=True)


def models_match(base: pd.DataFrame, row: pd.Series) -> np.ndarray:
    """The models-table row of an estimand: same model and term."""
    return ((base["model"] == row["group"]) & (base["term"] == row["term"])).to_numpy()


def joint_match(base: pd.DataFrame, row: pd.Series) -> np.ndarray:
    """The joint-table row of an estimand: the cell exposure_<level>_modifier_<level>."""
    cell = (
        "exposure_"
        + base["exposure_level"].astype(str)
        + "_modifier_"
        + base["modifier_level"].astype(str)
    )
    return (cell == row["term"]).to_numpy()


def interaction_match(base: pd.DataFrame, row: pd.Series) -> np.ndarray:
    """The interaction-table row of an estimand: same measure and scale."""
    return ((base["measure"] == row["term"]) & (base["scale"] == row["group"])).to_numpy()


def slopes_match(base: pd.DataFrame, row: pd.Series) -> np.ndarray:
    """The slopes-table row of an estimand: its position."""
    return np.arange(len(base)) == int(row["term"])


# Per table: how to find an estimand's row, and its point-estimate columns with the summary
# column that fills them (estimation scale, or the reporting scale of ORs and S).
LAYOUTS = {
    "models": (models_match, {"estimate": "estimate", "odds_ratio": "estimate_reported"}),
    "joint": (joint_match, {"odds_ratio": "estimate_reported"}),
    "interaction": (interaction_match, {"estimate": "estimate_reported"}),
    "slopes": (slopes_match, {"estimate": "estimate", "odds_ratio": "estimate_reported"}),
}
CLEARED = ["statistic", "fmi"]  # model-based quantities a bootstrap row does not have


def bootstrap_row(model_row: pd.Series, row: pd.Series, points: dict[str, str]) -> dict:
    """A table row for one bootstrap interval, copying the model-based row's descriptors.

    Percentile and BCa intervals belong to the full-sample estimate, so its point estimate stays;
    bootstrap-then-impute has its own point estimate (the mean over resamples and imputations).
    The p-value is the summary's (interval inversion or boot_mi t test). Where the model-based
    estimate is undefined (NaN) the bootstrap row has no interval and no p-value either: the
    resamples where the measure happens to be defined do not estimate it.
    """
    out = model_row.to_dict()
    undefined = pd.isna(model_row[next(iter(points))])
    if row["ci_method"] == IMPUTED_METHOD:
        out.update({column: row[source] for column, source in points.items()})
    for column in CLEARED:
        if column in out:
            out[column] = np.nan
    for column in ["std_error", "df", "p_value"]:
        if column in out:
            out[column] = row[column]
    out.update(
        ci_low=row["ci_low_reported"],
        ci_high=row["ci_high_reported"],
        ci_method=row["ci_method"],
        **{column: row[column] for column in REPLICATE_COUNT_COLUMNS},
    )
    if undefined:
        out.update(ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
    return out


def with_bootstrap_rows(table: str, base: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """A model-based table with the bootstrap rows of its estimands after their own rows.

    Every row gains replicates_used, replicates_failed (fits that failed or measures undefined),
    replicates_firth and replicates_undefined (of replicates_failed, the resamples whose fits
    converged but whose measure is undefined), empty for the model-based rows.
    """
    match, points = LAYOUTS[table]
    extra, positions = [], []
    for _, row in reported(summary[summary["table"] == table]).iterrows():
        hits = np.flatnonzero(match(base, row))
        if not len(hits):
            raise ValueError(f"bootstrap estimand {row['group']}/{row['term']} not in {table}")
        extra.append(bootstrap_row(base.iloc[hits[0]], row, points))
        positions.append(hits[0])
    base = base.assign(**{column: np.nan for column in REPLICATE_COUNT_COLUMNS})
    if not extra:
        return base
    return interleave(base, pd.DataFrame(extra, columns=base.columns), positions)


def joint_with_method(joint: pd.DataFrame, method: str) -> pd.DataFrame:
    """The joint table with a ci_method column (empty for the reference cell)."""
    methods = np.where(joint["is_reference"].astype(bool), "", method)
    return joint.assign(ci_method=methods)


def final_tables(bases: dict[str, pd.DataFrame], summary: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The models, joint, interaction and slopes tables with their bootstrap rows, if any.

    An analysis that was not run keeps its one row saying why. Tables with p-values gain
    p_value_method (interplay.models.p_values).
    """
    if not was_run(bases["models"]):
        tables = dict(bases)
    else:
        tables = {
            **bases,
            "joint": joint_with_method(bases["joint"], bases["models"]["ci_method"].iloc[0]),
        }
        tables = {name: with_bootstrap_rows(name, table, summary) for name, table in tables.items()}
    return {
        name: with_p_value_method(table) if "p_value" in table else table
        for name, table in tables.items()
    }


def write_final_tables(
    bases: dict[str, pd.DataFrame],
    summary: pd.DataFrame | None,
    min_cell_count: int | None,
    paths: dict[str, str],
    log_path: str,
) -> None:
    """Write the final tables (final_tables; summary None: no bootstrap rows) to paths, with the
    counts of the joint and models tables suppressed below min_cell_count, and the suppression
    log to log_path."""
    rows = pd.DataFrame(columns=SUMMARY_COLUMNS) if summary is None else summary
    logs = []
    for name, table in final_tables(bases, rows).items():
        if name in COUNT_TABLES:
            table, suppressed = protect(table, COUNT_TABLES[name], min_cell_count, paths[name])
            logs.append(suppressed)
        write_table(table, paths[name])
    write_table(suppression_log(logs), log_path)
