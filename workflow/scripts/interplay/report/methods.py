"""The statistical methods as a paper states them, written from the validated configuration.

Every setting the text names (thresholds, weeks, m, cycles, B, covariates, analyses) comes from the
settings passed in, every cut-point from cutpoints.tsv, every version from provenance.json; only the
wording and the references are written here. Citations are author–year keys of REFERENCES, and the
reference list holds exactly the keys the text cites.
"""

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from interplay.bootstrap.methods import COMPLETE_DATA_METHODS, IMPUTED_METHOD
from interplay.data.biomarkers import log_outlier_variables
from interplay.errors import InputError
from interplay.imputation.batched import DONORS
from interplay.interaction import slopes
from interplay.interaction.surface import SUPPORT_PATIENTS, SUPPORT_RADIUS
from interplay.jobs.settings import PAIR_COLUMNS
from interplay.labels import (
    OUTCOMES,
    SUB_COHORTS,
    analysis_label,
    group_label,
    pair_estimands,
    pair_noun,
    scaled_name,
    variable_label,
)
from interplay.pair import Pair, Variable, pair_from_settings

Section = Mapping[str, Any]
# The settings of one pair variable: an analysis changing one studies another pair.
PAIR_VARIABLE_KEYS = [
    ("column",), ("label",), ("unit",), ("kind",), ("transform",), ("split",), ("threshold",),
    ("high_if",), ("lod",),
]  # fmt: skip

METHODS_TITLE = "Statistical analysis"
# The report page: the table pages' font and colours, headings, a readable line length.
PAGE_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; background: #ffffff;
       color: #1a1a1a; margin: 16px; }
