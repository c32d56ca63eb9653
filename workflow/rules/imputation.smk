# Analyses with equal imputation inputs share one imputation (IMPUTATION_OF, common.smk),
# named after the first of them; each analysis keeps its own missingness table.


rule impute:
    input:
        unpack(shared_imputation_inputs),
    output:
        imputed="results/imputations/{imputation}/imputed.npz",
        long="results/imputations/{imputation}/imputed.csv.gz",
    log:
        "results/logs/impute/{imputation}.log",
    benchmark:
        "results/benchmarks/impute/{imputation}.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("impute.py"),
        seed=config["seed"],
        imputation=lambda wildcards: imputation_settings(wildcards.imputation),
    script:
        "../scripts/impute.py"


rule missingness:
    input:
        unpack(imputation_inputs),
    output:
        missingness="results/analyses/{analysis}/missingness.tsv",
        suppressed=suppression_log("analyses/{analysis}/missingness"),
    log:
        "results/logs/missingness/{analysis}.log",
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("data"),
    params:
        library=library_version("missingness.py"),
        covariates=lambda wildcards: settings(wildcards.analysis, "covariates"),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/missingness.py"
