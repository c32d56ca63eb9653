# The statistical methods paragraph (results/methods.md), written from the validated configuration,
# and its report page.


rule methods:
    input:
        cutpoints="results/tables/cutpoints.tsv",
        interaction="results/analyses/primary/interaction.tsv",
        provenance="results/provenance.json",
    output:
        markdown="results/methods.md",
        page=report(
            "results/report/methods.html",
            caption="../report/methods.rst",
            **report_marks(REPORT_METHODS, "Statistical methods", None),
        ),
    log:
        "results/logs/methods.log",
    localrule: True
    conda:
        "../../envs/interplay.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        library=library_version("methods.py"),
        analyses=ANALYSES,
        bootstrap=BOOTSTRAP,
        bootstrap_methods=Settings(
            {analysis: bootstrap_methods(analysis) for analysis in ANALYSES}
        ),
        privacy=Settings(config["privacy"]),
        seed=config["seed"],
        prediction=Settings(config["prediction"]),
        surface=Settings(config["surface"]),
    script:
        "../scripts/methods.py"


EXTRA_OUTPUTS.extend(["results/methods.md", "results/report/methods.html"])