h1 { font-size: 16px; margin: 0 0 6px 0; }
h2 { font-size: 14px; margin: 14px 0 4px 0; }
p, li { max-width: 60em; line-height: 1.45; }
"""
PACKAGES = ["numpy", "pandas", "scipy"]
# Software citations, by package (Snakemake's is in the sentence naming it).
PACKAGE_CITATIONS = {
    "numpy": "Harris et al., 2020",
    "pandas": "McKinney, 2010",
    "scipy": "Virtanen et al., 2020",
}

REFERENCES = {
    "Barnard and Rubin, 1999": "Barnard, J., Rubin, D.B., 1999. Small-sample degrees of freedom "
    "with multiple imputation. Biometrika 86, 948–955.",
    "Davison and Hinkley, 1997": "Davison, A.C., Hinkley, D.V., 1997. Bootstrap Methods and Their "
    "Application. Cambridge University Press, Cambridge.",
    "Efron, 1987": "Efron, B., 1987. Better bootstrap confidence intervals. J. Am. Stat. Assoc. "
    "82, 171–185.",
    "Esarey and Sumner, 2018": "Esarey, J., Sumner, J.L., 2018. Marginal effects in interaction "
    "models: determining and controlling the false positive rate. Comp. Polit. Stud. 51, "
    "1144–1176.",
    "Firth, 1993": "Firth, D., 1993. Bias reduction of maximum likelihood estimates. Biometrika "
    "80, 27–38.",
    "Hamilton, 1960": "Hamilton, M., 1960. A rating scale for depression. J. Neurol. Neurosurg. "
    "Psychiatry 23, 56–62.",
    "Frank et al., 1991": "Frank, E., Prien, R.F., Jarrett, R.B., et al., 1991. Conceptualization "
    "and rationale for consensus definitions of terms in major depressive disorder: remission, "
    "recovery, relapse, and recurrence. Arch. Gen. Psychiatry 48, 851–855.",
    "Harris et al., 2020": "Harris, C.R., Millman, K.J., van der Walt, S.J., et al., 2020. Array "
    "programming with NumPy. Nature 585, 357–362.",
    "Hastie et al., 2009": "Hastie, T., Tibshirani, R., Friedman, J., 2009. The Elements of "
    "Statistical Learning, 2nd ed. Springer, New York.",
    "Heinze and Schemper, 2002": "Heinze, G., Schemper, M., 2002. A solution to the problem of "
    "separation in logistic regression. Stat. Med. 21, 2409–2419.",
    "Hornung and Reed, 1990": "Hornung, R.W., Reed, L.D., 1990. Estimation of average "
    "concentration in the presence of nondetectable values. Appl. Occup. Environ. Hyg. 5, 46–51.",
    "Hosmer and Lemeshow, 1992": "Hosmer, D.W., Lemeshow, S., 1992. Confidence interval estimation "
    "of interaction. Epidemiology 3, 452–456.",
    "Johnson and Neyman, 1936": "Johnson, P.O., Neyman, J., 1936. Tests of certain linear "
    "hypotheses and their application to some educational problems. Stat. Res. Mem. 1, 57–93.",
    "Knol and VanderWeele, 2012": "Knol, M.J., VanderWeele, T.J., 2012. Recommendations for "
    "presenting analyses of effect modification and interaction. Int. J. Epidemiol. 41, 514–520.",
    "Li et al., 1991a": "Li, K.H., Raghunathan, T.E., Rubin, D.B., 1991a. Large-sample "
    "significance levels from multiply imputed data using moment-based statistics and an F "
    "reference distribution. J. Am. Stat. Assoc. 86, 1065–1073.",
    "Li et al., 1991b": "Li, K.H., Meng, X.L., Raghunathan, T.E., Rubin, D.B., 1991b. Significance "
    "levels from repeated p-values with multiply-imputed data. Stat. Sin. 1, 65–92.",
    "Little, 1988": "Little, R.J.A., 1988. Missing-data adjustments in large surveys. J. Bus. "
    "Econ. Stat. 6, 287–296.",
    "McKinney, 2010": "McKinney, W., 2010. Data structures for statistical computing in Python. "
    "In: Proceedings of the 9th Python in Science Conference, pp. 56–61.",
    "Meng and Rubin, 1992": "Meng, X.L., Rubin, D.B., 1992. Performing likelihood ratio tests with "
    "multiply-imputed data sets. Biometrika 79, 103–111.",
    "Montiel Olea and Plagborg-Møller, 2019": "Montiel Olea, J.L., Plagborg-Møller, M., 2019. "
    "Simultaneous confidence bands: theory, implementation, and an application to SVARs. J. Appl. "
    "Econom. 34, 1–17.",
    "Mölder et al., 2021": "Mölder, F., Jablonski, K.P., Letcher, B., et al., 2021. Sustainable "
    "data analysis with Snakemake. F1000Research 10, 33.",
    "Potthoff, 1964": "Potthoff, R.F., 1964. On the Johnson-Neyman technique and some extensions "
    "thereof. Psychometrika 29, 241–256.",
    "Reiter, 2007": "Reiter, J.P., 2007. Small-sample degrees of freedom for multi-component "
    "significance tests with multiple imputation for missing data. Biometrika 94, 502–508.",
    "Rothman et al., 2008": "Rothman, K.J., Greenland, S., Lash, T.L., 2008. Modern "
    "Epidemiology, 3rd ed. Lippincott Williams & Wilkins, Philadelphia.",
    "Royston et al., 2006": "Royston, P., Altman, D.G., Sauerbrei, W., 2006. Dichotomizing "
    "continuous predictors in multiple regression: a bad idea. Stat. Med. 25, 127–141.",
    "Ding and VanderWeele, 2016": "Ding, P., VanderWeele, T.J., 2016. Sensitivity analysis "
    "without assumptions. Epidemiology 27, 368–377.",
    "Mathur et al., 2022": "Mathur, M.B., Smith, L.H., Yoshida, K., Ding, P., VanderWeele, T.J., "
    "2022. E-values for effect heterogeneity and approximations for causal interaction. Int. J. "
    "Epidemiol. 51, 1268–1275.",
    "Rubin, 1987": "Rubin, D.B., 1987. Multiple Imputation for Nonresponse in Surveys. Wiley, "
    "New York.",
    "Sterne et al., 2009": "Sterne, J.A.C., White, I.R., Carlin, J.B., et al., 2009. Multiple "
    "imputation for missing data in epidemiological and clinical research: potential and "
    "pitfalls. BMJ 338, b2393.",
    "van Buuren and Groothuis-Oudshoorn, 2011": "van Buuren, S., Groothuis-Oudshoorn, K., 2011. "
    "mice: multivariate imputation by chained equations in R. J. Stat. Softw. 45 (3), 1–67.",
    "VanderWeele, 2017": "VanderWeele, T.J., 2017. On a square-root transformation of the odds "
    "ratio for a common outcome. Epidemiology 28, e58–e60.",
    "VanderWeele and Ding, 2017": "VanderWeele, T.J., Ding, P., 2017. Sensitivity analysis in "
    "observational research: introducing the E-value. Ann. Intern. Med. 167, 268–274.",
    "Virtanen et al., 2020": "Virtanen, P., Gommers, R., Oliphant, T.E., et al., 2020. SciPy 1.0: "
    "fundamental algorithms for scientific computing in Python. Nat. Methods 17, 261–272.",
    "von Hippel and Bartlett, 2021": "von Hippel, P.T., Bartlett, J.W., 2021. Maximum likelihood "
    "multiple imputation: faster imputations and consistent standard errors without posterior "
    "draws. Stat. Sci. 36, 400–420.",
    "Zou, 2008": "Zou, G.Y., 2008. On the estimation of additive interaction by use of the "
    "four-by-two table and beyond. Am. J. Epidemiol. 168, 212–224.",
    "Collins et al., 2015": "Collins, G.S., Reitsma, J.B., Altman, D.G., Moons, K.G.M., 2015. "
    "Transparent reporting of a multivariable prediction model for individual prognosis or "
    "diagnosis (TRIPOD): the TRIPOD statement. BMJ 350, g7594.",
    "Cox, 1958": "Cox, D.R., 1958. Two further applications of a model for binary regression. "
    "Biometrika 45, 562–565.",
    "Hanley and McNeil, 1982": "Hanley, J.A., McNeil, B.J., 1982. The meaning and use of the area "
    "under a receiver operating characteristic (ROC) curve. Radiology 143, 29–36.",
    "Harrell et al., 1996": "Harrell, F.E., Lee, K.L., Mark, D.B., 1996. Multivariable prognostic "
    "models: issues in developing models, evaluating assumptions and adequacy, and measuring and "
    "reducing errors. Stat. Med. 15, 361–387.",
    "Marshall et al., 2009": "Marshall, A., Altman, D.G., Holder, R.L., Royston, P., 2009. "
    "Combining estimates of interest in prognostic modelling studies after multiple imputation: "
    "current practice and guidelines. BMC Med. Res. Methodol. 9, 57.",
    "Vickers and Elkin, 2006": "Vickers, A.J., Elkin, E.B., 2006. Decision curve analysis: a novel "
    "method for evaluating prediction models. Med. Decis. Making 26, 565–574.",
    "Wahl et al., 2016": "Wahl, S., Boulesteix, A.-L., Zierer, A., Thorand, B., van de Wiel, M.A., "
    "2016. Assessment of predictive performance in incomplete data by combining internal "
    "validation and multiple imputation. BMC Med. Res. Methodol. 16, 144.",
}


def in_sentence(text: str) -> str:
    """A label inside a sentence: 'Age' -> 'age'; acronyms stay ('SOFAS', 'HADS anxiety')."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def series(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def number(value: float) -> str:
    """A cut-point or setting with four significant digits: 0.574, 21.96, 0.07071."""
    return f"{float(value):.4g}"


def percent(fraction: float) -> str:
    """0.5 -> '50%'."""
    return f"{100 * float(fraction):.4g}%"


def outcome_name(outcome: Section, complement: bool = False) -> str:
    """'remission' or 'non-remission' (response, non-response) in a sentence."""
    code = outcome["definition"]
    return in_sentence(OUTCOMES[f"non_{code}" if complement else code])


def outcome_definition(outcome: Section) -> str:
    """What the outcome is: remission, response or relapse, and in which sub-cohort."""
    week, among = outcome["week"], outcome.get("among")
    if outcome["definition"] == "relapse":
        text = (
            f"relapse, a HAMD-17 total of {number(outcome['relapse_threshold'])} or more at any "
            f"visit after week {among['week']} up to week {week} (Frank et al., 1991)"
        )
    elif outcome["definition"] == "response":
        text = (
            f"response, a reduction of at least {percent(outcome['response_reduction'])} in the "
            f"HAMD-17 total from baseline to week {week}"
        )
    else:
        threshold = outcome["remission_threshold"]
        text = f"remission, a HAMD-17 total of {threshold} or less at week {week}"
    if among is None:
        return text
    return (
        f"{text}, among the patients {SUB_COHORTS[among['definition']]} at week {among['week']} "
        "and rated after it"
    )


