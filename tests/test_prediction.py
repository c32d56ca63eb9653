"""Prediction measures against closed forms, scikit-learn and statsmodels; Harrell's optimism
against an independent loop of statsmodels fits; Rubin pooling of the c-statistic by hand."""

from pathlib import Path
from types import SimpleNamespace

import jinja2
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from docutils.core import publish_parts
from interplay.api import read_config, settings_of
from interplay.errors import InputError
from interplay.labels import SYNTHETIC_NOTE
from interplay.models import logistic as models
from interplay.prediction import metrics
from interplay.prediction.findings import prediction_finding
from interplay.prediction.models import model_designs, pair_exposures
from interplay.prediction.optimism import data_set_performance, replicate_counts
from interplay.prediction.pooling import pooled_c_statistic
from interplay.report.methods import prediction_paragraph
from interplay.report.pages import prediction_display
from interplay.seeds import stream_key
from pairs import DEFAULT_PAIR
from scipy import stats
from scipy.special import expit, logit
from sklearn.metrics import roc_auc_score

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


def one_row(values) -> np.ndarray:
    """A (1, n) float array."""
    return np.asarray(values, dtype=float)[None, :]


def test_c_statistic_of_a_hand_example_with_ties():
    """Positives 0.35, 0.8, 0.4 against negatives 0.1, 0.4, 0.4: (1 + 3 + 1 + ½·2) / 9 = 2/3."""
    y = np.array([0, 0, 1, 1, 0, 1], float)
    score = one_row([0.1, 0.4, 0.35, 0.8, 0.4, 0.4])
    assert metrics.c_statistic(y, score, np.ones_like(score))[0] == pytest.approx(2 / 3)


def test_c_statistic_weights_count_rows():
    """A frequency weight of 2 is the row twice (rows with weight 0 are left out)."""
    rng = np.random.default_rng(3)
    y = (rng.random(40) < 0.4).astype(float)
    score = np.round(rng.normal(size=40), 1)
    counts = rng.integers(0, 3, size=40).astype(float)
    rows = np.repeat(np.arange(40), counts.astype(int))
    expected = metrics.c_statistic(y[rows], one_row(score[rows]), np.ones((1, len(rows))))
    assert metrics.c_statistic(y, one_row(score), one_row(counts))[0] == pytest.approx(expected[0])


def test_c_statistic_matches_scikit_learn():
    """Rounded scores (many ties), with and without frequency weights, several rows at once."""
    rng = np.random.default_rng(11)
    y = (rng.random(300) < 0.45).astype(float)
    scores = np.round(rng.normal(size=(4, 300)) + y, 1)
    weights = rng.poisson(1.0, size=(4, 300)).astype(float)
    ours = metrics.c_statistic(y, scores, weights)
    plain = metrics.c_statistic(y, scores, np.ones_like(scores))
    for row in range(4):
        assert ours[row] == pytest.approx(
            roc_auc_score(y, scores[row], sample_weight=weights[row]), abs=1e-12
        )
        assert plain[row] == pytest.approx(roc_auc_score(y, scores[row]), abs=1e-12)


def test_brier_score_by_hand():
    """y = (1, 0), p = (0.5, 0.75): (0.25 + 0.5625) / 2."""
    eta = one_row([0.0, np.log(3)])
    assert metrics.brier_score(np.array([1.0, 0.0]), eta, np.ones((1, 2)))[0] == 0.40625


def test_net_benefit_by_hand():
    """y = (1, 1, 0, 0), p = (0.9, 0.3, 0.6, 0.1): at 0.5 one TP and one FP (odds 1) give 0; at
    0.2 two TP and one FP (odds ¼) give 2/4 − ¼·¼; treat all at 0.2: ½ − ½·¼."""
    y = np.array([1, 1, 0, 0], float)
    eta = logit(one_row([0.9, 0.3, 0.6, 0.1]))
    benefit = metrics.net_benefit(y, eta, np.ones((1, 4)), np.array([0.2, 0.5]))
    np.testing.assert_allclose(benefit[0], [0.4375, 0.0], atol=1e-15)
    np.testing.assert_allclose(metrics.treat_all_benefit(y, np.array([0.2])), [0.375])


