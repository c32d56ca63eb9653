import sys
from pathlib import Path
from types import SimpleNamespace

import yaml
from snakemake.utils import min_version, update_config, validate

min_version("9.0")

# The workflow's own folder (the repository root), wherever it is deployed: from the working
# directory, or as a module of another workflow. Shipped files resolve against it; results and
# the user's input paths against the working directory (README: "Use as a Snakemake module").
RULES_LOCATION = workflow.current_basedir.get_path_or_uri(secret_free=True)
WORKFLOW_DIR = Path(RULES_LOCATION).parents[1]
SCRIPTS_DIR = WORKFLOW_DIR / "workflow" / "scripts"
if not (SCRIPTS_DIR / "interplay").is_dir():
    # A github(...) or gitfile(...) module: Snakemake fetches single files, not the library.
    print(
        f"interplay deployment error: the workflow's rules ({RULES_LOCATION}) are not in a "
        "folder on this machine, and its jobs import their library from that folder\n"
        "  fix: clone it (git clone --branch <version> <repo-url> interplay) and point the "
        'module\'s snakefile: at interplay/Snakefile (README: "Use as a Snakemake module")',
        file=sys.stderr,
    )
    raise SystemExit(1)

# The library, also for the workflow's own configuration logic.
sys.path.insert(0, str(SCRIPTS_DIR))
from interplay.jobs.code_version import library_digests
from interplay.jobs.config_checks import (
    ConfigError,
    analyses_to_run,
    analysis_lists_run,
    check_analysis_lists,
    check_analysis_schemas,
    check_bootstrap_settings,
    check_column_references,
    check_pair_settings,
    check_schema,
    check_whole_sample_lists,
    config_sources,
    continuous_surface_analyses,
    left_out_note,
    setting_source,
    load_schema,
)
from interplay.data.biomarkers import assay_limits
from interplay.data.dictionary import column_units, load_dictionary
from interplay.data.extra_columns import check_extra_covariates, with_extra_columns
from interplay.errors import InputError
from interplay.pair import pair_from_settings
from interplay.jobs.settings import (
    PAIR_ROLES,
    PAIR_WORDS,
    Settings,
    analysis_settings,
    first_of_equals,
    overlaid_pair_roles,
)
from interplay.jobs.shipped_files import SHIPPED_INPUTS, input_location

LIBRARY_DIGESTS = library_digests(SCRIPTS_DIR)


def library_version(script):
    """Digest of the library code a script runs: a rule parameter, so that changes re-run it."""
    return LIBRARY_DIGESTS[script]


include: "resources.smk"


SCHEMA_PATH = WORKFLOW_DIR / "workflow" / "schemas" / "config.schema.yaml"
SCHEMA = load_schema(SCHEMA_PATH)


# The workflow's own settings. As a module, Snakemake skips the Snakefile's `configfile:` and
# passes the user's config instead: config.yaml is then read here under it, so that the user's
# file overrides it key by key, as --configfile does on a normal run.
WORKFLOW_CONFIG = WORKFLOW_DIR / "config.yaml"
AS_MODULE = WORKFLOW_CONFIG.resolve() not in [
    Path(p).resolve() for p in workflow.configfiles
]
if AS_MODULE:
    merged = yaml.safe_load(WORKFLOW_CONFIG.read_text(encoding="utf-8"))
    update_config(merged, config)
    config.clear()
    config.update(merged)

# Where each setting was written, for messages: config.yaml, --configfile files, --config.
CONFIG_SOURCES = config_sources(
    [WORKFLOW_CONFIG, *workflow.configfiles] if AS_MODULE else workflow.configfiles,
    workflow.config_settings.configfiles,
    workflow.config_settings.config,
)
# A user file (or --config) that names another column for a pair role rebuilds that role from the
# generic defaults and its own keys, not the replaced variable's label, unit, lod, ... (docs/pair.md).
if isinstance(config.get("pair"), dict):
    config["pair"].update(overlaid_pair_roles(CONFIG_SOURCES))


def stop_on_input_error(check, *arguments):
    """Run a configuration check and return its result; on an InputError print its few lines and
    stop before any job."""
    try:
        return check(*arguments)
    except InputError as error:
        print(error.message(), file=sys.stderr)
        raise SystemExit(1) from None


stop_on_input_error(check_schema, config, SCHEMA, CONFIG_SOURCES)
# Passes now; fills in the schema's defaults.
validate(config, str(SCHEMA_PATH))
stop_on_input_error(check_analysis_schemas, config, SCHEMA, CONFIG_SOURCES)

# Pair settings that only change the models, not which patients or values the dataset holds;
# each variable's label and unit change only the words of its flow and cut-point tables.
MODEL_ONLY_PAIR_KEYS = ["coding"]

