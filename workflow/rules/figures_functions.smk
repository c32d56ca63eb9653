# Settings and helper functions of the figure and report rules (figures.smk, report.smk).

FIGURES = config["figures"]

# Section headings of the report, in reading order; zero-padded because the report sorts them as text.
REPORT_FINDINGS = "01 Findings"
REPORT_SAMPLE = "02 Participant flow"
REPORT_BASELINE = "03 Baseline characteristics"
REPORT_PAPER = "04 Paper tables"
REPORT_GROUPS = "05 Interaction"
REPORT_CONTINUOUS = "06 Continuous biomarkers"
REPORT_SENSITIVITY = "07 Sensitivity analyses"
REPORT_UNCERTAINTY = "08 Bootstrap"
REPORT_QUALITY = "09 Data quality"
REPORT_METHODS = "10 Methods"
REPORT_PROVENANCE = "11 Provenance"


def figure_files(stem, category, label, subcategory=None):
    """A figure's file per configured format; the PNG is shown in the report with its caption."""
    caption = f"../report/{stem.split('/')[-1]}.rst"
    files = {fmt: f"results/figures/{stem}.{fmt}" for fmt in FIGURES["formats"]}
    files["png"] = report(
        files["png"],
        caption=caption,
        category=category,
        subcategory=subcategory,
        labels={"item": label, "analysis": subcategory or "all"},
    )
    return files


def outcome_label(analysis):
    """'Remission at week 12' (or response) for an analysis's axis labels."""
    outcome = settings(analysis, "outcome")
    return f"{outcome['definition'].capitalize()} at week {outcome['week']}"


def missing_pattern_variables():
    """The outcome, both biomarkers and every covariate named in any adjustment set."""
    covariates = [v for names in config["covariates"]["sets"].values() for v in names]
    return list(dict.fromkeys(["outcome", "il1b", "bdnf", *covariates]))


def figure_outputs():
    """Every figure file and report table page."""
    per_analysis = ["forest", "predictions", "johnson_neyman"]
    stems = ["flow", "biomarkers", "missing_pattern", "remission_rates"]
    if "results/tables/sensitivity.tsv" in all_outputs():
        stems.append("specification_curve")
    stems += [f"{a}/{s}" for a in FIGURES["analyses"] for s in per_analysis]
    stems += [f"{a}/bootstrap" for a in FIGURES["analyses"] if bootstrap_methods(a)]
    figures = [
        f"results/figures/{s}.{fmt}" for s in stems for fmt in FIGURES["formats"]
    ]
    return figures + report_table_outputs()


# Report pages of the sample-level tables: {name: (input, category, label)}.
SAMPLE_TABLES = {
    "flow": ("results/tables/flow.tsv", REPORT_SAMPLE, "Participant flow (table)"),
    "cutpoints": (
        "results/tables/cutpoints.tsv",
        REPORT_SAMPLE,
        "Biomarker cut-points",
    ),
    "warnings": ("results/tables/data_warnings.tsv", REPORT_SAMPLE, "Data warnings"),
    "privacy": ("results/tables/privacy.tsv", REPORT_SAMPLE, "Suppressed counts"),
    "table1_by_remission": (
        "results/tables/table1_by_remission.tsv",
        REPORT_BASELINE,
        "Table 1 by outcome",
    ),
    "table1_by_biomarker_group": (
        "results/tables/table1_by_biomarker_group.tsv",
        REPORT_BASELINE,
        "Table 1 by biomarker group",
    ),
    "sensitivity": (
        "results/tables/sensitivity.tsv",
        REPORT_SENSITIVITY,
        "Key estimates of every analysis",
    ),
    "provenance": ("results/provenance.json", REPORT_PROVENANCE, "Provenance"),
}
ANALYSIS_REPORT_TABLES = {
    "models": "Models",
    "joint": "Joint biomarker groups",
    "interaction": "Interaction on both scales",
}


def table_page(path, name, category, label, subcategory=None):
    """An HTML table page marked for the report, captioned by workflow/report/<name>_table.rst."""
    return report(
        path,
        caption=f"../report/{name}_table.rst",
        category=category,
        subcategory=subcategory,
        labels={"item": label, "analysis": subcategory or "all"},
    )


def report_table_outputs():
    """Every HTML table page of the report."""
    pages = [f"results/report/{name}.html" for name in SAMPLE_TABLES]
    pages += [
        f"results/report/{analysis}/{name}.html"
        for analysis in FIGURES["analyses"]
        for name in ANALYSIS_REPORT_TABLES
    ]
    return pages
