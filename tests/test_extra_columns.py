"""Columns declared in config data.extra_columns: validated like dictionary columns, analysable."""

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import statsmodels.api as sm
from ingest_tables import BASELINE, DICTIONARY, REPO, SCHEDULE, VISITS, changed, write_table
from interplay import api
from interplay.data.biomarkers import CODING_COLUMNS
from interplay.data.dictionary import FIELDS, load_dictionary
from interplay.data.extra_columns import check_extra_covariates, with_extra_columns
from interplay.data.flow import LEADING_COLUMNS
from interplay.data.ingest import ingest_cohort
from interplay.errors import InputError
from interplay.jobs.config_checks import ConfigError

AUDIT = {"type": "integer", "unit": "points", "min": 0, "max": 40, "required": True}
IL6 = {"type": "biomarker", "unit": "pg/mL", "min": 0, "plausible_min": 0.01, "plausible_max": 1000}
TWO_ANALYSES = {"primary": {}, "complete_case": {"missing_data": {"method": "complete_case"}}}
SITE = {"type": "category", "levels": ["seoul", "busan"]}
EXTRAS = {"audit": AUDIT, "il6": IL6, "site": SITE}
EXTRA_CELLS = {
    "audit": ["3", "12", "40"],
    "il6": ["1.5", "2", "0.8"],
    "site": ["seoul"] * 2 + ["busan"],
}
# The same three columns as rows of a dictionary file (the reference: a dictionary column).
FILE_ROWS = [
    "baseline\taudit\tinteger\tpoints\t0\t40\t\t\t\tyes\t",
    "baseline\til6\tbiomarker\tpg/mL\t0\t\t0.01\t1000\t\tno\t",
    "baseline\tsite\tcategory\t\t\t\t\t\tseoul|busan\tno\t",
]


def dictionary_file(tmp_path: Path) -> pd.DataFrame:
    """The shipped dictionary with the three extra columns written into the file."""
    path = tmp_path / "dictionary.tsv"
    shipped = (REPO / "resources" / "data_dictionary.tsv").read_text(encoding="utf-8")
    path.write_text(shipped + "\n".join(FILE_ROWS) + "\n", encoding="utf-8")
    return load_dictionary(path)


def ingest(folder: Path, dictionary: pd.DataFrame, baseline: dict, **settings):
    """Ingest the tiny tables with the given dictionary."""
    arguments = {"columns": {}, "codes": {}, "schedule": SCHEDULE} | settings
    return ingest_cohort(
        write_table(folder / "baseline.csv", baseline),
        write_table(folder / "visits.csv", VISITS),
        dictionary,
        **arguments,
    )


def error_of(folder: Path, dictionary: pd.DataFrame, baseline: dict) -> InputError:
    """The InputError ingesting the baseline table raises."""
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        ingest(folder, dictionary, baseline)
    return caught.value


def test_declared_columns_are_the_rows_of_a_dictionary_file(tmp_path: Path) -> None:
    declared = with_extra_columns(DICTIONARY, EXTRAS)
    pd.testing.assert_frame_equal(declared, dictionary_file(tmp_path))
    assert list(declared.columns) == list(FIELDS)


def test_no_declaration_leaves_the_dictionary_as_it_is() -> None:
    assert with_extra_columns(DICTIONARY, {}) is DICTIONARY


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("audit", "41", "outside the allowed range (0–40 points)"),
        ("audit", "3.5", "are not whole numbers"),
        ("il6", "0", "outside the allowed range (> 0 pg/mL)"),
        ("il6", "2500", "plausible range of il6"),
        ("site", "daegu", "not among the allowed codes (seoul, busan)"),
    ],
)
def test_bad_values_get_the_messages_of_a_dictionary_column(
    tmp_path: Path, column: str, cell: str, words: str
) -> None:
    baseline = changed(BASELINE | EXTRA_CELLS, column, 1, cell)
    declared = error_of(tmp_path / "declared", with_extra_columns(DICTIONARY, EXTRAS), baseline)
    written = error_of(tmp_path / "written", dictionary_file(tmp_path), baseline)
    assert declared.message().replace("declared", "written") == written.message()
    assert words in declared.message() and declared.ids == ["P2"] and declared.column == column


