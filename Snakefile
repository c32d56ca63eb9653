# interplay: do serum IL-1β and BDNF jointly predict remission on antidepressants?
# Reproduces Cho et al., Eur Neuropsychopharmacol 2025;95:33-39 on any cohort of the same shape.


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/cohort.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/describe.smk"
include: "workflow/rules/privacy.smk"
include: "workflow/rules/imputation.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/bootstrap.smk"
include: "workflow/rules/sensitivity.smk"
include: "workflow/rules/provenance.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/pairs.smk"
include: "workflow/rules/findings.smk"
include: "workflow/rules/paper_tables.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/surface.smk"
include: "workflow/rules/methods.smk"
include: "workflow/rules/prediction.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
        figure_outputs(),
