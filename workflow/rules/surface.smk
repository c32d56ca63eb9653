# The interaction surface (docs/surface.md): predicted outcome over the exposure × modifier plane
# from natural cubic splines with a tensor-product interaction, beside the linear-interaction
# model, and the likelihood-ratio test of one against the other; for each of surface.analyses.
# Its figure rule is in figures.smk, its settings in surface_functions.smk.


rule surface:
    input:
        unpack(data_set_inputs),
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
        surface=SURFACE_FIT,
    script:
        "../scripts/surface.py"


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
    params:
        synthetic_caption=SYNTHETIC_CAPTION,
