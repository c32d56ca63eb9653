# Settings and helper functions of the figure and report rules (figures.smk, report.smk).

from interplay.labels import analysis_label, item_label, outcome_title
from interplay.figures.words import caption_words, split_panel_title
from interplay.pair import pair_from_settings

FIGURES = Settings(config["figures"])
# The primary analysis's pair: its labels name the report items shared by every analysis.
PRIMARY_PAIR = pair_from_settings(settings("primary", "pair"))
SLOPES_ITEM = (
    f"{PRIMARY_PAIR.exposure.label} odds ratio across {PRIMARY_PAIR.modifier.label}"
)
PREDICTIONS_ITEM = f"Predicted probability across {PRIMARY_PAIR.exposure.label}"
# The remission-rate panels of the primary pair: its split named as configured.
REMISSION_RATE_TITLES = {
    **REMISSION_RATE_PANELS,
    "split": split_panel_title(PRIMARY_PAIR),
}


def pair_words(analysis):
    """The reader words of an analysis's pair, for the figure captions."""
    return caption_words(pair_from_settings(settings(analysis, "pair")))


# Section headings of the report, in reading order; zero-padded because the report sorts them as text.
REPORT_FINDINGS = "01 Findings"
REPORT_SAMPLE = "02 Participant flow"
REPORT_BASELINE = "03 Baseline characteristics"
REPORT_PAPER = "04 Paper tables"
REPORT_GROUPS = "05 Interaction"
REPORT_CONTINUOUS = "06 Continuous models"
REPORT_PREDICTION = "07 Prediction"
REPORT_SENSITIVITY = "08 Sensitivity analyses"
REPORT_UNCERTAINTY = "09 Bootstrap"
REPORT_QUALITY = "10 Data quality"
REPORT_METHODS = "11 Methods"
REPORT_PROVENANCE = "12 Provenance"

# The items of each section in reading order (their `item` labels). The report sorts items by
# their labels as text, so labels.item_label() numbers each by its place here.
REPORT_ITEMS = {
    REPORT_SAMPLE: ["Participant flow", "Participant flow (table)"],
    REPORT_BASELINE: ["Table 1 by outcome", "Table 1 by biomarker group"],
    REPORT_PAPER: [
        "Table 2: crude and adjusted ORs",
        "Table 3: within strata, P for interaction",
    ],
    REPORT_GROUPS: [
        "Joint biomarker groups",
        "Remission by biomarker group",
        "Interaction table (Knol & VanderWeele)",
        "Interaction on both scales",
        "Forest plot of odds ratios",
        "Models",
    ],
    REPORT_CONTINUOUS: [
        SLOPES_ITEM,
        PREDICTIONS_ITEM,
        "Johnson–Neyman regions",
        "Johnson–Neyman plot",
    ],
    REPORT_SENSITIVITY: ["Key estimates of every analysis", "Specification curve"],
    REPORT_QUALITY: [
        "Data warnings",
        "Missing-data patterns",
        "Biomarker distributions",
        "Biomarker cut-points",
        "Suppressed counts",
    ],
}


# The prediction section (docs/prediction.md): its items, and the analyses with a decision curve.
PREDICTION_TABLE_ITEM = "Prediction performance"
PREDICTION_FIGURE_ITEM = "Decision curve"
REPORT_ITEMS[REPORT_PREDICTION] = [PREDICTION_TABLE_ITEM, PREDICTION_FIGURE_ITEM]
PREDICTION_FIGURES = [
    a for a in config["prediction"]["analyses"] if a in FIGURES["analyses"]
]


def report_marks(category, label, subcategory):
    """The report() arguments placing an item: its section, its analysis (by label) as the
    subcategory, and its numbered item label."""

    def analysis(wildcards):
        if subcategory is None:
            return "All"
        return analysis_label(subcategory.format(**dict(wildcards.items())))

    return {
        "category": category,
        "subcategory": None if subcategory is None else analysis,
        "labels": lambda wildcards: {
            "item": item_label(REPORT_ITEMS.get(category, []), label),
            "analysis": analysis(wildcards),
        },
    }


def figure_files(stem, category, label, subcategory=None):
    """A figure's file per configured format; the PNG is shown in the report with its caption."""
    caption = f"../report/{stem.split('/')[-1]}.rst"
    files = {fmt: f"results/figures/{stem}.{fmt}" for fmt in FIGURES["formats"]}
    files["png"] = report(
        files["png"], caption=caption, **report_marks(category, label, subcategory)
    )
    return files


def outcome_label(analysis):
    """'Remission at week 12' (or response, relapse) for an analysis's axis labels."""
    return outcome_title(settings(analysis, "outcome"))


def has_sub_cohort(analysis):
    """Whether an analysis's outcome is defined in a sub-cohort (outcome.among): its own flow."""
    return settings(analysis, "outcome")["among"] is not None


def missing_pattern_variables():
    """The outcome, the pair's two variables and every covariate named in any adjustment set."""
    covariates = [v for names in config["covariates"]["sets"].values() for v in names]
    return list(dict.fromkeys(["outcome", *PRIMARY_PAIR.columns, *covariates]))


def figure_outputs():
    """Every figure file and report table page."""
    per_analysis = ["forest", "predictions", "johnson_neyman"]
    stems = ["flow", "biomarkers", "missing_pattern", "remission_rates"]
    if "results/tables/sensitivity.tsv" in all_outputs():
        stems.append("specification_curve")
    stems += [f"{a}/{s}" for a in FIGURES["analyses"] for s in per_analysis]
    stems += [f"{a}/bootstrap" for a in FIGURES["analyses"] if bootstrap_methods(a)]
    stems += [f"{a}/flow" for a in ANALYSES if has_sub_cohort(a)]
    figures = [
        f"results/figures/{s}.{fmt}" for s in stems for fmt in FIGURES["formats"]
    ]
    return figures + report_table_outputs()


# Report pages of the sample-level tables: {name: (input, category, label)}.
SAMPLE_TABLES = {
    "flow": ("results/tables/flow.tsv", REPORT_SAMPLE, "Participant flow (table)"),
    "cutpoints": (
        "results/tables/cutpoints.tsv",
        REPORT_QUALITY,
        "Biomarker cut-points",
    ),
    "warnings": ("results/tables/data_warnings.tsv", REPORT_QUALITY, "Data warnings"),
    "privacy": ("results/tables/privacy.tsv", REPORT_QUALITY, "Suppressed counts"),
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
# Report pages of each analysis's tables: {name: (category, label)}.
ANALYSIS_REPORT_TABLES = {
    "models": (REPORT_GROUPS, "Models"),
    "joint": (REPORT_GROUPS, "Joint biomarker groups"),
    "interaction": (REPORT_GROUPS, "Interaction on both scales"),
    "slopes": (REPORT_CONTINUOUS, SLOPES_ITEM),
    "johnson_neyman": (REPORT_CONTINUOUS, "Johnson–Neyman regions"),
}


def table_page(path, name, category, label, subcategory=None):
    """An HTML table page marked for the report, captioned by workflow/report/<name>_table.rst."""
    return report(
        path,
        caption=f"../report/{name}_table.rst",
        **report_marks(category, label, subcategory),
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
