"""Additive interaction on the risk scale (RERI_RR, AP_RR, S_RR; conditional and marginal delta
intervals) against closed forms and R, and the reference cell as a setting."""

import copy
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, rscript_or_skip
from interplay.analysis import fit as analysis
from interplay.bootstrap import estimands as est
from interplay.errors import InputError
from interplay.interaction import measures as ia
from interplay.interaction import reference as rf
from interplay.jobs.held_reference import held_reference_name
from interplay.models import logistic as models
from interplay.report.methods import risk_scale_paragraph
from interplay.synthetic.dataset import synthetic_analysis_dataset
from pairs import DEFAULT_PAIR
from scipy import special, stats

ALC = ["alc", "smk", "alc:smk"]
TERMS = ["intercept", *ALC]
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
# (alc, smk) -> (cases, non-cases); non-cases are rarest in (0, 0), so every measure is defined.
COUNTS = {(0, 0): (60, 30), (0, 1): (45, 40), (1, 0): (40, 50), (1, 1): (25, 60)}


def individual_rows(cells: dict) -> pd.DataFrame:
    """One row per person from {(alc, smk): (cases, non-cases)}."""
    rows = []
    for (alc, smk), (cases, controls) in cells.items():
        rows += [(alc, smk, 1)] * cases + [(alc, smk, 0)] * controls
    frame = pd.DataFrame(rows, columns=["alc", "smk", "outcome"])
    return frame.assign(patient_id=range(len(frame)))


def row(table: pd.DataFrame, measure: str, method: str) -> pd.Series:
    """The one row of a measure with a ci_method."""
    found = table[(table["measure"] == measure) & (table["ci_method"] == method)]
    assert len(found) == 1, (measure, method)
    return found.iloc[0]


def test_saturated_model_gives_closed_form_risk_measures():
    """Unadjusted saturated model: risks are the cell proportions, their delta variances
    p(1 − p)/n_cell, and RERI_RR, AP_RR, S_RR the textbook formulas; with no covariates the
    marginal and conditional intervals coincide."""
    data = individual_rows(COUNTS)
    fit = models.fit_model(data, TERMS)
    table = ia.interaction_table([fit], [fit], [data], ALC, "outcome", 0.95, (0, 0), "named")
    p = {cell: controls / (cases + controls) for cell, (cases, controls) in COUNTS.items()}
    n = {cell: cases + controls for cell, (cases, controls) in COUNTS.items()}
    p00, p10, p01, p11 = (p[c] for c in ia.CELLS)
    contrast = p11 - p10 - p01 + p00
    expected = {
        "reri_rr": contrast / p00,
        "ap_rr": contrast / p11,
        "s_rr": (p11 - p00) / (p10 + p01 - 2 * p00),
    }
    variance = {c: p[c] * (1 - p[c]) / n[c] for c in ia.CELLS}
    # delta method by hand: RERI_RR = (p11 − p10 − p01)/p00 + 1
    reri_se = np.sqrt(
        ((p10 + p01 - p11) / p00**2) ** 2 * variance[(0, 0)]
        + (variance[(1, 0)] + variance[(0, 1)] + variance[(1, 1)]) / p00**2
    )
    for measure, value in expected.items():
        conditional = row(table, measure, "delta_wald_z")
        marginal = row(table, measure, "delta_marginal_wald_z")
        assert conditional["estimate"] == pytest.approx(value, rel=1e-7)
        assert marginal["estimate"] == pytest.approx(value, rel=1e-7)
        assert marginal["ci_low"] == pytest.approx(conditional["ci_low"], rel=1e-9)
        assert conditional["scale"] == "additive_risk"
        assert conditional["outcome"] == "non_outcome"
        assert conditional["reference_rule"] == "named"
    reri = row(table, "reri_rr", "delta_wald_z")
    assert half_width_se(reri) == pytest.approx(reri_se, rel=1e-5)
    _, cov = ia.cell_risks([fit], [data], ["alc", "smk"], direction=-1)
    np.testing.assert_allclose(np.diag(cov[0]), [variance[c] for c in ia.CELLS], rtol=1e-5)
    assert np.abs(ia.covariate_covariances([fit], [data], ["alc", "smk"])).max() < 1e-15


