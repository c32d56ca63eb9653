"""Limits of detection written in the cells, biomarker units and the ND hint, as a user meets them.

Exports are written with the csv module (tiny tables) or pandas (the synthetic cohort); expected
values are worked out by hand from the cells written.
"""

import math
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from ingest_tables import BASELINE, DICTIONARY, SCHEDULE, failure, run
from interplay.data.biomarkers import substitute_below_lod
from interplay.data.flow import build_analysis_dataset
from interplay.data.ingest import IngestedCohort, ingest_cohort
from interplay.data.units import likely_unit, shift_decimal, unit_shift
from interplay.errors import InputError
from interplay.synthetic.cohort import simulate_cohort

CONFIG = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())
BIOMARKERS = CONFIG["pair"]


def lods(limit: float) -> dict:
    """Ingestion's limits of detection when IL-1β, the exposure, has this configured limit."""
    return {"il1b": {"lod": limit, "setting": "pair.exposure.lod"}}


def with_il1b(*cells: str) -> dict:
    """The three-patient baseline table with these IL-1β cells."""
    return BASELINE | {"il1b": list(cells)}


def checks(cohort: IngestedCohort) -> dict[str, int]:
    """{check: n_affected} of the warnings table."""
    return dict(zip(cohort.warnings["check"], cohort.warnings["n_affected"], strict=True))


def message(cohort: IngestedCohort, check: str) -> str:
    """The message of one warning."""
    return cohort.warnings.loc[cohort.warnings["check"] == check, "message"].iloc[0]


# Limits written in the cells ---------------------------------------------------------------------


def test_written_limit_is_carried_and_sets_the_substitute(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("<0.2", "<LOD", "0.5"), lods=lods(0.1))
    baseline = cohort.baseline
    assert baseline["il1b_below_lod"].tolist() == [1, 1, 0]
    assert baseline["il1b_lod"].iloc[0] == 0.2
    assert baseline["il1b_lod"].iloc[1:].isna().all()  # <LOD names no number
    for rule, divisor in [("lod_sqrt2", math.sqrt(2)), ("lod_half", 2.0)]:
        substituted = substitute_below_lod(baseline, {**BIOMARKERS, "below_lod": rule})
        # <0.2 → 0.2 / divisor although il1b_lod is 0.1; <LOD → 0.1 / divisor.
        assert substituted["il1b"].tolist() == pytest.approx([0.2 / divisor, 0.1 / divisor, 0.5])
        assert substituted["il1b_lod"].tolist()[:2] == [0.2, 0.1]


def test_the_default_notation_gives_no_warning(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("<0.10", "< 0.1", "0.1"), lods=lods(0.1))
    assert cohort.warnings.empty


def test_a_written_limit_other_than_the_configured_one_is_a_warning(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("<0.10", "<0.2", "0.5"), lods=lods(0.1))
    assert checks(cohort) == {"lod_differs": 1, "several_lods": 2}
    differs = message(cohort, "lod_differs")
    assert "0.2 pg/mL: 1 cell(s)" in differs and "configured 0.1 pg/mL" in differs
    assert "0.1414" in differs  # 0.2 / √2, what the cell becomes
    several = message(cohort, "several_lods")
    assert "2 different limits" in several
    assert "0.1 pg/mL: 1 cell(s), 0.2 pg/mL: 1 cell(s)" in several


def test_cells_written_lod_count_at_the_configured_limit(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("<LOD", "<0.05", "<LOD"), lods=lods(0.1))
    assert checks(cohort) == {"lod_differs": 1, "several_lods": 3}
    assert "0.05 pg/mL: 1 cell(s), 0.1 pg/mL: 2 cell(s)" in message(cohort, "several_lods")


def test_measured_values_below_the_configured_limit_are_kept_and_counted(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("0.05", "0.08", "0.5"), lods=lods(0.1))
    assert cohort.baseline["il1b"].tolist() == [0.05, 0.08, 0.5]
    assert cohort.baseline["il1b_below_lod"].tolist() == [0, 0, 0]
    assert checks(cohort) == {"measured_below_lod": 2}
    text = message(cohort, "measured_below_lod")
    assert "kept as measured" in text and "<0.1" in text and "pair.exposure.lod" in text


