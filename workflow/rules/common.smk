import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

min_version("9.0")

# The library, also for the workflow's own configuration logic.
sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))
from interplay.code_version import library_digest
from interplay.settings import analysis_settings, merge_settings

SCRIPTS_DIR = Path(workflow.basedir) / "workflow" / "scripts"


def library_version(script):
    """Digest of the library code a script runs: a rule parameter, so that changes re-run it."""
    return library_digest(SCRIPTS_DIR / script, SCRIPTS_DIR)


validate(config, "../schemas/config.schema.yaml")

# Biomarker settings that only change the models, not which patients or values the dataset holds.
MODEL_ONLY_BIOMARKER_KEYS = ["coding"]


def validated_analysis_settings(name):
    """Merge one analysis entry into the primary settings and validate the result."""
    merged = merge_settings(config, config["analyses"][name] or {})
    try:
        validate(merged, "../schemas/config.schema.yaml", set_default=False)
    except WorkflowError as error:
        raise WorkflowError(f"config analyses.{name}: invalid override.", error)
    return analysis_settings(config, name)


SYNTHETIC_DIR = "results/synthetic/"


def check_data_path(key):
    """Stop with a clear message when a configured input table does not exist."""
    path = config["data"][key]
    if not path.startswith(SYNTHETIC_DIR) and not Path(path).exists():
        raise WorkflowError(
            f"interplay input error: the {key} table '{path}' (config data.{key}) does not exist.\n"
            f"  fix: point data.{key} in config.yaml (or --config) at your {key} export, "
            f"or remove the entry to analyse the synthetic cohort."
        )


for data_key in ["baseline", "visits", "dictionary"]:
    check_data_path(data_key)

ANALYSES = {name: validated_analysis_settings(name) for name in config["analyses"]}

# Outcome settings of every analysis, checked before any job runs (the library checks them again):
# an outcome week off the visit schedule, or an analysis changing how visits are ingested.
from interplay.errors import InputError
from interplay.outcome import check_analysis_outcomes

try:
    check_analysis_outcomes(
        config["outcome"], {name: ANALYSES[name]["outcome"] for name in ANALYSES}
    )
except InputError as error:
    raise WorkflowError(error.message()) from None


wildcard_constraints:
    analysis="|".join(ANALYSES),


def settings(analysis, section):
    """The settings of one config section as they apply to an analysis."""
    return ANALYSES[analysis][section]


def uses_imputation(analysis):
    """Whether an analysis imputes missing data."""
    return settings(analysis, "missing_data")["method"] == "mice"


def dataset_settings(analysis):
    """The outcome and biomarker settings that define an analysis's dataset."""
    biomarkers = settings(analysis, "biomarkers")
    return {
        "outcome": settings(analysis, "outcome"),
        "biomarkers": {
            key: value
            for key, value in biomarkers.items()
            if key not in MODEL_ONLY_BIOMARKER_KEYS
        },
    }


def analysis_dataset(wildcards):
    """The dataset an analysis reads: the primary one unless its dataset settings differ."""
    if dataset_settings(wildcards.analysis) == dataset_settings("primary"):
        return "results/data/analysis_dataset.csv"
    return f"results/analyses/{wildcards.analysis}/analysis_dataset.csv"


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
        "results/tables/table1_by_remission.tsv",
        "results/tables/table1_by_biomarker_group.tsv",
        "results/provenance.json",
        "results/tables/sensitivity.tsv",
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


def model_inputs(wildcards):
    """The imputation inputs and, when the analysis imputes, its imputed data sets."""
    inputs = imputation_inputs(wildcards)
    if uses_imputation(wildcards.analysis):
        inputs["imputed"] = f"results/analyses/{wildcards.analysis}/imputed.csv.gz"
    return inputs