def test_recoding_against_another_reference_relabels_the_cells():
    """Against reference (1, 1), p00 is the risk of cell (1, 1) and p11 that of (0, 0)."""
    risks = np.array([[0.2, 0.3, 0.4, 0.7]])  # CELLS order: 00, 10, 01, 11
    recoded = risks @ ia.recoding((1, 1)).T
    np.testing.assert_allclose(recoded, [[0.7, 0.4, 0.3, 0.2]])
    reri, ap, log_s = ia.risk_ratio_values(recoded)[0]
    assert reri == pytest.approx((0.2 - 0.4 - 0.3 + 0.7) / 0.7)
    assert ap == pytest.approx((0.2 - 0.4 - 0.3 + 0.7) / 0.2)
    assert np.isnan(log_s)  # p11 < p00: S undefined


def test_risk_ratio_gradients_match_finite_differences():
    recoded = np.array([[0.31, 0.45, 0.52, 0.83]])
    analytic = ia.risk_ratio_gradients(recoded)[0]
    step = 1e-6
    numeric = np.column_stack(
        [
            (ia.risk_ratio_values(recoded + step * e) - ia.risk_ratio_values(recoded - step * e))[0]
            / (2 * step)
            for e in np.eye(4)
        ]
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6)


def covariate_data(seed: int, n: int = 600) -> pd.DataFrame:
    """Two binary exposures, a continuous covariate strongly related to the outcome; non-outcome
    is least likely in cell (1, 0)."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {"alc": rng.integers(0, 2, n), "smk": rng.integers(0, 2, n), "age": rng.normal(0, 1, n)}
    )
    logit = -0.3 + 0.6 * data["alc"] + 0.4 * data["smk"] - 0.7 * data.alc * data.smk + data["age"]
    data["outcome"] = (rng.uniform(size=n) < special.expit(logit)).astype(float)
    return data.assign(patient_id=range(n))


R_MARGINAL = r"""
data <- read.csv(commandArgs(TRUE)[1])
fit <- glm(outcome ~ alc * smk + age, family = binomial, data = data)
cells <- list(c(1, 0), c(0, 0), c(1, 1), c(0, 1))  # p00, p10, p01, p11 against reference (1, 0)
risks_at <- function(beta) {
  sapply(cells, function(cell) {
    x <- cbind(1, cell[1], cell[2], data$age, cell[1] * cell[2])
    1 - mean(plogis(x %*% beta))
  })
}
each <- sapply(cells, function(cell) {
  x <- cbind(1, cell[1], cell[2], data$age, cell[1] * cell[2])
  1 - plogis(x %*% coef(fit))
})
measure <- function(q) {
  ic <- q[4] - q[2] - q[3] + q[1]
  c(ic, ic / q[1], ic / q[4], log(q[4] - q[1]) - log(q[2] + q[3] - 2 * q[1]))
}
beta <- coef(fit)
h <- 1e-6
jacobian <- sapply(seq_along(beta), function(j) {
  e <- replace(numeric(length(beta)), j, h)
  (risks_at(beta + e) - risks_at(beta - e)) / (2 * h)
})
conditional <- jacobian %*% vcov(fit) %*% t(jacobian)
n <- nrow(data)
centred <- sweep(each, 2, colMeans(each))
marginal <- conditional + crossprod(centred) / n^2
q <- risks_at(beta)
g <- sapply(1:4, function(k) {
  e <- replace(numeric(4), k, h)
  (measure(q + e) - measure(q - e)) / (2 * h)
})
out <- data.frame(
  measure = c("ic", "reri_rr", "ap_rr", "s_rr"),
  value = measure(q),
  conditional = sqrt(diag(g %*% conditional %*% t(g))),
  marginal = sqrt(diag(g %*% marginal %*% t(g)))
)
write.csv(out, commandArgs(TRUE)[2], row.names = FALSE)
"""


def test_conditional_and_marginal_delta_match_r(tmp_path):
    """R: glm, numerical derivatives of the standardised risks and of the measures, vcov for the
    coefficient part and the centred per-patient predictions for the covariate part."""
    rscript = rscript_or_skip()
    data = covariate_data(5)
    data.to_csv(tmp_path / "data.csv", index=False, float_format="%.17g")
    (tmp_path / "marginal.R").write_text(R_MARGINAL, encoding="utf-8")
    subprocess.run(
        [
            rscript,
            str(tmp_path / "marginal.R"),
            str(tmp_path / "data.csv"),
            str(tmp_path / "r.csv"),
        ],
        check=True,
        timeout=120,
    )
    reference = pd.read_csv(tmp_path / "r.csv").set_index("measure")
    fit = models.fit_model(data, ["intercept", *ALC, "age"])
    table = ia.interaction_table([fit], [fit], [data], ALC, "outcome", 0.95, (1, 0), "named")
    for measure, expected in reference.iterrows():
        for method, column in [
            ("delta_wald_z", "conditional"),
            ("delta_marginal_wald_z", "marginal"),
        ]:
            found = row(table, measure, method)
            low, high = found["ci_low"], found["ci_high"]
            if measure == "s_rr":
                low, high = np.log(low), np.log(high)
                assert np.log(found["estimate"]) == pytest.approx(expected["value"], rel=1e-7)
            else:
                assert found["estimate"] == pytest.approx(expected["value"], rel=1e-7)
            se = (high - low) / (2 * stats.norm.ppf(0.975))
            assert se == pytest.approx(expected[column], rel=1e-5), (measure, method)
    assert (reference["marginal"] > reference["conditional"]).all()


def test_marginal_interval_covers_the_bootstrap_spread():
    """The marginal delta SE of RERI_RR is the nonparametric bootstrap SE (within 12 %); the
    conditional one, missing the covariate average's variance, is smaller."""
    data = covariate_data(11, n=800)
    terms = ["intercept", *ALC, "age"]
    fit = models.fit_model(data, terms)
    table = ia.interaction_table([fit], [fit], [data], ALC, "outcome", 0.95, (1, 0), "named")
    rng = np.random.default_rng(3)
    values = []
    for _ in range(400):
        resample = data.iloc[rng.integers(0, len(data), len(data))].reset_index(drop=True)
        refit = models.fit_model(resample, terms)
        risks, _ = ia.cell_risks([refit], [resample], ["alc", "smk"], direction=-1)
        values.append(ia.risk_ratio_values(risks @ ia.recoding((1, 0)).T)[0, 0])
    spread = np.std(values, ddof=1)
    marginal = row(table, "reri_rr", "delta_marginal_wald_z")
    conditional = row(table, "reri_rr", "delta_wald_z")
    assert half_width_se(marginal) == pytest.approx(spread, rel=0.12)
    assert half_width_se(conditional) < half_width_se(marginal)