def test_measured_values_below_the_largest_written_limit_are_counted(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("<0.5", "0.3", "0.8"), lods=lods(0.1))
    assert checks(cohort) == {"lod_differs": 1, "measured_below_written_lod": 1}
    assert "0.5 pg/mL" in message(cohort, "measured_below_written_lod")


def test_without_a_configured_limit_below_lod_cells_have_no_rule(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=with_il1b("<0.5", "0.3", "0.8"), lods={})
    assert checks(cohort) == {"below_lod_without_rule": 1}  # 0.3 < 0.5 is not compared


def test_bdnf_below_a_limit_has_no_rule_and_is_reported(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=BASELINE | {"bdnf": ["<1", "25", "18.4"]}, lods=lods(0.1))
    assert checks(cohort) == {"below_lod_without_rule": 1}
    assert "leave an analysis that needs it" in message(cohort, "below_lod_without_rule")


def test_a_written_limit_of_zero_is_an_error(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=with_il1b("<0", "0.5", "0.8"))
    assert error.column == "il1b" and error.ids == ["P1"] and "'<0'" in error.problem


# The synthetic cohort as exports ---------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The default synthetic cohort's baseline and visits tables, as text."""
    cohort = simulate_cohort()
    return cohort.baseline, cohort.visits


def export(tmp_path: Path, baseline: pd.DataFrame, visits: pd.DataFrame) -> tuple[Path, Path]:
    """Write the tables as a hospital export with pandas."""
    paths = tmp_path / "baseline.csv", tmp_path / "visits.csv"
    baseline.to_csv(paths[0], index=False)
    visits.to_csv(paths[1], index=False)
    return paths


def ingest(paths: tuple[Path, Path], **settings) -> IngestedCohort:
    """Ingest an export with the default configuration plus these settings."""
    arguments = {"codes": {}, "lods": lods(BIOMARKERS["exposure"]["lod"])} | settings
    return ingest_cohort(*paths, DICTIONARY, {}, schedule=SCHEDULE, **arguments)


def dataset(cohort: IngestedCohort) -> pd.DataFrame:
    """The primary analysis dataset of an ingested cohort."""
    return build_analysis_dataset(
        cohort.baseline, cohort.visits, CONFIG["outcome"], BIOMARKERS
    ).dataset


def scaled_text(cells: pd.Series, shift: int) -> pd.Series:
    """Cells as a lab writes them in another unit: the decimal point moved, limits included."""

    def scale(cell: object) -> str:
        text = str(cell)
        prefix = "<" if text.startswith("<") else ""
        return prefix + format(Decimal(text.lstrip("<")).scaleb(shift).normalize(), "f")

    return cells.map(scale, na_action="ignore")


@pytest.fixture(scope="module")
def reference(synthetic, tmp_path_factory) -> tuple[IngestedCohort, pd.DataFrame]:
    """The synthetic cohort as the default run ingests it, and its analysis dataset."""
    cohort = ingest(export(tmp_path_factory.mktemp("reference"), *synthetic))
    return cohort, dataset(cohort)


def test_bdnf_in_pg_per_ml_stops_the_run_naming_the_unit(synthetic, tmp_path: Path) -> None:
    baseline, visits = synthetic
    in_pg = baseline.assign(bdnf=scaled_text(baseline["bdnf"], 3))
    with pytest.raises(InputError) as caught:
        ingest(export(tmp_path, in_pg, visits))
    error = caught.value
    assert error.column == "bdnf" and error.file.endswith("baseline.csv")
    measured = baseline.loc[baseline["bdnf"].notna(), "patient_id"].tolist()
    assert error.ids == measured  # every measured value is outside 0.01–500 ng/mL
    assert pd.to_numeric(baseline["bdnf"]).median() == pytest.approx(21.99)
    assert "median 21,990 looks like pg/mL" in error.problem  # 21.99 ng/mL written in pg/mL
    assert "looks like pg/mL" in error.problem and "1,000 × larger than in ng/mL" in error.problem
    assert "data.units: {bdnf: pg/mL}" in error.fix


