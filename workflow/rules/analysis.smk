# The models of each analysis, and its missingness table (the same inputs). Every analysis gets
# its models, joint, interaction and slopes tables as the models give them in model_based/ (the
# sensitivity summary reads the counts there, before protection). For an analysis with bootstrap
# intervals (RESAMPLED) analysis_tables (bootstrap.smk) completes them with the bootstrap rows;
# the others get their final tables, counts protected, from the same job (fit_models_final).


rule fit_models:
    input:
        unpack(model_inputs),
    output:
        **fit_outputs(resampled=True),
    log:
        "results/logs/fit_models/{analysis}.log",
    benchmark:
        "results/benchmarks/fit_models/{analysis}.tsv"
    wildcard_constraints:
        analysis=names_pattern(RESAMPLED),
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("fit_models.py"),
        settings=lambda wildcards: ANALYSES[wildcards.analysis],
        seed=config["seed"],
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/fit_models.py"


use rule fit_models as fit_models_final with:
    output:
        **fit_outputs(resampled=False),
        suppressed=suppression_log("analyses/{analysis}/tables"),
    wildcard_constraints:
        analysis=names_pattern(set(ANALYSES) - set(RESAMPLED)),
