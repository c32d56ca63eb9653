"""The interaction surface against R's glm with splines::ns tensor products, closed forms and
simulation with a known threshold surface."""

import subprocess
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, rscript_or_skip
from interplay.errors import InputError
from interplay.figures.style import FigureStyle
from interplay.figures.surface import PANEL_TITLES, surface_figure
from interplay.interaction import surface
from interplay.models import logistic as models
from interplay.report.findings import surface_row
from interplay.report.methods import surface_paragraph
from interplay.report.pages import report_page
from pairs import DEFAULT_PAIR
from scipy import stats
from scipy.special import expit

COVARIATES = ["age"]

# The same models in R: ns() with the knots of interplay's basis, the tensor product built by hand
# (every product of an exposure column with a modifier column), fitted by glm.
R_REFERENCE = """
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
k <- read.csv(args[2])
ex <- splines::ns(d$exposure_scaled, knots = k$exposure[2:(nrow(k) - 1)],
                  Boundary.knots = k$exposure[c(1, nrow(k))])
mo <- splines::ns(d$modifier_scaled, knots = k$modifier[2:(nrow(k) - 1)],
                  Boundary.knots = k$modifier[c(1, nrow(k))])
te <- do.call(cbind, lapply(seq_len(ncol(ex)), function(i) ex[, i] * mo))
control <- glm.control(epsilon = 1e-14, maxit = 100)
smooth <- glm(outcome ~ ex + mo + te + age, family = binomial, data = d, control = control)
linear <- glm(outcome ~ exposure_scaled * modifier_scaled + age, family = binomial, data = d,
              control = control)
lr <- anova(linear, smooth, test = "LRT")
write.csv(data.frame(deviance_smooth = deviance(smooth), deviance_linear = deviance(linear),
                     statistic = lr$Deviance[2], df = lr$Df[2], p_value = lr[2, "Pr(>Chi)"]),
          args[3], row.names = FALSE)
write.csv(data.frame(smooth = fitted(smooth), linear = fitted(linear)), args[4],
          row.names = FALSE)
"""


def surface_data(n: int, truth: str, seed: int) -> pd.DataFrame:
    """A dataset of the default pair (log2 IL-1β, BDNF per SD) and age, outcome from a linear
    interaction or from a threshold surface (remission drops by 1.5 on the logit scale where
    IL-1β exceeds 1 pg/mL and BDNF is below 22 ng/mL, a sixth of the patients)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    exposure_scaled = rng.normal(-0.7, 1.5, n)
    modifier = rng.normal(22, 7.5, n)
    data = pd.DataFrame(
        {
            "patient_id": range(n),
            "exposure": 2**exposure_scaled,
            "exposure_scaled": exposure_scaled,
            "modifier": modifier,
            "modifier_scaled": (modifier - modifier.mean()) / modifier.std(ddof=1),
            "age": rng.normal(55, 15, n),
        }
    )
    eta = -0.2 + 0.01 * (data["age"] - 55)
    if truth == "linear":
        eta += -0.2 * data["exposure_scaled"] + 0.2 * data["modifier_scaled"]
        eta += 0.15 * data["exposure_scaled"] * data["modifier_scaled"]
    else:
        eta += np.where((data["exposure"] > 1) & (data["modifier"] < 22), -1.5, 0.3)
    data["outcome"] = (rng.random(n) < expit(eta)).astype(int)
    return data


def fit(data: pd.DataFrame, df: int = 4) -> tuple[surface.SurfaceBasis, surface.SurfaceFits]:
    """The basis and both models fitted to one data set."""
    basis = surface.surface_basis(data, df)
    return basis, surface.fit_surface_models([data], basis, COVARIATES)


def fitted_probabilities(fits: surface.SurfaceFits, model: str) -> np.ndarray:
    """The model's fitted probabilities in its data set."""
    return expit(fits.designs[model][0].to_numpy() @ fits.fits[model][0].estimates)


