"""Configuration mistakes are reported before any job runs, in a few lines naming file and key."""

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import QUICK_CONFIG, REPO, copy_workflow, planned_jobs, run_snakemake
from interplay.analysis.stratified import run_stratified_analysis
from interplay.covariates import adjustment_covariates
from interplay.data.dictionary import load_dictionary
from interplay.errors import InputError
from interplay.imputation.chained import impute_analysis_dataset
from interplay.jobs.config_checks import (
    COMMAND_LINE,
    ConfigError,
    analyses_to_run,
    analysis_lists_run,
    check_analysis_schemas,
    check_column_references,
    check_schema,
    check_whole_sample_lists,
    config_sources,
    continuous_surface_analyses,
    left_out_note,
    load_schema,
    setting_source,
)
from interplay.jobs.settings import analysis_settings as sections_of
from interplay.jobs.settings import merge_settings
from interplay.sensitivity.summary import sensitivity_table

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SCHEMA = load_schema(REPO / "workflow" / "schemas" / "config.schema.yaml")
DICTIONARY = load_dictionary(REPO / "resources" / "data_dictionary.tsv")
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
MAX_MESSAGE_LINES = 15


def configured(user_yaml: str) -> tuple[dict, list]:
    """config.yaml with a user's --configfile merged in, and where each setting came from."""
    user = yaml.safe_load(user_yaml)
    return merge_settings(CONFIG, user), [("config.yaml", CONFIG), ("mine.yaml", user)]


def config_error(check, user_yaml: str, *arguments) -> ConfigError:
    """The ConfigError a check raises on config.yaml plus the user's settings."""
    config, sources = configured(user_yaml)
    with pytest.raises(ConfigError) as caught:
        check(config, *arguments, sources)
    message = caught.value.message()
    assert len(message.splitlines()) < MAX_MESSAGE_LINES, message
    return caught.value


# Schema ------------------------------------------------------------------------------------------


def test_misspelt_section_names_the_closest_key_in_a_few_lines() -> None:
    error = config_error(check_schema, "outcom:\n  week: 12\n", SCHEMA)
    assert error.key == "outcom" and error.files == ["mine.yaml"]
    assert "closest: outcome" in error.allowed and "rename it to 'outcome'" in error.fix


def test_value_outside_an_enum_lists_the_allowed_values() -> None:
    error = config_error(check_schema, "models:\n  estimator: firht\n", SCHEMA)
    assert error.key == "models.estimator" and error.written == "firht"
    assert error.allowed == "logistic, firth (closest: firth)"


def test_bound_is_written_as_the_allowed_range() -> None:
    error = config_error(check_schema, "bootstrap:\n  mi_replicates: 4\n", SCHEMA)
    assert error.key == "bootstrap.mi_replicates" and error.allowed == "a number of at least 20"


def test_repeated_covariate_is_shown_as_written() -> None:
    error = config_error(check_schema, "covariates:\n  sets:\n    mine: [age, sex, age]\n", SCHEMA)
    assert error.key == "covariates.sets.mine" and error.allowed == "a list without repeated items"
    assert "you wrote: [age, sex, age]" in error.message()


def test_invalid_override_of_an_analysis_names_the_analysis_key() -> None:
    user = "analyses:\n  primary: {}\n  mine:\n    missing_data: {method: multiple}\n"
    error = config_error(check_analysis_schemas, user, SCHEMA)
    assert error.key == "analyses.mine.missing_data.method" and error.files == ["mine.yaml"]
    assert "mice" in error.allowed and "complete_case" in error.allowed


def test_later_sources_win_and_command_line_settings_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    site = tmp_path / "site.yaml"
    site.write_text("models:\n  estimator: firth\n", encoding="utf-8")
    sources = config_sources(["config.yaml"], [site], {"outcome": {"week": "twelve"}})
    assert setting_source(["models", "estimator"], sources) == ["site.yaml"]
    assert setting_source(["outcome", "week"], sources) == [COMMAND_LINE]
    assert setting_source(["seed"], sources) == ["config.yaml"]


# Column references -------------------------------------------------------------------------------


def test_unknown_stratifier_of_an_analysis() -> None:
    user = "analyses:\n  primary: {}\n  by_site:\n    models: {stratify_by: site}\n"
    error = config_error(check_column_references, user, DICTIONARY)
    assert error.key == "analyses.by_site.models.stratify_by" and error.written == "site"
    assert "treatment_step" in error.allowed and error.files == ["mine.yaml"]


@pytest.mark.parametrize(
    ("user", "key"),
    [
        ("covariates:\n  sets:\n    mine: [age, sexx]\n", "covariates.sets.mine"),
        (
            "covariates:\n  sets:\n    prespecified: [age, sexx]\n",
            "covariates.sets.prespecified",
        ),
        (
            "analyses:\n  primary: {}\n  mine:\n    covariates: {sets: {extra: [age, sexx]}}\n",
            "analyses.mine.covariates.sets.extra",
        ),
    ],
)
def test_unknown_covariate_in_a_set(user: str, key: str) -> None:
    error = config_error(check_column_references, user, DICTIONARY)
    assert error.key == key and error.written == "sexx"
    assert "closest: sex" in error.allowed


