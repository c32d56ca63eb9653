"""Separated and non-converged fits are marked in every estimate table, the log and the report."""

import copy
import logging

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO
from interplay.analysis import fit as analysis
from interplay.models import logistic as models
from interplay.report.pages import report_page
from interplay.synthetic.dataset import synthetic_analysis_dataset

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
DICTIONARY = REPO / "resources" / "data_dictionary.tsv"
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
COMPLETE_CASE = {"missing_data": {"method": "complete_case"}}
# Models whose fit includes the IL-1β-high × BDNF-high cell as a group of its own.
SEPARATED_MODELS = {"product", "stratum_modifier_high", "stratum_exposure_high", "product_lincom"}
TABLES = ["models", "joint", "interaction", "slopes", "johnson_neyman", "predictions"]


def settings(**overrides: dict) -> dict:
    """The shipped config.yaml's analysis settings with section overrides."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    for section, values in overrides.items():
        merged[section].update(values)
    return merged


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> pd.DataFrame:
    """The synthetic cohort's analysis dataset, as the workflow's data rules derive it."""
    return synthetic_analysis_dataset(tmp_path_factory.mktemp("cohort"), CONFIG, DICTIONARY)[0]


def both_high(data: pd.DataFrame) -> pd.Series:
    """Patients high on IL-1β and on BDNF (one joint cell)."""
    return (data["exposure_high"] == 1) & (data["modifier_high"] == 1)


def without_remitters(data: pd.DataFrame, keep: int = 0) -> pd.DataFrame:
    """The data with all but `keep` remitters of the high/high cell turned into non-remitters."""
    remitters = data.index[both_high(data) & (data["outcome"] == 1)]
    return data.assign(outcome=data["outcome"].where(~data.index.isin(remitters[keep:]), 0))


def statuses(table: pd.DataFrame, by: str) -> dict:
    """The status of each group of rows (all rows of a group share one)."""
    grouped = table.groupby(by)["status"].unique()
    assert grouped.map(len).eq(1).all()
    return grouped.map(lambda values: values[0]).to_dict()


def test_a_joint_cell_without_remitters_is_marked_as_separation(dataset, caplog):
    data = without_remitters(dataset)
    with caplog.at_level(logging.WARNING, logger="interplay"):
        tables = analysis.run_analysis(data, settings(**COMPLETE_CASE), analysis="primary")
    joint = tables["joint"].set_index(["exposure_level", "modifier_level"])
    assert joint.loc[("high", "high"), "remitters"] == 0
    # Maximum likelihood has no finite estimate here: the OR it reports is numerically 0.
    assert joint.loc[("high", "high"), "odds_ratio"] < 1e-6
    assert (joint["status"] == "separation").all()
    by_model = statuses(tables["models"], "model")
    assert {m for m, s in by_model.items() if s == "separation"} == SEPARATED_MODELS
    assert {s for m, s in by_model.items() if m not in SEPARATED_MODELS} == {"ok"}
    assert (tables["interaction"]["status"] == "separation").all()
    for name in ["slopes", "johnson_neyman", "predictions"]:  # the continuous model is fine
        assert (tables[name]["status"] == "ok").all()
    messages = [r.getMessage() for r in caplog.records if "separated" in r.getMessage()]
    assert any(m.startswith("joint model: 1 of 1 fits separated") for m in messages)
    assert all("`analyses: {primary: {models: {estimator: firth}}}`" in m for m in messages)


def test_a_joint_cell_with_one_remitter_is_not_separated(dataset):
    data = without_remitters(dataset, keep=1)
    tables = analysis.run_analysis(data, settings(**COMPLETE_CASE))
    assert (
        tables["joint"]
        .set_index(["exposure_level", "modifier_level"])
        .loc[("high", "high"), "remitters"]
        == 1
    )
    for name in TABLES:
        assert (tables[name]["status"] == "ok").all(), name


def test_firth_as_the_message_says_gives_finite_estimates_marked_ok(dataset):
    data = without_remitters(dataset)
    tables = analysis.run_analysis(
        data, settings(**COMPLETE_CASE, models={"estimator": "firth"}), analysis="primary"
    )
    joint = tables["joint"].set_index(["exposure_level", "modifier_level"])
    assert 0.001 < joint.loc[("high", "high"), "odds_ratio"] < 1
    assert np.isfinite(joint["ci_high"].dropna()).all()
    for name in TABLES:
        assert (tables[name]["status"] == "ok").all(), name


def test_one_separated_imputation_marks_the_pooled_rows(dataset):
    """Pooled over imputations, a row is ok only if every imputed data set's fit is."""
    data = dataset.copy()
    for column in CONFIG["covariates"]["sets"]["prespecified"]:
        data[column] = data[column].fillna(data[column].mode()[0])
    copies = [data.assign(**{".imp": number}) for number in range(4)]
    copies[2] = without_remitters(copies[2])
    imputed = pd.concat(copies, ignore_index=True)
    tables = analysis.run_analysis(dataset, settings(), imputed)
    assert (tables["joint"]["status"] == "separation").all()
    by_model = statuses(tables["models"], "model")
    assert by_model["product"] == "separation" and by_model["main_effects"] == "ok"
    assert (tables["models"]["ci_method"] == "rubin_t").all()


def test_complete_separation_and_its_status():
    x = np.r_[np.zeros(20), np.ones(20)]
    frame = pd.DataFrame({"patient_id": range(40), "x": x, "outcome": x.astype(int)})
    assert models.fit_model(frame, ["intercept", "x"]).status == "separation"
    overlapping = frame.assign(outcome=np.r_[np.zeros(15), np.ones(10), np.zeros(5), np.ones(10)])
    assert models.fit_model(overlapping, ["intercept", "x"]).status == "ok"


def test_worst_status_ranks_separation_over_non_convergence():
    assert models.worst_status(["ok", "not_converged", "ok"]) == "not_converged"
    assert models.worst_status(["not_converged", "separation"]) == "separation"
    assert models.worst_status(["ok", "ok"]) == "ok"


def test_report_pages_show_the_status_and_the_firth_option(dataset):
    tables = analysis.run_analysis(without_remitters(dataset), settings(**COMPLETE_CASE))
    for name in ["models", "joint", "interaction"]:
        page = report_page(name, tables[name], " (primary analysis)", "primary")
        assert "<th>Fit</th>" in page and "<td>separation</td>" in page
        assert "Firth" in page and "analyses: {primary: {models: {estimator: firth}}}" in page
    fine = analysis.run_analysis(dataset, settings(**COMPLETE_CASE))
    page = report_page("joint", fine["joint"], " (primary analysis)", "primary")
    assert "<td>ok</td>" in page and "Firth" not in page