def test_net_benefit_weights_rows_at_every_threshold():
    """Frequency weights count rows, at every threshold of the grid (against a direct sum)."""
    rng = np.random.default_rng(5)
    y = (rng.random(200) < 0.5).astype(float)
    probability = np.round(rng.random((3, 200)), 3) + 0.0005
    weights = rng.poisson(1.0, size=(3, 200)).astype(float)
    thresholds = metrics.thresholds_from({"from": 0.05, "to": 0.8, "by": 0.01})
    ours = metrics.net_benefit(y, logit(probability), weights, thresholds)
    treated = probability[:, :, None] >= thresholds
    n = weights.sum(axis=1)[:, None]
    tp = (weights[:, :, None] * treated * y[None, :, None]).sum(axis=1) / n
    fp = (weights[:, :, None] * treated * (1 - y)[None, :, None]).sum(axis=1) / n
    np.testing.assert_allclose(ours, tp - fp * thresholds / (1 - thresholds), atol=1e-12)


def simulated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A design (intercept and three covariates) and outcome from a known logistic model."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
    y = (rng.random(n) < expit(x @ np.array([-0.2, 0.8, -0.5, 0.3]))).astype(float)
    return x, y


def test_apparent_calibration_of_a_fitted_model_is_exact():
    """The ML fit's own linear predictor has calibration slope 1 and intercept 0 (score
    equations of a model with an intercept)."""
    x, y = simulated(400, 1)
    beta = sm.Logit(y, x).fit(disp=0, tol=1e-12).params
    eta = one_row(x @ beta)
    ones = np.ones_like(eta)
    assert metrics.calibration_slope(y, eta, ones)[0] == pytest.approx(1.0, abs=1e-8)
    assert metrics.calibration_intercept(y, eta, ones)[0] == pytest.approx(0.0, abs=1e-8)


def test_calibration_of_another_predictor_matches_statsmodels():
    """Slope: Logit(y ~ 1 + η); intercept: GLM binomial of y ~ 1 with offset η."""
    x, y = simulated(400, 2)
    eta = 1.7 * x[:, 1] - 0.3
    slope = sm.Logit(y, np.column_stack([np.ones(400), eta])).fit(disp=0, tol=1e-12).params[1]
    intercept = sm.GLM(y, np.ones(400), family=sm.families.Binomial(), offset=eta).fit().params[0]
    ones = np.ones((1, 400))
    assert metrics.calibration_slope(y, one_row(eta), ones)[0] == pytest.approx(slope, abs=1e-7)
    assert metrics.calibration_intercept(y, one_row(eta), ones)[0] == pytest.approx(
        intercept, abs=1e-8
    )


def test_hanley_mcneil_variance_by_hand():
    """c = 0.8, 50 events and 50 non-events: Q1 = 2/3, Q2 = 1.28/1.8 (Hanley & McNeil eq. 2)."""
    expected = (0.16 + 49 * (2 / 3 - 0.64) + 49 * (1.28 / 1.8 - 0.64)) / 2500
    assert metrics.hanley_mcneil_variance(np.array(0.8), 50, 50) == pytest.approx(expected)


def test_pooled_c_statistic_by_hand():
    """Rubin's rules on logit(c) with delta-method Hanley–McNeil variances, by plain arithmetic."""
    c = np.array([0.70, 0.72, 0.68])
    n1, n0, m = 40, 60, 3
    q1, q2 = c / (2 - c), 2 * c**2 / (1 + c)
    var_c = (c * (1 - c) + (n1 - 1) * (q1 - c**2) + (n0 - 1) * (q2 - c**2)) / (n1 * n0)
    u = var_c / (c * (1 - c)) ** 2
    q = np.log(c / (1 - c))
    qbar, ubar, b = q.mean(), u.mean(), q.var(ddof=1)
    total = ubar + (1 + 1 / m) * b
    df = (m - 1) / ((1 + 1 / m) * b / total) ** 2
    half = stats.t.ppf(0.975, df) * np.sqrt(total)
    expected = expit([qbar, qbar - half, qbar + half])
    np.testing.assert_allclose(pooled_c_statistic(c, n1, n0, 0.95), expected, rtol=1e-10)