def test_adjustment_set_naming_no_set() -> None:
    user = "analyses:\n  primary: {}\n  full:\n    covariates: {adjustment_set: ful}\n"
    error = config_error(check_column_references, user, DICTIONARY)
    assert error.key == "analyses.full.covariates.adjustment_set" and error.written == "ful"
    assert error.allowed == "prespecified, unadjusted, paper"


def test_default_configuration_passes() -> None:
    check_schema(CONFIG, SCHEMA)
    check_analysis_schemas(CONFIG, SCHEMA)
    check_column_references(CONFIG, DICTIONARY)


# Which analyses run ------------------------------------------------------------------------------

SHIPPED_ANALYSES = [
    "primary",
    "complete_case",
    "completers",
    "response",
    "tertiles",
    "continuous",
    "unadjusted",
    "paper_covariates",
    "lod_half",
    "lod_exclude",
    "outliers_excluded",
    "firth",
    "by_treatment_step",
]


def test_run_all_runs_every_shipped_analysis_in_order() -> None:
    assert analyses_to_run(CONFIG) == SHIPPED_ANALYSES


def test_run_selects_analyses_in_their_order_under_analyses() -> None:
    config, _ = configured("run: [tertiles, primary, complete_case]\n")
    assert analyses_to_run(config) == ["primary", "complete_case", "tertiles"]


def test_run_naming_no_analysis_suggests_the_closest() -> None:
    error = config_error(analyses_to_run, "run: [primary, tertile]\n")
    assert error.key == "run" and error.written == "tertile" and error.files == ["mine.yaml"]
    assert "closest: tertiles" in error.allowed


def test_run_without_the_primary_analysis_says_to_add_it() -> None:
    error = config_error(analyses_to_run, "run: [complete_case]\n")
    assert error.key == "run" and error.fix == "add primary to run: [primary, complete_case]"


def test_run_written_as_one_name_is_refused_by_the_schema() -> None:
    error = config_error(check_schema, "run: primary\n", SCHEMA)
    assert error.key == "run" and error.allowed == "all or a value of type array"


def test_analysis_lists_keep_only_the_analyses_run() -> None:
    config, _ = configured("run: [primary, tertiles]\n")
    kept = analysis_lists_run(config, ["primary", "tertiles"])
    assert kept == {
        "figures": ["primary"],
        "bootstrap": ["primary"],
        "paper_tables": ["primary"],
        "surface": ["primary"],
        "prediction": ["primary"],
    }
    assert left_out_note(config, kept) == (
        "interplay: not selected by run, so left out of bootstrap.analyses (complete_case); "
        "paper_tables.analyses (complete_case); prediction.analyses (complete_case)"
    )
    assert left_out_note(CONFIG, analysis_lists_run(CONFIG, SHIPPED_ANALYSES)) == ""


def test_paper_tables_of_analyses_not_run_are_refused() -> None:
    config, sources = configured("run: [primary]\npaper_tables:\n  analyses: [complete_case]\n")
    with pytest.raises(ConfigError) as caught:
        analysis_lists_run(config, ["primary"], sources)
    assert caught.value.key == "paper_tables.analyses" and caught.value.files == ["mine.yaml"]
    assert caught.value.allowed == "analyses that run selects: primary"


def test_a_stratified_analysis_is_refused_in_surface_and_prediction_lists() -> None:
    config, sources = configured("prediction:\n  analyses: [primary, by_treatment_step]\n")
    settings = {name: sections_of(config, name) for name in config["analyses"]}
    with pytest.raises(ConfigError) as caught:
        check_whole_sample_lists(config, settings, sources)
    assert caught.value.key == "prediction.analyses" and caught.value.files == ["mine.yaml"]
    assert "stratify_by (treatment_step)" in caught.value.problem
    assert caught.value.fix == "remove 'by_treatment_step' from prediction.analyses"
    check_whole_sample_lists(CONFIG, {n: sections_of(CONFIG, n) for n in CONFIG["analyses"]})


def test_an_analysis_with_a_binary_pair_variable_is_left_out_of_the_surface_with_a_note() -> None:
    config, _ = configured(
        "analyses:\n  married:\n    pair:\n      modifier: {column: unmarried, label: Unmarried,"
        " unit: '', kind: binary, split: binary}\n"
        "surface:\n  analyses: [primary, married, continuous]\n"
    )
    settings = {name: sections_of(config, name) for name in config["analyses"]}
    kept, note = continuous_surface_analyses(config["surface"]["analyses"], settings)
    assert kept == ["primary", "continuous"]
    assert note.endswith("needs two continuous variables: married (Unmarried is binary)")
    assert continuous_surface_analyses(["primary"], settings) == (["primary"], "")


# The same checks in the job, for callers outside Snakemake ---------------------------------------