def test_data_units_give_exactly_the_ng_per_ml_dataset(synthetic, reference, tmp_path) -> None:
    baseline, visits = synthetic
    in_pg = baseline.assign(bdnf=scaled_text(baseline["bdnf"], 3))
    converted = ingest(export(tmp_path, in_pg, visits), units={"bdnf": "pg/mL"})
    pd.testing.assert_frame_equal(converted.baseline, reference[0].baseline)
    pd.testing.assert_frame_equal(dataset(converted), reference[1])
    assert checks(converted) == {"unit_converted": int(baseline["bdnf"].notna().sum())}
    text = message(converted, "unit_converted")
    assert "pg/mL" in text and "divided by 1,000" in text


def test_il1b_in_ng_per_ml_with_its_limits_converts_exactly(synthetic, reference, tmp_path) -> None:
    baseline, visits = synthetic
    in_ng = baseline.assign(il1b=scaled_text(baseline["il1b"], -3))
    assert "<0.0001" in set(in_ng["il1b"])
    with pytest.raises(InputError) as caught:
        ingest(export(tmp_path, in_ng, visits))
    assert "looks like ng/mL (= µg/L)" in caught.value.problem
    assert "data.units: {il1b: ng/mL}" in caught.value.fix
    converted = ingest(export(tmp_path, in_ng, visits), units={"il1b": "ug/L"})
    pd.testing.assert_frame_equal(converted.baseline, reference[0].baseline)


