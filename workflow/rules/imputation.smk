# Analyses with equal imputation inputs share one imputation (IMPUTATION_OF, common.smk),
# named after the first of them; each analysis counts its own missing values (fit_models).


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