def cohort(n: int = 400, seed: int = 5) -> pd.DataFrame:
    """An analysis dataset without the optional columns (all missing, as the dataset build does)."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "patient_id": [f"P{i:03d}" for i in range(n)],
            "age": rng.normal(50, 10, n),
            "exposure_high": rng.integers(0, 2, n),
            "modifier_high": rng.integers(0, 2, n),
            "exposure_scaled": rng.normal(0, 1, n),
            "bdnf": rng.normal(22, 7, n),
            "outcome": rng.binomial(1, 0.45, n),
            "living_alone": np.nan,
            "treatment_step": np.nan,
        }
    )
    data["il1b"] = 2 ** data["exposure_scaled"]
    data["modifier_scaled"] = (data["bdnf"] - data["bdnf"].mean()) / data["bdnf"].std()
    return data


def analysis_settings(**models: object) -> dict:
    """Complete-case, unadjusted primary settings with model settings changed."""
    chosen = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    chosen["covariates"]["adjustment_set"] = "unadjusted"
    chosen["missing_data"]["method"] = "complete_case"
    chosen["models"].update(models)
    return chosen


def test_library_refuses_an_unknown_stratifier() -> None:
    with pytest.raises(ConfigError) as caught:
        run_stratified_analysis(cohort(), analysis_settings(stratify_by="site"))
    assert caught.value.key == "models.stratify_by" and caught.value.written == "site"


def test_stratifier_absent_from_the_export_reports_the_analysis_as_not_run() -> None:
    chosen = analysis_settings(stratify_by="treatment_step")
    tables = run_stratified_analysis(cohort(), chosen, analysis="by_treatment_step")
    reason = "not run: the baseline table has no treatment_step column, or it is empty"
    for table in tables.values():
        assert table.to_dict("list") == {"stratum": [reason]}
    summary = sensitivity_table({"by_treatment_step": chosen}, {"by_treatment_step": tables})
    assert summary[["analysis", "stratum"]].values.tolist() == [["by_treatment_step", reason]]
    assert summary["estimate"].isna().all() and summary["covariates"].tolist() == ["unadjusted"]


def test_covariate_set_naming_an_absent_optional_column() -> None:
    covariates = {"adjustment_set": "social", "sets": {"social": ["age", "living_alone"]}}
    with pytest.raises(ConfigError) as caught:
        adjustment_covariates(covariates, dataset=cohort())
    error = caught.value
    assert error.key == "covariates.sets.social" and error.written == "living_alone"
    assert "social" in error.problem and "remove living_alone" in error.fix
    assert error.allowed == "covariates with values: age"


@pytest.mark.parametrize(
    ("covariates", "words"),
    [
        (["age", "living_alone"], "living_alone has no observed value"),
        (["age", "site"], "lacks column(s) site"),
    ],
)
def test_imputation_names_the_covariate_it_cannot_use(covariates: list[str], words: str) -> None:
    with pytest.raises(InputError) as caught:
        impute_analysis_dataset(cohort(), covariates, m=1, iterations=1, seed=1)
    assert caught.value.column == covariates[1] and words in caught.value.problem


# Through Snakemake, as a user runs it ------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the repository."""
    return copy_workflow(tmp_path_factory.mktemp("config_checks"))


@pytest.mark.parametrize(
    ("user", "key"),
    [
        ("outcom:\n  week: 12\n", "key: outcom"),
        ("models:\n  estimator: firht\n", "key: models.estimator"),
        (
            "analyses:\n  primary: {}\n  by_site:\n    models: {stratify_by: site}\n",
            "key: analyses.by_site.models.stratify_by",
        ),
        ("covariates:\n  adjustment_set: full\n", "key: covariates.adjustment_set"),
        ("data:\n  baseline: exports/baseline.csv\n", "key: data.baseline"),
        ("bootstrap:\n  analyses: [primry]\n", "key: bootstrap.analyses"),
        ("figures:\n  analyses: [primary, complete]\n", "key: figures.analyses"),
        ("paper_tables:\n  analyses: [primry]\n", "key: paper_tables.analyses"),
        ("bootstrap:\n  analyses: [firth]\n", "key: bootstrap.analyses"),
        ("run: [primary, tertile]\n", "key: run"),
    ],
)
@pytest.mark.workflow
def test_dry_run_stops_with_a_short_message(workflow_copy: Path, user: str, key: str) -> None:
    (workflow_copy / "mine.yaml").write_text(user, encoding="utf-8")
    result = run_snakemake(workflow_copy, "--dry-run", "--configfile", "mine.yaml")
    assert result.returncode != 0
    message = result.stderr[result.stderr.index("interplay configuration error") :]
    assert len(message.splitlines()) < MAX_MESSAGE_LINES, message
    assert "set in: mine.yaml" in message and key in message
    assert "Traceback" not in result.stderr + result.stdout
    assert "common.smk" not in result.stderr + result.stdout


@pytest.mark.workflow
def test_the_quick_configuration_plans_the_jobs_of_its_analyses_only(workflow_copy: Path) -> None:
    jobs = planned_jobs(workflow_copy, "--configfile", QUICK_CONFIG)
    analyses = {
        part.removeprefix("analysis=")
        for _, wildcards in jobs
        for part in wildcards.split(", ")
        if part.startswith("analysis=")
    }
    assert analyses == {"primary", "complete_case"}
    assert jobs[("sensitivity_summary", "")] == 1 and jobs[("paper_tables", "")] == 1
