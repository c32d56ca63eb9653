"""The workflow deployed as a Snakemake module from a fresh directory, as README describes it."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, copy_workflow, run_snakemake
from interplay.jobs.config_checks import ConfigError
from interplay.jobs.shipped_files import SHIPPED_INPUTS, input_location

DICTIONARY = SHIPPED_INPUTS["dictionary"]

# The user's config/config.yaml: a small bootstrap for the primary analysis only.
USER_CONFIG = """\
bootstrap:
  replicates: 300
  mi_replicates: 20
  shards: 1
  analyses: [primary]
missing_data:
  m: 2
  iterations: 3
"""
# The user's Snakefile, as README "Use as a Snakemake module" writes it.
USER_SNAKEFILE = """\
configfile: "config/config.yaml"


module interplay:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from interplay as interplay_*
"""
TARGETS = [
    "results/tables/table1_by_remission.tsv",
    "results/tables/table1_by_biomarker_group.tsv",
    "results/analyses/primary/models.tsv",
]


# Where the shipped data dictionary is read from -------------------------------------------------


def test_the_shipped_dictionary_keeps_its_written_path_when_the_workflow_is_the_working_dir():
    assert input_location("dictionary", DICTIONARY, REPO, REPO) == DICTIONARY


def test_the_shipped_dictionary_names_the_workflows_copy_from_another_directory(tmp_path):
    located = input_location("dictionary", DICTIONARY, REPO, tmp_path)
    assert located == str((REPO / "resources" / "data_dictionary.tsv").resolve())


def test_a_link_to_the_shipped_dictionary_in_the_working_directory_is_the_same_file(tmp_path):
    own = tmp_path / DICTIONARY
    own.parent.mkdir()
    own.symlink_to(REPO / "resources" / "data_dictionary.tsv")
    assert input_location("dictionary", DICTIONARY, REPO, tmp_path) == str(
        (REPO / "resources" / "data_dictionary.tsv").resolve()
    )


def test_a_users_own_paths_stay_relative_to_the_working_directory(tmp_path):
    assert input_location("dictionary", "mine/dictionary.tsv", REPO, tmp_path) == (
        "mine/dictionary.tsv"
    )
    written = "results/synthetic/baseline.csv"
    assert input_location("baseline", written, REPO, tmp_path) == written


def test_a_different_dictionary_at_the_shipped_path_in_the_working_directory_stops(tmp_path):
    own = tmp_path / DICTIONARY
    own.parent.mkdir()
    own.write_text("variable\ttable\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        input_location("dictionary", DICTIONARY, REPO, tmp_path, ["config/config.yaml"])
    assert caught.value.key == "data.dictionary" and caught.value.files == ["config/config.yaml"]
    assert "rename it" in caught.value.fix


# The module run against a normal run of the same configuration ----------------------------------


def user_project(directory: Path, clone: Path) -> Path:
    """A user's project in directory: config/config.yaml and a Snakefile using the clone."""
    (directory / "config").mkdir()
    (directory / "config" / "config.yaml").write_text(USER_CONFIG, encoding="utf-8")
    (directory / "Snakefile").write_text(
        USER_SNAKEFILE.format(snakefile=clone / "Snakefile"), encoding="utf-8"
    )
    return directory


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the user's project, the workflow's clone): the module run, then a normal run."""
    clone = copy_workflow(tmp_path_factory.mktemp("interplay"))
    project = user_project(tmp_path_factory.mktemp("project"), clone)
    module_run = run_snakemake(project, *TARGETS)
    assert module_run.returncode == 0, module_run.stderr[-5000:]
    assert not (clone / "results").exists()

    (clone / "small.yaml").write_text(USER_CONFIG, encoding="utf-8")
    normal_run = run_snakemake(clone, *TARGETS, "--configfile", "small.yaml")
    assert normal_run.returncode == 0, normal_run.stderr[-5000:]
    return project, clone


@pytest.mark.workflow
def test_the_module_gives_the_normal_runs_table1_and_primary_models_byte_for_byte(runs):
    project, clone = runs
    for target in TARGETS:
        assert (project / target).read_bytes() == (clone / target).read_bytes(), target


@pytest.mark.workflow
def test_the_module_applies_the_users_config_over_the_workflows(runs):
    project, _ = runs
    models = pd.read_csv(project / "results/analyses/primary/models.tsv", sep="\t")
    bootstrap = models[models["ci_method"] == "boot_mi_vhb"]
    assert len(bootstrap) > 0
    assert (bootstrap["replicates_used"] + bootstrap["replicates_failed"] == 20).all()
    assert set(models["ci_method"]) == {"rubin_t", "boot_mi_vhb"}


@pytest.mark.workflow
def test_a_module_without_its_library_on_disk_stops_with_the_fix(tmp_path):
    # What a github(...) module meets: Snakemake fetches the rule files, not workflow/scripts/.
    clone = tmp_path / "interplay"
    clone.mkdir()
    copy_workflow(clone)
    shutil.rmtree(clone / "workflow" / "scripts" / "interplay")
    project = tmp_path / "project"
    project.mkdir()
    result = run_snakemake(user_project(project, clone), "--dry-run")
    assert result.returncode == 1
    assert "interplay deployment error" in result.stderr and "git clone" in result.stderr
    assert "Traceback" not in result.stderr and "ModuleNotFoundError" not in result.stderr
