# The interaction surface (docs/surface.md): predicted outcome over the exposure × modifier plane
# from natural cubic splines with a tensor-product interaction, beside the linear-interaction
# model, and the likelihood-ratio test of one against the other; for each of surface.analyses.


rule surface:
    input:
        unpack(model_inputs),
    output:
        surface="results/analyses/{analysis}/surface.tsv",
        surface_test="results/analyses/{analysis}/surface_test.tsv",
    log:
        "results/logs/surface/{analysis}.log",
    benchmark:
        "results/benchmarks/surface/{analysis}.tsv"
    wildcard_constraints:
        analysis=names_pattern(SURFACE_ANALYSES),
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("model"),
    params:
        library=library_version("surface.py"),
        settings=lambda wildcards: ANALYSES[wildcards.analysis],
        surface=config["surface"],
    script:
        "../scripts/surface.py"


rule figure_surface:
    input:
        surface="results/analyses/{analysis}/surface.tsv",
        surface_test="results/analyses/{analysis}/surface_test.tsv",
        dataset=analysis_dataset,
        cutpoints="results/tables/cutpoints.tsv",
    output:
        **figure_files(
            "{analysis}/surface", REPORT_CONTINUOUS, SURFACE_ITEM, "{analysis}"
        ),
    log:
        "results/logs/figures/{analysis}/surface.log",
    wildcard_constraints:
        analysis=names_pattern(SURFACE_ANALYSES),
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_surface.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
        pair=lambda wildcards: settings(wildcards.analysis, "pair"),
        outcome_label=lambda wildcards: outcome_label(wildcards.analysis),
        words=lambda wildcards: pair_words(wildcards.analysis),
    script:
        "../scripts/figure_surface.py"


use rule report_analysis_tables as report_surface_test with:
    input:
        surface_test="results/analyses/{analysis}/surface_test.tsv",
    output:
        surface_test=table_page(
            "results/report/{analysis}/surface_test.html",
            "surface_test",
            REPORT_CONTINUOUS,
            SURFACE_TEST_ITEM,
            "{analysis}",
        ),
    log:
        "results/logs/report_tables/{analysis}_surface_test.log",
    wildcard_constraints:
        analysis=names_pattern(SURFACE_ANALYSES),
