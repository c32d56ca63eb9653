# The headline findings of the primary analysis (README, "What it produces"): a table, a Markdown
# text, the text of the report's first page (workflow/report/workflow.rst reads findings.rst next
# to the findings page) and that page.


rule findings:
    input:
        **findings_optional_inputs(),
        models="results/analyses/primary/models.tsv",
        interaction="results/analyses/primary/interaction.tsv",
        sensitivity="results/tables/sensitivity.tsv",
        johnson_neyman="results/analyses/primary/johnson_neyman.tsv",
    output:
        table="results/tables/findings.tsv",
        markdown="results/findings.md",
        rst="results/report/findings.rst",
        html=table_page(
            "results/report/findings.html", "findings", REPORT_FINDINGS, "Findings"
        ),
    log:
        "results/logs/findings.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("findings.py"),
        ci_level=settings("primary", "models")["ci_level"],
        pair=settings("primary", "pair"),
        synthetic=SYNTHETIC_INPUT,
    script:
        "../scripts/findings.py"
