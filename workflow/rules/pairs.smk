# The cross-pair summary (README "Several pairs"): when the analyses run study two or more pairs
# (pair.exposure × pair.modifier), the key estimates of each pair from its first analysis, with
# the interaction tests adjusted for multiplicity across pairs. With one pair, nothing here runs.

# Report items of the pairs, after those of the analyses in their section.
REPORT_ITEMS[REPORT_SENSITIVITY] += [
    "Key estimates of every pair",
    "Ratio of odds ratios of every pair",
]
if PAIR_ANALYSES:
    EXTRA_OUTPUTS.append("results/tables/pairs.tsv")
    EXTRA_OUTPUTS.extend(f"results/figures/pairs.{fmt}" for fmt in FIGURES["formats"])
    SAMPLE_TABLES["pairs"] = (
        "results/tables/pairs.tsv",
        REPORT_SENSITIVITY,
        "Key estimates of every pair",
    )


rule pairs_summary:
    input:
        **{
            f"{analysis}/{table}": f"results/analyses/{analysis}/{table}.tsv"
            for analysis in PAIR_ANALYSES
            for table in SENSITIVITY_TABLES
        },
        # As for sensitivity.tsv: the counts before protection (privacy.min_cell_count).
        **{
            f"{analysis}/model_based_models": f"results/analyses/{analysis}/model_based/models.tsv"
            for analysis in PAIR_ANALYSES
        },
        # The additive interaction's E-values need the joint cells' counts, also before protection.
        **{
            f"{analysis}/model_based_joint": f"results/analyses/{analysis}/model_based/joint.tsv"
            for analysis in PAIR_ANALYSES
        },
    output:
        table="results/tables/pairs.tsv",
        suppressed=suppression_log("tables/pairs"),
    log:
        "results/logs/pairs_summary.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("pairs_summary.py"),
        settings=Settings({analysis: ANALYSES[analysis] for analysis in PAIR_ANALYSES}),
        min_cell_count=MIN_CELL_COUNT,
    script:
        "../scripts/pairs_summary.py"
