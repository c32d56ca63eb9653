"""The library as a package for notebooks: installable, lean to import, and interplay.api."""

import copy
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import interplay
import pandas as pd
import pytest
import yaml
from conftest import REPO
from interplay import api
from interplay.data.ingest import IngestedCohort
from interplay.errors import InputError
from interplay.jobs.code_version import imported_modules
from interplay.jobs.config_checks import ConfigError
from interplay.tables import write_table
from snakemake.utils import validate

PACKAGE_DIR = REPO / "workflow" / "scripts" / "interplay"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
DICTIONARY = REPO / "resources" / "data_dictionary.tsv"
# Modules `import interplay` must not load: workflow jobs and notebooks pay for them only when used.
HEAVY_MODULES = ["numpy", "pandas", "scipy", "statsmodels", "matplotlib", "jsonschema", "yaml"]


def python(code: str, cwd: Path, path: Path) -> str:
    """Run code in a fresh, isolated interpreter that imports from `path` only; its stdout."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(path)!r}); {code}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_import_interplay_loads_no_heavy_module(tmp_path: Path) -> None:
    loaded = python(
        f"import interplay; print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))",
        tmp_path,
        PACKAGE_DIR.parent,
    )
    assert loaded.strip() == "[]"


@pytest.mark.workflow  # as slow as a workflow job
def test_pip_install_gives_the_whole_package(tmp_path: Path) -> None:
    """A plain `pip install .` of a copy of the project holds every module, at its version and
    nothing else of workflow/scripts (pip fetches setuptools for the build, as for a user)."""
    project = tmp_path / "project"
    scripts = PACKAGE_DIR.parent
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(scripts, project / scripts.relative_to(REPO), ignore=ignore)
    for item in ["pyproject.toml", "README.md"]:
        shutil.copy2(REPO / item, project / item)
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    install = subprocess.run([*pip, str(project)], capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    installed = sorted(p.relative_to(target) for p in (target / "interplay").rglob("*.py"))
    assert installed == sorted(p.relative_to(PACKAGE_DIR.parent) for p in PACKAGE_DIR.rglob("*.py"))
    shown = python(
        "import interplay; print(interplay.__file__, interplay.__version__)", tmp_path, target
    )
    location, version = shown.split()
    assert Path(location).is_relative_to(target)
    assert version == interplay.__version__
    assert sorted(p.name for p in target.iterdir() if p.suffix != ".dist-info") == ["interplay"]


# interplay.api against the workflow ---------------------------------------------------------------

# Analyses compared with the default run: complete cases, imputations (Rubin's rules), and strata.
COMPARED_ANALYSES = ["complete_case", "primary", "by_treatment_step"]


@pytest.fixture(scope="module")
def notebook(completed_workflow: Path) -> tuple[dict, IngestedCohort]:
    """The default run's configuration and synthetic cohort, read through interplay.api."""
    config = api.read_config(completed_workflow / "config.yaml")
    synthetic = completed_workflow / "results" / "synthetic"
    dictionary = completed_workflow / "resources" / "data_dictionary.tsv"
    cohort = api.read_cohort(
        synthetic / "baseline.csv", synthetic / "visits.csv", dictionary, config
    )
    return config, cohort


def assert_written_as(table: pd.DataFrame, expected: Path, scratch: Path) -> None:
    """The table, written as the workflow writes its tables, has exactly expected's bytes."""
    written = scratch / expected.name
    write_table(table, written)
    assert written.read_bytes() == expected.read_bytes(), expected


@pytest.mark.workflow
def test_cohort_and_dataset_are_the_workflows(
    notebook: tuple[dict, IngestedCohort], completed_workflow: Path, tmp_path: Path
) -> None:
    config, cohort = notebook
    results = completed_workflow / "results"
    data = api.build_dataset(cohort, config)
    for table, expected in [
        (cohort.baseline, results / "data" / "baseline.csv"),
        (cohort.visits, results / "data" / "visits.csv"),
        (cohort.warnings_by_patient, results / "data" / "data_warnings_by_patient.tsv"),
        # Count tables, unchanged by suppression while privacy.min_cell_count is null.
        (cohort.warnings, results / "tables" / "data_warnings.tsv"),
        (data.flow, results / "tables" / "flow.tsv"),
        (data.dataset, results / "data" / "analysis_dataset.csv"),
        (data.exclusions, results / "data" / "exclusions.tsv"),
        (data.cutpoints, results / "tables" / "cutpoints.tsv"),
    ]:
        assert_written_as(table, expected, tmp_path)


@pytest.mark.workflow
@pytest.mark.parametrize("analysis", COMPARED_ANALYSES)
def test_analysis_tables_are_the_workflows(
    notebook: tuple[dict, IngestedCohort], completed_workflow: Path, tmp_path: Path, analysis: str
) -> None:
    config, cohort = notebook
    folder = completed_workflow / "results" / "analyses" / analysis
    tables = api.analyse(cohort, config, analysis)
    for field in fields(api.AnalysisTables):
        model_based = folder / "model_based" / f"{field.name}.tsv"
        expected = model_based if model_based.exists() else folder / f"{field.name}.tsv"
        assert_written_as(getattr(tables, field.name), expected, tmp_path)