def test_replicates_do_not_depend_on_the_chunks():
    """Replicate r's resample comes from its own stream, whichever replicates share its chunk."""
    whole = replicate_counts(7, "primary", 2, range(0, 6), 30)
    np.testing.assert_array_equal(replicate_counts(7, "primary", 2, range(3, 6), 30), whole[3:])
    assert (whole.sum(axis=1) == 30).all()


def reference_optimism(x: np.ndarray, y: np.ndarray, seed: int, replicates: int) -> dict:
    """Harrell's optimism by a loop of statsmodels fits on materialised resamples, measured by
    scikit-learn (c-statistic), numpy (Brier) and statsmodels (calibration slope)."""
    n = len(y)
    differences = {"c_statistic": [], "brier_score": [], "calibration_slope": []}
    for r in range(replicates):
        stream = np.random.SeedSequence(stream_key(seed, "prediction", "t", 0, r))
        rng = np.random.default_rng(stream)
        rows = rng.integers(0, n, size=n)
        beta = sm.Logit(y[rows], x[rows]).fit(disp=0, tol=1e-12).params
        for sample_x, sample_y, key in [(x[rows], y[rows], "boot"), (x, y, "test")]:
            eta = sample_x @ beta
            values = {
                "c_statistic": roc_auc_score(sample_y, eta),
                "brier_score": np.mean((sample_y - expit(eta)) ** 2),
                "calibration_slope": sm.Logit(sample_y, sm.add_constant(eta))
                .fit(disp=0, tol=1e-12)
                .params[1],
            }
            for metric, value in values.items():
                differences[metric].append(value if key == "boot" else -value)
    return {metric: np.sum(values) / replicates for metric, values in differences.items()}


def test_optimism_matches_an_independent_loop():
    """Optimism of the covariates-only model on n = 80 with B = 25, against reference_optimism."""
    x, y = simulated(80, 4)
    design = pd.DataFrame(x, columns=["intercept", "a", "b", "c"])
    designs = {"covariates": design, "pair": design, "interaction": design}
    result = data_set_performance(designs, y, np.array([0.3, 0.5]), (9, "t", 0, 25), "logistic")
    expected = reference_optimism(x, y, 9, 25)
    assert result.replicates == 25
    for metric, value in expected.items():
        assert result.optimism[("covariates", metric, np.nan)] == pytest.approx(value, abs=1e-7)
    assert result.apparent[("covariates", "c_statistic", np.nan)] == pytest.approx(
        roc_auc_score(y, x @ sm.Logit(y, x).fit(disp=0).params)
    )


@pytest.mark.parametrize(
    ("coding", "added"),
    [
        ("split", ["exposure_high", "modifier_high"]),
        ("continuous", ["exposure_scaled", "modifier_scaled"]),
        ("tertiles", ["exposure_t2", "exposure_t3", "modifier_t2", "modifier_t3"]),
    ],
)
def test_the_pair_enters_as_the_analysis_codes_it(coding, added):
    """The pair model adds the coding's two variables; the interaction model adds their products."""
    terms = pair_exposures(coding)
    assert terms["covariates"] == [] and terms["pair"] == added
    products = [t for t in terms["interaction"] if models.PRODUCT in t]
    assert terms["interaction"][: len(added)] == added
    assert len(products) == (4 if coding == "tertiles" else 1)


def test_tertile_indicators_in_the_design():
    """Tertile 1 is the reference: T2 and T3 indicators and their products, NaN kept missing."""
    data = pd.DataFrame(
        {
            "exposure_tertile": [1, 2, 3, np.nan],
            "modifier_tertile": [3, 3, 1, 2],
            "age": [1, 2, 3, 4],
        }
    )
    design = model_designs(data, "tertiles", ["age"])["interaction"]
    np.testing.assert_array_equal(design["exposure_t3"].to_numpy()[:3], [0, 0, 1])
    np.testing.assert_array_equal(design["exposure_t2:modifier_t3"].to_numpy()[:3], [0, 1, 0])
    assert np.isnan(design["exposure_t2"].iloc[3])


