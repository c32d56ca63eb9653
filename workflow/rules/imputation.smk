rule impute:
    input:
        unpack(imputation_inputs),
    output:
        imputed="results/analyses/{analysis}/imputed.csv.gz",
        missingness="results/analyses/{analysis}/missingness.tsv",
        suppressed=suppression_log("analyses/{analysis}/missingness"),
    log:
        "results/logs/impute/{analysis}.log",
    benchmark:
        "results/benchmarks/impute/{analysis}.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("impute.py"),
        seed=config["seed"],
        missing_data=lambda wildcards: settings(wildcards.analysis, "missing_data"),
        covariates=lambda wildcards: settings(wildcards.analysis, "covariates"),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/impute.py"