def test_a_required_declared_column_must_be_in_the_export(tmp_path: Path) -> None:
    baseline = {k: v for k, v in (BASELINE | EXTRA_CELLS).items() if k != "audit"}
    error = error_of(tmp_path / "declared", with_extra_columns(DICTIONARY, EXTRAS), baseline)
    assert "required column 'audit' not found" in error.message()


def test_an_optional_declared_column_may_be_absent(tmp_path: Path) -> None:
    cohort = ingest(tmp_path, with_extra_columns(DICTIONARY, EXTRAS), BASELINE | EXTRA_CELLS)
    assert cohort.baseline["audit"].tolist() == [3, 12, 40]
    without = {k: v for k, v in (BASELINE | EXTRA_CELLS).items() if k not in ("il6", "site")}
    (tmp_path / "without").mkdir()
    cohort = ingest(tmp_path / "without", with_extra_columns(DICTIONARY, EXTRAS), without)
    assert "il6" not in cohort.baseline and "site" not in cohort.baseline


def test_declared_columns_are_renamed_recoded_and_converted(tmp_path: Path) -> None:
    baseline = BASELINE | {
        "AUDIT total": ["3", "-9", "40"],
        "IL6_ngml": ["0.0015", "0.002", "0.0008"],
        "centre": ["1", "1", "2"],
    }
    cohort = ingest(
        tmp_path,
        with_extra_columns(DICTIONARY, EXTRAS),
        baseline,
        columns={"baseline": {"audit": "AUDIT total", "il6": "IL6_ngml", "site": "centre"}},
        codes={"audit": {-9: None}, "site": {1: "seoul", 2: "busan"}},
        units={"il6": "ng/mL"},
        warn_missing_fraction=0.2,
    )
    assert cohort.baseline["il6"].tolist() == [1.5, 2.0, 0.8]
    assert cohort.baseline["site"].tolist() == ["seoul", "seoul", "busan"]
    assert cohort.baseline["audit"].isna().tolist() == [False, True, False]
    checks = cohort.warnings.set_index("column")["check"]
    assert checks["il6"] == "unit_converted" and checks["audit"] == "missing_fraction"


def test_below_lod_text_in_a_declared_biomarker_is_an_error(tmp_path: Path) -> None:
    baseline = changed(BASELINE | EXTRA_CELLS, "il6", 2, "<0.5")
    error = error_of(tmp_path / "declared", with_extra_columns(DICTIONARY, EXTRAS), baseline)
    assert error.ids == ["P3"] and error.column == "il6"
    assert "applies only to a pair variable with a configured lod" in error.message()
    assert 'data.codes: {il6: {"<0.5": null}}' in error.fix
    assert "pair.exposure.lod" in error.fix


def test_below_lod_text_in_a_declared_pair_biomarker_with_a_lod_is_read(tmp_path: Path) -> None:
    baseline = changed(changed(BASELINE | EXTRA_CELLS, "il6", 2, "<0.5"), "il6", 1, "0.3")
    lods = {"il6": {"lod": 0.4, "setting": "pair.exposure.lod"}}
    cohort = ingest(tmp_path, with_extra_columns(DICTIONARY, EXTRAS), baseline, lods=lods)
    assert cohort.baseline["il6_below_lod"].tolist() == [0, 0, 1]
    assert cohort.baseline["il6_lod"].iloc[2] == 0.5 and cohort.baseline["il6"].isna().iloc[2]
    # <0.5 differs from the configured 0.4; 0.3 lies below 0.4: each warning names the setting.
    warned = cohort.warnings.set_index("check")
    assert set(warned.index) >= {"lod_differs", "measured_below_lod"}
    assert set(warned["column"]) == {"il6"}
    assert all("pair.exposure.lod" in text for text in warned["message"])