def small_prediction_table() -> pd.DataFrame:
    """A prediction table of the primary analysis with chosen c-statistics."""
    rows = [
        ("covariates", "c_statistic", 0.66, 0.64),
        ("pair", "c_statistic", 0.68, 0.655),
        ("interaction", "c_statistic", 0.69, 0.661),
        ("pair_minus_covariates", "c_statistic_difference", 0.02, 0.015),
        ("treat_all", "net_benefit", 0.3, 0.3),
    ]
    return pd.DataFrame(
        {
            "analysis": "primary",
            "model": [r[0] for r in rows],
            "metric": [r[1] for r in rows],
            "threshold": [np.nan] * 4 + [0.2],
            "apparent": [r[2] for r in rows],
            "optimism": [r[2] - r[3] for r in rows],
            "corrected": [r[3] for r in rows],
            "ci_low": np.nan,
            "ci_high": np.nan,
            "n": 100,
            "n_events": 40,
            "imputations": 20,
            "replicates": 4000,
            "status": "ok",
        }
    )


def test_findings_sentence_names_the_corrected_c_statistics():
    """The findings row reads the corrected values of the covariates and pair models."""
    row = prediction_finding(small_prediction_table(), DEFAULT_PAIR)
    assert row["estimate"] == 0.015
    assert "from 0.640 to 0.655 (difference +0.015; with their interaction 0.661" in row["sentence"]
    assert row["sentence"].endswith("Harrell's bootstrap, 200 replicates per imputed set).")
    complete_cases = small_prediction_table().assign(imputations=0, replicates=200)
    sentence = prediction_finding(complete_cases, DEFAULT_PAIR)["sentence"]
    assert sentence.endswith("Harrell's bootstrap, 200 replicates).")


def test_report_page_shows_words_not_codes():
    """Models and measures in words (no code with an underscore), net benefit at 20 %."""
    page = prediction_display(small_prediction_table(), DEFAULT_PAIR)
    assert not page[["Model", "Measure"]].apply(lambda c: c.str.contains("_")).any().any()
    assert page["Measure"].iloc[-1] == "Net benefit at 20% threshold"
    assert page["Model"].iloc[1] == "+ IL-1β and BDNF"


def test_methods_paragraph_states_the_validation_in_tripod_terms():
    """B, the thresholds, which steps are repeated, and MI then bootstrap for the primary."""
    config = read_config(REPO_CONFIG)
    analyses = {name: settings_of(config, name) for name in ["primary", "complete_case"]}
    text = prediction_paragraph(config["prediction"], analyses)
    assert "TRIPOD (Collins et al., 2015)" in text and "B = 200" in text
    assert "from 5% to 80%" in text and "not re-chosen in each resample" in text
    assert "In the imputed analysis (Primary)" in text
    assert prediction_paragraph({"analyses": []}, analyses) == ""


def rule_block(rule_file: str, rule: str) -> str:
    """The text of one rule of a workflow/rules file, up to the next rule."""
    text = (REPO_CONFIG.parent / "workflow" / "rules" / rule_file).read_text(encoding="utf-8")
    return text.split(f"rule {rule}", 1)[1].split("\nrule ", 1)[0]


def test_report_caption_names_the_pair_and_says_when_the_data_are_synthetic():
    """Rendered as Snakemake's report does, with the params report_prediction passes."""
    block = rule_block("report.smk", "report_prediction")
    assert 'words=table_words("primary")' in block
    assert "synthetic_caption=SYNTHETIC_CAPTION" in block
    caption = REPO_CONFIG.parent / "workflow" / "report" / "prediction_table.rst"
    template = jinja2.Environment().from_string(caption.read_text(encoding="utf-8"))
    for note in (SYNTHETIC_NOTE, ""):
        params = SimpleNamespace(
            words={"exposure": "IL-6", "modifier": "HADS anxiety"},
            replicates=200,
            synthetic_caption=note,
        )
        html = publish_parts(
            template.render(snakemake=SimpleNamespace(params=params)), writer="html"
        )["body"]
        assert "adding IL-6 and HADS anxiety (and their interaction)" in html
        assert ("<strong>Synthetic data" in html) is bool(note)


def test_a_threshold_grid_running_backwards_is_refused() -> None:
    with pytest.raises(InputError, match=r"runs from 0\.8 down to 0\.05") as error:
        metrics.thresholds_from({"from": 0.8, "to": 0.05, "by": 0.01})
    assert error.value.column == "prediction.thresholds" and "at most" in error.value.fix