SYNTHETIC_DIR = "results/synthetic/"
# Whether the input is the shipped synthetic cohort: the findings and every caption say so.
SYNTHETIC_INPUT = config["data"]["baseline"].startswith(SYNTHETIC_DIR)


def locate_shipped_inputs():
    """Point each shipped input left at its default (the data dictionary) at the workflow's copy."""
    for key in SHIPPED_INPUTS:
        config["data"][key] = input_location(
            key,
            config["data"][key],
            WORKFLOW_DIR,
            Path.cwd(),
            setting_source(["data", key], CONFIG_SOURCES),
        )


def check_data_path(key):
    """Stop with a clear message when a configured input table does not exist."""
    path = config["data"][key]
    if not path.startswith(SYNTHETIC_DIR) and not Path(path).exists():
        raise ConfigError(
            f"the {key} table '{path}' does not exist",
            key=f"data.{key}",
            written=path,
            allowed="",
            fix=f"point data.{key} at your {key} export, or remove the entry to analyse the "
            "synthetic cohort",
            files=setting_source(["data", key], CONFIG_SOURCES),
        )


def known_columns():
    """The data dictionary extended by data.extra_columns."""
    return with_extra_columns(
        load_dictionary(config["data"]["dictionary"]), config["data"]["extra_columns"]
    )


def check_column_settings():
    """Check every setting naming a dataset column against the data dictionary, extended by
    data.extra_columns, and each analysis's pair (pair columns exist, codings fit)."""
    dictionary = known_columns()
    check_extra_covariates(config)
    check_column_references(config, dictionary, CONFIG_SOURCES)
    check_pair_settings(config, dictionary, CONFIG_SOURCES)
    return column_units(dictionary)


stop_on_input_error(locate_shipped_inputs)
for data_key in ["baseline", "visits", "dictionary"]:
    stop_on_input_error(check_data_path, data_key)
# {column: unit} of the dictionary and data.extra_columns: the default unit of a pair variable.
COLUMN_UNITS = Settings(stop_on_input_error(check_column_settings))

# The analyses that `run` selects; the figure, bootstrap and paper-table lists follow it. They
# travel to jobs as Settings: Snakemake records and prints them as a digest.
ANALYSES = Settings(
    {
        name: Settings(analysis_settings(config, name, COLUMN_UNITS))
        for name in stop_on_input_error(analyses_to_run, config, CONFIG_SOURCES)
    }
)

# Outcome settings of every analysis, checked before any job runs (the library checks them again):
# an outcome week off the visit schedule, or an analysis changing how visits are ingested.
from interplay.data.outcome import check_analysis_outcomes

stop_on_input_error(
    check_analysis_outcomes,
    config["outcome"],
    {name: ANALYSES[name]["outcome"] for name in ANALYSES},
)
stop_on_input_error(check_analysis_lists, config, CONFIG_SOURCES)
ANALYSIS_LISTS_RUN = stop_on_input_error(
    analysis_lists_run, config, list(ANALYSES), CONFIG_SOURCES
)
LEFT_OUT_NOTE = left_out_note(config, ANALYSIS_LISTS_RUN)
if LEFT_OUT_NOTE:
    print(LEFT_OUT_NOTE, file=sys.stderr)
for section, names in ANALYSIS_LISTS_RUN.items():
    config[section]["analyses"] = names
stop_on_input_error(check_whole_sample_lists, config, ANALYSES, CONFIG_SOURCES)
config["surface"]["analyses"], BINARY_SURFACE_NOTE = continuous_surface_analyses(
    config["surface"]["analyses"], ANALYSES
)
if BINARY_SURFACE_NOTE:
    print(BINARY_SURFACE_NOTE, file=sys.stderr)

from interplay.sensitivity.pairs import pair_analyses
from interplay.jobs.held_reference import reference_analysis

# The first analysis of each distinct pair, when those run study two or more (pairs.smk).
PAIR_ANALYSES = pair_analyses(ANALYSES)


def names_pattern(names):
    """A wildcard constraint matching exactly these names (nothing when there are none)."""
    return "|".join(names) or "(?!)"


wildcard_constraints:
    analysis=names_pattern(ANALYSES),


def settings(analysis, section):
    """The settings of one config section as they apply to an analysis."""
    return Settings(ANALYSES[analysis][section])


def uses_imputation(analysis):
    """Whether an analysis imputes missing data."""
    return settings(analysis, "missing_data")["method"] == "mice"


def imputes_nothing(analysis):
    """Whether an imputing analysis has no missing value to impute, known from its settings: no
    covariates, and both biomarkers required (the outcome is never missing in a dataset). It gets
    no imputation job; its jobs use m copies of the dataset, which that job would have written.
    """
    covariates = settings(analysis, "covariates")
    name = covariates["adjustment_set"]
    no_covariates = name != "paper" and len(covariates["sets"].get(name, [None])) == 0
    return no_covariates and settings(analysis, "pair")["require_both"]