def test_a_stata_export_with_declared_columns_gives_the_csv_tables(tmp_path: Path) -> None:
    dictionary = with_extra_columns(DICTIONARY, EXTRAS)
    csv_cohort = ingest(tmp_path, dictionary, BASELINE | EXTRA_CELLS)
    numbers = pd.DataFrame(BASELINE | EXTRA_CELLS).astype(
        {c: float for c in BASELINE if c not in ("patient_id", "sex")}
        | {"audit": float, "il6": float}
    )
    pyreadstat.write_dta(numbers, tmp_path / "baseline.dta")
    pyreadstat.write_dta(
        pd.DataFrame(VISITS).astype({"week": float, "hamd": float}), tmp_path / "visits.dta"
    )
    stata = ingest_cohort(
        tmp_path / "baseline.dta", tmp_path / "visits.dta", dictionary, {}, {}, SCHEDULE
    )
    pd.testing.assert_frame_equal(stata.baseline, csv_cohort.baseline)


@pytest.mark.parametrize(
    ("extras", "words"),
    [
        ({"site": {"type": "category", "levels": ["seoul"]}}, "category columns without levels"),
        ({"age": {"type": "number"}}, "'age', a column the data dictionary"),
        ({"exposure_high": {"type": "binary"}}, "'exposure_high', a column the data dictionary"),
        ({"il1b": {"type": "biomarker"}}, "'il1b', a column the data dictionary"),
        ({"bdnf_lod": {"type": "number"}}, "'bdnf_lod', a column the data dictionary"),
        ({"crp": {"type": "biomarker", "table": "visits"}}, "a biomarker in the visits table"),
    ],
)
def test_a_bad_declaration_is_refused_naming_its_key(extras: dict, words: str) -> None:
    with pytest.raises(InputError) as caught:
        with_extra_columns(DICTIONARY, extras)
    name = next(iter(extras))
    assert f"data.extra_columns.{name}" in caught.value.message()
    assert words in caught.value.message() and caught.value.fix