def half_width_se(found: pd.Series) -> float:
    """The standard error of a Wald z row from its interval."""
    return (found["ci_high"] - found["ci_low"]) / (2 * stats.norm.ppf(0.975))


def test_rubin_pooling_of_the_risk_measures():
    """m = 2: the mean of the per-set estimates, total variance W + (1 + 1/m) B and a t interval
    with Barnard & Rubin's (1999) degrees of freedom, computed by hand."""
    sets = [covariate_data(21), covariate_data(22)]
    terms = ["intercept", *ALC, "age"]
    fits = [models.fit_model(d, terms) for d in sets]
    mains = [models.fit_model(d, ["intercept", "alc", "smk", "age"]) for d in sets]
    pooled = ia.interaction_table(fits, mains, sets, ALC, "outcome", 0.95, (1, 0), "named")
    singles = [
        ia.interaction_table([f], [r], [d], ALC, "outcome", 0.95, (1, 0), "named")
        for f, r, d in zip(fits, mains, sets, strict=True)
    ]
    m, complete_df = 2, 600 - len(terms)
    for method in ["delta_rubin_t", "delta_marginal_rubin_t"]:
        single = [row(t, "reri_rr", method.replace("rubin_t", "wald_z")) for t in singles]
        estimates = np.array([r["estimate"] for r in single])
        within = np.mean([half_width_se(r) ** 2 for r in single])
        between = estimates.var(ddof=1)
        total = within + (1 + 1 / m) * between
        share = (1 + 1 / m) * between / total
        df_old = (m - 1) / share**2
        df_observed = (complete_df + 1) / (complete_df + 3) * complete_df * (1 - share)
        df = 1 / (1 / df_old + 1 / df_observed)
        found = row(pooled, "reri_rr", method)
        assert found["estimate"] == pytest.approx(estimates.mean(), rel=1e-9)
        half_width = stats.t.ppf(0.975, df) * np.sqrt(total)
        assert found["ci_high"] - found["estimate"] == pytest.approx(half_width, rel=1e-7)


