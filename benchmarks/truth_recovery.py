"""Each example pair's true log ORs beside their estimates on its synthetic scenario, over seeds.

From the repository root:

    python benchmarks/truth_recovery.py                  # n = 20,000, seeds 1-5
    python benchmarks/truth_recovery.py --n 5000 --seeds 10

For each scenario of config/examples/ (synthetic.scenario), the cohort is simulated without
dropout or missing covariates; the pair is coded by the library (interplay.data.biomarkers) from
the example's settings of the analysis whose model the truth is stated in (primary: median split
and threshold; tnf_sofas: continuous, log2 TNF-α × SOFAS per point), below-LOD IL-6 as LOD/√2;
remission is week-12 HAMD-17 ≤ 7. statsmodels Logit fits the true model's terms. Prints per term
the truth, the mean estimate, the SD of the estimates, the mean SE and the coverage of the 95 %
Wald intervals, and writes results/benchmarks/truth_recovery.png (a row per pair, a panel per
term: each seed's estimate with its 95 % CI, the truth as a line).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

import argparse
import copy
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import statsmodels.api as sm
import yaml
from interplay.data.biomarkers import add_codings
from interplay.data.dictionary import load_dictionary
from interplay.pair import pair_from_settings
from interplay.synthetic.cohort import simulate_cohort
from snakemake.utils import update_config

REPO = Path(__file__).resolve().parents[1]
# {example: the analysis whose model the truth is stated in}
EXAMPLES = {"il6_anxiety": "primary", "serotonin_age": "primary", "tnf_sofas": "continuous"}
TERMS = {
    "split": ("exposure_high", "modifier_high", "exposure_high:modifier_high"),
    "continuous": ("exposure_scaled", "modifier_scaled", "exposure_scaled:modifier_scaled"),
}
Z95 = 1.959963984540054
OUTPUT = REPO / "results" / "benchmarks" / "truth_recovery.png"


def example_pair(name: str) -> tuple[dict, str]:
    """config.yaml with the example overlaid: the truth analysis's pair settings and coding."""
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    overlay = (REPO / "config" / "examples" / f"{name}.yaml").read_text(encoding="utf-8")
    update_config(config, yaml.safe_load(overlay))
    pair = copy.deepcopy(config["pair"])
    update_config(pair, config["analyses"][EXAMPLES[name]].get("pair", {}))
    return pair, pair["coding"]


def fitted_terms(name: str, n: int, seed: int) -> pd.DataFrame:
    """One cohort's estimates and SEs of the pair terms, with their truth."""
    pair, coding = example_pair(name)
    lod = pair["exposure"]["lod"]
    cohort = simulate_cohort(
        n_patients=n,
        n_without_biomarkers=0,
        n_without_followup=0,
        dropout=False,
        missingness=False,
        seed=seed,
        scenario=name,
        lod=lod,
    )
    visits = cohort.visits.pivot(index="patient_id", columns="week", values="hamd")
    data = cohort.baseline.set_index("patient_id")
    marker = pair["exposure"]["column"]
    below = data[marker].str.startswith("<")
    data[marker] = pd.to_numeric(data[marker].mask(below), errors="coerce")
    if lod is not None:
        data.loc[below, marker] = lod / math.sqrt(2)
    data["sex_male"] = (data["sex"] == "male").astype(float)
    data["hamd_baseline"] = visits[0].astype(float)
    coded = add_codings(data, pair_from_settings(pair))
    terms = TERMS[coding]
    coded[terms[2]] = coded[terms[0]].astype(float) * coded[terms[1]].astype(float)
    coefficients = cohort.truth["coefficients"]
    design = sm.add_constant(coded[[t for t in coefficients if t != "intercept"]].astype(float))
    remission = (visits[12] <= 7).astype(float)
    fit = sm.Logit(remission, design).fit(disp=0)
    return pd.DataFrame(
        {
            "scenario": name,
            "seed": seed,
            "term": terms,
            "truth": [coefficients[t] for t in terms],
            "estimate": fit.params[list(terms)].to_numpy(),
            "se": fit.bse[list(terms)].to_numpy(),
        }
    )


def summary(fits: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and term: truth, mean estimate, SD of estimates, mean SE, 95 % coverage."""
    fits = fits.assign(covered=(fits["estimate"] - fits["truth"]).abs() <= Z95 * fits["se"])
    return (
        fits.groupby(["scenario", "term"], sort=False)
        .agg(
            truth=("truth", "first"),
            mean_estimate=("estimate", "mean"),
            sd_estimate=("estimate", "std"),
            mean_se=("se", "mean"),
            coverage=("covered", "mean"),
        )
        .reset_index()
    )


def term_words(name: str) -> tuple[str, tuple[str, str, str]]:
    """The example's pair title and what each of its three terms is, in reader words."""
    pair_settings, coding = example_pair(name)
    dictionary = load_dictionary(REPO / "resources" / "data_dictionary.tsv")
    units = dict(zip(dictionary["column"], dictionary["unit"], strict=True))
    pair = pair_from_settings(pair_settings, units)
    if coding == "continuous":
        main = (pair.exposure.scale_words, pair.modifier.scale_words)
    else:
        main = tuple(
            f"{variable.label} {variable.levels[1]} vs {variable.levels[0]}" for variable in pair
        )
    return pair.title, (*main, "product term")


def plot(fits: pd.DataFrame, path: Path) -> None:
    """A row per scenario, a panel per term: each seed's estimate and 95 % CI, the truth a line."""
    scenarios = list(dict.fromkeys(fits["scenario"]))
    figure, axes = plt.subplots(
        len(scenarios), 3, figsize=(10, 2.6 * len(scenarios)), squeeze=False
    )
    for row, name in zip(axes, scenarios, strict=True):
        rows = fits[fits["scenario"] == name]
        title, words = term_words(name)
        for axis, term, word in zip(row, dict.fromkeys(rows["term"]), words, strict=True):
            one = rows[rows["term"] == term].sort_values("seed")
            axis.errorbar(
                one["seed"], one["estimate"], yerr=Z95 * one["se"], fmt="o", ms=3, capsize=2
            )
            axis.axhline(one["truth"].iloc[0], color="black", lw=1.2)
            axis.set_title(f"{title}: {word}", fontsize=8)
            axis.set_xlabel("seed", fontsize=7)
            axis.tick_params(labelsize=7)
        row[0].set_ylabel("log OR (line: truth)", fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=150)
    plt.close(figure)


def main() -> None:
    """Simulate, fit, print the summary and write the figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="patients per cohort")
    parser.add_argument("--seeds", type=int, default=5, help="cohorts per scenario (seeds 1..)")
    arguments = parser.parse_args()
    fits = pd.concat(
        [
            fitted_terms(name, arguments.n, seed)
            for name in EXAMPLES
            for seed in range(1, arguments.seeds + 1)
        ],
        ignore_index=True,
    )
    with pd.option_context("display.width", 120, "display.float_format", "{:.4f}".format):
        print(summary(fits).to_string(index=False))
    plot(fits, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
