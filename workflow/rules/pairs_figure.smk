# The figure of the cross-pair summary (pairs.smk): a forest of each pair's ratio of odds ratios.


if PAIR_ANALYSES:
    EXTRA_OUTPUTS.extend(f"results/figures/pairs.{fmt}" for fmt in FIGURES["formats"])


rule figure_pairs:
    input:
        pairs="results/tables/pairs.tsv",
    output:
        **figure_files(
            "pairs", REPORT_SENSITIVITY, "Ratio of odds ratios of every pair"
        ),
    log:
        "results/logs/figures/pairs.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("figure_pairs.py"),
        style=FIGURES,
        synthetic_caption=SYNTHETIC_CAPTION,
    script:
        "../scripts/figure_pairs.py"