# Settings and errors ----------------------------------------------------------------------------

# The analyses a partial configuration needs: the ones bootstrap and paper_tables name by default.
TWO_ANALYSES = {"primary": {}, "complete_case": {"missing_data": {"method": "complete_case"}}}


def test_config_defaults_are_those_snakemake_fills_in() -> None:
    """Snakemake's own schema validation is the reference for the keys a config leaves out."""
    partial = {
        "missing_data": {"m": 5},
        "data": {"columns": {"baseline": {"age": "Age"}}},
        "analyses": TWO_ANALYSES,
    }
    reference = copy.deepcopy(partial)
    validate(reference, str(SCHEMA))
    assert api.read_config(partial) == reference
    shipped = yaml.safe_load((REPO / "config.yaml").read_text())
    validate(shipped, str(SCHEMA))
    assert api.read_config(REPO / "config.yaml") == shipped


def test_settings_of_an_analysis_merge_its_overrides() -> None:
    settings = api.settings_of(
        {"analyses": {**TWO_ANALYSES, "ci90": {"models": {"ci_level": 0.9}}}}, "ci90"
    )
    assert settings["models"]["ci_level"] == 0.9
    assert settings["missing_data"]["method"] == "mice"
    with pytest.raises(ConfigError) as caught:
        api.settings_of(REPO / "config.yaml", "complete_cases")
    assert caught.value.key == "analyses" and "complete_case" in caught.value.allowed


def test_a_missing_schema_says_where_to_find_it(tmp_path: Path) -> None:
    """As after a plain `pip install .`, which copies the package without workflow/schemas/."""
    with pytest.raises(InputError) as caught:
        api.read_config(REPO / "config.yaml", schema=tmp_path / "config.schema.yaml")
    assert "schema=" in caught.value.fix


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"modles": {}}, "modles"),
        ({"models": {"ci_level": 2}}, "models.ci_level"),
        (
            {"analyses": {**TWO_ANALYSES, "wide": {"models": {"ci_level": 2}}}},
            "analyses.wide.models.ci_level",
        ),
    ],
)
def test_config_errors_name_the_key(config: dict, key: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        api.read_config(config)
    assert caught.value.key == key
    written = tmp_path / "config.yaml"
    written.write_text(yaml.safe_dump(config))
    with pytest.raises(ConfigError) as caught:
        api.read_config(written)
    assert caught.value.key == key and caught.value.files == [str(written)]


@pytest.fixture
def small_cohort(tmp_path: Path) -> tuple[dict, Path, Path]:
    """A configuration for a 40-patient synthetic cohort, and its baseline and visits files."""
    config = api.read_config(
        {"synthetic": {"n_patients": 40, "missingness": False}, "analyses": TWO_ANALYSES}
    )
    return config, *api.write_synthetic_cohort(config, tmp_path)


def test_export_errors_are_the_workflows(small_cohort: tuple[dict, Path, Path]) -> None:
    """A repeated patient and a covariate the dictionary lacks stop read_cohort as they stop the
    workflow's ingestion and configuration checks."""
    config, baseline, visits = small_cohort
    lines = baseline.read_text().splitlines(keepends=True)
    repeated = baseline.with_name("repeated.csv")
    repeated.write_text("".join([*lines, lines[1]]))
    with pytest.raises(InputError) as caught:
        api.read_cohort(repeated, visits, DICTIONARY, config)
    assert caught.value.column == "patient_id" and caught.value.ids == [lines[1].split(",")[0]]
    unknown = api.read_config(
        {"covariates": {"sets": {"prespecified": ["age", "shoe_size"]}}, "analyses": TWO_ANALYSES}
    )
    with pytest.raises(ConfigError) as caught:
        api.read_cohort(baseline, visits, DICTIONARY, unknown)
    assert caught.value.written == "shoe_size"


def test_paper_covariates_need_table1(small_cohort: tuple[dict, Path, Path]) -> None:
    config, baseline, visits = small_cohort
    paper = {
        **config,
        "analyses": {**TWO_ANALYSES, "paper": {"covariates": {"adjustment_set": "paper"}}},
    }
    cohort = api.read_cohort(baseline, visits, DICTIONARY, paper)
    with pytest.raises(InputError) as caught:
        api.analyse(cohort, paper, "paper")
    assert "table1=" in caught.value.fix


def test_no_workflow_job_imports_the_api() -> None:
    """Job digests cover the modules a script runs; the api imports every stage, so neither a
    script nor a module it could reach imports it."""
    scripts = PACKAGE_DIR.parent
    for path in [*scripts.glob("*.py"), *PACKAGE_DIR.rglob("*.py")]:
        if path.name != "api.py":
            assert "interplay.api" not in imported_modules(path.read_text()), path
