"""interplay from Python (a notebook, a script): the workflow's steps as functions.

    from interplay import api

    config = api.read_config("config.yaml")
    cohort = api.read_cohort("baseline.csv", "visits.csv", "resources/data_dictionary.tsv", config)
    tables = api.analyse(cohort, config, "complete_case")
    tables.interaction

Each function does what the workflow's job does, with the same settings, checks and errors
(InputError, ConfigError), and hands on its tables as the next job reads them back from
results/ — so the numbers equal the workflow's (README "In a notebook"). Bootstrap intervals,
privacy suppression, figures and the report are the workflow's alone.

Workflow jobs never import this module (it imports every stage), so their library digests stay
those of the modules they run.
"""

import copy
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from interplay.analysis.stratified import run_stratified_analysis
from interplay.covariates import PAPER_SET, adjustment_covariates, with_covariates
from interplay.data.biomarkers import assay_limits
from interplay.data.dictionary import column_units, load_dictionary
from interplay.data.extra_columns import check_extra_covariates, with_extra_columns
from interplay.data.flow import AnalysisData, build_analysis_dataset
from interplay.data.ingest import IngestedCohort, ReadSettings, ingest_cohort
from interplay.data.outcome import check_analysis_outcomes
from interplay.data.text_files import TextSettings
from interplay.errors import InputError
from interplay.imputation.chained import impute_analysis_dataset
from interplay.imputation.imputed_sets import imputed_sets_of_long
from interplay.jobs.config_checks import (
    ConfigError,
    check_analysis_lists,
    check_analysis_schemas,
    check_column_references,
    check_pair_settings,
    check_schema,
    load_schema,
)
from interplay.jobs.held_reference import held_reference_name, holding, reference_analysis
from interplay.jobs.intermediates import check_dataset, check_imputations
from interplay.jobs.settings import analysis_settings
from interplay.seeds import stream_key
from interplay.synthetic.cohort import simulate_cohort, write_cohort
from interplay.tables import read_table, write_table

# The workflow's configuration schema, beside the library in the repository (workflow/schemas/).
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"
Config = Mapping[str, Any] | str | Path


@dataclass(frozen=True)
class AnalysisTables:
    """The model-based tables of one analysis: models, joint, interaction and slopes as in
    results/analyses/<name>/model_based/ (the final tables add the bootstrap rows),
    johnson_neyman and predictions as in results/analyses/<name>/; each starts with `stratum`
    (columns: interplay.analysis.fit.run_analysis)."""

    models: pd.DataFrame
    joint: pd.DataFrame
    interaction: pd.DataFrame
    slopes: pd.DataFrame
    johnson_neyman: pd.DataFrame
    predictions: pd.DataFrame


