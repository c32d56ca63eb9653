"""Hand-made inputs of the figure tests: small result tables shaped like the workflow's."""

import numpy as np
import pandas as pd
from interplay.figures import effects, sensitivity
from interplay.jobs.settings import merge_settings
from pairs import CONFIG, DEFAULT_PAIR

LOD = 0.1
BIOMARKER_SETTINGS = merge_settings(
    CONFIG["pair"], {"exposure": {"lod": LOD}, "below_lod": "lod_sqrt2"}
)


def small_dataset(n: int = 300, seed: int = 7) -> pd.DataFrame:
    """An analysis-dataset-like frame: IL-1β log-normal with values below the LOD, BDNF normal."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    il1b = np.exp(rng.normal(np.log(0.6), 1.0, n))
    below = il1b < LOD
    data = pd.DataFrame(
        {
            "il1b": np.where(below, LOD / np.sqrt(2), il1b),
            "il1b_below_lod": below.astype(int),
            "il1b_lod": np.where(below, LOD, np.nan),
            "bdnf": np.clip(rng.normal(22, 7.5, n), 1, None),
            "outcome": rng.integers(0, 2, n),
            "age": rng.normal(57, 15, n),
            "sofas": rng.normal(55, 10, n),
        }
    )
    data.loc[[3, 10, 11], "age"] = np.nan
    data.loc[[10, 20], "sofas"] = np.nan
    return data


def flow_table() -> pd.DataFrame:
    """A three-stage participant flow."""
    return pd.DataFrame(
        {
            "stage": ["enrolled", "with_exposure_and_modifier", "with_post_baseline_hamd"],
            "n": [1106, 1094, 1086],
            "excluded": [0, 12, 8],
            "reason": ["", "no baseline IL-1β or BDNF value", "no HAMD rating after baseline"],
        }
    )


def model_rows(method: str, shift: float) -> pd.DataFrame:
    """The forest plot's model rows for one interval method (ORs shifted to tell methods apart)."""
    entries = [(e.model, e.term) for e in effects.forest_model_entries(DEFAULT_PAIR)]
    entries.append(("il1b", "age"))  # a covariate row the forest must ignore
    ratios = np.linspace(0.5, 2.5, len(entries)) * shift
    return pd.DataFrame(
        {
            "stratum": "all",
            "model": [m for m, _ in entries],
            "term": [t for _, t in entries],
            "odds_ratio": ratios,
            "ci_low": ratios / 1.5,
            "ci_high": ratios * 1.5,
            "ci_method": method,
            "status": "ok",
        }
    )


def models_table() -> pd.DataFrame:
    """Model rows for a Rubin and a bootstrap method, plus a stratum the forest must skip."""
    other_stratum = model_rows("rubin_t", 3.0).assign(stratum="treatment_step=1")
    return pd.concat(
        [model_rows("rubin_t", 1.0), model_rows("boot_mi_vhb", 1.05), other_stratum],
        ignore_index=True,
    )


def joint_table(with_methods: bool = True) -> pd.DataFrame:
    """The four median-split cells, each non-reference cell once per interval method."""
    cells = pd.DataFrame(
        {
            "exposure_level": ["low", "low", "high", "high"],
            "modifier_level": ["low", "high", "low", "high"],
            "n": [241, 302, 302, 241],
            "remitters": [113, 147, 98, 126],
            "non_remitters": [128, 155, 204, 115],
            "odds_ratio": [1.0, 1.1, 0.52, 1.22],
            "ci_low": [np.nan, 0.77, 0.36, 0.84],
            "ci_high": [np.nan, 1.58, 0.76, 1.77],
            "is_reference": [True, False, False, False],
            "status": "ok",
        }
    )
    if not with_methods:
        return cells
    rubin = cells.assign(ci_method=cells["is_reference"].map({True: None, False: "rubin_t"}))
    boot = cells.iloc[1:].assign(ci_method="boot_mi_vhb", ci_low=[0.7, 0.3, 0.8])
    return pd.concat([rubin, boot], ignore_index=True)


def interaction_table() -> pd.DataFrame:
    """The ratio of odds ratios by two methods, and rows the forest must ignore."""
    return pd.DataFrame(
        {
            "measure": ["ratio_of_odds_ratios", "ratio_of_odds_ratios", "wald_test", "reri"],
            "scale": ["multiplicative", "multiplicative", "multiplicative", "additive"],
            "estimate": [2.12, 2.12, 8.3, -1.2],
            "ci_low": [1.27, 1.26, np.nan, -2.1],
            "ci_high": [3.53, 3.56, np.nan, -0.3],
            "ci_method": ["rubin_t", "boot_mi_vhb", "d1_f", "delta_rubin_t"],
            "status": "ok",
        }
    )