def window_text(outcome: Section) -> str:
    """How visits off the schedule were counted (visit windows)."""
    window = outcome["window_weeks"]
    if window == 0:
        return "only ratings at the scheduled weeks were used"
    weeks = "week" if window == 1 else "weeks"
    return (
        f"a rating within {number(window)} {weeks} of a scheduled week counted at the nearest "
        "scheduled week"
    )


def missing_rule_text(outcome: Section) -> str:
    """The rule for a patient not rated at the outcome week (LOCF or completers)."""
    week = outcome["week"]
    return {
        "locf": f"for patients not rated at week {week}, the last post-baseline rating was carried "
        "forward (last observation carried forward, LOCF)",
        "completers": f"only patients rated at week {week} were analysed (completers), without "
        "carrying ratings forward",
    }[outcome["missing_rule"]]


def sentence(text: str) -> str:
    """A clause as a sentence: capitalised first letter, full stop."""
    return f"{text[0].upper()}{text[1:]}."


def measured_text(pair: Pair, both: bool) -> str:
    """'both baseline serum biomarkers' (or 'a baseline ...'); 'baseline IL-6 and HADS anxiety'
    for a pair that is not two biomarkers."""
    if pair_noun(pair) == "biomarker":
        return "both baseline serum biomarkers" if both else "a baseline serum biomarker"
    return f"baseline {pair.exposure.label} {'and' if both else 'or'} {pair.modifier.label}"


def outcome_paragraph(primary: Section, pair: Pair) -> str:
    """Population, outcome definition, visit windows and the missing-visit rule."""
    outcome = primary["outcome"]
    biomarkers = measured_text(pair, primary["pair"]["require_both"])
    baseline = "a baseline HAMD-17 rating and " if outcome["missing_baseline"] == "exclude" else ""
    imputed_baseline = (
        " A missing baseline HAMD-17 was imputed as a covariate."
        if outcome["missing_baseline"] == "impute"
        else ""
    )
    weeks = series([str(w) for w in outcome["schedule"]])
    return (
        "Depressive symptoms were rated on the 17-item Hamilton Depression Rating Scale (HAMD-17; "
        f"Hamilton, 1960) at weeks {weeks}; {window_text(outcome)}. The analytic sample comprised "
        f"patients with {biomarkers}, {baseline}at least one post-baseline rating up to week "
        f"{outcome['week']}; every exclusion was counted with its reason in the participant flow. "
        f"The primary outcome was {outcome_definition(outcome)}. "
        f"{sentence(missing_rule_text(outcome))}{imputed_baseline}"
    )


def cut_values(cutpoints: pd.DataFrame, variable: Variable, coding: str) -> list[float]:
    """The cut-point values of one variable and coding, in table order."""
    rows = cutpoints[(cutpoints["role"] == variable.role) & (cutpoints["coding"] == coding)]
    if rows.empty:
        raise InputError(
            f"cutpoints.tsv has no {coding} row for {variable.column}",
            file="results/tables/cutpoints.tsv",
            column="coding",
            fix="re-run the workflow so that the analysis dataset rule rewrites cutpoints.tsv",
        )
    return rows["value"].astype(float).tolist()


def with_unit(value: float, variable: Variable) -> str:
    """'0.574 pg/mL' ('12' for a unitless variable)."""
    return f"{number(value)} {variable.unit}".rstrip()


def split_words(variable: Variable, cutpoints: pd.DataFrame) -> str:
    """How one variable was split in two: 'IL-6 at the sample median of 2.1 pg/mL, high = above
    it', 'HADS anxiety at 12 points, high = ≥ 12', 'Smoker as recorded, yes or no'."""
    if variable.split == "median":
        median = with_unit(cut_values(cutpoints, variable, "median")[0], variable)
        return f"{variable.label} at the sample median of {median}, high = above it"
    if variable.split == "threshold":
        cut = with_unit(variable.threshold, variable)
        return f"{variable.label} at {cut}, high = {variable.levels[1]}"
    return f"{variable.label} as recorded, {' or '.join(reversed(variable.levels))}"


def continuous_words(variable: Variable, cutpoints: pd.DataFrame) -> str:
    """'IL-1β per doubling (log2)', 'BDNF per standard deviation (mean 22 ng/mL, SD 7.5 ng/mL)'."""
    if variable.transform == "log2":
        return f"{variable.label} per doubling (log2)"
    if variable.transform == "per_sd":
        mean, sd = cut_values(cutpoints, variable, "continuous")
        return (
            f"{variable.label} per standard deviation "
            f"(mean {with_unit(mean, variable)}, SD {with_unit(sd, variable)})"
        )
    return f"{variable.label} untransformed ({variable.scale_words.split(' of ')[0]})"


def coding_text(coding: str, cutpoints: pd.DataFrame, pair: Pair) -> str:
    """How one coding of the pair was formed, with the sample's cut-points and units."""
    if coding == "split":
        if all(variable.split == "median" for variable in pair):
            cuts = [
                f"{v.label} {with_unit(cut_values(cutpoints, v, 'median')[0], v)}" for v in pair
            ]
            return (
                "dichotomised at the analytic sample's median "
                f"({series(cuts)}; high = above the median)"
            )
        return f"dichotomised ({'; '.join(split_words(v, cutpoints) for v in pair)})"
    if coding == "tertiles":
        cuts = [
            f"{v.label} {' and '.join(number(c) for c in cut_values(cutpoints, v, 'tertiles'))}"
            f" {v.unit}".rstrip()
            for v in pair
        ]
        return f"divided at the sample tertiles ({'; '.join(cuts)}) into 3 × 3 joint groups"
    return f"analysed continuously, {series([continuous_words(v, cutpoints) for v in pair])}"


