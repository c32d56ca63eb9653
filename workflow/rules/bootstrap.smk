# Bootstrap intervals (docs/analysis_plan.md §7): replicates in `bootstrap.shards` jobs per analysis
# (scatter), one job computing the intervals (gather), and one job writing the final tables with the
# model-based rows of fit_models and the bootstrap rows side by side. Only the analyses listed in
# bootstrap.analyses are resampled (RESAMPLED, analysis.smk); the others get their final tables,
# without bootstrap rows, from fit_models_final.


wildcard_constraints:
    shard=r"\d+",


rule bootstrap_shard:
    input:
        unpack(model_inputs),
    output:
        "results/analyses/{analysis}/bootstrap/shard_{shard}.tsv.gz",
    log:
        "results/logs/bootstrap/{analysis}/shard_{shard}.log",
    benchmark:
        "results/benchmarks/bootstrap_shard/{analysis}/shard_{shard}.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("bootstrap_shard"),
    params:
        library=library_version("bootstrap_shard.py"),
        settings=lambda wildcards: ANALYSES[wildcards.analysis],
        seed=config["seed"],
        replicates=lambda wildcards: bootstrap_replicates(wildcards.analysis),
        imputations=BOOTSTRAP["mi_imputations_per_replicate"],
        shards=BOOTSTRAP["shards"],
        firth_fallback=BOOTSTRAP["firth_fallback"],
    script:
        "../scripts/bootstrap_shard.py"


rule bootstrap_intervals:
    input:
        unpack(model_inputs),
        shards=bootstrap_shards,
    output:
        "results/analyses/{analysis}/bootstrap.tsv",
    log:
        "results/logs/bootstrap/{analysis}/intervals.log",
    benchmark:
        "results/benchmarks/bootstrap_intervals/{analysis}.tsv"
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("bootstrap_intervals.py"),
        settings=lambda wildcards: ANALYSES[wildcards.analysis],
        replicates=lambda wildcards: bootstrap_replicates(wildcards.analysis),
        methods=lambda wildcards: bootstrap_methods(wildcards.analysis),
        imputations=BOOTSTRAP["mi_imputations_per_replicate"],
    script:
        "../scripts/bootstrap_intervals.py"


rule analysis_tables:
    input:
        unpack(bootstrap_summary),
        **{
            table: f"results/analyses/{{analysis}}/model_based/{table}.tsv"
            for table in BOOTSTRAPPED_TABLES
        },
    output:
        **{
            table: f"results/analyses/{{analysis}}/{table}.tsv"
            for table in BOOTSTRAPPED_TABLES
        },
        suppressed=suppression_log("analyses/{analysis}/tables"),
    log:
        "results/logs/analysis_tables/{analysis}.log",
    wildcard_constraints:
        analysis=names_pattern(RESAMPLED),
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("analysis_tables.py"),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/analysis_tables.py"
