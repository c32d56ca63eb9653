"""One analysis of docs/analysis_plan.md §5 items 1–7: fit every model, pool, and tabulate.

Complete-case analyses (missing_data.method complete_case, or no imputations given) fit each
model once to the rows complete on every variable any model uses (one common sample), with Wald z
intervals (df = inf) and likelihood-ratio tests. With imputations (method mice) each model is fitted
to every imputed data set and pooled by Rubin's rules (Barnard–Rubin df with complete-data
df = n − p, t intervals); the interaction is tested by D1 (Wald) and D3 (likelihood ratio).
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interplay.data.biomarkers import require_groups
from interplay.errors import InputError
from interplay.imputation.imputed_sets import ImputedSets, as_imputed_sets
from interplay.interaction import joint, slopes
from interplay.interaction import measures as ia
from interplay.interaction.reference import ReferenceChoice, reference_choice
from interplay.models import logistic as models
from interplay.models.sequences import LazySequence
from interplay.pair import MODIFIER, Pair, pair_from_settings

log = logging.getLogger(__name__)

PRODUCT_TERMS = models.MODEL_EXPOSURES["product"]
# Models of the models table by exposure set (plus the covariates); strata: (exposure, modifier).
WHOLE_SAMPLE_MODELS = ["exposure", "modifier", "main_effects", "product", "continuous"]
STRATA = {
    "modifier_low": ("exposure_high", "modifier_high", 0),
    "modifier_high": ("exposure_high", "modifier_high", 1),
    "exposure_low": ("modifier_high", "exposure_high", 0),
    "exposure_high": ("modifier_high", "exposure_high", 1),
}
MODEL_COLUMNS = [
    "analysis", "model", "term", "estimate", "std_error", "statistic", "df", "p_value",
    "odds_ratio", "ci_low", "ci_high", "ci_method", "n", "n_events", "fmi", "status",
]  # fmt: skip
# The tables run_analysis returns, by name.
RESULT_TABLES = ["models", "joint", "interaction", "slopes", "johnson_neyman", "predictions"]
JOINT_COLUMNS = [
    "exposure_level", "modifier_level", "n", "remitters", "non_remitters",
    "odds_ratio", "ci_low", "ci_high", "p_value", "is_reference", "status",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """The settings one analysis needs, resolved from the merged configuration."""

    covariates: list[str]
    pair: Pair
    joint_coding: str
    estimator: str
    ci_level: float
    percentiles: list[float]
    impute: bool
    outcome: str
    reference: ReferenceChoice


def read_plan(settings: Mapping[str, Any]) -> Plan:
    """Resolve the covariate list and model options from the merged settings."""
    sets = settings["covariates"]["sets"]
    name = settings["covariates"]["adjustment_set"]
    if name not in sets:
        raise InputError(
            f"covariates.adjustment_set '{name}' is not a list in covariates.sets",
            file="config.yaml",
            column="covariates.adjustment_set",
            fix=f"name one of: {', '.join(sets)} (a data-driven set must be resolved into "
            "covariates.sets before the models run)",
        )
    return Plan(
        # Resolved by covariates.adjustment_covariates, which leaves out the pair's own columns.
        covariates=list(sets[name]),
        pair=pair_from_settings(settings),
        joint_coding="tertiles" if settings["pair"]["coding"] == "tertiles" else "split",
        estimator=settings["models"]["estimator"],
        ci_level=float(settings["models"]["ci_level"]),
        percentiles=[float(p) for p in settings["models"]["slope_percentiles"]],
        impute=settings["missing_data"]["method"] == "mice",
        outcome=settings["outcome"]["definition"],
        reference=reference_choice(settings["models"]),
    )


def plan_terms(plan: Plan, model: str) -> list[str]:
    """Coefficient names of a whole-sample model."""
    return models.model_terms(models.MODEL_EXPOSURES[model], plan.covariates)


def used_columns(plan: Plan) -> list[str]:
    """Every dataset column some model reads, and the modifier's values (the slopes' axis)."""
    codings, _ = joint.JOINT_CODINGS[plan.joint_coding]
    terms = [t for m in WHOLE_SAMPLE_MODELS for t in plan_terms(plan, m)]
    return list(dict.fromkeys([models.OUTCOME, *models.source_columns(terms), *codings, MODIFIER]))


def usable(data: pd.DataFrame, what: str) -> pd.DataFrame:
    """The data, provided both outcome values occur in it."""
    events = models.outcome_values(data).sum() if len(data) else 0
    if len(data) == 0 or events in (0, len(data)):
        raise InputError(
            f"the {what} has {len(data)} rows and {int(events)} with outcome 1: nothing to model",
            file=models.DATASET,
            column=models.OUTCOME,
            fix="check the outcome settings and missing-data handling in config.yaml",
        )
    return data


def checked_imputed_set(part: pd.DataFrame, number: int, columns: list[str]) -> pd.DataFrame:
    """Imputed data set number, if its model variables are complete and both outcomes occur."""
    gaps = ~models.complete_rows(part, columns)
    if gaps.any():
        raise InputError(
            f"imputed data set {number} still has missing values",
            file="imputed data sets",
            column=next(c for c in columns if part.loc[gaps, c].isna().any()),
            ids=part.loc[gaps, "patient_id"] if "patient_id" in part else [],
            fix="impute every model variable (missing_data settings) or use complete_case",
        )
    return usable(part, f"imputed data set {number}")


def analysed_data_sets(
    dataset: pd.DataFrame, imputed: ImputedSets | pd.DataFrame | None, plan: Plan
) -> Sequence[pd.DataFrame]:
    """The data sets to fit: each imputed set (when imputed is given), or the complete cases.

    Imputed sets are built (and checked) one at a time whenever asked for, never all at once.
    """
    columns = used_columns(plan)
    imputed = as_imputed_sets(imputed)
    if imputed is not None:
        return LazySequence(
            range(1, len(imputed) + 1),
            lambda number: checked_imputed_set(imputed.data_set(number), number, columns),
        )
    complete = dataset[models.complete_rows(dataset, columns)].reset_index(drop=True)
    return [usable(complete, "complete-case sample")]


def all_terms(plan: Plan) -> list[str]:
    """Every term of every model of the analysis (whole-sample, stratum and joint models)."""
    terms = [t for m in WHOLE_SAMPLE_MODELS for t in plan_terms(plan, m)]
    joint_terms = joint.joint_model_terms(plan.joint_coding, joint_reference(plan), plan.covariates)
    return list(dict.fromkeys([*terms, *joint_terms]))


def fit_data_set(data: pd.DataFrame, plan: Plan) -> dict[str, models.LogisticFit]:
    """Every model fitted to one data set, whose term columns are computed once for all of them."""
    terms = joint.joint_term_data(data, plan.joint_coding, all_terms(plan))
    fits = {
        model: models.fit_terms(terms, plan_terms(plan, model), plan.estimator, f"{model} model")
        for model in WHOLE_SAMPLE_MODELS
    }
    for name, (exposure, modifier, level) in STRATA.items():
        strata = models.stratum_fits(terms, exposure, modifier, plan.covariates, plan.estimator)
        fits[f"stratum_{name}"] = strata[level]
    fits["joint"] = joint.joint_fit(
        terms, plan.joint_coding, joint_reference(plan), plan.covariates, plan.estimator
    )
    return fits


def fit_all(
    data_sets: Sequence[pd.DataFrame], plan: Plan, analysis: str
) -> dict[str, list[models.LogisticFit]]:
    """Every model fitted to every data set, keyed by model name; failed fits are logged."""
    fits: dict[str, list[models.LogisticFit]] = {}
    for data in data_sets:
        for name, fit in fit_data_set(data, plan).items():
            fits.setdefault(name, []).append(fit)
    for name, model_fits in fits.items():
        log_failed_fits(name, model_fits, analysis)
    return fits


def log_failed_fits(name: str, fits: Sequence[models.LogisticFit], analysis: str) -> None:
    """Warn about fits that separated or did not converge, with the option that avoids it."""
    separated = sum(fit.status == models.SEPARATION for fit in fits)
    failed = sum(fit.status == models.NOT_CONVERGED for fit in fits)
    if separated:
        log.warning(
            "%s model: %d of %d fits separated (a coefficient runs off to infinity, e.g. a "
            "group of the pair without remitters); its rows in the tables have status "
            "'separation'. %s",
            name,
            separated,
            len(fits),
            models.FIRTH_HINT.format(analysis=analysis),
        )
    if failed:
        log.warning(
            "%s model: %d of %d fits did not converge; its rows in the tables have status "
            "'not_converged'",
            name,
            failed,
            len(fits),
        )


def fits_status(*fit_lists: Sequence[models.LogisticFit]) -> str:
    """The worst status among the fits behind a row (every imputation of every model used)."""
    return models.worst_status(fit.status for fits in fit_lists for fit in fits)


def joint_reference(plan: Plan) -> tuple[int, int]:
    """Reference cell of the joint table: both variables of the pair at their lowest level."""
    return joint.joint_cells(plan.joint_coding)[0]


def odds_ratio_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Add odds_ratio and turn ci_low / ci_high into OR-scale limits."""
    out = table.copy()
    out["odds_ratio"] = np.exp(out["estimate"])
    out["ci_low"] = np.exp(out["ci_low"])
    out["ci_high"] = np.exp(out["ci_high"])
    return out


