"""The default synthetic cohort's primary and complete-case estimates beside the generator's truth.

Run the workflow first (`snakemake --cores 2`), then from the repository root:

    python benchmarks/truth_table.py            # the table, from results/
    python benchmarks/truth_table.py --time     # also time imputation and model fitting

Rows: the IL-1β OR within low and within high BDNF, the ratio of ORs, and the BDNF OR within low
and within high IL-1β, each from the stratum fits and from the product model (linear combinations;
the ratio from the interaction table), with model-based and bootstrap intervals where the workflow
wrote them. Truth: exp of the sums of true coefficients in results/synthetic/truth.json. It is the
conditional OR for true week-12 remission; the analyses model LOCF remission (dropouts differ) with
median splits at the sample median, and n ≈ 1,086, so compare by coverage, not digit by digit.

--time re-runs the default analysis through the library as the workflow's jobs do (one BLAS
thread, like Snakemake's threads: 1): imputation of the primary analysis, then run_analysis for the
primary and complete-case analyses, and checks that the re-run reproduces the written estimates.
"""

import os
import sys
from pathlib import Path

# Before numpy loads: Snakemake runs each threads: 1 job with one BLAS thread.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

import argparse
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml
from interplay.analysis.fit import run_analysis
from interplay.imputation.chained import impute_analysis_dataset
from interplay.jobs.settings import analysis_settings
from interplay.seeds import stream_key
from interplay.tables import read_table

REPO = Path(__file__).resolve().parents[1]
ANALYSES = ("primary", "complete_case")
INTERACTION = "interaction"  # source table of the ratio of ORs (otherwise: models)
PRODUCT = "exposure_high:modifier_high"
MODEL_BASED = "model-based"
OUTSIDE = "†"  # marks an interval that misses the truth


@dataclass(frozen=True)
class Quantity:
    """An odds ratio: the true coefficients whose sum is its log, and where each analysis has it."""

    name: str
    true_terms: tuple[str, ...]
    sources: tuple[tuple[str, str, str], ...]  # (label, model or INTERACTION, term or measure)


QUANTITIES = (
    Quantity(
        "IL-1β OR | BDNF low",
        ("exposure_high",),
        (
            ("stratum fit", "stratum_modifier_low", "exposure_high"),
            ("product model", "product_lincom", "exposure_high|modifier_low"),
        ),
    ),
    Quantity(
        "IL-1β OR | BDNF high",
        ("exposure_high", PRODUCT),
        (
            ("stratum fit", "stratum_modifier_high", "exposure_high"),
            ("product model", "product_lincom", "exposure_high|modifier_high"),
        ),
    ),
    Quantity(
        "ratio of ORs",
        (PRODUCT,),
        (("product model", INTERACTION, "ratio_of_odds_ratios"),),
    ),
    Quantity(
        "BDNF OR | IL-1β low",
        ("modifier_high",),
        (
            ("stratum fit", "stratum_exposure_low", "modifier_high"),
            ("product model", "product_lincom", "modifier_high|exposure_low"),
        ),
    ),
    Quantity(
        "BDNF OR | IL-1β high",
        ("modifier_high", PRODUCT),
        (
            ("stratum fit", "stratum_exposure_high", "modifier_high"),
            ("product model", "product_lincom", "modifier_high|exposure_high"),
        ),
    ),
)


def true_odds_ratio(truth: Mapping[str, Any], terms: tuple[str, ...]) -> float:
    """exp of the sum of the generator's true coefficients of these terms."""
    return float(np.exp(sum(truth["coefficients"][term] for term in terms)))


