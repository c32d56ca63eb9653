rule table1:
    input:
        dataset="results/data/analysis_dataset.csv",
    output:
        by_remission="results/tables/table1_by_remission.tsv",
        by_biomarker_group="results/tables/table1_by_biomarker_group.tsv",
        suppressed=suppression_log("tables/table1"),
    log:
        "results/logs/table1.log",
    benchmark:
        "results/benchmarks/table1.tsv"
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("table1.py"),
        outcome_definition=settings("primary", "outcome")["definition"],
        pair=settings("primary", "pair"),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/table1.py"
