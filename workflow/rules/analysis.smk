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
    benchmark:
        "results/benchmarks/fit_models/{analysis}.tsv"
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