def lod_text(biomarkers: Section, pair: Pair, cutpoints: pd.DataFrame) -> str:
    """The rule for values below the limit of detection of each variable with one, with the
    limits met in the data ('' when no variable has a limit)."""
    sentences = []
    for variable in (v for v in pair if v.is_assay):
        rows = cutpoints[
            (cutpoints["coding"] == "below_lod") & (cutpoints["role"] == variable.role)
        ]
        limits = rows.loc[rows["cut"] == "lod", "value"].astype(float)
        if limits.empty:
            limits = pd.Series([variable.lod], dtype=float)
        shown = series([with_unit(v, variable) for v in limits])
        values = f"{variable.label} values below the limit of detection (LOD; {shown}) were flagged"
        if biomarkers["below_lod"] == "exclude":
            sentences.append(f"{values}, and patients with such values were excluded. ")
            continue
        replacement = {
            "lod_sqrt2": "the limit divided by √2 (Hornung and Reed, 1990)",
            "lod_half": "half the limit",
        }[biomarkers["below_lod"]]
        sentences.append(f"{values} and replaced by {replacement}. ")
    return "".join(sentences)


def scaled_words(pair: Pair) -> str:
    """'log2 IL-1β and BDNF per SD': the pair on its continuous-model scales."""
    return series([scaled_name(variable) for variable in pair])


def pair_split_words(pair: Pair) -> str:
    """The two groups of each variable without the sample's cut-points: 'IL-6 split at its
    median, HADS anxiety ≥ 12 high'."""
    words = {"median": "split at its median", "binary": "as recorded"}
    return ", ".join(f"{v.label} {words.get(v.split) or f'{v.levels[1]} high'}" for v in pair)


def outlier_words(pair: Pair) -> str:
    """'log IL-1β or log BDNF': the values the outlier rule looks at (those of the kind biomarker
    variables, log_outlier_variables); empty when it looks at none."""
    return " or ".join(f"log {variable.label}" for variable in log_outlier_variables(pair))


def exposure_paragraph(
    primary: Section, pair: Pair, codings: Sequence[str], cutpoints: pd.DataFrame
) -> str:
    """Units, the below-LOD rule, outlier rule and every coding used, with its cut-points."""
    biomarkers = primary["pair"]
    noun = pair_noun(pair)
    units = series([f"{v.label} in {v.unit}" for v in pair if v.unit])
    measured = "Serum biomarkers were" if noun == "biomarker" else "Both variables were"
    primary_coding = biomarkers["coding"]
    others = [c for c in codings if c != primary_coding]
    text = (
        f"{measured} measured at baseline{f' ({units})' if units else ''}. "
        f"{lod_text(biomarkers, pair, cutpoints)}In the primary analysis both {noun}s were "
        f"{coding_text(primary_coding, cutpoints, pair)}."
    )
    if others:
        alternatives = ", or ".join(coding_text(c, cutpoints, pair) for c in others)
        text += (
            " Because dichotomisation discards information (Royston et al., 2006), sensitivity "
            f"analyses instead had both {noun}s {alternatives}."
        )
    if biomarkers["outlier_z"] is not None and outlier_words(pair):
        text += (
            f" Patients with an absolute z-score of {outlier_words(pair)} above "
            f"{number(biomarkers['outlier_z'])} were excluded."
        )
    return text


def covariate_text(covariates: Section, pair: Pair) -> str:
    """The adjustment set by its variables' labels (or the data-driven rule); the pair's own
    variables are not covariates, so a set naming one says it was left out."""
    chosen = covariates["adjustment_set"]
    if chosen == "paper":
        return (
            "adjusted for the baseline characteristics that differed by outcome at "
            f"p < {number(covariates['paper_p'])} in Table 1 (a data-driven choice)"
        )
    names = [n for n in covariates["sets"][chosen] if n not in pair.columns]
    left_out = [v for v in pair if v.column in covariates["sets"][chosen]]
    kept = (
        f"adjusted for {series([in_sentence(variable_label(n)) for n in names])}"
        if names
        else "not adjusted for covariates"
    )
    if not left_out:
        return kept
    roles = series([f"{in_sentence(v.label)} (the {v.role})" for v in left_out])
    return f"{kept}; {roles}, in the adjustment set, was not a covariate of its own pair"


def model_paragraph(primary: Section, pair: Pair) -> str:
    """Estimator, the models of the design and the continuous-coding summaries."""
    e, m = (variable.label for variable in pair)
    models, outcome = primary["models"], primary["outcome"]
    level = percent(models["ci_level"])
    estimator = (
        "Firth's penalised-likelihood logistic regression (Firth, 1993; Heinze and Schemper, 2002)"
        if models["estimator"] == "firth"
        else "logistic regression fitted by maximum likelihood"
    )
    percentiles = series([str(p) for p in models["slope_percentiles"]])
    text = (
        f"Associations with {outcome_name(outcome)} were estimated by {estimator} as odds ratios "
        f"(ORs) with {level} confidence intervals (CIs), "
        f"{covariate_text(primary['covariates'], pair)}. "
        f"The models were {e} alone, {m} alone, both together, and both with their product term, "
        "whose exponentiated coefficient is the ratio of ORs (multiplicative interaction). The OR "
        f"of high versus low {e} was estimated within each {m} stratum, and that of {m} within "
        f"each {e} stratum, both from models fitted within the stratum and as linear "
        f"combinations of the product model. The joint {pair.title} groups were compared with "
        "the group low on both, with the number of patients with and without the outcome in "
        f"each group. With continuous {pair_noun(pair)}s, the product of "
        f"{' and '.join(scaled_name(v) for v in pair)} was modelled; simple slopes of {e} were "
        "reported at "
        f"the {percentiles}th percentiles of {m}, with the Johnson–Neyman region of {m} values "
        f"where the {e} slope's CI excludes zero (Johnson and Neyman, 1936). Every estimate "
        "carried the status of its fit (converged, separation or not converged)."
    )
    if models["stratify_by"]:
        text += (
            f" All models were fitted within each level of "
            f"{in_sentence(variable_label(models['stratify_by']))}."
        )
    return text


JOHNSON_NEYMAN_BAND_TEXT = {
    "scheffe": "the Scheffé-type simultaneous band over every {m} value (Potthoff, 1964)",
    "sup_t": "the simulated sup-t simultaneous band over the observed {m} range ({draws:,} "
    "multivariate normal or t draws; Montiel Olea and Plagborg-Møller, 2019)",
    "esarey_sumner": "the false-discovery-rate critical value of Esarey and Sumner (2018) over "
    "{points} {m} values evenly spaced across the observed range",
}