def average_count(values: Sequence[int]) -> int:
    """A count over data sets (constant unless a pair variable was imputed): rounded mean."""
    return round(float(np.mean(values)))


def models_table(fits: Mapping[str, list], plan: Plan, analysis: str) -> pd.DataFrame:
    """Coefficients of every model plus the stratum log-ORs as linear combinations of model 3."""
    parts = []
    for name, model_fits in fits.items():
        if name == "joint":
            continue
        table = models.summarise_fits(model_fits, plan.ci_level)
        table["model"] = name
        table["n"] = average_count([f.n for f in model_fits])
        table["n_events"] = average_count([f.n_events for f in model_fits])
        table["status"] = fits_status(model_fits)
        parts.append(table)
    contrasts = stratum_contrasts(fits["product"][0])
    parts.append(lincom_table(fits["product"], contrasts, "product_lincom", plan.ci_level))
    if plan.joint_coding != "split":
        contrasts = joint.extreme_level_contrasts(plan.joint_coding)
        parts.append(lincom_table(fits["joint"], contrasts, "joint_lincom", plan.ci_level))
    table = odds_ratio_rows(pd.concat(parts, ignore_index=True))
    table["analysis"] = analysis
    return table[MODEL_COLUMNS]


def lincom_table(
    fits: Sequence[models.LogisticFit],
    contrasts: Mapping[str, Mapping[str, float]],
    model: str,
    ci_level: float,
) -> pd.DataFrame:
    """Log-ORs that are linear combinations {term: weight} of one model's coefficients, pooled."""
    values = [
        [models.linear_combination(fit, weights) for fit in fits] for weights in contrasts.values()
    ]
    estimates = np.array([[v[0] for v in per_fit] for per_fit in values]).T
    variances = np.array([[v[1] for v in per_fit] for per_fit in values]).T
    first = fits[0]
    table = models.summarise_estimates(
        estimates, variances, list(contrasts), first.n - len(first.terms), ci_level
    )
    table["model"] = model
    table["n"] = first.n
    table["n_events"] = first.n_events
    table["status"] = fits_status(fits)
    return table


