# The Snakemake report (snakemake --report results/report.html): workflow description and the
# result tables as HTML pages; figures are marked for it in figures.smk.


report: "../report/workflow.rst"


rule report_tables:
    input:
        **{name: entry[0] for name, entry in SAMPLE_TABLES.items()},
    output:
        **{
            name: table_page(f"results/report/{name}.html", name, entry[1], entry[2])
            for name, entry in SAMPLE_TABLES.items()
        },
    log:
        "results/logs/report_tables.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_report_tables.py"),
        title_suffix="",
        pair=settings("primary", "pair"),
        # The sensitivity page names each analysis's rows in its own pair's words.
        pairs={name: settings(name, "pair") for name in ANALYSES},
        words=table_words("primary"),
    script:
        "../scripts/figure_report_tables.py"


rule report_analysis_tables:
    input:
        **{
            name: f"results/analyses/{{analysis}}/{name}.tsv"
            for name in ANALYSIS_REPORT_TABLES
        },
    output:
        **{
            name: table_page(
                f"results/report/{{analysis}}/{name}.html",
                name,
                category,
                label,
                "{analysis}",
            )
            for name, (category, label) in ANALYSIS_REPORT_TABLES.items()
        },
    log:
        "results/logs/report_tables/{analysis}.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_report_tables.py"),
        analysis_label=lambda wildcards: analysis_label(wildcards.analysis),
        title_suffix=lambda wildcards: f" ({analysis_label(wildcards.analysis)} analysis)",
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        words=lambda wildcards: table_words(wildcards.analysis),
        reference_words=lambda wildcards: additive_reference_words(wildcards.analysis),
    script:
        "../scripts/figure_report_tables.py"


# The prediction table's page (docs/prediction.md; a final output in prediction.smk).
rule report_prediction:
    input:
        prediction="results/tables/prediction.tsv",
    output:
        prediction=table_page(
            "results/report/prediction.html",
            "prediction",
            REPORT_PREDICTION,
            PREDICTION_TABLE_ITEM,
        ),
    log:
        "results/logs/report_tables/prediction.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_report_tables.py"),
        title_suffix="",
        pair=settings("primary", "pair"),
        words=table_words("primary"),
        replicates=config["prediction"]["replicates"],
        synthetic_caption=SYNTHETIC_CAPTION,
    script:
        "../scripts/figure_report_tables.py"
