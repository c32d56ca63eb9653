"""Coverage of every interval type by simulation with known truth (not a test).

    python benchmarks/coverage.py [--repetitions 200] [--workers 2] [--output coverage.tsv]

Each repetition simulates a cohort of n = 1,086 from a logistic model with the synthetic cohort's
exposure effects (cohort_truth: IL-1β OR 0.45 within low BDNF, 1.0 within high BDNF), four
covariates and biomarker groups split at the population medians, then runs what the workflow
runs: run_analysis for the model-based intervals (Wald z, delta, MOVER; Rubin t after multiple
imputation) and the bootstrap engine for percentile and BCa intervals (B = 2,000) on complete
data, and bootstrap-then-impute (200 × 2, von Hippel–Bartlett) with covariates missing at random.
Estimands: the stratum ORs (stratum models and product-model combinations) and, for
non-remission against the reference cell, the joint ORs, RERI and IC, RERI_RR, AP_RR and S_RR on
the risk scale (delta conditional on the covariates and over their distribution, percentile, BCa).
The risk-scale truths are population standardised risks (the true risk averaged over a million
covariate draws). The reference cell is fixed (FIXED_REFERENCE, as models.additive_reference
holds it) for every interval; the complete-data rows are repeated with the data-driven rule
(each_analysis: the lowest estimated risk in each repetition; two cells tie in truth), whose truth
is that of the cell each repetition chose, to show its bias (table printed after coverage).

--scenario prognostic makes baseline HAMD strongly prognostic (log-OR −1.5 per SD instead of −0.36),
so the spread of the covariates' risks is large and the interval over the covariate distribution
(delta_marginal_*) differs from the conditional one; --parts model_based runs only run_analysis's
model-based intervals on complete data (fixed reference, no bootstrap: minutes, not hours).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import copy
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from interplay.analysis import fit as analysis  # noqa: E402
from interplay.bootstrap import replicates as bs  # noqa: E402
from interplay.bootstrap import tables as bt  # noqa: E402
from interplay.imputation.chained import impute_analysis_dataset  # noqa: E402
from interplay.interaction import measures as ia  # noqa: E402
from interplay.jobs.allocator import keep_freed_memory  # noqa: E402
from interplay.synthetic.truth import BDNF_MEAN, BDNF_SD, IL1B_LOG_SD, IL1B_MEDIAN  # noqa: E402
from scipy.special import expit  # noqa: E402

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
N = 1086
LOG_OR_LOW = float(np.log(0.45))  # IL-1β high vs low within low BDNF (cohort_truth)
EXPOSURES = {
    "exposure_high": LOG_OR_LOW,
    "modifier_high": 0.1,
    "exposure_high:modifier_high": -LOG_OR_LOW,
}
COVARIATES = {"age": 0.018, "sex_male": -0.05, "hamd_baseline": -0.08, "low_income": -0.3}
HAMD_SD = 4.5  # of the simulated baseline HAMD
SCENARIOS = {
    "cohort": COVARIATES,
    "prognostic": {**COVARIATES, "hamd_baseline": -1.5 / HAMD_SD},  # log-OR −1.5 per SD
}
INCOMPLETE = ["age", "hamd_baseline", "low_income"]
STRATUM_TRUTH = {"modifier_low": 0.45, "modifier_high": 1.0}
ESTIMANDS = {
    ("models", "stratum_modifier_low", "exposure_high"): "modifier_low",
    ("models", "stratum_modifier_high", "exposure_high"): "modifier_high",
    ("models", "product_lincom", "exposure_high|modifier_low"): "modifier_low",
    ("models", "product_lincom", "exposure_high|modifier_high"): "modifier_high",
    ("interaction", "additive", "reri"): "reri",
    **{("interaction", "joint_odds_ratio", name): name for name in ia.JOINT_NAMES},
    **{("interaction", "additive_risk", name): name for name in ia.RISK_SCALE_MEASURES},
}
FIXED_REFERENCE = "exposure_high_modifier_high"  # the cell the primary analysis chooses
RULES = {"fixed": FIXED_REFERENCE, "data_driven": "each_analysis"}
TRUTH_DRAWS = 1_000_000
REFERENCE_TARGETS = {"reri", *ia.JOINT_NAMES, *ia.RISK_SCALE_MEASURES}  # truth depends on the cell
SEED = 8128


def settings(method: str, m: int, iterations: int, reference: str = FIXED_REFERENCE) -> dict:
    """The shipped settings, adjusted for the simulation's four covariates."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    merged["models"]["additive_reference"] = reference
    merged["covariates"]["sets"] = {"simulation": ["age", "sex", "hamd_baseline", "low_income"]}
    merged["covariates"]["adjustment_set"] = "simulation"
    merged["missing_data"].update(method=method, m=m, iterations=iterations)
    return merged