def johnson_neyman_paragraph(primary: Section, pair: Pair) -> str:
    """The Johnson–Neyman regions with multiplicity control (docs/johnson_neyman.md)."""
    e, m = (variable.label for variable in pair)
    chosen = primary["models"]["johnson_neyman"]
    if pair.modifier.is_binary or not chosen["bands"]:
        return ""
    bands = [
        JOHNSON_NEYMAN_BAND_TEXT[band].format(m=m, draws=chosen["draws"], points=chosen["points"])
        for band in slopes.BANDS
        if band in chosen["bands"]
    ]
    return (
        f"A region read off a pointwise band across the whole {m} axis finds some {m} value with "
        f"a significant {e} slope more often than the nominal error rate, so the Johnson–Neyman "
        f"regions were also computed with critical values that account for testing at every "
        f"value: {series(bands)}. With imputations, each used the pooled coefficients, their "
        "total covariance and the Barnard–Rubin degrees of freedom of the product term."
    )


def additive_reference(interaction: pd.DataFrame, pair: Pair) -> str:
    """The reference group of the additive measures, as the primary analysis chose it."""
    additive = interaction[interaction["scale"] == "additive"]
    groups = list(dict.fromkeys(additive["reference_group"].dropna()))
    if len(groups) == 1:
        return f" (in this sample {group_label(groups[0], pair)})"
    return " (chosen within each stratum)" if groups else ""


def interaction_paragraph(primary: Section, pair: Pair, interaction: pd.DataFrame) -> str:
    """Knol & VanderWeele reporting of interaction on both scales, with interval methods."""
    outcome = primary["outcome"]
    complement = outcome_name(outcome, complement=True)
    reference = additive_reference(interaction, pair)
    return (
        "Interaction was reported on both scales (Knol and VanderWeele, 2012). On the "
        "multiplicative scale, the product term was tested by Wald and likelihood-ratio tests. On "
        f"the additive scale, the outcome was {complement}, with the joint group at the lowest "
        f"risk of {complement} as reference{reference}, so that both exposures, coded against "
        "it, act as risk factors; "
        "the relative excess risk due to interaction (RERI), the attributable proportion (AP) and "
        "the synergy index (S) were computed from the product model with delta-method (Hosmer "
        "and Lemeshow, 1992) and MOVER (Zou, 2008) CIs. The interaction contrast on the risk "
        "scale was computed from standardised predicted risks, averaged over the patients of the "
        "analysis (each completed data set under imputation; the complete cases in a "
        "complete-case analysis), with a delta-method CI."
    )


def reference_rule_text(primary: Section, interaction: pd.DataFrame, pair: Pair) -> str:
    """How the reference group of the additive measures was chosen (models.additive_reference)."""
    rule = primary["models"]["additive_reference"]
    groups = interaction.loc[interaction["scale"] == "additive_risk", "reference_group"].dropna()
    group = group_label(groups.iloc[0], pair) if len(groups) else "the reference group"
    if rule == "primary":
        return (
            f"The reference group ({group}) was chosen once, in the primary analysis, as the "
            "lowest modelled risk and held for every analysis of the pair and every bootstrap "
            "replicate, since choosing it afresh from each data set biases the joint ORs upward"
        )
    if rule == "each_analysis":
        return (
            "The reference group was chosen afresh in each analysis as its lowest modelled risk "
            "(a data-driven choice that biases the joint ORs upward)"
        )
    return f"The reference group ({group}) was fixed in advance"


def risk_scale_paragraph(primary: Section, pair: Pair, interaction: pd.DataFrame) -> str:
    """RERI, AP and S on the risk scale from standardised risks, and the reference rule."""
    complement = outcome_name(primary["outcome"], complement=True)
    return (
        f"{reference_rule_text(primary, interaction, pair)}. Because {complement} is common, "
        "RERI, AP and S were also computed from the standardised risks of the four joint groups "
        "(RERI = (p11 − p10 − p01 + p00)/p00, AP = RERI·p00/p11, S = (p11 − p00)/(p10 + p01 − "
        "2p00); Rothman et al., 2008), S on the log scale, with delta-method CIs "
        "conditional on the covariates of the sample and, adding the variance of averaging over "
        "the patients' covariates (the influence function of standardisation), over the "
        "covariate distribution of the population sampled; bootstrap CIs where configured."
    )


def missing_data_paragraph(primary: Section, pair: Pair) -> str:
    """Multiple imputation (or complete cases) and the pooling rules with their df."""
    missing = primary["missing_data"]
    if missing["method"] == "complete_case":
        return (
            "Analyses used the patients complete on every model variable, one common sample for "
            "all models, with Wald z CIs and likelihood-ratio tests (Sterne et al., 2009)."
        )
    lr_test = (
        "the penalised likelihood-ratio statistics were pooled by D2 (Li et al., 1991b)"
        if primary["models"]["estimator"] == "firth"
        else "the pooled likelihood-ratio test D3 (Meng and Rubin, 1992), evaluated at the pooled "
        "coefficients as Meng and Rubin define it (R's mice::D3 refits an intercept first, so its "
        "value can differ slightly)"
    )
    return (
        "Missing values of the model variables were multiply imputed by chained equations (van "
        f"Buuren and Groothuis-Oudshoorn, 2011), creating {missing['m']} imputed data sets after "
        f"{missing['iterations']} cycles each. Continuous and count variables were imputed by "
        f"predictive mean matching (Little, 1988; {DONORS} donors, type-1 matching) and binary "
        "variables by logistic regression with parameter draws. Every imputation model contained "
        f"the outcome, every covariate, both {pair_noun(pair)} codings (two-group and continuous) "
        "and "
        "their products, so that imputation was compatible with the interaction models; the "
        "products were imputed, not formed after imputation. Estimates were pooled by Rubin's "
        "rules (Rubin, 1987) with t reference distributions and the Barnard–Rubin degrees of "
        "freedom (Barnard and Rubin, 1999; complete-data degrees of freedom n − p). The product "
        "term was tested by the pooled Wald test D1 (Li et al., 1991a) with Reiter's "
        f"small-sample denominator degrees of freedom (Reiter, 2007) and by {lr_test}. The "
        "complete-case analysis was run alongside (Sterne et al., 2009)."
    )