def run_r(tmp_path, data: pd.DataFrame, basis: surface.SurfaceBasis):
    """R's deviances, LR test and fitted probabilities of both models."""
    rscript = rscript_or_skip()
    script = tmp_path / "surface.R"
    script.write_text(R_REFERENCE)
    knots = pd.DataFrame({"exposure": basis.exposure_knots, "modifier": basis.modifier_knots})
    paths = [tmp_path / name for name in ("data.csv", "knots.csv", "test.csv", "fitted.csv")]
    data.to_csv(paths[0], index=False, float_format="%.17g")
    knots.to_csv(paths[1], index=False, float_format="%.17g")
    result = subprocess.run(
        [rscript, str(script), *map(str, paths)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return pd.read_csv(paths[2]).iloc[0], pd.read_csv(paths[3])


@pytest.mark.parametrize("truth", ["linear", "threshold"])
def test_deviances_lr_test_and_fitted_probabilities_match_r(tmp_path, truth):
    data = surface_data(800, truth, seed=3)
    basis, fits = fit(data)
    reference, fitted = run_r(tmp_path, data, basis)
    test = surface.surface_test(fits, 4).iloc[0]
    assert test["deviance_smooth"] == pytest.approx(reference["deviance_smooth"], abs=1e-8)
    assert test["deviance_linear"] == pytest.approx(reference["deviance_linear"], abs=1e-8)
    assert test["statistic"] == pytest.approx(reference["statistic"], abs=1e-8)
    assert test["df1"] == reference["df"] == 21
    assert test["p_value"] == pytest.approx(reference["p_value"], rel=1e-7)
    np.testing.assert_allclose(fitted_probabilities(fits, "smooth"), fitted["smooth"], atol=1e-8)
    np.testing.assert_allclose(fitted_probabilities(fits, "linear"), fitted["linear"], atol=1e-8)


def test_basis_is_cubic_between_knots_and_linear_beyond():
    knots = np.array([0.0, 1.0, 2.5, 4.0])
    x = np.linspace(-3, 7, 2001)
    basis = surface.natural_spline_basis(x, knots)
    assert basis.shape == (len(x), 3)
    second = np.gradient(np.gradient(basis, x, axis=0), x, axis=0)
    outside = (x < knots[0] - 0.05) | (x > knots[-1] + 0.05)
    np.testing.assert_allclose(second[outside], 0, atol=1e-6)
    assert np.abs(second[(x > 0.1) & (x < 3.9)]).max() > 0.1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_linear_model_is_nested_in_the_smooth_one(seed):
    data = surface_data(600, "linear", seed)
    _, fits = fit(data)
    # The smooth design spans the linear one's columns: regressing them on it leaves nothing.
    smooth = fits.designs["smooth"][0].to_numpy()
    linear = fits.designs["linear"][0].to_numpy()
    residual = linear - smooth @ np.linalg.lstsq(smooth, linear, rcond=None)[0]
    assert np.abs(residual).max() < 1e-8
    test = surface.surface_test(fits, 4).iloc[0]
    assert test["deviance_linear"] >= test["deviance_smooth"]
    assert test["statistic"] >= 0


def test_d3_over_identical_imputations_is_the_single_data_set_lr_test():
    data = surface_data(600, "threshold", seed=5)
    basis, single = fit(data)
    copies = surface.fit_surface_models([data] * 4, basis, COVARIATES)
    one, pooled = surface.surface_test(single, 4).iloc[0], surface.surface_test(copies, 4).iloc[0]
    assert pooled["method"] == "d3_f" and one["method"] == "lr_chi2"
    assert np.isinf(pooled["df2"])  # no between-imputation variation
    assert pooled["statistic"] * pooled["df1"] == pytest.approx(one["statistic"], rel=1e-6)
    assert pooled["p_value"] == pytest.approx(one["p_value"], rel=1e-5)


def test_the_test_rejects_a_threshold_surface_and_holds_its_level_under_a_linear_truth():
    threshold = [
        surface.surface_test(fit(surface_data(3000, "threshold", s))[1], 4)["p_value"].iloc[0]
        for s in range(5)
    ]
    assert max(threshold) < 0.01
    linear = [
        surface.surface_test(fit(surface_data(400, "linear", s))[1], 3)["p_value"].iloc[0]
        for s in range(100, 160)
    ]
    # 60 tests at the 5 % level: at most 9 rejections has probability 0.99 under a correct size.
    assert sum(p < 0.05 for p in linear) <= stats.binom.ppf(0.99, 60, 0.05)
    # and the p-values are not piled up near 1 (a conservative test): their mean is about 0.5.
    assert 0.35 < np.mean(linear) < 0.65


def test_support_counts_patients_within_half_an_sd_by_brute_force():
    rng = np.random.default_rng(4)
    observed = rng.normal(size=(500, 2)) * [2.0, 0.5]  # unequal spreads: distances in SDs
    points = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 1.2], [9.0, 3.0], [-4.0, -1.0]])
    spread = observed.std(axis=0, ddof=1)
    counts = [
        int((np.hypot(*((observed - p) / spread).T) <= surface.SUPPORT_RADIUS).sum())
        for p in points
    ]
    expected = [count >= surface.SUPPORT_PATIENTS for count in counts]
    assert surface.supported_points(points, observed).tolist() == expected
    assert expected[0] and not expected[3]  # the centre is supported, far outside is not