def simulate(
    rng: np.random.Generator, missing: bool, covariates: dict[str, float], n: int = N
) -> pd.DataFrame:
    """A cohort from the true model with these covariate log-ORs; with `missing`, covariates
    missing at random (about 15 %)."""
    il1b = np.exp(np.log(IL1B_MEDIAN) + IL1B_LOG_SD * rng.standard_normal(n))
    bdnf = np.maximum(BDNF_MEAN + BDNF_SD * rng.standard_normal(n), 0.5)
    data = pd.DataFrame(
        {
            "patient_id": [f"S{i:05d}" for i in range(n)],
            "age": np.round(rng.normal(57, 15, n)),
            "sex": np.where(rng.uniform(size=n) < 0.314, "male", "female"),
            "hamd_baseline": np.round(rng.normal(20, HAMD_SD, n)),
            "low_income": (rng.uniform(size=n) < 0.6).astype(float),
            "il1b": il1b,
            "bdnf": bdnf,
            "exposure": il1b,  # the pair's generic columns (interplay.pair)
            "modifier": bdnf,
            "exposure_high": (il1b > IL1B_MEDIAN).astype(float),
            "modifier_high": (bdnf > BDNF_MEAN).astype(float),
            "exposure_scaled": np.log2(il1b),
            "modifier_scaled": (bdnf - bdnf.mean()) / bdnf.std(ddof=1),
        }
    )
    data["outcome"] = (rng.uniform(size=n) < expit(true_logit(data, covariates))).astype(float)
    if missing:
        score = 1.2 * (1 - data["outcome"]) * data["exposure_high"] - 2.2
        for column in INCOMPLETE:
            data.loc[rng.uniform(size=n) < expit(score), column] = np.nan
    return data


def true_logit(data: pd.DataFrame, covariates: dict[str, float]) -> np.ndarray:
    """The true model's log-odds of remission."""
    return -0.2 + sum(
        coefficient * term_values(data, term)
        for term, coefficient in {**EXPOSURES, **covariates}.items()
    )


def term_values(data: pd.DataFrame, term: str) -> np.ndarray:
    """A model term from the simulated columns (covariates centred as in cohort_truth)."""
    centre = {"age": 57.0, "hamd_baseline": 20.0}
    if term == "sex_male":
        return (data["sex"] == "male").to_numpy(float)
    parts = [data[p].to_numpy(float) - centre.get(p, 0.0) for p in term.split(":")]
    return np.prod(parts, axis=0)


def reference_cell(reference: str) -> ia.Cell:
    """The cell of a reference_group name."""
    exposures = list(analysis.PRODUCT_TERMS[:2])
    return next(c for c in ia.CELLS if ia.cell_name(c, exposures) == reference)


def population_risks(covariates: dict[str, float]) -> np.ndarray:
    """True standardised risks of non-remission per cell of CELLS: the true risk averaged over
    TRUTH_DRAWS covariate draws with the exposures set."""
    rng = np.random.default_rng(SEED + 1)
    population = simulate(rng, missing=False, covariates=covariates, n=TRUTH_DRAWS)
    risks = []
    for exposure, modifier in ia.CELLS:
        fixed = population.assign(exposure_high=float(exposure), modifier_high=float(modifier))
        risks.append(1 - expit(true_logit(fixed, covariates)).mean())
    return np.array(risks)


def true_values(reference: str, risks: np.ndarray) -> dict[str, float]:
    """Each target's truth for non-remission against the named reference cell (ORs, S: ratio)."""
    cell = reference_cell(reference)
    theta = ia.joint_contrasts(cell, -1) @ np.array(list(EXPOSURES.values()))
    reri = float(ia.additive_values(theta[None])[0, 0])
    recoded = risks[None] @ ia.recoding(cell).T
    reri_rr, ap_rr, log_s = ia.risk_ratio_values(recoded)[0]
    return {
        "reri": reri,
        "ic": float(recoded[0] @ ia.IC_CONTRAST),
        **dict(zip(ia.JOINT_NAMES, np.exp(theta), strict=True)),
        "reri_rr": reri_rr,
        "ap_rr": ap_rr,
        "s_rr": float(np.exp(log_s)),
    }