def whole_sample(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the whole analytic sample (tables of stratified analyses have other strata)."""
    return table[table["stratum"] == "all"] if "stratum" in table.columns else table


def source_rows(
    tables: Mapping[str, pd.DataFrame], model: str, term: str, bootstrap_methods: set[str]
) -> pd.DataFrame:
    """OR and interval rows of one model term (or interaction measure): interval, OR, limits."""
    if model == INTERACTION:
        table = whole_sample(tables["interaction"])
        rows = table[table["measure"] == term].rename(columns={"estimate": "odds_ratio"})
    else:
        table = whole_sample(tables["models"])
        rows = table[(table["model"] == model) & (table["term"] == term)]
    if rows.empty:
        raise SystemExit(f"no rows for {model} / {term}: run the workflow first")
    interval = rows["ci_method"].where(rows["ci_method"].isin(bootstrap_methods), MODEL_BASED)
    odds_ratio = rows["odds_ratio"].where(interval == MODEL_BASED).max()
    return pd.DataFrame(
        {
            "interval": interval.to_numpy(),
            "odds_ratio": odds_ratio,
            "ci_low": rows["ci_low"].to_numpy(),
            "ci_high": rows["ci_high"].to_numpy(),
        }
    )


def truth_rows(
    results: Path, truth: Mapping[str, Any], bootstrap_methods: set[str]
) -> pd.DataFrame:
    """Every quantity, source, analysis and interval with its OR, limits and the true OR."""
    parts = []
    for analysis in ANALYSES:
        tables = {
            name: read_table(results / "analyses" / analysis / f"{name}.tsv")
            for name in ("models", "interaction")
        }
        for quantity in QUANTITIES:
            for label, model, term in quantity.sources:
                rows = source_rows(tables, model, term, bootstrap_methods)
                parts.append(
                    rows.assign(
                        quantity=quantity.name,
                        source=label,
                        truth=true_odds_ratio(truth, quantity.true_terms),
                        analysis=analysis,
                    )
                )
    return pd.concat(parts, ignore_index=True)


def cell(row: pd.Series) -> str:
    """'OR (low–high)', the OR only on model-based rows, † when the interval misses the truth."""
    limits = f"({row['ci_low']:.2f}–{row['ci_high']:.2f})"
    missed = not row["ci_low"] <= row["truth"] <= row["ci_high"]
    shown = f"{row['odds_ratio']:.2f} {limits}" if row["interval"] == MODEL_BASED else limits
    return shown + (f" {OUTSIDE}" if missed else "")


def truth_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per quantity, source and interval; a column per analysis."""
    order = {name: i for i, name in enumerate(q.name for q in QUANTITIES)}
    shown = rows.assign(text=rows.apply(cell, axis=1), order=rows["quantity"].map(order))
    wide = shown.pivot_table(
        index=["order", "quantity", "source", "truth", "interval"],
        columns="analysis",
        values="text",
        aggfunc="first",
        sort=False,
    )
    wide = wide.sort_index(level=["order"], sort_remaining=False).droplevel("order")
    wide = wide.reset_index()[["quantity", "source", "truth", "interval", *ANALYSES]]
    wide["truth"] = wide["truth"].map("{:.2f}".format)
    return wide.fillna("")


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """The call's result, wall-clock seconds and CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def written_difference(results: Path, analysis: str, models: pd.DataFrame) -> float:
    """Largest |difference| between re-run and written model-based log-OR estimates."""
    written = whole_sample(read_table(results / "analyses" / analysis / "models.tsv"))
    written = written[written["ci_method"] == models["ci_method"].iloc[0]]
    keys = ["model", "term"]
    paired = models.merge(written, on=keys, suffixes=("", "_written"), validate="one_to_one")
    if len(paired) != len(models):
        return float("nan")
    return float((paired["estimate"] - paired["estimate_written"]).abs().max())


def imputed_difference(results: Path, imputed: pd.DataFrame, covariates: list[str]) -> float:
    """Largest |difference| between re-run and written imputations of the numeric covariates."""
    written = read_table(results / "imputations" / "primary" / "imputed.csv.gz")
    numeric = [c for c in covariates if pd.api.types.is_numeric_dtype(imputed[c])]
    return float((imputed[numeric] - written[numeric]).abs().max().max())


def time_default_run(results: Path, config: Mapping[str, Any]) -> pd.DataFrame:
    """Time imputation and model fitting of the default analyses; compare with what was written."""
    dataset = read_table(results / "data" / "analysis_dataset.csv")
    primary = analysis_settings(config, "primary")
    covariates = primary["covariates"]["sets"][primary["covariates"]["adjustment_set"]]
    m, iterations = primary["missing_data"]["m"], primary["missing_data"]["iterations"]
    imputed, wall, cpu = timed(
        lambda: impute_analysis_dataset(
            dataset, covariates, m, iterations, stream_key(config["seed"], "impute")
        )
    )
    difference = imputed_difference(results, imputed, covariates)
    rows = [("impute primary", f"m = {m}, {iterations} iterations", wall, cpu, difference)]
    for analysis in ANALYSES:
        settings = analysis_settings(config, analysis)
        uses = imputed if settings["missing_data"]["method"] == "mice" else None
        tables, wall, cpu = timed(lambda s=settings, u=uses: run_analysis(dataset, s, u))
        data_sets = f"{m} imputed data sets" if uses is not None else "complete cases"
        difference = written_difference(results, analysis, tables["models"])
        rows.append((f"run_analysis {analysis}", data_sets, wall, cpu, difference))
    return pd.DataFrame(
        rows, columns=["step", "data", "wall_s", "cpu_s", "max_abs_diff_vs_written"]
    )


def main() -> None:
    """Print the truth table (and with --time the timings of the default run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO / "results")
    parser.add_argument("--config", type=Path, default=REPO / "config.yaml")
    parser.add_argument("--time", action="store_true", help="time imputation and model fitting")
    arguments = parser.parse_args()
    config = yaml.safe_load(arguments.config.read_text(encoding="utf-8"))
    truth_path = arguments.results / "synthetic" / "truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    methods = set(config.get("bootstrap", {}).get("methods", []))
    rows = truth_rows(arguments.results, truth, methods)
    counts = truth["counts"]
    print(f"Truth: {truth_path} (seed {truth['seed']}, {counts['analytic']} analytic patients)")
    print(truth_table(rows).to_string(index=False))
    print(
        f"{OUTSIDE}: the interval misses the truth. model-based: Rubin t (primary, multiple "
        "imputation) or Wald z (complete cases); boot_mi_vhb: bootstrap then impute (von Hippel & "
        "Bartlett); percentile, bca: case-resampling bootstrap."
    )
    model_based = rows[rows["interval"] == MODEL_BASED]
    inside = (model_based["ci_low"] <= model_based["truth"]) & (
        model_based["truth"] <= model_based["ci_high"]
    )
    for analysis, covered in inside.groupby(model_based["analysis"], sort=False):
        print(f"{analysis}: truth inside {covered.sum()} of {len(covered)} model-based intervals")
    if arguments.time:
        timings = time_default_run(arguments.results, config)
        print()
        print(
            timings.to_string(
                index=False,
                formatters={
                    "wall_s": "{:.2f}".format,
                    "cpu_s": "{:.2f}".format,
                    "max_abs_diff_vs_written": "{:.1e}".format,
                },
            )
        )


if __name__ == "__main__":
    main()