def with_schema_defaults(config: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """config with every key it leaves out set to the schema's default, at every depth."""
    filled = copy.deepcopy(dict(config))
    for key, entry in schema.get("properties", {}).items():
        if key not in filled and "default" in entry:
            filled[key] = copy.deepcopy(entry["default"])
        if isinstance(filled.get(key), Mapping) and "properties" in entry:
            filled[key] = with_schema_defaults(filled[key], entry)
    return filled


def read_config(config: Config, schema: str | Path = SCHEMA) -> dict[str, Any]:
    """The configuration as the workflow sees it: a config.yaml path or a dict (keys left out
    take their defaults), checked as the workflow checks it before any job runs."""
    given, sources = config, []
    if isinstance(config, str | Path):
        given = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
        sources = [(str(config), given)]  # messages say which file sets a wrong key
    if not Path(schema).is_file():
        raise InputError(
            f"the configuration schema {schema} does not exist",
            file=str(schema),
            fix="pass schema= the workflow's workflow/schemas/config.schema.yaml, or install "
            "interplay with `pip install -e .` from the repository",
        )
    rules = load_schema(schema)
    check_schema(given, rules, sources)
    settings = with_schema_defaults(given, rules)
    check_analysis_schemas(settings, rules, sources)
    check_analysis_outcomes(
        settings["outcome"],
        {name: analysis_settings(settings, name)["outcome"] for name in settings["analyses"]},
    )
    check_analysis_lists(settings, sources)
    return settings


def settings_of(config: Config, analysis: str) -> dict[str, Any]:
    """The settings of one analysis: the primary ones with its entry of `analyses` merged in."""
    settings = read_config(config)
    if analysis not in settings["analyses"]:
        raise ConfigError(
            f"there is no analysis '{analysis}'",
            key="analyses",
            written=analysis,
            allowed=", ".join(settings["analyses"]),
            fix="name an entry of analyses: in the configuration",
        )
    return analysis_settings(settings, analysis, config_units(settings))


def config_units(settings: Mapping[str, Any]) -> dict[str, str]:
    """{column: unit} of the config's data dictionary and data.extra_columns (the default unit
    of a pair variable); a relative dictionary path not found here is the workflow's copy."""
    path = Path(settings["data"]["dictionary"])
    if not path.is_file():
        path = SCHEMA.parents[2] / path
    known = with_extra_columns(load_dictionary(path), settings["data"]["extra_columns"])
    return column_units(known)


def as_stored(table: pd.DataFrame, name: str = "table.csv") -> pd.DataFrame:
    """A table as a job reads it back after another wrote it to results/ (tables.write_table)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write_table(table, path)
        return read_table(path)


def write_synthetic_cohort(config: Config, folder: str | Path) -> tuple[Path, Path]:
    """Write the synthetic cohort of config `synthetic` and `seed` to folder, as the workflow
    writes results/synthetic/; the paths of its baseline and visits tables."""
    settings = read_config(config)
    cohort = simulate_cohort(
        **settings["synthetic"], seed=settings["seed"], lod=settings["pair"]["exposure"]["lod"]
    )
    baseline, visits = Path(folder) / "baseline.csv", Path(folder) / "visits.csv"
    write_cohort(cohort, baseline, visits, Path(folder) / "truth.json")
    return baseline, visits


def read_cohort(
    baseline: str | Path, visits: str | Path, dictionary: str | Path, config: Config
) -> IngestedCohort:
    """Read and validate the baseline and visits exports against the data dictionary under the
    config's data settings: the tables of results/data/ and the data warnings."""
    settings = read_config(config)
    data = settings["data"]
    known = with_extra_columns(load_dictionary(dictionary), data["extra_columns"])
    check_extra_covariates(settings)
    check_column_references(settings, known)
    check_pair_settings(settings, known)
    lods = assay_limits(analysis_settings(settings, name)["pair"] for name in settings["analyses"])
    cohort = ingest_cohort(
        baseline,
        visits,
        known,
        columns=data["columns"],
        codes=data["codes"],
        schedule=settings["outcome"]["schedule"],
        window_weeks=settings["outcome"]["window_weeks"],
        warn_missing_fraction=settings["validation"]["warn_missing_fraction"],
        warn_outlier_ratio=settings["validation"]["warn_outlier_ratio"],
        lods=lods,
        units=data["units"],
        settings=ReadSettings(
            text=TextSettings(**{key: data[key] for key in ["encoding", "separator", "decimal"]}),
            visits_format=data["visits_format"],
            wide_columns=data["wide_visits"]["columns"],
            strip_leading_zeros=data["ids"]["strip_leading_zeros"],
            sheet=data["sheet"],
            header_row=data["header_row"],
            value_labels=data["value_labels"],
        ),
    )
    return replace(cohort, baseline=as_stored(cohort.baseline), visits=as_stored(cohort.visits))


def build_dataset(
    cohort: IngestedCohort, config: Config, analysis: str = "primary"
) -> AnalysisData:
    """The analysis dataset of one analysis, with its participant flow, exclusions and cut-points
    (results/data/ for the primary analysis)."""
    return dataset_of(cohort, settings_of(config, analysis))


def dataset_of(cohort: IngestedCohort, settings: Mapping[str, Any]) -> AnalysisData:
    """The analysis data under one analysis's settings, the dataset as the models read it."""
    built = build_analysis_dataset(
        cohort.baseline, cohort.visits, settings["outcome"], settings["pair"]
    )
    return replace(built, dataset=check_dataset(as_stored(built.dataset), "analysis dataset"))


def analyse(
    cohort: IngestedCohort,
    config: Config,
    analysis: str = "primary",
    *,
    table1: pd.DataFrame | None = None,
) -> AnalysisTables:
    """Run one analysis of the configuration on the cohort: its dataset, imputations (when
    missing_data.method is mice, from the config's seed) and models.

    table1: Table 1 by outcome (the workflow's results/tables/table1_by_remission.tsv, read by
    tables.read_table), which the data-driven adjustment set `paper` is chosen from. Under
    models.additive_reference primary an analysis other than the one choosing the reference cell
    runs that analysis first, to hold its cell, as the workflow does.
    """
    full = read_config(config)
    settings = settings_of(full, analysis)
    if settings["covariates"]["adjustment_set"] == PAPER_SET and table1 is None:
        raise InputError(
            f"analysis '{analysis}' chooses its covariates from Table 1 by outcome",
            column="covariates.adjustment_set",
            fix="pass table1=interplay.tables.read_table('results/tables/"
            "table1_by_remission.tsv') from a workflow run, or name a set in covariates.sets",
        )
    dataset = dataset_of(cohort, settings).dataset
    covariates = adjustment_covariates(settings["covariates"], table1, dataset)
    imputed = None
    if settings["missing_data"]["method"] == "mice":
        imputations = impute_analysis_dataset(
            dataset,
            covariates,
            m=settings["missing_data"]["m"],
            iterations=settings["missing_data"]["iterations"],
            seed=stream_key(full["seed"], "impute"),
        )
        imputed = check_imputations(
            imputed_sets_of_long(as_stored(imputations)),
            dataset,
            settings["missing_data"]["m"],
            "imputations",
        )
    holder = reference_analysis(
        {name: settings_of(full, name) for name in full["analyses"]}, analysis
    )
    if holder is not None:  # models.additive_reference primary: hold that analysis's cell
        held = analyse(cohort, config, holder, table1=table1).interaction
        settings = holding(settings, held_reference_name(held, f"analysis {holder}"))
    tables = run_stratified_analysis(
        dataset,
        with_covariates(settings, covariates),
        imputed,
        analysis=analysis,
        seed=full["seed"],
    )
    return AnalysisTables(**{field.name: tables[field.name] for field in fields(AnalysisTables)})