def analyses_named(names: Sequence[str]) -> str:
    """'analysis (Primary)' or 'analyses (Primary and Completers only)'."""
    noun = "analysis" if len(names) == 1 else "analyses"
    return f"{noun} ({series([analysis_label(n) for n in names])})"


def bootstrap_paragraph(bootstrap: Section, methods_by_analysis: Mapping[str, list[str]]) -> str:
    """Bootstrap interval methods, B and the analyses resampled ('' when none are)."""
    resampled = {a: m for a, m in methods_by_analysis.items() if m}
    if not resampled:
        return ""
    sentences = []
    complete = [a for a, m in resampled.items() if set(COMPLETE_DATA_METHODS) & set(m)]
    if complete:
        names = {
            "percentile": "percentile",
            "bca": "bias-corrected and accelerated (BCa; Efron, 1987)",
        }
        kinds = [names[m] for m in names if any(m in resampled[a] for a in complete)]
        sentences.append(
            f"For the complete-data {analyses_named(complete)}, B = "
            f"{bootstrap['replicates']:,} case resamples gave {series(kinds)} intervals, computed "
            "as R's boot package does (Davison and Hinkley, 1997)."
        )
    imputed = [a for a, m in resampled.items() if IMPUTED_METHOD in m]
    if imputed:
        sentences.append(
            f"For the imputed {analyses_named(imputed)}, the data were bootstrapped, then "
            f"imputed (von Hippel and Bartlett, 2021): B = {bootstrap['mi_replicates']:,} "
            f"resamples, each imputed {bootstrap['mi_imputations_per_replicate']} times, with "
            "variance components from a one-way analysis of variance and a t interval with "
            "Satterthwaite degrees of freedom."
        )
    if bootstrap["firth_fallback"]:
        sentences.append("Replicates whose fit did not converge were refitted by Firth's method.")
    return (
        "Nonparametric bootstrap CIs were added beside the model-based ones. "
        + " ".join(sentences)
        + " Resamples whose fit failed, or in which a measure was undefined (the synergy index "
        "when the joint ratio is at most 1 or the single ratios sum to at most 2), were left out "
        "of that measure's interval and counted; the report lists every interval resting on "
        "fewer resamples than drawn. A measure undefined in the full sample got no bootstrap "
        "interval or p-value."
    )


def p_value_paragraph(methods_by_analysis: Mapping[str, list[str]]) -> str:
    """How the intervals without a test statistic got their p-values (docs/p_values.md)."""
    resampled = {m for methods in methods_by_analysis.values() for m in methods}
    inverted = ["MOVER"] + [
        name
        for method, name in [("percentile", "percentile"), ("bca", "BCa")]
        if method in resampled
    ]
    text = (
        "Every interval row has a p-value or is marked as not having one. For the "
        f"{series(inverted)} intervals, the p-value is the smallest α at which the (1 − α) "
        "interval excludes the null value (1 for ratios and the synergy index, 0 for "
        "differences), so that it agrees with the interval at every level (test inversion; "
        "Davison and Hinkley, 1997)."
    )
    if len(inverted) > 1:
        bootstrapped = series(inverted[1:])
        text += (
            f" {bootstrapped[0].upper()}{bootstrapped[1:]} p-values were floored at 2/(B + 1), "
            "the smallest two-sided p-value B resamples resolve (Davison and Hinkley, 1997)."
        )
    if IMPUTED_METHOD in resampled:
        text += (
            " Bootstrap-then-impute estimates were tested by their t statistic with the "
            "Satterthwaite degrees of freedom."
        )
    return text + " Standardised risks have no null value and no p-value."


def prediction_paragraph(prediction: Section | None, analyses: Mapping[str, Section]) -> str:
    """Model development, internal validation, missing data and performance measures of the
    prediction models in TRIPOD's terms ('' when no analysis is listed)."""
    names = [a for a in (prediction or {}).get("analyses", []) if a in analyses]
    if not names:
        return ""
    pair = pair_from_settings(analyses["primary"])
    thresholds = prediction["thresholds"]
    imputed = [a for a in names if analyses[a]["missing_data"]["method"] == "mice"]
    text = (
        f"Prediction models were developed and internally validated following TRIPOD (Collins "
        f"et al., 2015) in the {analyses_named(names)}: three logistic models of the outcome with "
        f"the analysis's covariates, alone, with {pair.exposure.label} and {pair.modifier.label} "
        "added as the analysis codes them, and with their product added as well. Discrimination "
        "was measured by the c-statistic (ties counted one half) and its differences between "
        "the models, calibration by the calibration slope and calibration-in-the-large "
        "intercept (Cox, 1958), accuracy by the Brier score, and clinical usefulness by net "
        f"benefit at threshold probabilities from {percent(thresholds['from'])} to "
        f"{percent(thresholds['to'])} (Vickers and Elkin, 2006). Optimism was estimated by "
        f"Harrell's bootstrap (Harrell et al., 1996): in each of B = {prediction['replicates']:,} "
        "case resamples every model was refitted and evaluated in the resample and in the "
        "original data, and the mean difference was subtracted from the apparent performance; "
        "the covariate set and the cut-points of the biomarkers were kept as chosen in the "
        "whole sample, not re-chosen in each resample."
    )
    if imputed:
        text += (
            f" In the imputed {analyses_named(imputed)}, apparent performance and optimism were "
            "estimated in each imputed data set (bootstrap within each imputed set; Wahl et al., "
            "2016) and combined: the c-statistic on the logit scale by Rubin's rules with the "
            "Hanley–McNeil variance (Hanley and McNeil, 1982; Marshall et al., 2009), the other "
            "measures by their mean over the imputed sets."
        )
    return text


def flat_settings(settings: Section, prefix: tuple[str, ...] = ()) -> dict[tuple, Any]:
    """{(section, key, ...): value} of nested settings."""
    flat: dict[tuple, Any] = {}
    for key, value in settings.items():
        if isinstance(value, Mapping):
            flat.update(flat_settings(value, (*prefix, key)))
        else:
            flat[(*prefix, key)] = value
    return flat


