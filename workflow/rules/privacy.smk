# Data governance (README "Data governance"): the list of counts the jobs suppressed, and those
# of the figures' labels (computed here, so that figure style settings do not re-run it).


rule privacy_table:
    input:
        logs=suppression_logs(),
        dataset="results/data/analysis_dataset.csv",
        cutpoints="results/tables/cutpoints.tsv",
    output:
        "results/tables/privacy.tsv",
    log:
        "results/logs/privacy_table.log",
    benchmark:
        "results/benchmarks/privacy_table.tsv"
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("privacy_table.py"),
        min_cell_count=MIN_CELL_COUNT,
        remission_rate_codings=list(REMISSION_RATE_PANELS),
        figures=PRIVACY_FIGURES,
        histogram_bins=config["figures"]["histogram_bins"],
        pair=settings("primary", "pair"),
        # Defined in figures_functions.smk, included after this file.
        missing_pattern_variables=lambda wildcards: missing_pattern_variables(),
    script:
        "../scripts/privacy_table.py"
