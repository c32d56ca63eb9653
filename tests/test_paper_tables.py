"""The paper tables: crude ORs against Woolf's closed form and R's glm, Table 3's Altman & Bland
test by hand, the interaction frame's ORs against closed forms for every reference cell, and the
tables of a real analysis against the models they come from."""

import copy
import math
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, rscript_or_skip
from interplay import labels
from interplay.analysis.stratified import run_stratified_analysis
from interplay.errors import InputError
from interplay.jobs.config_checks import check_paper_settings
from interplay.report import paper_tables as pt
from interplay.synthetic.dataset import synthetic_analysis_dataset
from interplay.tables import read_table, write_table
from pairs import DEFAULT_PAIR

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
DICTIONARY = REPO / "resources" / "data_dictionary.tsv"
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
Z95 = 1.959963984540054


def settings(**overrides: dict) -> dict:
    """The merged settings of the shipped config.yaml with section overrides."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    for section, values in overrides.items():
        merged[section].update(values)
    return merged


def two_by_two(cells: dict[int, tuple[int, int]], column: str = "exposure_high") -> pd.DataFrame:
    """One row per patient from {exposure value: (events, non-events)}."""
    rows = []
    for value, (events, non_events) in cells.items():
        rows += [(value, 1)] * events + [(value, 0)] * non_events
    return pd.DataFrame(rows, columns=[column, "outcome"])


# Crude odds ratio ---------------------------------------------------------------------------------


def test_crude_odds_ratio_is_woolfs_closed_form() -> None:
    """Exposed 30 events / 50 not, unexposed 20 / 70: OR = 30·70 / (50·20) = 2.1, Woolf
    SE = √(1/30 + 1/50 + 1/20 + 1/70); the Wald test is log OR / SE."""
    crude = pt.crude_odds_ratio(
        two_by_two({1: (30, 50), 0: (20, 70)}), "exposure_high", "logistic", 0.95
    )
    se = math.sqrt(1 / 30 + 1 / 50 + 1 / 20 + 1 / 70)
    assert crude["estimate"] == pytest.approx(2.1, rel=1e-8)
    assert crude["ci_low"] == pytest.approx(2.1 * math.exp(-Z95 * se), rel=1e-7)
    assert crude["ci_high"] == pytest.approx(2.1 * math.exp(Z95 * se), rel=1e-7)
    assert crude["p_value"] == pytest.approx(math.erfc(math.log(2.1) / se / math.sqrt(2)), rel=1e-6)
    assert crude["ci_method"] == "wald_z"


def test_crude_odds_ratio_matches_r_glm(tmp_path) -> None:
    """glm(outcome ~ modifier_high, binomial) with confint.default at 90 %, the Wald z p."""
    rscript = rscript_or_skip()
    rng = np.random.default_rng(11)
    exposure = rng.integers(0, 2, 400)
    outcome = (rng.random(400) < 0.35 + 0.2 * exposure).astype(int)
    data = pd.DataFrame({"modifier_high": exposure, "outcome": outcome})
    data.to_csv(tmp_path / "data.csv", index=False)
    code = (
        f'd <- read.csv("{tmp_path / "data.csv"}"); '
        "f <- glm(outcome ~ modifier_high, family = binomial, data = d); "
        'ci <- exp(confint.default(f, level = 0.90)["modifier_high", ]); '
        'p <- summary(f)$coefficients["modifier_high", 4]; '
        'cat(sprintf("%.12g", c(exp(coef(f)[["modifier_high"]]), ci, p)), sep = "\\n")'
    )
    result = subprocess.run([rscript, "-e", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    expected = [float(v) for v in result.stdout.split()]
    crude = pt.crude_odds_ratio(data, "modifier_high", "logistic", 0.90)
    found = [crude[key] for key in ["estimate", "ci_low", "ci_high", "p_value"]]
    assert found == pytest.approx(expected, rel=1e-6)


# Altman & Bland -----------------------------------------------------------------------------------


def test_stratum_difference_by_hand() -> None:
    """b1 = 0.5 (SE 0.2), b2 = −0.1 (SE 0.3): z = 0.6 / √0.13 = 1.66410, p = 0.09609."""
    z, p = pt.stratum_difference(
        pd.Series({"estimate": 0.5, "std_error": 0.2}),
        pd.Series({"estimate": -0.1, "std_error": 0.3}),
    )
    assert z == pytest.approx(1.6641005886756874, rel=1e-12)
    assert p == pytest.approx(0.0960917, abs=1e-6)


# The interaction frame ----------------------------------------------------------------------------

BETA = {"exposure": -0.65, "modifier": 0.10, "product": 0.75}
HALF_WIDTH = {"exposure": 0.2, "modifier": 0.25, "product": 0.3, "joint": 0.15}


def log_odds(il1b: int, bdnf: int) -> float:
    """The product model's log odds of remission of a cell, up to the intercept."""
    return BETA["exposure"] * il1b + BETA["modifier"] * bdnf + BETA["product"] * il1b * bdnf