def test_a_wrong_data_units_entry_is_named(synthetic, tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        ingest(export(tmp_path, *synthetic), units={"bdnf": "pg/mL"})  # the export is in ng/mL
    assert "reading the file in pg/mL as data.units says" in caught.value.problem
    assert "median 21.99 looks like ng/mL (= µg/L), the unit" in caught.value.problem
    assert caught.value.fix.startswith("the export seems to be in ng/mL already: remove bdnf")


def test_same_sized_unit_changes_nothing(synthetic, reference, tmp_path) -> None:
    converted = ingest(export(tmp_path, *synthetic), units={"bdnf": "µg/L"})
    pd.testing.assert_frame_equal(converted.baseline, reference[0].baseline)
    assert "values unchanged" in message(converted, "unit_converted")


@pytest.mark.parametrize(
    ("units", "words"),
    [
        ({"bdnf": "pg per ml"}, ["unknown unit 'pg per ml'", "pg/mL"]),
        ({"age": "pg/mL"}, ["without a concentration unit: age", "bdnf, il1b"]),
    ],
)
def test_bad_data_units_are_input_errors(tmp_path: Path, units: dict, words: list) -> None:
    error = failure(tmp_path, units=units)
    for word in words:
        assert word in error.message()


def test_a_single_implausible_value_names_the_patient(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=BASELINE | {"bdnf": ["20.1", "2510", "18.4"]})
    assert error.ids == ["P2"]
    assert "plausible range of bdnf (0.01–500 ng/mL, reading the file in ng/mL)" in error.problem
    assert "misplaced decimal point" in error.fix


# The ND hint ------------------------------------------------------------------------------------


def config_snippets(fix: str) -> list[dict]:
    """Every `data.codes: {...}` snippet of a message, read as YAML the way config.yaml is."""
    return [yaml.safe_load(snippet) for snippet in re.findall(r"data\.codes: (\{.*?\}\})", fix)]


@pytest.mark.parametrize("code", ["ND", "BLOD", "below detection", "n.d."])
def test_lab_codes_get_both_meanings_each_with_config_that_works(tmp_path: Path, code) -> None:
    error = failure(tmp_path, baseline=with_il1b(code, "0.5", "0.8"))
    assert error.ids == ["P1"] and error.column == "il1b"
    assert "below the limit of detection" in error.fix and "not done" in error.fix
    assert "-9: null" not in error.fix
    below_lod, missing = config_snippets(error.fix)
    kept = run(tmp_path, baseline=with_il1b(code, "0.5", "0.8"), codes=below_lod).baseline
    assert kept["il1b_below_lod"].tolist() == [1, 0, 0]
    dropped = run(tmp_path, baseline=with_il1b(code, "0.5", "0.8"), codes=missing).baseline
    assert dropped["il1b_below_lod"].tolist() == [0, 0, 0] and pd.isna(dropped["il1b"].iloc[0])


def test_a_zero_in_a_biomarker_column_gets_both_meanings(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=with_il1b("0", "0.5", "0.8"))
    assert 'data.codes: {il1b: {"0": "<LOD"}}' in error.fix
    assert 'data.codes: {il1b: {"0": null}}' in error.fix


def test_nd_mapped_below_the_lod_gives_the_lod_text_dataset(synthetic, reference, tmp_path) -> None:
    baseline, visits = synthetic
    nd = baseline.assign(il1b=baseline["il1b"].replace("<0.10", "ND"))
    as_lod_text = ingest(export(tmp_path, baseline.replace("<0.10", "<LOD"), visits))
    with pytest.raises(InputError) as caught:
        ingest(export(tmp_path, nd, visits))
    below_lod, missing = config_snippets(caught.value.fix)
    mapped = ingest(export(tmp_path, nd, visits), codes=below_lod)
    pd.testing.assert_frame_equal(mapped.baseline, as_lod_text.baseline)
    kept = dataset(mapped)
    pd.testing.assert_frame_equal(kept, reference[1])  # <LOD takes il1b_lod 0.1, as <0.10 does
    assert int(kept["il1b_below_lod"].sum()) == int(reference[1]["il1b_below_lod"].sum()) > 0
    # Mapped to null instead, the below-LOD patients leave the flow for lack of IL-1β.
    lost = build_analysis_dataset(
        ingest(export(tmp_path, nd, visits), codes=missing).baseline,
        mapped.visits,
        CONFIG["outcome"],
        BIOMARKERS,
    )
    assert len(lost.dataset) < len(kept)
    assert not lost.dataset["il1b_below_lod"].any()


def test_written_limits_reach_the_cutpoints_table(synthetic, tmp_path) -> None:
    baseline, visits = synthetic
    below = baseline.index[baseline["il1b"] == "<0.10"]
    batches = baseline.copy()
    batches.loc[below[::2], "il1b"] = "<0.2"  # every other below-LOD patient from a second batch
    cohort = ingest(export(tmp_path, batches, visits))
    assert checks(cohort)["lod_differs"] == len(below[::2])
    result = build_analysis_dataset(cohort.baseline, cohort.visits, CONFIG["outcome"], BIOMARKERS)
    lod_rows = result.cutpoints.loc[result.cutpoints["coding"] == "below_lod"]
    at_limit = result.dataset.loc[result.dataset["il1b_below_lod"] == 1, "il1b_lod"]
    counts = at_limit.value_counts().sort_index()
    assert lod_rows["lod"].tolist() == [0.1, 0.1, 0.2, 0.2]
    assert lod_rows["value"].tolist() == pytest.approx(
        [0.1, 0.1 / np.sqrt(2), 0.2, 0.2 / np.sqrt(2)]
    )
    assert lod_rows["n_patients"].tolist() == [counts[0.1]] * 2 + [counts[0.2]] * 2
    substitutes = result.dataset.loc[result.dataset["il1b_below_lod"] == 1, "il1b"]
    assert sorted(set(substitutes.round(12))) == pytest.approx([0.1 / np.sqrt(2), 0.2 / np.sqrt(2)])


@pytest.mark.parametrize(
    ("median", "read_unit", "expected"),
    [
        (21970.0, "ng/mL", (["pg/mL", "ng/L"], -3)),  # BDNF exported in pg/mL
        (21.97, "pg/mL", (["ng/mL", "µg/L"], 0)),  # data.units says pg/mL, the file is ng/mL
        (21.97, "ng/mL", None),  # fits: single values are wrong, not the unit
        (0.02197, "ng/mL", (["µg/mL", "mg/L"], 3)),  # inside 0.01–500 but far from serum values
    ],
)
def test_likely_unit_of_a_bdnf_median(median, read_unit, expected) -> None:
    assert likely_unit(median, read_unit, "ng/mL", 0.01, 500) == expected


def test_unit_spellings_and_exact_shifts() -> None:
    assert unit_shift("PG/ML", "ng/mL") == -3 and unit_shift("ug/l", "ng/mL") == 0
    assert unit_shift("μg/L", "pg/mL") == 3  # Greek mu as well as the micro sign
    values = pd.Series([21970.0, 0.000574, np.nan])
    assert shift_decimal(values, -3).tolist()[:2] == [21.97, 5.74e-07]
    assert shift_decimal(values, 3).tolist()[1] == 0.574