def stratum_contrasts(fit: models.LogisticFit) -> dict[str, Mapping[str, float]]:
    """Stratum log-ORs from the product model: β_e (modifier low) and β_e + β_3 (high)."""
    return {
        f"{exposure}|{name}": models.stratum_weights(fit, exposure, modifier)[level]
        for name, (exposure, modifier, level) in STRATA.items()
    }


def joint_table(
    fits: Sequence[models.LogisticFit], counted: pd.DataFrame, plan: Plan
) -> pd.DataFrame:
    """Cell counts and adjusted ORs of every joint cell against the reference cell, with the
    pooled Wald / Rubin p-value of the cell's log-OR (none for the reference cell)."""
    table = joint.joint_counts(counted, plan.joint_coding)
    estimates = odds_ratio_rows(models.summarise_fits(fits, plan.ci_level)).set_index("term")
    reference = joint_reference(plan)
    cells = joint.joint_cells(plan.joint_coding)
    table["is_reference"] = [cell == reference for cell in cells]
    for column in ["odds_ratio", "ci_low", "ci_high", "p_value"]:
        table[column] = [
            (1.0 if column == "odds_ratio" else np.nan)
            if cell == reference
            else estimates.loc[joint.joint_term(cell, plan.joint_coding), column]
            for cell in cells
        ]
    table["status"] = fits_status(fits)
    return table[JOINT_COLUMNS]