def or_row(log_or: float, half_width: float, **columns) -> dict:
    """A table row with a log OR, a symmetric interval on the log scale and p 0.5."""
    return {
        "stratum": "all",
        "odds_ratio": math.exp(log_or),
        "estimate": math.exp(log_or),
        "ci_low": math.exp(log_or - half_width),
        "ci_high": math.exp(log_or + half_width),
        "p_value": 0.5,
        "ci_method": "wald_z",
        "status": "ok",
        **columns,
    }


def framed_tables(reference: tuple[int, int]) -> pt.PaperTableInputs:
    """Models and interaction rows of known coefficients, the joint ORs for non-remission
    against the given reference cell (as interplay.interaction.measures writes them)."""
    lincom = []
    for exposure, modifier in [("exposure", "modifier"), ("modifier", "exposure")]:
        for level, value in [("low", 0), ("high", 1)]:
            log_or = BETA[exposure] + BETA["product"] * value
            term = f"{exposure}_high|{modifier}_{level}"
            lincom.append(or_row(log_or, HALF_WIDTH[exposure], model="product_lincom", term=term))
    group = f"exposure_{pt.ROLE_LEVELS[reference[0]]}_modifier_{pt.ROLE_LEVELS[reference[1]]}"
    joint = []
    for name, (a, b) in {"or_10": (1, 0), "or_01": (0, 1), "or_11": (1, 1)}.items():
        cell = (a ^ reference[0], b ^ reference[1])
        log_or = -(log_odds(*cell) - log_odds(*reference))
        joint.append(or_row(log_or, HALF_WIDTH["joint"], measure=name))
    interaction = pd.DataFrame(
        [
            or_row(BETA["product"], HALF_WIDTH["product"], measure="ratio_of_odds_ratios")
            | {"scale": "multiplicative", "outcome": "remission"},
            *(row | {"scale": "joint_odds_ratio", "outcome": "non_remission"} for row in joint),
        ]
    ).assign(reference_group=lambda t: np.where(t["scale"] == "joint_odds_ratio", group, None))
    return pt.PaperTableInputs(
        name="primary",
        sample=pd.DataFrame(),
        models=pd.DataFrame(lincom).assign(std_error=0.1),
        interaction=interaction,
        estimator="logistic",
        ci_level=0.95,
        outcome="remission",
        pair=DEFAULT_PAIR,
    )