def has_imputation_job(analysis):
    """Whether an analysis reads imputations that an impute job (its own or shared) writes."""
    return uses_imputation(analysis) and not imputes_nothing(analysis)


def data_job_pair(analysis):
    """The pair settings a data job uses: all but the model-only keys (labels and units name
    the variables in its flow and cut-point tables)."""
    pair = settings(analysis, "pair")
    return Settings({key: pair[key] for key in pair if key not in MODEL_ONLY_PAIR_KEYS})


def dataset_settings(analysis):
    """The outcome and pair settings that define an analysis's dataset: without the model-only
    keys and each variable's label and unit, so analyses differing only in those share it.
    """
    pair = data_job_pair(analysis)
    for role in PAIR_ROLES:
        pair[role] = {
            key: value for key, value in pair[role].items() if key not in PAIR_WORDS
        }
    return Settings(outcome=settings(analysis, "outcome"), pair=pair)


def dataset_file(analysis):
    """The dataset an analysis reads: the primary one unless its dataset settings differ."""
    if dataset_settings(analysis) == dataset_settings("primary"):
        return "results/data/analysis_dataset.csv"
    return f"results/analyses/{analysis}/analysis_dataset.csv"


def analysis_dataset(wildcards):
    """The dataset file of the analysis of a job."""
    return dataset_file(wildcards.analysis)


def imputation_settings(analysis):
    """What an analysis's imputations depend on (with the seed): its dataset file, adjustment set
    (chosen from the same Table 1 when data-driven), m and iterations."""
    missing_data = settings(analysis, "missing_data")
    return Settings(
        dataset=dataset_file(analysis),
        covariates=settings(analysis, "covariates"),
        missing_data=Settings(
            {key: value for key, value in missing_data.items() if key != "method"}
        ),
    )


# Analyses whose imputation settings are equal share one imputation (results/imputations/
# {imputation}/): {analysis: imputation}, named after primary, else the first name in alphabetical
# order; not the config's order, which a --configfile override reshuffles.
IMPUTATION_OF = first_of_equals(
    {
        a: imputation_settings(a)
        for a in sorted(ANALYSES, key=lambda name: (name != "primary", name))
        if has_imputation_job(a)
    }
)


wildcard_constraints:
    imputation=names_pattern(sorted(set(IMPUTATION_OF.values()))),


def imputed_file(analysis):
    """The imputations an analysis fits its models to (the .npz file the jobs read)."""
    return f"results/imputations/{IMPUTATION_OF[analysis]}/imputed.npz"


ANALYSIS_TABLES = [
    "models",
    "joint",
    "interaction",
    "slopes",
    "johnson_neyman",
    "predictions",
]
# The tables that fit_models writes to model_based/ and analysis_tables completes with the
# bootstrap rows (workflow/rules/bootstrap.smk).
BOOTSTRAPPED_TABLES = ["models", "joint", "interaction", "slopes"]


MIN_CELL_COUNT = config["privacy"]["min_cell_count"]
# The panels of the remission-rate figure: {coding: title}; privacy.tsv lists its suppressed labels.
REMISSION_RATE_PANELS = {
    "split": "Median split (2 × 2)",
    "tertiles": "Tertiles (3 × 3)",
}

# Figures whose count labels privacy.tsv lists (recomputed there, as for the remission rates).
PRIVACY_FIGURES = {
    stem: f"results/figures/{stem}.png"
    for stem in ["biomarkers", "missing_pattern", "remission_rates"]
}


def suppression_log(stem):
    """Where a job lists the counts it suppressed in `stem` (gathered into privacy.tsv)."""
    return f"results/data/privacy/{stem}.tsv"


def fit_outputs(resampled):
    """The tables fit_models (resampled analyses) or fit_models_final (the others) writes."""
    return {
        **{
            f"model_based_{table}": f"results/analyses/{{analysis}}/model_based/{table}.tsv"
            for table in BOOTSTRAPPED_TABLES
        },
        **{
            table: f"results/analyses/{{analysis}}/{table}.tsv"
            for table in ANALYSIS_TABLES
            if not (resampled and table in BOOTSTRAPPED_TABLES)
        },
        "missingness": "results/analyses/{analysis}/missingness.tsv",
        "missingness_suppressed": suppression_log("analyses/{analysis}/missingness"),
    }