def primary_settings(**models_settings) -> dict:
    """The shipped settings with complete cases and the given models options."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    merged["missing_data"]["method"] = "complete_case"
    merged["models"].update(models_settings)
    return merged


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> pd.DataFrame:
    return synthetic_analysis_dataset(
        tmp_path_factory.mktemp("cohort"),
        CONFIG,
        REPO / "resources" / "data_dictionary.tsv",
        n_patients=500,
        seed=7,
    )[0]


def reference_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows against the reference cell of non-<outcome>."""
    return table[table["scale"].isin(["joint_odds_ratio", "additive", "additive_risk"])]


def test_each_analysis_reproduces_the_lowest_risk_choice(dataset):
    table = analysis.run_analysis(dataset, primary_settings(additive_reference="each_analysis"))
    interaction = table["interaction"]
    product = table["models"].query("model == 'product'").set_index("term")["estimate"]
    lowest = ia.lowest_risk_cell(product[analysis.PRODUCT_TERMS].to_numpy(), direction=-1)
    rows = reference_rows(interaction)
    assert set(rows["reference_group"]) == {ia.cell_name(lowest, analysis.PRODUCT_TERMS[:2])}
    assert set(rows["reference_rule"]) == {"each_analysis"}
    assert interaction.loc[~interaction.index.isin(rows.index), "reference_rule"].isna().all()
    primary = analysis.run_analysis(dataset, primary_settings(additive_reference="primary"))
    pd.testing.assert_frame_equal(
        primary["interaction"].drop(columns="reference_rule"),
        interaction.drop(columns="reference_rule"),
    )


@pytest.mark.parametrize("rule", ["named", "primary"])
def test_a_named_or_held_cell_is_used_for_every_measure(dataset, rule):
    cell = "exposure_low_modifier_low"
    options = (
        {"additive_reference": cell}
        if rule == "named"
        else {"additive_reference": "primary", rf.HELD_KEY: cell}
    )
    table = analysis.run_analysis(dataset, primary_settings(**options))["interaction"]
    rows = reference_rows(table)
    assert set(rows["reference_group"]) == {cell} and set(rows["reference_rule"]) == {rule}
    ors = table[table["scale"] == "joint_odds_ratio"].set_index("measure")["estimate"]
    product = analysis.run_analysis(dataset, primary_settings())["models"]
    beta = product.query("model == 'product'").set_index("term")["estimate"]
    # against (0, 0), non-<outcome> OR10 = exp(−β_A)
    assert ors["or_10"] == pytest.approx(np.exp(-beta["exposure_high"]), rel=1e-9)
    plan = analysis.read_plan(primary_settings(**options))
    blueprint = est.blueprint(plan, dataset, np.zeros(len(analysis.plan_terms(plan, "product"))))
    assert blueprint.reference == (0, 0)


def test_held_reference_is_read_from_the_whole_sample_rows(tmp_path):
    table = pd.DataFrame(
        {
            "stratum": ["all", "all", "treatment_step=1"],
            "scale": ["joint_odds_ratio", "multiplicative", "joint_odds_ratio"],
            "reference_group": ["exposure_high_modifier_high", "exposure_low_modifier_low", "x"],
        }
    )
    assert held_reference_name(table, "t.tsv") == "exposure_high_modifier_high"
    with pytest.raises(InputError, match="single whole-sample reference"):
        held_reference_name(table.assign(stratum="treatment_step=1"), "t.tsv")


def test_an_unknown_cell_is_refused():
    with pytest.raises(InputError, match="not a cell"):
        rf.reference_choice({"additive_reference": "exposure_mid_modifier_low"})


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("primary", "chosen once, in the primary analysis"),
        ("each_analysis", "chosen afresh in each analysis"),
        ("exposure_low_modifier_low", "(IL-1β low, BDNF low) was fixed in advance"),
    ],
)
def test_methods_text_says_how_the_reference_was_chosen(setting, words):
    primary = {"models": {"additive_reference": setting}, "outcome": CONFIG["outcome"]}
    group = "exposure_high_modifier_high" if setting == "primary" else setting
    interaction = pd.DataFrame({"scale": ["additive_risk"], "reference_group": [group]})
    text = risk_scale_paragraph(primary, DEFAULT_PAIR, interaction)
    assert words in text and "over the covariate distribution" in text


