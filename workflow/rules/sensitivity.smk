SENSITIVITY_TABLES = ["models", "interaction", "slopes"]


rule sensitivity_summary:
    input:
        **{
            f"{analysis}/{table}": f"results/analyses/{analysis}/{table}.tsv"
            for analysis in ANALYSES
            for table in SENSITIVITY_TABLES
        },
        # E-values need the counts that models.tsv may suppress (privacy.min_cell_count).
        **{
            f"{analysis}/model_based_models": f"results/analyses/{analysis}/model_based/models.tsv"
            for analysis in ANALYSES
        },
        # The additive interaction's E-values need the joint cells' counts, also before protection.
        **{
            f"{analysis}/model_based_joint": f"results/analyses/{analysis}/model_based/joint.tsv"
            for analysis in ANALYSES
        },
    output:
        table="results/tables/sensitivity.tsv",
        suppressed=suppression_log("tables/sensitivity"),
    log:
        "results/logs/sensitivity_summary.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("sensitivity_summary.py"),
        settings=ANALYSES,
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/sensitivity_summary.py"