def slopes_table() -> pd.DataFrame:
    """Simple slopes on a BDNF grid (log OR linear in BDNF) plus five percentile rows."""
    bdnf = np.linspace(1.0, 53.0, 41)
    percentiles = pd.DataFrame({"percentile": [10, 25, 50, 75, 90]})
    percentiles["modifier"] = [12.2, 16.8, 22.0, 27.0, 31.1]
    grid = pd.DataFrame({"percentile": np.nan, "modifier": bdnf})
    table = pd.concat([percentiles, grid], ignore_index=True)
    log_or = -0.2 + 0.006 * table["modifier"]
    half = 0.05 + 0.002 * np.abs(table["modifier"] - 20)
    model = table.assign(
        estimate=log_or,
        std_error=half / 1.96,
        odds_ratio=np.exp(log_or),
        ci_low=np.exp(log_or - half),
        ci_high=np.exp(log_or + half),
        ci_method="rubin_t",
        status="ok",
    )
    boot = model.assign(ci_method="boot_mi_vhb", odds_ratio=np.exp(log_or + 0.3))
    return pd.concat([model, boot], ignore_index=True)


def regions_table() -> pd.DataFrame:
    """Johnson–Neyman regions: pointwise significant between 7.5 and 20 ng/mL, sup-t (over the
    observed 1–53 ng/mL) between 10 and 15 ng/mL."""
    pointwise = pd.DataFrame(
        {
            "method": "pointwise",
            "modifier_from": [-np.inf, 7.5, 20.0],
            "modifier_to": [7.5, 20.0, np.inf],
            "significant": [False, True, False],
            "observed_share": [0.03, 0.38, 0.59],
            "critical_value": 1.96,
            "status": "ok",
        }
    )
    sup_t = pointwise.assign(
        method="sup_t",
        modifier_from=[1.0, 10.0, 15.0],
        modifier_to=[10.0, 15.0, 53.0],
        observed_share=[0.1, 0.2, 0.7],
        critical_value=2.4,
    )
    return pd.concat([pointwise, sup_t], ignore_index=True)