def uses_imputations(imputed: ImputedSets | None, plan: Plan) -> bool:
    """Whether the analysis pools imputed data sets (method mice and at least one given)."""
    return plan.impute and imputed is not None and len(imputed) > 0


def run_analysis(
    dataset: pd.DataFrame,
    settings: Mapping[str, Any],
    imputed: ImputedSets | pd.DataFrame | None = None,
    *,
    analysis: str = "primary",
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Fit, pool and tabulate one analysis; returns the tables below, keyed by name.

    dataset: the analysis dataset (one row per patient); settings: the merged sections outcome,
    pair, covariates, missing_data and models; imputed: the imputed data sets 1..m
    (interplay.imputation.imputed_sets) or in long format (`.imp` 0 = observed, 1..m), used when
    missing_data.method is mice; analysis: its name; seed: the root seed (config seed) of its
    sup-t draws. Codes are generic whatever the pair:
    exposure / modifier are the pair's two variables (interplay.pair).

    Every table ends with status: ok, separation (a fitted probability at 0 or 1: some
    coefficient runs off to ±inf, e.g. a joint cell without remitters) or not_converged — the
    worst over the fits behind the row, in every imputed data set.

    models — analysis, model, term, estimate (log-odds), std_error, statistic, df, p_value,
      odds_ratio, ci_low, ci_high (OR scale), ci_method (wald_z | rubin_t), n, n_events, fmi
      (NaN without imputations). Models: exposure, modifier, main_effects (both, no product),
      product, continuous (exposure_scaled × modifier_scaled); stratum_modifier_low / _high (the
      exposure model fitted within a modifier group), stratum_exposure_low / _high (the modifier
      model within an exposure group), each with all its terms; product_lincom — the same
      stratum log-ORs from the product model, terms `exposure_high|modifier_low` (β1),
      `exposure_high|modifier_high` (β1+β3), `modifier_high|exposure_low`,
      `modifier_high|exposure_high`; with tertile coding also joint_lincom — from the joint
      model, exposure T3 vs T1 within modifier T1 (`exposure_T3|modifier_T1`) and within modifier
      T3 (`exposure_T3|modifier_T3`), and their ratio (`exposure_T3:modifier_T3`). n is the
      rounded mean over imputations (differs only if a pair variable was imputed).
    joint — exposure_level, modifier_level (low/high, or T1–T3 when pair.coding is tertiles), n,
      remitters (outcome 1), non_remitters, odds_ratio, ci_low, ci_high (adjusted, against the
      cell with both variables lowest, is_reference), p_value (Wald z, or Rubin t with
      imputations, of the cell's log-OR in the joint model; NaN for the reference cell). Counts
      come from the analysed complete cases, or with imputations from the observed dataset (the
      outcome is never imputed).
    interaction — measure, scale, outcome, reference_group, reference_rule, estimate, ci_low,
      ci_high, ci_method, df1, df2, p_value. Rows: ratio_of_odds_ratios (exp β3, outcome as
      modelled) and its wald_test / lr_test (estimate = χ² statistic, or the F statistic of D1 / D3
      with imputations; its degrees of freedom in df1 and df2, df2 NA for a χ² test); for
      non-<outcome> against the reference cell (reference_group; reference_rule says how it was
      chosen, models.additive_reference: primary — the lowest-risk cell of the primary analysis's
      pooled product model, held here; each_analysis — that of this analysis; named — the configured
      cell; NA on rows without one): or_10, or_01, or_11 (first digit the exposure, second the
      modifier, 1 = the level other than the reference's), reri, ap, s with delta (Hosmer &
      Lemeshow) and mover (Zou) intervals — pooled per imputation delta variances by Rubin's rules,
      RERI and AP on the natural scale and S on the log scale; MOVER from the pooled limits of its
      terms and their pooled correlation; risk_<cell> standardised (g-computation) risks and, on the
      risk scale (scale additive_risk), ic = p11 − p10 − p01 + p00, reri_rr = ic / p00, ap_rr = ic /
      p11 and s_rr = (p11 − p00) / (p10 + p01 − 2 p00) (pooled on the log scale) with delta-method
      intervals conditional on the covariates of this sample (ci_method delta_wald_z /
      delta_rubin_t) and over the covariate distribution of the population sampled
      (delta_marginal_wald_z / delta_marginal_rubin_t: the variance of the covariate average added).
    slopes — percentile (NaN for the evenly spaced modifier grid used for plots, and for both
      rows of a binary modifier, at 0 and 1), modifier (its unit), modifier_scaled, estimate
      (log-OR per unit of exposure_scaled, e.g. per doubling), std_error, df, statistic, p_value,
      odds_ratio, ci_low, ci_high (OR scale), ci_method, fmi.
    johnson_neyman — the modifier axis cut at the Johnson–Neyman boundaries, a row set per
      method (pointwise first, then models.johnson_neyman.bands: scheffe, sup_t, esarey_sumner;
      docs/johnson_neyman.md): method, modifier_from, modifier_to (its unit; ±inf at the ends,
      or 0 and ±inf for a log2 modifier; sup_t and esarey_sumner rows cover only the observed
      modifier range, from its minimum to its maximum), modifier_scaled_from,
      modifier_scaled_to, significant (exposure slope ≠ 0 at the method's critical value),
      odds_ratio_direction (below_1 | above_1), observed_share (patients in the region),
      critical_value, critical_value_mc_se (Monte Carlo SE of a simulated critical value: sup_t
      only, NaN for the closed forms), df (inf, or the product term's Barnard–Rubin df). No rows
      for a binary modifier (no region between 0 and 1 to find).
    predictions — exposure (its unit), exposure_scaled, modifier_percentile (NaN for a binary
      modifier), modifier (its unit), modifier_scaled, probability (of the outcome, standardised
      over the covariates), ci_low, ci_high, ci_method.
    """
    plan = read_plan(settings)
    if plan.joint_coding == "tertiles":
        require_groups(dataset, plan.pair, "tertiles")
    imputed = as_imputed_sets(imputed)
    imputing = uses_imputations(imputed, plan)
    data_sets = analysed_data_sets(dataset, imputed if imputing else None, plan)
    fits = fit_all(data_sets, plan, analysis)
    counted = dataset if imputing else data_sets[0]
    continuous = slopes.continuous_tables(
        fits["continuous"],
        data_sets,
        dataset,
        plan.pair,
        plan.percentiles,
        plan.ci_level,
        slopes.band_settings(settings["models"], seed, analysis),
    )
    return {
        "models": models_table(fits, plan, analysis),
        "joint": joint_table(fits["joint"], counted, plan),
        "interaction": interaction_with_status(fits, data_sets, plan),
        **{
            name: table.assign(status=fits_status(fits["continuous"]))
            for name, table in continuous.items()
        },
    }


def interaction_with_status(
    fits: Mapping[str, list[models.LogisticFit]], data_sets: Sequence[pd.DataFrame], plan: Plan
) -> pd.DataFrame:
    """The interaction table; each row's status covers the product model (and, for the
    likelihood-ratio test, the main-effects model it is compared with)."""
    table = ia.interaction_table(
        fits["product"],
        fits["main_effects"],
        data_sets,
        PRODUCT_TERMS,
        plan.outcome,
        plan.ci_level,
        plan.reference.held,
        plan.reference.rule,
    )
    compared = fits_status(fits["product"], fits["main_effects"])
    table["status"] = np.where(
        table["measure"] == "lr_test", compared, fits_status(fits["product"])
    )
    return table