def suppression_logs():
    """Every job's suppression log: sample tables, and each analysis's flow and tables."""
    own_datasets = [
        a for a in ANALYSES if dataset_settings(a) != dataset_settings("primary")
    ]
    return [
        suppression_log("tables/data_warnings"),
        suppression_log("tables/flow"),
        suppression_log("tables/table1"),
        suppression_log("tables/sensitivity"),
        *([suppression_log("tables/pairs")] if PAIR_ANALYSES else []),
        *(suppression_log(f"analyses/{a}/flow") for a in own_datasets),
        *(suppression_log(f"analyses/{a}/tables") for a in ANALYSES),
        *(suppression_log(f"analyses/{a}/missingness") for a in ANALYSES),
    ]


# Final outputs of workflow files added for new kinds of analysis (README, "Extending"); such a file
# appends its targets here, and `rule all` builds them.
EXTRA_OUTPUTS = []


def all_outputs():
    """Every final output of the workflow."""
    return [
        *EXTRA_OUTPUTS,
        "results/tables/flow.tsv",
        "results/tables/cutpoints.tsv",
        "results/tables/data_warnings.tsv",
        "results/tables/privacy.tsv",
        "results/tables/table1_by_remission.tsv",
        "results/tables/table1_by_biomarker_group.tsv",
        "results/provenance.json",
        "results/tables/sensitivity.tsv",
        "results/tables/findings.tsv",
        "results/findings.md",
        "results/report/findings.rst",
        "results/report/findings.html",
        *expand(
            "results/analyses/{analysis}/{table}.tsv",
            analysis=ANALYSES,
            table=ANALYSIS_TABLES,
        ),
    ]


def covariate_inputs(wildcards):
    """Table 1 by outcome, when the analysis adjusts for the paper-style data-driven set."""
    if settings(wildcards.analysis, "covariates")["adjustment_set"] == "paper":
        return {"table1": "results/tables/table1_by_remission.tsv"}
    return {}


def imputation_inputs(wildcards):
    """The analysis dataset and what its adjustment set is chosen from."""
    return {"dataset": analysis_dataset(wildcards), **covariate_inputs(wildcards)}


def shared_imputation_inputs(wildcards):
    """The imputation inputs of the analysis a shared imputation is named after."""
    return imputation_inputs(SimpleNamespace(analysis=wildcards.imputation))


def data_set_inputs(wildcards):
    """The imputation inputs and, when the analysis imputes, its (shared) imputed data sets: what
    a job fitting models to the analysis's data sets reads (prediction, surface)."""
    inputs = imputation_inputs(wildcards)
    if has_imputation_job(wildcards.analysis):
        inputs["imputed"] = imputed_file(wildcards.analysis)
    return inputs


def model_inputs(wildcards):
    """The data set inputs and, when the analysis holds another analysis's reference cell, that
    analysis's interaction table.
    """
    inputs = data_set_inputs(wildcards)
    holder = additive_reference_analysis(wildcards.analysis)
    if holder is not None:
        inputs["reference"] = f"results/analyses/{holder}/model_based/interaction.tsv"
    return inputs


def additive_reference_analysis(analysis):
    """The analysis whose reference cell an analysis holds (None: it chooses or names its own)."""
    return reference_analysis(ANALYSES, analysis)


def additive_reference_words(analysis):
    """How an analysis's reference group of the additive measures was chosen, in the words of
    the interaction table's caption (workflow/report/interaction_table.rst)."""
    choice = settings(analysis, "models")["additive_reference"]
    holder = additive_reference_analysis(analysis)
    lowest = "as the group at the lowest modelled risk of the non-outcome"
    if choice == "each_analysis":
        return f"was chosen in this analysis (in each stratum, if stratified) {lowest}"
    if choice != "primary":
        return "was fixed in advance (models.additive_reference in config.yaml)"
    if holder is None:
        return (
            f"was chosen once, in this analysis, {lowest}, and is held for every other "
            "analysis of the pair and every bootstrap replicate"
        )
    return (
        f"was chosen once, in the {analysis_label(holder)} analysis, {lowest}, and is held "
        "here and in every bootstrap replicate"
    )


include: "bootstrap_functions.smk"


def table_words(analysis):
    """An analysis's pair in the words of the report's table captions (workflow/report/*_table.rst):
    the labels, 'IL-1β × BDNF' and 'per doubling of IL-1β'."""
    pair = pair_from_settings(settings(analysis, "pair"))
    return Settings(
        {
            "exposure": pair.exposure.label,
            "modifier": pair.modifier.label,
            "title": pair.title,
            "per_exposure": pair.exposure.scale_words,
        }
    )


def findings_optional_inputs():
    """The primary analysis's tables that only some configurations make, for their findings rows:
    its prediction table (prediction.analyses) and surface test (surface.analyses)."""
    optional = {
        "prediction": ("prediction", "prediction.tsv"),
        "surface_test": ("surface", "surface_test.tsv"),
    }
    return {
        name: f"results/analyses/primary/{file}"
        for name, (section, file) in optional.items()
        if "primary" in config[section]["analyses"]
    }