def model_based_rows(tables: dict) -> list[tuple]:
    """The model-based intervals of the estimands from run_analysis's tables."""
    rows = []
    for (table, group, term), target in ESTIMANDS.items():
        if table == "models":
            frame = tables["models"]
            found = frame[(frame["model"] == group) & (frame["term"] == term)]
            for _, row in found.iterrows():
                rows.append(
                    (
                        target,
                        group,
                        row["ci_method"],
                        row["odds_ratio"],
                        row["ci_low"],
                        row["ci_high"],
                        "",
                    )
                )
        else:
            frame = tables["interaction"]
            for _, row in frame[frame["measure"] == term].iterrows():
                rows.append(
                    (
                        target,
                        group,
                        row["ci_method"],
                        row["estimate"],
                        row["ci_low"],
                        row["ci_high"],
                        row["reference_group"],
                    )
                )
    return rows


def bootstrap_rows(summary: pd.DataFrame, reference: str) -> list[tuple]:
    """The bootstrap intervals of the estimands on the reporting scale."""
    reported = bt.reported(summary)
    rows = []
    for (table, group, term), target in ESTIMANDS.items():
        found = reported[
            (reported["table"] == table) & (reported["group"] == group) & (reported["term"] == term)
        ]
        for _, row in found.iterrows():
            rows.append(
                (
                    target,
                    group,
                    row["ci_method"],
                    row["estimate_reported"],
                    row["ci_low_reported"],
                    row["ci_high_reported"],
                    reference,
                )
            )
    return rows


def model_based_complete_rows(data: pd.DataFrame) -> list[tuple]:
    """Wald, delta and MOVER intervals from run_analysis with the fixed reference."""
    tables = analysis.run_analysis(data, settings("complete_case", 1, 1))
    return [("fixed", *r) for r in model_based_rows(tables)]


def complete_rows(data: pd.DataFrame, index: int, replicates: int) -> list[tuple]:
    """Wald, delta and MOVER intervals from run_analysis, under the fixed and the data-driven
    reference rule; percentile and BCa from the bootstrap (fixed reference)."""
    rows = []
    for rule, reference in RULES.items():
        tables = analysis.run_analysis(data, settings("complete_case", 1, 1, reference))
        rows += [
            (rule, *r)
            for r in model_based_rows(tables)
            if rule == "fixed" or r[0] in REFERENCE_TARGETS
        ]
    cc = settings("complete_case", 1, 1)
    problem = bs.prepare_complete(data, cc)
    frame = bs.complete_replicates(problem, SEED, f"coverage{index}", range(replicates), False)
    summary = bt.summarise_complete(problem, frame, ["percentile", "bca"], 0.95, replicates)
    reference = ia.cell_name(problem.blueprint.reference, problem.blueprint.exposures)
    return rows + [("fixed", *r) for r in bootstrap_rows(summary, reference)]


def missing_rows(data: pd.DataFrame, index: int, options: argparse.Namespace) -> list[tuple]:
    """Rubin t intervals after multiple imputation, and bootstrap-then-impute intervals."""
    mi = settings("mice", options.m, options.iterations)
    plan = analysis.read_plan(mi)
    imputed = impute_analysis_dataset(
        data, plan.covariates, options.m, options.iterations, [SEED, index]
    )
    rows = [("fixed", *r) for r in model_based_rows(analysis.run_analysis(data, mi, imputed))]
    problem = bs.prepare_imputed(data, imputed, mi)
    setup = bs.imputation_setup(data, plan.covariates, options.iterations)
    frame = bs.imputed_replicates(
        problem, setup, plan, SEED, f"coverage{index}", range(options.mi_replicates), 2, False
    )
    summary = bt.summarise_imputed(problem, frame, 0.95, options.mi_replicates)
    reference = ia.cell_name(problem.blueprint.reference, problem.blueprint.exposures)
    return rows + [("fixed", *r) for r in bootstrap_rows(summary, reference)]


