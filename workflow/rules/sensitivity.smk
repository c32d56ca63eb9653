SENSITIVITY_TABLES = ["models", "interaction", "slopes"]


rule sensitivity_summary:
    input:
        **{
            f"{analysis}/{table}": f"results/analyses/{analysis}/{table}.tsv"
            for analysis in ANALYSES
            for table in SENSITIVITY_TABLES
        },
    output:
        "results/tables/sensitivity.tsv",
    log:
        "results/logs/sensitivity_summary.log",
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        library=library_version("sensitivity_summary.py"),
        settings=ANALYSES,
    script:
        "../scripts/sensitivity_summary.py"