def test_two_declared_biomarkers_may_not_share_lod_columns() -> None:
    with pytest.raises(InputError, match="'crp_lod'"):
        with_extra_columns(
            DICTIONARY, {"crp": {"type": "biomarker"}, "crp_lod": {"type": "number"}}
        )


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"type": "text"}, "data.extra_columns.il6.type"),
        ({"unit": "pg/mL"}, "data.extra_columns.il6"),
        ({"type": "number", "maximum": 3}, "data.extra_columns.il6.maximum"),
        ({"type": "number", "min": "zero"}, "data.extra_columns.il6.min"),
    ],
)
def test_the_schema_refuses_a_malformed_entry(entry: dict, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        api.read_config({"data": {"extra_columns": {"il6": entry}}})
    assert caught.value.key == key


def test_a_declared_category_is_refused_as_a_covariate() -> None:
    config = api.read_config(
        {
            "data": {"extra_columns": EXTRAS},
            "analyses": {**TWO_ANALYSES, "by_site": {"models": {"stratify_by": "site"}}},
        }
    )
    check_extra_covariates(config)
    config["analyses"]["by_site"]["covariates"] = {"sets": {"with_site": ["age", "site"]}}
    with pytest.raises(InputError) as caught:
        check_extra_covariates(config)
    assert caught.value.file == "configuration analyses.by_site.covariates.sets.with_site"
    assert caught.value.column == "site" and "models.stratify_by" in caught.value.fix


def export_with_extras(config: dict, folder: Path) -> tuple[Path, Path]:
    """The synthetic baseline export with AUDIT (some missing), IL-6 in ng/mL and a site."""
    baseline, visits = api.write_synthetic_cohort(config, folder)
    table = pd.read_csv(baseline, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(15)
    audit = rng.integers(0, 41, len(table)).astype(str)
    audit[rng.random(len(table)) < 0.1] = ""
    table["AUDIT"] = audit
    table["il6_ng_ml"] = [f"{value:.6f}" for value in rng.lognormal(0.5, 0.6, len(table)) / 1000]
    table["site"] = rng.choice(["seoul", "busan"], len(table))
    exported = folder / "export.csv"
    table.to_csv(exported, index=False, quoting=csv.QUOTE_MINIMAL)
    return exported, visits


@pytest.fixture(scope="module")
def extra_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, api.IngestedCohort]:
    """A 300-patient export with three declared columns, read under a config that uses them."""
    config = api.read_config(
        {
            "synthetic": {"n_patients": 300},
            "data": {
                "extra_columns": EXTRAS,
                "columns": {"baseline": {"audit": "AUDIT", "il6": "il6_ng_ml"}},
                "units": {"il6": "ng/mL"},
            },
            "covariates": {
                "sets": {"with_extras": ["age", "sex", "audit", "il6"]},
                "adjustment_set": "with_extras",
            },
            "missing_data": {"m": 2, "iterations": 2},
            "analyses": {
                **TWO_ANALYSES,
                "by_site": {
                    "missing_data": {"method": "complete_case"},
                    "models": {"stratify_by": "site"},
                },
            },
        }
    )
    baseline, visits = export_with_extras(config, tmp_path_factory.mktemp("extras"))
    dictionary = REPO / "resources" / "data_dictionary.tsv"
    return config, api.read_cohort(baseline, visits, dictionary, config)


def test_declared_columns_reach_the_analysis_dataset(extra_run) -> None:
    config, cohort = extra_run
    dataset = api.build_dataset(cohort, config).dataset
    pair = ["il1b", "il1b_below_lod", "il1b_lod", "bdnf"]  # the default pair, IL-1β with its LOD
    expected = [*LEADING_COLUMNS, *pair, *CODING_COLUMNS, "audit", "il6", "site"]
    assert list(dataset.columns) == expected
    assert dataset["il6"].between(0.01, 1000).all() and dataset["audit"].isna().any()


def test_a_declared_covariate_enters_the_model_as_fitted_by_statsmodels(extra_run) -> None:
    config, cohort = extra_run
    models = api.analyse(cohort, config, "complete_case").models
    fitted = models[models["model"] == "exposure"].set_index("term")
    data = api.build_dataset(cohort, config).dataset.dropna(subset=["audit"])
    design = sm.add_constant(
        data[["exposure_high", "age", "audit", "il6"]].assign(
            sex_male=(data["sex"] == "male") * 1.0
        )
    ).astype(float)
    reference = sm.Logit(data["outcome"].astype(float), design).fit(disp=0)
    for term in ["exposure_high", "audit", "il6", "sex_male"]:
        assert fitted.loc[term, "estimate"] == pytest.approx(reference.params[term], rel=1e-6)
        assert fitted.loc[term, "std_error"] == pytest.approx(reference.bse[term], rel=1e-6)


def test_a_missing_declared_covariate_is_imputed(extra_run) -> None:
    config, cohort = extra_run
    models = api.analyse(cohort, config, "primary").models
    audit = models[(models["model"] == "exposure") & (models["term"] == "audit")]
    n_patients = len(api.build_dataset(cohort, config).dataset)
    assert audit["ci_method"].tolist() == ["rubin_t"] and audit["n"].tolist() == [n_patients]


def test_a_declared_category_stratifies_an_analysis(extra_run) -> None:
    config, cohort = extra_run
    joint = api.analyse(cohort, config, "by_site").joint
    assert sorted(joint["stratum"].unique()) == ["site=busan", "site=seoul"]


def test_a_declared_visits_column_is_validated_and_kept_in_the_visits(tmp_path: Path) -> None:
    dictionary = with_extra_columns(
        DICTIONARY, {"sleep": {"table": "visits", "type": "integer", "min": 0, "max": 6}}
    )
    baseline = BASELINE | {"hamd_baseline": ["20", "22", "19"]}
    # P3 has no week-0 visit: the row added for its hamd_baseline has no sleep rating.
    visits = VISITS | {"week": ["0", "3", "0", "12", "12"], "sleep": ["1", "2", "", "4", "3"]}
    for name, table in (("baseline.csv", baseline), ("visits.csv", visits)):
        write_table(tmp_path / name, table)
    arguments = (tmp_path / "baseline.csv", tmp_path / "visits.csv", dictionary, {}, {}, SCHEDULE)
    cohort = ingest_cohort(*arguments)
    assert cohort.visits["sleep"].fillna(-1).tolist() == [1, 2, -1, 4, -1, 3]
    write_table(tmp_path / "visits.csv", changed(visits, "sleep", 0, "7"))
    with pytest.raises(InputError, match=r"outside the allowed range \(0–6\)"):
        ingest_cohort(*arguments)
