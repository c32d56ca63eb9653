"""config/examples/week52.yaml runs: week-52 remission, and relapse and sustained response among
the week-12 responders, on the synthetic cohort followed to week 52, with their flow stages and
plain outcome labels."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import QUICK_CONFIG, copy_workflow, run_snakemake

pytestmark = pytest.mark.workflow

EXAMPLE = "config/examples/week52.yaml"
# Small on top of the quick run: no bootstrap, two imputations.
SMALL = "bootstrap: {methods: []}\nmissing_data: {m: 2, iterations: 2}\n"
SUB_COHORTS = ["relapse_after_response", "sustained_response"]
TARGETS = [
    "results/tables/flow.tsv",
    "results/tables/sensitivity.tsv",
    "results/methods.md",
    *(f"results/figures/{name}/flow.png" for name in SUB_COHORTS),
    *(f"results/analyses/{name}/flow.tsv" for name in ["remission_week52", *SUB_COHORTS]),
]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's analyses run to the sensitivity table, methods and sub-cohort flows."""
    workdir = copy_workflow(tmp_path_factory.mktemp("week52"))
    (workdir / "small.yaml").write_text(SMALL, encoding="utf-8")
    result = run_snakemake(workdir, *TARGETS, "--configfile", QUICK_CONFIG, EXAMPLE, "small.yaml")
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir


def flow(workdir: Path, analysis: str) -> pd.DataFrame:
    """An analysis's flow table."""
    return pd.read_csv(workdir / "results" / "analyses" / analysis / "flow.tsv", sep="\t")


def test_the_synthetic_cohort_is_followed_to_week_52(finished: Path) -> None:
    visits = pd.read_csv(finished / "results" / "synthetic" / "visits.csv")
    assert sorted(visits["week"].unique()) == [0, 3, 6, 9, 12, 24, 36, 52]


def test_sub_cohort_analyses_have_their_flow_stages(finished: Path) -> None:
    primary = pd.read_csv(finished / "results" / "tables" / "flow.tsv", sep="\t")
    assert primary["stage"].iloc[-1] == "with_post_baseline_hamd"
    assert flow(finished, "remission_week52")["stage"].tolist() == primary["stage"].tolist()
    for name in SUB_COHORTS:
        table = flow(finished, name)
        assert table["stage"].tolist()[-2:] == ["responding_at_week_12", "rated_after_week_12"]
        leaving = table.set_index("stage")
        assert leaving.loc["responding_at_week_12", "reason"] == ("not responding at week 12")
        assert (leaving["excluded"].iloc[-2:] > 0).all()
        assert (
            table["n"].iloc[:-1].to_numpy() - table["excluded"].iloc[1:].to_numpy()
        ).tolist() == (table["n"].iloc[1:].tolist())
        assert (finished / "results" / "figures" / name / "flow.png").stat().st_size > 0


def test_tables_and_methods_name_the_outcomes(finished: Path) -> None:
    sensitivity = pd.read_csv(finished / "results" / "tables" / "sensitivity.tsv", sep="\t")
    outcomes = sensitivity.drop_duplicates("analysis").set_index("analysis")["outcome"]
    assert outcomes["remission_week52"] == "remission (HAMD ≤ 7), locf, week 52"
    assert outcomes["relapse_after_response"] == (
        "relapse (HAMD ≥ 14) among responding at week 12, locf, week 52"
    )
    assert outcomes["sustained_response"].startswith("response (≥ 50% reduction) among responding")
    methods = (finished / "results" / "methods.md").read_text(encoding="utf-8")
    assert "at weeks 0, 3, 6, 9, 12, 24, 36 and 52" in methods
    assert "Relapse among week-12 responders: relapse, a HAMD-17 total of 14 or more" in methods
    assert "Remission at week 52: remission, a HAMD-17 total of 7 or less at week 52" in methods
