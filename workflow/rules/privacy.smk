# Data governance (README "Data governance"): the list of counts the jobs suppressed.


rule privacy_table:
    input:
        suppression_logs(),
    output:
        "results/tables/privacy.tsv",
    log:
        "results/logs/privacy_table.log",
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        library=library_version("privacy_table.py"),
    script:
        "../scripts/privacy_table.py"
