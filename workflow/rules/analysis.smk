rule impute:
    input:
        unpack(imputation_inputs),
    output:
        imputed="results/analyses/{analysis}/imputed.csv.gz",
        missingness="results/analyses/{analysis}/missingness.tsv",
        suppressed=suppression_log("analyses/{analysis}/missingness"),
    log:
        "results/logs/impute/{analysis}.log",
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


rule fit_models:
    input:
        unpack(model_inputs),
    output:
        **{
            table: (
                f"results/analyses/{{analysis}}/model_based/{table}.tsv"
                if table in BOOTSTRAPPED_TABLES
                else f"results/analyses/{{analysis}}/{table}.tsv"
            )
            for table in ANALYSIS_TABLES
        },
    log:
        "results/logs/fit_models/{analysis}.log",
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("fit_models.py"),
        settings=lambda wildcards: ANALYSES[wildcards.analysis],
        seed=config["seed"],
    script:
        "../scripts/fit_models.py"