def change_text(key: tuple, settings: Section, pair: Pair) -> str:
    """What one setting of a sensitivity analysis does, in words (its own pair's)."""
    value = flat_settings(settings)[key]
    outcome, covariates = settings["outcome"], settings["covariates"]
    e, m = (variable.label for variable in pair)
    assays = series([v.label for v in pair if v.is_assay]) or "values"
    noun = pair_noun(pair)
    phrases = {
        **{
            ("outcome", *key): lambda: outcome_definition(outcome)
            for key in [
                ("definition",),
                ("remission_threshold",),
                ("response_reduction",),
                ("relapse_threshold",),
                ("week",),
                ("among",),
                ("among", "definition"),
                ("among", "week"),
            ]
        },
        ("outcome", "missing_rule"): lambda: {
            "completers": f"only patients rated at week {outcome['week']}, no carrying forward",
            "locf": "the last post-baseline rating carried forward (LOCF)",
        }[value],
        ("outcome", "window_weeks"): lambda: window_text(outcome),
        ("outcome", "missing_baseline"): lambda: {
            "impute": "a missing baseline HAMD-17 imputed as a covariate",
            "exclude": "patients without a baseline HAMD-17 excluded",
        }[value],
        ("pair", "coding"): lambda: {
            "split": f"two-group {noun}s"
            if any(v.split != "median" for v in pair)
            else f"median-split {noun}s",
            "tertiles": f"3 × 3 joint tertile groups, {e} top versus bottom tertile within the "
            f"bottom and within the top {m} tertile",
            "continuous": f"continuous {scaled_words(pair)} with their product",
        }[value],
        ("pair", "below_lod"): lambda: {
            "lod_sqrt2": f"{assays} below the LOD replaced by LOD/√2",
            "lod_half": f"{assays} below the LOD replaced by LOD/2",
            "exclude": f"patients with {assays} below the LOD excluded",
        }[value],
        ("pair", "outlier_z"): lambda: (
            f"patients with an absolute z-score of {outlier_words(pair)} above {number(value)} "
            "excluded"
            if value is not None and outlier_words(pair)
            else "no outlier exclusion"
        ),
        ("pair", "require_both"): lambda: (
            f"patients with both {noun}s" if value else f"patients with either {noun}"
        ),
        **{
            ("pair", role, *key): lambda: f"the pair {pair.title} ({pair_split_words(pair)})"
            for role in ("exposure", "modifier")
            for key in PAIR_VARIABLE_KEYS
        },
        ("covariates", "adjustment_set"): lambda: covariate_text(covariates, pair),
        ("missing_data", "method"): lambda: {
            "complete_case": "complete cases instead of multiple imputation (Sterne et al., 2009)",
            "mice": "multiple imputation",
        }[value],
        ("missing_data", "m"): lambda: f"m = {value} imputed data sets",
        ("missing_data", "iterations"): lambda: f"{value} imputation cycles",
        ("models", "estimator"): lambda: {
            "firth": "Firth's penalised likelihood",
            "logistic": "maximum likelihood",
        }[value],
        ("models", "stratify_by"): lambda: (
            f"models fitted within each level of {in_sentence(variable_label(value))}"
            if value
            else "no stratification"
        ),
    }
    if key in phrases:
        return phrases[key]()
    return f"{'.'.join(key)} = {value}"


def sensitivity_clause(
    name: str,
    settings: Section,
    primary: Section,
) -> str:
    """'Complete cases: complete cases instead of multiple imputation', in the words of the
    analysis's own pair."""
    ours, theirs = flat_settings(settings), flat_settings(primary)
    # The pair's columns leave the covariates with the pair: its own clause says so.
    derived = ("covariates", PAIR_COLUMNS)
    changed = [key for key in ours if ours[key] != theirs.get(key) and key != derived]
    pair = pair_from_settings(settings)
    phrases = list(dict.fromkeys(change_text(key, settings, pair) for key in changed))
    return f"{analysis_label(name)}: {', '.join(phrases) or 'as the primary analysis'}"


def sensitivity_paragraph(
    analyses: Mapping[str, Section],
    pair: Pair,
) -> str:
    """One clause per sensitivity analysis, then the E-values (in the primary pair's words)."""
    primary = analyses["primary"]
    clauses = [
        sensitivity_clause(name, settings, primary)
        for name, settings in analyses.items()
        if name != "primary"
    ]
    # sensitivity.with_evalues: VanderWeele-Ding E-values for the two stratum ORs, Mathur et al.'s
    # for the ratio of ORs and the IC, none for RERI.
    estimands = pair_estimands(pair)
    ors = series(
        [f"the {in_sentence(estimands[f'exposure_or_modifier_{c}'])}" for c in ("low", "high")]
    )
    noun = "biomarker" if pair_noun(pair) == "biomarker" else "exposure"
    evalues = (
        f"For {ors} of every analysis, E-values (VanderWeele and Ding, 2017) gave the "
        "minimum strength of association, on the risk-ratio scale, that an unmeasured confounder "
        f"would need with both {noun} and outcome to explain the estimate away; for a common "
        "outcome the OR was first converted to a risk ratio by its square root (VanderWeele, "
        "2017). For the interaction, E-values for effect heterogeneity (Mathur et al., 2022) gave "
        "the strength such a "
        f"confounder would need within both {in_sentence(pair.modifier.label)} groups, allowing it "
        "to bias the two groups in opposite directions: for the ratio of ORs (on the risk-ratio "
        "scale) the E-value of its square root, and for the IC the bias factor that moves the "
        "bias-corrected IC (the bound on each group's risk difference of Ding and VanderWeele, "
        "2016, from the standardised risks and the groups' sizes), or the lower limit of its "
        "interval, to 0."
    )
    if not clauses:
        return evalues
    return (
        f"The primary analysis was repeated in {len(clauses)} sensitivity "
        f"{'analysis' if len(clauses) == 1 else 'analyses'}, each changing it as stated: "
        f"{'; '.join(clauses)}. {evalues}"
    )


def firth_paragraph(analyses: Mapping[str, Section]) -> str:
    """What Firth's method does, when any analysis uses it ('' otherwise)."""
    if all(a["models"]["estimator"] != "firth" for a in analyses.values()):
        return ""
    return (
        "Firth's penalised likelihood (Firth, 1993) removes the first-order bias of the "
        "maximum-likelihood estimates and keeps them finite under separation (Heinze and "
        "Schemper, 2002); it was fitted as R's logistf fits it, with Wald CIs from the inverse "
        "information and, under imputation, the penalised likelihood-ratio statistics pooled by "
        "D2 (Li et al., 1991b)."
    )