def repetition(index: int, options: argparse.Namespace, risks: np.ndarray) -> pd.DataFrame:
    """The intervals of one simulated cohort, complete and/or with missing covariates."""
    rng = np.random.default_rng(np.random.SeedSequence([SEED, index]))
    covariates = SCENARIOS[options.scenario]
    complete = simulate(rng, missing=False, covariates=covariates)
    incomplete = simulate(rng, missing=True, covariates=covariates)
    rows = []
    if "model_based" in options.parts:
        rows += [("complete", *r) for r in model_based_complete_rows(complete)]
    if "complete" in options.parts:
        rows += [("complete", *r) for r in complete_rows(complete, index, options.replicates)]
    if "missing" in options.parts:
        rows += [("missing", *r) for r in missing_rows(incomplete, index, options)]
    columns = [
        "data",
        "rule",
        "target",
        "source",
        "ci_method",
        "estimate",
        "ci_low",
        "ci_high",
        "reference",
    ]
    out = pd.DataFrame(rows, columns=columns).assign(repetition=index)
    out["truth"] = [
        true_values(ref, risks)[target] if target in REFERENCE_TARGETS else STRATUM_TRUTH[target]
        for target, ref in zip(out["target"], out["reference"], strict=True)
    ]
    return out


def coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """Coverage, its Monte Carlo SE, median width and undefined intervals per estimand, method."""
    results = results.assign(
        covered=(results["ci_low"] <= results["truth"]) & (results["truth"] <= results["ci_high"]),
        defined=results[["ci_low", "ci_high"]].notna().all(axis=1),
        width=results["ci_high"] - results["ci_low"],
    )
    grouped = results.groupby(["data", "rule", "target", "source", "ci_method"], sort=False)
    table = grouped.agg(
        repetitions=("covered", "size"),
        coverage=("covered", "mean"),
        undefined=("defined", lambda d: int((~d).sum())),
        median_width=("width", "median"),
    ).reset_index()
    table["mc_se"] = np.sqrt(table["coverage"] * (1 - table["coverage"]) / table["repetitions"])
    return table


def bias_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean estimate − truth (log scale for ORs) of the joint ORs and RERI under each reference
    rule, and how often the data-driven rule chose each cell."""
    point = results[
        (results["data"] == "complete")
        & results["target"].isin(["reri", *ia.JOINT_NAMES])
        & results["ci_method"].isin(["wald_z", "delta_wald_z"])
    ]
    logged = point["target"].isin(ia.JOINT_NAMES)
    error = point["estimate"] - point["truth"]
    error[logged] = np.log(point.loc[logged, "estimate"] / point.loc[logged, "truth"])
    table = (
        point.assign(error=error)
        .groupby(["rule", "target"], sort=False)
        .agg(
            repetitions=("error", "size"),
            bias=("error", "mean"),
            mc_se=("error", lambda e: e.std(ddof=1) / np.sqrt(len(e))),
            share_fixed_cell=("reference", lambda r: (r == FIXED_REFERENCE).mean()),
        )
        .reset_index()
    )
    table["scale"] = np.where(table["target"] == "reri", "natural", "log")
    return table


def main() -> None:
    """Run the repetitions in parallel, appending each one's intervals to the output as it ends."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--mi-replicates", type=int, default=200)
    parser.add_argument("--m", type=int, default=20, help="imputations for Rubin's rules")
    parser.add_argument("--iterations", type=int, default=10, help="chained-equation cycles")
    parser.add_argument("--parts", default="complete,missing", help="and/or model_based")
    parser.add_argument("--scenario", choices=list(SCENARIOS), default="cohort")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path("coverage_intervals.tsv"))
    options = parser.parse_args()
    options.output.unlink(missing_ok=True)
    keep_freed_memory()  # as in workflow jobs; forked workers inherit it
    risks = population_risks(SCENARIOS[options.scenario])
    with ProcessPoolExecutor(options.workers) as pool:
        futures = [pool.submit(repetition, i, options, risks) for i in range(options.repetitions)]
        for future in as_completed(futures):
            result = future.result()
            result.to_csv(
                options.output, sep="\t", index=False, mode="a", header=not options.output.exists()
            )
    results = pd.read_csv(options.output, sep="\t")
    pd.set_option("display.width", 160)
    print(coverage_table(results).to_string(index=False, float_format="%.4f"))
    print(bias_table(results).to_string(index=False, float_format="%.3f"))


if __name__ == "__main__":
    main()