@pytest.mark.parametrize("reference", ia.CELLS)
def test_one_delta_function_gives_ic_and_the_risk_ratios(reference):
    """additive_risk_delta: IC, RERI_RR, AP_RR, S_RR of the risks recoded against the reference
    (closed forms), IC's variance w Σ w' with w the ±1 weights of the recoded cells."""
    risks = np.array([[0.30, 0.45, 0.40, 0.80]])  # (0, 0), (1, 0), (0, 1), (1, 1)
    covariance = np.diag([0.001, 0.002, 0.003, 0.004])[None] + 0.0005
    table = ia.additive_risk_delta(risks, covariance, reference, np.inf, 0.95).set_index("term")
    by_cell = dict(zip(ia.CELLS, risks[0], strict=True))
    p00, p10, p01, p11 = (by_cell[ia.original_cell(c, reference)] for c in ia.CELLS)
    contrast = p11 - p10 - p01 + p00
    weights = np.array(
        [1.0 if sum(ia.original_cell(c, reference)) % 2 == 0 else -1 for c in ia.CELLS]
    )
    defined = p11 > p00 and p10 + p01 > 2 * p00
    synergy = (p11 - p00) / (p10 + p01 - 2 * p00) if defined else np.nan
    assert list(table.index) == ["ic", "reri_rr", "ap_rr", "s_rr"]
    np.testing.assert_allclose(
        table["estimate"],
        [contrast, contrast / p00, contrast / p11, synergy],
        rtol=1e-12,
    )
    assert table.loc["ic", "std_error"] == pytest.approx(np.sqrt(weights @ covariance[0] @ weights))


def test_reference_cell_is_the_held_one_else_the_lowest_risk_cell_of_the_complement():
    """The interaction table and the bootstrap choose the reference cell by one rule."""
    beta = np.array([-1.0, 0.5, 0.2])  # log-odds of the outcome: 00 0, 10 −1, 01 0.5, 11 −0.3
    assert ia.reference_cell(None, beta) == (0, 1)  # the complement's lowest odds
    assert ia.reference_cell((1, 1), beta) == (1, 1)


def test_an_undefined_synergy_index_is_logged_with_its_reason(caplog):
    """Against the highest-risk cell of non-outcome, OR11 < 1 and p11 < p00: S and S_RR are NA,
    and the log says which condition fails."""
    data = individual_rows(COUNTS)
    fit = models.fit_model(data, TERMS)
    table = ia.interaction_table([fit], [fit], [data], ALC, "outcome", 0.95, (1, 1), "named")
    assert np.isnan(row(table, "s", "delta_wald_z")["estimate"])
    assert np.isnan(row(table, "s_rr", "delta_wald_z")["estimate"])
    assert "The synergy index S of non_outcome against the reference" in caplog.text
    assert "OR11 ≤ 1 in 1 of 1 data sets" in caplog.text
    assert "p11 ≤ p00 in 1 of 1 data sets" in caplog.text


def test_the_coverage_benchmark_has_a_strongly_prognostic_covariate_scenario():
    """benchmarks/coverage.py --scenario prognostic: baseline HAMD recovered at log-OR −1.5 per SD
    (n = 20,000), and the interval over the covariate distribution is then wider than the
    conditional one."""
    import importlib.util

    path = REPO / "benchmarks" / "coverage.py"
    spec = importlib.util.spec_from_file_location("coverage_benchmark", path)
    coverage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(coverage)
    covariates = coverage.SCENARIOS["prognostic"]
    data = coverage.simulate(np.random.default_rng(5), False, covariates, n=20_000)
    data["hamd_centred"] = data["hamd_baseline"] - 20.0
    fit = models.fit_model(data, ["intercept", "exposure_high", "hamd_centred"])
    per_sd = fit.estimates[fit.index("hamd_centred")] * data["hamd_baseline"].std()
    assert per_sd == pytest.approx(-1.5, abs=0.1)
    tables = analysis.run_analysis(data.iloc[:1086], coverage.settings("complete_case", 1, 1))
    table = tables["interaction"]
    conditional = row(table, "reri_rr", "delta_wald_z")
    marginal = row(table, "reri_rr", "delta_marginal_wald_z")
    widths = [r["ci_high"] - r["ci_low"] for r in (conditional, marginal)]
    assert widths[1] > widths[0]
