# Settings and input functions of the bootstrap rules (workflow/rules/bootstrap.smk).

from interplay.bootstrap.methods import applicable_methods

BOOTSTRAP = Settings(config["bootstrap"])


for bootstrap_analysis in BOOTSTRAP["analyses"]:
    stop_on_input_error(
        check_bootstrap_settings,
        bootstrap_analysis,
        ANALYSES[bootstrap_analysis],
        CONFIG_SOURCES,
    )


def bootstrap_methods(analysis):
    """The interval methods that apply to an analysis (none when it is not resampled)."""
    if analysis not in BOOTSTRAP["analyses"]:
        return []
    return applicable_methods(BOOTSTRAP["methods"], uses_imputation(analysis))


# The analyses with bootstrap intervals: fit_models writes their model-based tables and
# analysis_tables the final ones; fit_models_final writes both for the others (analysis.smk).
RESAMPLED = [analysis for analysis in ANALYSES if bootstrap_methods(analysis)]


def bootstrap_replicates(analysis):
    """Resamples of an analysis: mi_replicates when it imputes, else replicates."""
    if uses_imputation(analysis):
        return BOOTSTRAP["mi_replicates"]
    return BOOTSTRAP["replicates"]


def bootstrap_shards(wildcards):
    """The shard files of an analysis."""
    return expand(
        "results/analyses/{analysis}/bootstrap/shard_{shard}.tsv.gz",
        analysis=wildcards.analysis,
        shard=range(BOOTSTRAP["shards"]),
    )


def bootstrap_summary(wildcards):
    """The bootstrap intervals of an analysis, if it is resampled."""
    if bootstrap_methods(wildcards.analysis):
        return {"bootstrap": f"results/analyses/{wildcards.analysis}/bootstrap.tsv"}
    return {}