def privacy_sentence(privacy: Section) -> str:
    """Small-cell suppression, when configured ('' otherwise)."""
    if privacy["min_cell_count"] is None:
        return ""
    return (
        f" Counts below {privacy['min_cell_count']} (and counts that would reveal them) were "
        "suppressed in the reported tables."
    )


def software_paragraph(provenance: Mapping[str, Any], privacy: Section, seed: int) -> str:
    """Python, Snakemake and the numerical packages with their versions, from provenance.json."""
    packages = provenance.get("packages", {})
    missing = [p for p in ["snakemake", *PACKAGES] if p not in packages]
    if missing or "python" not in provenance:
        raise InputError(
            f"provenance.json lacks the versions of {series(missing or ['Python'])}",
            file="results/provenance.json",
            fix="re-run the provenance rule (delete results/provenance.json and run snakemake)",
        )
    versions = series([f"{p} {packages[p]} ({PACKAGE_CITATIONS[p]})" for p in PACKAGES])
    commit = provenance.get("git_commit")
    code = f" (git commit {commit[:12]})" if commit else ""
    return (
        f"Analyses were run with the interplay workflow{code} in Python {provenance['python']} "
        f"with Snakemake {packages['snakemake']} (Mölder et al., 2021), {versions}. Every random "
        f"number stream (imputations, bootstrap resamples) was derived from the seed {seed}; the "
        "configuration and the SHA-256 checksum of every input file were recorded with the "
        f"results.{privacy_sentence(privacy)}"
    )


def surface_paragraph(surface: Section | None, pair: Pair) -> str:
    """The interaction surface: spline model, its LR test against the linear interaction."""
    if not surface or not surface["analyses"]:
        return ""
    e, m = (scaled_name(variable) for variable in pair)
    return (
        f"To see whether the {pair.title} interaction departs from the linear product term (for "
        "instance a threshold that a median split would hide), the outcome was also modelled "
        f"in the {analyses_named(surface['analyses'])} with natural cubic splines of {e} and {m} "
        f"({surface['df']} degrees of freedom each; boundary knots at the observed extremes, "
        "interior knots at equally spaced quantiles) and their tensor-product interaction, "
        "adjusted for the same covariates (Hastie et al., 2009). This model contains the "
        "linear-interaction model, which was tested against it by a likelihood-ratio test, pooled "
        "across imputed data sets by the D3 statistic (Meng and Rubin, 1992). Standardised "
        "predicted probabilities from both models were drawn over the 2.5th to 97.5th "
        "percentiles of each variable; the data were taken to support a point with at least "
        f"{SUPPORT_PATIENTS} patients within {SUPPORT_RADIUS:g} standard deviations of it."
    )


def codings_used(analyses: Mapping[str, Section]) -> list[str]:
    """The pair codings of all analyses, the primary's first."""
    return list(dict.fromkeys(a["pair"]["coding"] for a in analyses.values()))


def methods_sections(
    analyses: Mapping[str, Section],
    bootstrap: Section,
    methods_by_analysis: Mapping[str, list[str]],
    privacy: Section,
    seed: int,
    cutpoints: pd.DataFrame,
    interaction: pd.DataFrame,
    provenance: Mapping[str, Any],
    prediction: Section | None = None,
    surface: Section | None = None,
) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of the methods, in the order a paper gives them; the pair's
    words from the primary analysis's pair (labels and units filled in by analysis_settings)."""
    primary = analyses["primary"]
    pair = pair_from_settings(primary)
    sections = [
        ("Participants and outcome", outcome_paragraph(primary, pair)),
        (
            "Biomarkers" if pair_noun(pair) == "biomarker" else pair.title,
            exposure_paragraph(primary, pair, codings_used(analyses), cutpoints),
        ),
        ("Models", model_paragraph(primary, pair)),
        ("Johnson–Neyman regions", johnson_neyman_paragraph(primary, pair)),
        ("Interaction", interaction_paragraph(primary, pair, interaction)),
        (
            "Additive interaction on the risk scale",
            risk_scale_paragraph(primary, pair, interaction),
        ),
        ("Interaction surface", surface_paragraph(surface, pair)),
        ("Missing data", missing_data_paragraph(primary, pair)),
        ("Bootstrap", bootstrap_paragraph(bootstrap, methods_by_analysis)),
        ("p-values", p_value_paragraph(methods_by_analysis)),
        ("Prediction", prediction_paragraph(prediction, analyses)),
        ("Sensitivity analyses", sensitivity_paragraph(analyses, pair)),
        ("Firth's method", firth_paragraph(analyses)),
        ("Software", software_paragraph(provenance, privacy, seed)),
    ]
    return [(heading, text) for heading, text in sections if text]


def cited_references(sections: Sequence[tuple[str, str]]) -> list[str]:
    """The full references the text cites, alphabetically."""
    text = " ".join(paragraph for _, paragraph in sections)
    cited = [key for key in REFERENCES if key in text]
    return sorted((REFERENCES[key] for key in cited), key=str.casefold)


def methods_markdown(sections: Sequence[tuple[str, str]]) -> str:
    """The methods as Markdown: a title, one headed paragraph per section, the references."""
    parts = [f"## {METHODS_TITLE}", ""]
    for heading, text in sections:
        parts += [f"### {heading}", "", text, ""]
    parts += ["## References", ""]
    parts += [f"{i}. {reference}" for i, reference in enumerate(cited_references(sections), 1)]
    return "\n".join(parts) + "\n"


def methods_html(sections: Sequence[tuple[str, str]]) -> str:
    """The methods as a self-contained HTML page for the report, to copy into a manuscript."""
    body = "".join(
        f"<h2>{html.escape(heading)}</h2>\n<p>{html.escape(text)}</p>\n"
        for heading, text in sections
    )
    references = "".join(
        f"<li>{html.escape(reference)}</li>\n" for reference in cited_references(sections)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{METHODS_TITLE}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{METHODS_TITLE}</h1>\n{body}<h2>References</h2>\n<ol>\n{references}</ol>\n</body>\n</html>\n"
    )