def predictions_table() -> pd.DataFrame:
    """Predicted probabilities across IL-1β at five BDNF percentiles."""
    il1b = np.geomspace(0.07, 4.5, 30)
    rows = []
    for percentile, bdnf, slope in zip(
        [10, 25, 50, 75, 90],
        [12.2, 16.8, 22.0, 27.0, 31.1],
        np.linspace(-0.25, 0.0, 5),
        strict=True,
    ):
        logit = -0.3 + slope * np.log2(il1b)
        probability = 1 / (1 + np.exp(-logit))
        rows.append(
            pd.DataFrame(
                {
                    "exposure": il1b,
                    "modifier_percentile": percentile,
                    "modifier": bdnf,
                    "probability": probability,
                    "ci_low": probability - 0.06,
                    "ci_high": probability + 0.06,
                    "status": "ok",
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


CHOICES = {
    "primary": ("remission", "split", "prespecified", "mice", "lod_sqrt2", "none", "logistic"),
    "complete_case": ("remission", "split", "prespecified", "cc", "lod_sqrt2", "none", "logistic"),
    "response": ("response", "split", "prespecified", "mice", "lod_sqrt2", "none", "logistic"),
    "tertiles": ("remission", "tertiles", "prespecified", "mice", "lod_sqrt2", "none", "logistic"),
    "firth": ("remission", "split", "prespecified", "mice", "lod_sqrt2", "none", "firth"),
}
RATIOS = {"primary": 2.1, "complete_case": 1.7, "response": 2.4, "tertiles": 1.4, "firth": 2.0}


def sensitivity_table() -> pd.DataFrame:
    """One row per analysis × estimand with the choice columns, as sensitivity.tsv has."""
    rows = []
    for analysis, choices in CHOICES.items():
        ratio = RATIOS[analysis]
        estimates = {
            "exposure_or_modifier_low": 1.1 / ratio,
            "exposure_or_modifier_high": 1.1,
            "ratio_of_odds_ratios": ratio,
            "reri": 1 - ratio,
        }
        for estimand, estimate in estimates.items():
            additive = estimand == "reri"
            rows.append(
                {
                    "analysis": analysis,
                    "stratum": "all",
                    "estimand": estimand,
                    "estimate": estimate,
                    "ci_low": estimate - 0.8 if additive else estimate / 1.6,
                    "ci_high": estimate + 0.8 if additive else estimate * 1.6,
                    "ci_method": "delta_rubin_t" if additive else "rubin_t",
                    "status": "ok",
                    **dict(zip(sensitivity.CHOICE_COLUMNS, choices, strict=True)),
                }
            )
    stratified = pd.DataFrame(rows[:4]).assign(analysis="by_step", stratum="treatment_step=1")
    return pd.concat([pd.DataFrame(rows), stratified], ignore_index=True)


def bootstrap_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replicates (2 imputations per resample, log-scale ORs) and the summary of the intervals."""
    rng = np.random.default_rng(np.random.SeedSequence(11))
    n = 60
    replicates = pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(n), 2),
            "imputation": np.tile([1, 2], n),
            **{
                column: rng.normal(centre, 0.2, 2 * n)
                for column, centre in zip(
                    sensitivity.BOOTSTRAP_COLUMNS, [-0.65, 0.1, 0.75, -1.2], strict=True
                )
            },
        }
    )
    summary = pd.DataFrame(
        [
            (*column.split("/"), "boot_mi_vhb", "identity" if "reri" in column else "log", m)
            for column, m in zip(
                sensitivity.BOOTSTRAP_COLUMNS, [-0.65, 0.1, 0.75, -1.2], strict=True
            )
        ],
        columns=["table", "group", "term", "ci_method", "scale", "estimate"],
    )
    summary["ci_low"] = summary["estimate"] - 0.4
    summary["ci_high"] = summary["estimate"] + 0.4
    return replicates, summary


# What maximum likelihood reports for a group without remitters: an odds ratio running off to 0.
SEPARATED = {"status": "separation", "odds_ratio": 4.8e-12, "ci_low": 0.0, "ci_high": np.inf}
# Models whose fit holds the IL-1β-high × BDNF-high cell as a group of its own.
SEPARATED_MODELS = ["stratum_modifier_high", "stratum_exposure_high", "product_lincom"]


def separated_forest_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Models, joint and interaction tables separated by a high/high cell without events."""
    models, joint, interaction = models_table(), joint_table(), interaction_table()
    separated = models["model"].isin(SEPARATED_MODELS)
    models.loc[separated, list(SEPARATED)] = list(SEPARATED.values())
    joint["status"] = "separation"
    high = (joint["exposure_level"] == "high") & (joint["modifier_level"] == "high")
    joint.loc[high, list(SEPARATED)] = list(SEPARATED.values())
    interaction = interaction.assign(status="separation", estimate=2.1e11, ci_high=np.inf)
    return models, joint, interaction


def separated_sensitivity_table() -> pd.DataFrame:
    """sensitivity_table() with the `response` analysis separated (and its runaway estimates)."""
    table = sensitivity_table()
    response = table["analysis"] == "response"
    table.loc[response, "status"] = "separation"
    ratio = response & (table["estimand"] != "reri")
    table.loc[ratio, ["estimate", "ci_low", "ci_high"]] = [4.8e-12, 0.0, np.inf]
    table.loc[response & ~ratio, ["estimate", "ci_low", "ci_high"]] = [-1e11, -np.inf, np.inf]
    return table


# The continuous coding's per-doubling slopes (no RERI: it needs grouped biomarkers).
PER_DOUBLING = {
    "exposure_or_modifier_low": 0.91,
    "exposure_or_modifier_high": 0.97,
    "ratio_of_odds_ratios": 1.05,
}


def family_sensitivity_table() -> pd.DataFrame:
    """sensitivity_table() with a continuous-coding analysis, whose estimates are per doubling."""
    table = sensitivity_table()
    choices = dict(zip(sensitivity.CHOICE_COLUMNS, CHOICES["primary"], strict=True))
    continuous = pd.DataFrame(
        {
            "analysis": "continuous",
            "stratum": "all",
            "estimand": list(PER_DOUBLING),
            "estimate": list(PER_DOUBLING.values()),
            "ci_low": [v / 1.1 for v in PER_DOUBLING.values()],
            "ci_high": [v * 1.1 for v in PER_DOUBLING.values()],
            "ci_method": "rubin_t",
            "status": "ok",
            **choices,
            "coding": "continuous",
        }
    )
    return pd.concat([table, continuous], ignore_index=True)