def test_surface_table_grid_standardisation_and_columns():
    data = surface_data(700, "linear", seed=9)
    tables = surface.surface_tables([data], data, DEFAULT_PAIR, COVARIATES, 4, 10, 0.95)
    table, test = tables["surface"], tables["surface_test"]
    assert list(table.columns) == surface.SURFACE_COLUMNS
    assert list(test.columns) == surface.TEST_COLUMNS
    assert len(table) == 2 * 10 * 10 and set(table["model"]) == {"smooth", "linear"}
    low, high = np.quantile(data["exposure_scaled"], [0.025, 0.975])
    assert table["exposure_scaled"].min() == pytest.approx(low)
    assert table["exposure_scaled"].max() == pytest.approx(high)
    np.testing.assert_allclose(table["exposure"], 2 ** table["exposure_scaled"])
    # g-computation by hand for the linear model at one grid point: every patient's age, the
    # pair set to the grid values, the mean predicted probability.
    row = table[table["model"] == "linear"].iloc[37]
    linear = models.fit_model(data, models.model_terms(surface.LINEAR_TERMS, COVARIATES))
    b = dict(zip(linear.terms, linear.estimates, strict=True))
    x, z = row["exposure_scaled"], row["modifier_scaled"]
    eta = (
        b["intercept"] + b["exposure_scaled"] * x + b["modifier_scaled"] * z
        + b["exposure_scaled:modifier_scaled"] * x * z + b["age"] * data["age"]
    )  # fmt: skip
    assert row["probability"] == pytest.approx(expit(eta).mean(), rel=1e-10)
    assert row["ci_low"] < row["probability"] < row["ci_high"]
    assert table["supported"].dtype == bool and table["supported"].any()
    assert (table["status"] == models.OK).all()


def test_tied_values_that_make_knots_coincide_are_refused_naming_df_and_variable():
    data = surface_data(200, "linear", seed=1)
    lowest = data["exposure_scaled"].min()
    tied = data["exposure_scaled"].rank(method="first") <= 60  # 30 % share one value, as at a LOD
    data.loc[tied, "exposure_scaled"] = lowest
    with pytest.raises(InputError, match=r"surface\.df 4 .* of IL-1β") as error:
        surface.surface_basis(data, 4, ("IL-1β", "BDNF"))
    assert "at most 3" in error.value.fix  # quantiles 0, 1/3 no longer coincide at df 3
    basis = surface.surface_basis(data, 3, ("IL-1β", "BDNF"))
    assert len(np.unique(basis.exposure_knots)) == 4
    columns = basis.columns(data["exposure_scaled"].to_numpy(), data["modifier_scaled"].to_numpy())
    assert np.linalg.matrix_rank(columns) == len(basis.terms)


def test_a_binary_variable_has_no_surface():
    data = surface_data(200, "linear", seed=1)
    pair = DEFAULT_PAIR.__class__(
        DEFAULT_PAIR.exposure, DEFAULT_PAIR.modifier.__class__(
            **{**DEFAULT_PAIR.modifier.__dict__, "kind": "binary", "split": "binary"}
        )
    )  # fmt: skip
    with pytest.raises(InputError, match="binary"):
        surface.surface_tables([data], data, pair, COVARIATES, 4, 10, 0.95)


def test_report_page_of_the_test():
    data = surface_data(500, "threshold", seed=2)
    test = surface.surface_test(fit(data)[1], 4)
    page = report_page("surface_test", test, pair=DEFAULT_PAIR)
    assert "Linear interaction against smooth surface" in page
    assert "Likelihood-ratio χ²" in page and "lr_chi2" not in page