@pytest.mark.parametrize("reference", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_within_stratum_ors_are_the_frames_closed_form(reference: tuple[int, int]) -> None:
    """OR of non-remission for IL-1β at its non-reference level vs its reference level within a
    BDNF level: exp(−(η(ā, b) − η(a, b))); limits follow, swapped when the OR was inverted."""
    tables = framed_tables(reference)
    rows = pd.DataFrame(pt.within_stratum_ors(tables))
    other = {0: 1, 1: 0}
    for _, row in rows.iterrows():
        exposure = "exposure" if row["part"] == "exposure_within_modifier" else "modifier"
        stratum = pt.ROLE_LEVELS.index(
            row["modifier_level" if exposure == "exposure" else "exposure_level"]
        )
        if exposure == "exposure":
            exposed, unexposed = (other[reference[0]], stratum), (reference[0], stratum)
        else:
            exposed, unexposed = (stratum, other[reference[1]]), (stratum, reference[1])
        log_or = -(log_odds(*exposed) - log_odds(*unexposed))
        half = HALF_WIDTH[exposure]
        assert row["estimate"] == pytest.approx(math.exp(log_or), rel=1e-12)
        assert row["ci_low"] == pytest.approx(math.exp(log_or - half), rel=1e-12)
        assert row["ci_high"] == pytest.approx(math.exp(log_or + half), rel=1e-12)


@pytest.mark.parametrize("reference", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_frame_identities_with_the_joint_odds_ratios(reference: tuple[int, int]) -> None:
    """Within the reference level of the other biomarker the within-stratum OR is OR10 (OR01);
    within the other level it is OR11 / OR01 (OR11 / OR10); the ratio of ORs is
    OR11 / (OR10 · OR01)."""
    tables = framed_tables(reference)
    joint = tables.interaction.set_index("measure")["estimate"]
    rows = pd.DataFrame(pt.within_stratum_ors(tables))
    levels = {
        "exposure": pt.ROLE_LEVELS[reference[0]],
        "modifier": pt.ROLE_LEVELS[reference[1]],
    }

    def within(part: str, column: str, level: str) -> float:
        return rows[(rows["part"] == part) & (rows[column] == level)]["estimate"].item()

    assert within(
        "exposure_within_modifier", "modifier_level", levels["modifier"]
    ) == pytest.approx(joint["or_10"])
    assert within(
        "modifier_within_exposure", "exposure_level", levels["exposure"]
    ) == pytest.approx(joint["or_01"])
    other_bdnf = pt.other_level(levels["modifier"])
    other_il1b = pt.other_level(levels["exposure"])
    assert within("exposure_within_modifier", "modifier_level", other_bdnf) == pytest.approx(
        joint["or_11"] / joint["or_01"]
    )
    assert within("modifier_within_exposure", "exposure_level", other_il1b) == pytest.approx(
        joint["or_11"] / joint["or_10"]
    )
    ratio = pt.ratio_in_frame(tables)["estimate"]
    assert ratio == pytest.approx(joint["or_11"] / (joint["or_10"] * joint["or_01"]))


def test_inverting_an_odds_ratio_swaps_and_inverts_its_limits() -> None:
    values = pt.inverted({"estimate": 2.0, "ci_low": 1.25, "ci_high": 4.0, "p_value": 0.01})
    assert values == {"estimate": 0.5, "ci_low": 0.25, "ci_high": 0.8, "p_value": 0.01}


# A real analysis ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def complete_case(tmp_path_factory) -> pt.PaperTableInputs:
    """A 500-patient synthetic cohort's complete-case analysis, as the workflow tabulates it."""
    dataset, _ = synthetic_analysis_dataset(
        tmp_path_factory.mktemp("cohort"), CONFIG, DICTIONARY, n_patients=500
    )
    analysis_settings = settings(missing_data={"method": "complete_case"})
    tables = run_stratified_analysis(dataset, analysis_settings, analysis="complete_case")
    return pt.analysis_tables(
        "complete_case", dataset, analysis_settings, tables["models"], tables["interaction"]
    )


@pytest.fixture(scope="module")
def tables(complete_case) -> dict[str, pd.DataFrame]:
    return pt.paper_tables([complete_case])


def test_sample_is_the_complete_cases_the_models_used(complete_case) -> None:
    models = complete_case.models
    fitted = models[(models["model"] == "exposure") & (models["term"] == "exposure_high")][
        "n"
    ].item()
    assert len(complete_case.sample) == fitted
    assert complete_case.sample[["age", "sofas", "outcome"]].notna().all().all()


def test_table2_counts_crude_and_adjusted(tables, complete_case) -> None:
    table2 = tables["table2"]
    sample = complete_case.sample
    for biomarker in ["exposure", "modifier"]:
        rows = table2[table2["biomarker"] == biomarker].set_index("level")
        by_group = sample.groupby(f"{biomarker}_high")["outcome"].agg(["sum", "size"])
        assert rows["n_events"].tolist() == by_group["sum"].tolist()
        assert rows["n"].tolist() == by_group["size"].tolist()
        assert rows.loc["low", "is_reference"] and rows.loc["low", "crude_or"] == 1
        counts = by_group.to_numpy()
        woolf = (counts[1, 0] * (counts[0, 1] - counts[0, 0])) / (
            (counts[1, 1] - counts[1, 0]) * counts[0, 0]
        )
        assert rows.loc["high", "crude_or"] == pytest.approx(woolf, rel=1e-8)
        adjusted = complete_case.models.set_index(["model", "term"]).loc[
            (biomarker, f"{biomarker}_high")
        ]
        assert rows.loc["high", "adjusted_or"] == adjusted["odds_ratio"]
        assert rows.loc["high", "adjusted_ci_method"] == "wald_z"


def test_table3_rows_come_from_the_stratum_and_product_models(tables, complete_case) -> None:
    table3 = tables["table3"]
    models = complete_case.models.set_index(["model", "term"])
    row = table3[
        (table3["exposure"] == "exposure")
        & (table3["stratum_level"] == "low")
        & (table3["exposure_level"] == "high")
    ].iloc[0]
    assert row["stratum_or"] == models.loc[("stratum_modifier_low", "exposure_high"), "odds_ratio"]
    assert (
        row["product_or"]
        == models.loc[("product_lincom", "exposure_high|modifier_low"), "odds_ratio"]
    )
    cell = complete_case.sample[
        (complete_case.sample["exposure_high"] == 1) & (complete_case.sample["modifier_high"] == 0)
    ]
    assert (row["n_events"], row["n"]) == (cell["outcome"].sum(), len(cell))
    low, high = (
        models.loc[(f"stratum_modifier_{level}", "exposure_high")] for level in ["low", "high"]
    )
    z = (high["estimate"] - low["estimate"]) / math.sqrt(
        high["std_error"] ** 2 + low["std_error"] ** 2
    )
    assert row["stratum_difference_z"] == pytest.approx(z)
    wald = complete_case.interaction.set_index("measure").loc["wald_test"]
    assert row["interaction_wald_p_value"] == wald["p_value"]
    assert row["interaction_wald_test"] == "wald_chi2"
    assert row["interaction_wald_df1"] == 1 and pd.isna(row["interaction_wald_df2"])


def test_interaction_2x2_cells_and_reference(tables, complete_case) -> None:
    table = tables["interaction_2x2"]
    cells = table[table["part"] == "cell"]
    assert cells["is_reference"].tolist() == [True, False, False, False]
    reference = complete_case.interaction.dropna(subset=["reference_group"])
    joint = reference[reference["scale"] == "joint_odds_ratio"]["reference_group"].iloc[0]
    assert set(table["reference_group"]) == {joint}
    assert set(table["outcome"]) == {"non_remission"}
    assert (cells["remitters"] + cells["non_remitters"]).sum() == len(complete_case.sample)
    assert table[table["part"] == "additive"]["measure"].tolist() == ["reri", "ap", "s"]


def test_small_cells_hide_every_count_of_the_analysis(complete_case) -> None:
    protected = pt.paper_tables([complete_case], min_count=10_000)
    for name, columns in pt.COUNT_COLUMNS.items():
        assert protected[name][columns].isna().all().all()
        assert set(protected[name]["suppressed"]) == {True}
    shown = pt.paper_tables([complete_case], min_count=2)
    assert set(shown["table2"]["suppressed"]) == {False}
    assert shown["table2"]["n"].notna().all()


def test_pages_show_labels_not_codes(tables) -> None:
    pages = pt.paper_pages(tables, 0.95, {"complete_case": DEFAULT_PAIR})
    for page in pages.values():
        text = page.split("<body>")[1]
        assert not [code for code in labels.codes_with_labels(DEFAULT_PAIR) if code in text]
    assert "1 (reference)" in pages["table2"] and "OR (95% CI)" in pages["table3"]
    assert "odds of non-remission, against IL-1β" in pages["interaction_2x2"]


def test_refuses_an_analysis_the_tables_cannot_show() -> None:
    with pytest.raises(InputError, match="tertiles"):
        check_paper_settings({"tertiles": settings(pair={"coding": "tertiles"})})
    with pytest.raises(InputError, match="ci_level"):
        check_paper_settings({"primary": settings(), "narrow": settings(models={"ci_level": 0.9})})


def test_reference_rows_read_back_from_the_tsv_show_reference(tmp_path) -> None:
    write_table(pd.DataFrame({"is_reference": [True, False]}), tmp_path / "cells.tsv")
    flags = read_table(tmp_path / "cells.tsv")["is_reference"].to_numpy()  # numpy bools
    assert pt.or_text(1.0, np.nan, np.nan, flags[0]) == pt.PAPER_TABLE_COLUMNS["reference"]
    assert pt.or_text(0.5, 0.25, 1.0, flags[1]) != pt.PAPER_TABLE_COLUMNS["reference"]