def test_findings_row_and_sentence_state_the_test():
    data = surface_data(500, "threshold", seed=2)
    test = surface.surface_test(fit(data)[1], 4)
    row = surface_row(test.iloc[0], DEFAULT_PAIR)
    assert row["estimand"] == "surface_test" and row["estimate"] == test["statistic"].iloc[0]
    expected = "fits better than" if test["p_value"].iloc[0] < 0.05 else "fits no better than"
    assert expected in row["sentence"]
    assert f"= {test['statistic'].iloc[0]:.2f}" in row["sentence"]
    failed = test.assign(statistic=np.nan, p_value=np.nan, status="not_converged").iloc[0]
    assert "could not be computed (not converged)" in surface_row(failed, DEFAULT_PAIR)["sentence"]


def test_methods_paragraph_names_the_splines_and_the_test():
    text = surface_paragraph({"analyses": ["primary"], "df": 4, "grid_points": 40}, DEFAULT_PAIR)
    assert "natural cubic splines of log2 IL-1β and BDNF per SD" in text
    assert "4 degrees of freedom" in text and "Meng and Rubin, 1992" in text
    assert surface_paragraph({"analyses": [], "df": 4, "grid_points": 40}, DEFAULT_PAIR) == ""


def drawn_figure():
    """The figure of a threshold cohort, cut at the medians (no lod row: the configured LOD)."""
    data = surface_data(600, "threshold", seed=4)
    tables = surface.surface_tables([data], data, DEFAULT_PAIR, COVARIATES, 4, 12, 0.95)
    cutpoints = pd.DataFrame(
        {
            "role": ["exposure", "modifier"],
            "coding": "median",
            "cut": "median",
            "value": [float(data["exposure"].median()), float(data["modifier"].median())],
        }
    )
    return surface_figure(
        tables["surface"], tables["surface_test"], data, cutpoints, DEFAULT_PAIR,
        "Remission at week 12", FigureStyle(),
    )  # fmt: skip


def test_figure_has_both_panels_on_one_colour_scale_and_the_test_in_its_title():
    figure = drawn_figure()
    smooth, linear, bar = figure.axes
    assert smooth.get_title() == PANEL_TITLES["smooth"] and linear.get_xscale() == "log"
    assert smooth.collections[0].get_clim() == linear.collections[0].get_clim()
    assert "Likelihood-ratio χ² (21 df)" in figure.get_suptitle()
    assert bar.get_ylabel() == "Predicted remission at week 12 (%)"


def test_figure_hatches_the_exposure_below_its_lod():
    """DEFAULT_PAIR's IL-1β has an LOD, which the cut-points table lacks: the configured one."""
    figure = drawn_figure()
    for axes in figure.axes[:2]:
        hatched = [p for p in axes.patches if p.get_hatch()]
        assert len(hatched) == 1  # the modifier has no LOD
        left, right = hatched[0].get_x(), hatched[0].get_x() + hatched[0].get_width()
        assert left == pytest.approx(axes.get_xlim()[0])
        assert right == pytest.approx(DEFAULT_PAIR.exposure.lod)
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "IL-1β below its LOD (substituted values)" in labels


def test_test_page_caption_gets_the_synthetic_note_from_its_rule():
    """surface_test_table.rst shows synthetic_caption: report_surface_test must pass it."""
    rules = (REPO / "workflow" / "rules" / "surface.smk").read_text(encoding="utf-8")
    caption = (REPO / "workflow" / "report" / "surface_test_table.rst").read_text(encoding="utf-8")
    assert "snakemake.params.synthetic_caption" in caption
    assert "synthetic_caption=SYNTHETIC_CAPTION" in rules.split("as report_surface_test", 1)[1]


def test_figure_caption_says_the_hatched_range_is_below_the_lod():
    """Rendered as Snakemake's report does; no sentence for a pair without an LOD."""
    import dataclasses

    import jinja2
    from interplay.figures.words import caption_words

    template = jinja2.Environment().from_string(
        (REPO / "workflow" / "report" / "surface.rst").read_text(encoding="utf-8")
    )
    no_lod = dataclasses.replace(
        DEFAULT_PAIR, exposure=dataclasses.replace(DEFAULT_PAIR.exposure, lod=None)
    )
    for pair, shown in ((DEFAULT_PAIR, True), (no_lod, False)):
        params = SimpleNamespace(
            words=caption_words(pair), analysis_label="Primary",
            outcome_label="Remission at week 12", synthetic_caption="",
        )  # fmt: skip
        text = template.render(snakemake=SimpleNamespace(params=params))
        sentence = f"The hatched band left of {DEFAULT_PAIR.exposure.lod:g} pg/mL is IL-1β below"
        assert (sentence in text) is shown
