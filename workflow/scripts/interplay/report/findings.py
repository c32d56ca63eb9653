"""The headline findings of the primary analysis: its estimates, one plain-language sentence per
estimate, and how many whole-sample sensitivity analyses reach the same conclusion (issue 12 §1).

The sentences are written once (findings_table's `sentence` column) and rendered as Markdown
(results/findings.md), reStructuredText (the report's first page) and an HTML table page. Every
number in them is read from the result tables, rounded as number_text / format_p show it.
"""

import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interplay.describe.table1 import format_p
from interplay.errors import InputError
from interplay.interaction.slopes import OBSERVED_RANGE_BANDS
from interplay.jobs.config_checks import PRIMARY
from interplay.labels import (
    SYNTHETIC_NOTE,
    SYNTHETIC_TEXT,
    analysis_label,
    ci_method_label,
    estimand_label,
    group_label,
    johnson_neyman_method,
    label,
    measure_label,
    pair_noun,
    term_label,
)
from interplay.models.logistic import DELTA_METHODS, MODEL_BASED_METHODS, OK
from interplay.pair import Pair, Variable, pair_name
from interplay.prediction.findings import CODE as PREDICTION_CODE
from interplay.prediction.findings import prediction_finding
from interplay.report.pages import html_page, interval_text, method_column, number_text
from interplay.tables import WHOLE_SAMPLE

MODEL_BASED = (*MODEL_BASED_METHODS, *DELTA_METHODS)
# The bootstrap interval shown beside the model-based one: imputed analyses have boot_mi_vhb;
# complete-data analyses have BCa (second-order accurate) and percentile intervals.
BOOTSTRAP_PREFERENCE = ("boot_mi_vhb", "bca", "percentile")
DECIMALS = 2


@dataclass(frozen=True)
class Headline:
    """One headline estimate: where it is read from and the value of no effect."""

    code: str
    table: str  # models | interaction
    key: str  # the model (models) or the measure (interaction)
    term: str  # the models.tsv term; "" for interaction rows
    null: float | None  # None for a test statistic


HEADLINES = [
    Headline(
        "exposure_or_modifier_low", "models", "product_lincom", "exposure_high|modifier_low", 1.0
    ),
    Headline(
        "exposure_or_modifier_high", "models", "product_lincom", "exposure_high|modifier_high", 1.0
    ),
    Headline("ratio_of_odds_ratios", "interaction", "ratio_of_odds_ratios", "", 1.0),
    Headline("wald_test", "interaction", "wald_test", "", None),
    Headline("lr_test", "interaction", "lr_test", "", None),
    Headline("reri", "interaction", "reri", "", 0.0),
    Headline("ic", "interaction", "ic", "", 0.0),
]
TEST_TERMS = ("wald_test", "lr_test")
# A headline's estimand in sensitivity.tsv where the two names differ.
SENSITIVITY_ESTIMAND = {"ic": "interaction_contrast"}
# The headlines whose sentence ends with their interaction E-values.
INTERACTION_EVALUES = ("ratio_of_odds_ratios", "ic")

FINDINGS_COLUMNS = [
    "estimand", "label", "estimate", "ci_low", "ci_high", "ci_method", "df1", "df2", "p_value",
    "boot_ci_low", "boot_ci_high", "boot_ci_method", "n_analyses", "n_excluding_null",
    "exceptions", "sentence",
]  # fmt: skip


def require_whole_sample(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """The whole-sample rows of a result table; an error when the analysis is only stratified."""
    rows = table[table["stratum"] == WHOLE_SAMPLE]
    if rows.empty:
        raise InputError(
            f"the {name} table has no whole-sample rows (stratum '{WHOLE_SAMPLE}'), so there are "
            "no headline findings to state",
            file=name,
            column="stratum",
            fix="run the primary analysis on the whole sample (models.stratify_by: null) and put "
            "stratified analyses under `analyses:`",
        )
    return rows


def source_rows(headline: Headline, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every row (interval methods) of one headline estimate in its table."""
    table = tables[headline.table]
    if headline.table == "models":
        rows = table[(table["model"] == headline.key) & (table["term"] == headline.term)]
        rows = rows.rename(columns={"estimate": "log_odds_ratio", "odds_ratio": "estimate"})
    else:
        rows = table[table["measure"] == headline.key]
    if rows.empty:
        raise InputError(
            f"the primary analysis's {headline.table} table has no row for {headline.code}; the "
            "findings need the two-group coding of the pair",
            file=headline.table,
            fix="keep pair.coding: split for the primary analysis and put other codings "
            "under `analyses:`",
        )
    return rows


def pick(rows: pd.DataFrame, methods: tuple[str, ...]) -> pd.Series | None:
    """The row of the first interval method of `methods` present (None when none is)."""
    for method in methods:
        found = rows[rows["ci_method"] == method]
        if not found.empty:
            return found.iloc[0]
    return None


def estimate_row(headline: Headline, tables: dict[str, pd.DataFrame], pair: Pair) -> dict:
    """The model-based estimate (or test) of one headline and its bootstrap interval."""
    rows = source_rows(headline, tables)
    main = rows.iloc[0] if headline.code in TEST_TERMS else pick(rows, MODEL_BASED)
    if main is None:
        raise InputError(
            f"the primary analysis's {headline.table} table has no model-based row for "
            f"{headline.code} (interval method {' or '.join(MODEL_BASED)})",
            file=headline.table,
            column="ci_method",
            fix="re-run the primary analysis (snakemake --forcerun fit_models) to rewrite it",
        )
    boot = pick(rows, BOOTSTRAP_PREFERENCE)
    return {
        "estimand": headline.code,
        "label": estimand_label(headline.code, pair),
        "estimate": main["estimate"],
        "ci_low": main["ci_low"],
        "ci_high": main["ci_high"],
        "ci_method": main["ci_method"],
        "df1": main.get("df1", np.nan),
        "df2": main.get("df2", np.nan),
        "p_value": main["p_value"],
        "boot_ci_low": np.nan if boot is None else boot["ci_low"],
        "boot_ci_high": np.nan if boot is None else boot["ci_high"],
        "boot_ci_method": np.nan if boot is None else boot["ci_method"],
        "status": main["status"],
    }


def excludes(low: float, high: float, null: float) -> int:
    """+1 when an interval lies above the null, -1 below it, 0 when it contains it (or is NaN)."""
    if low > null:
        return 1
    if high < null:
        return -1
    return 0


def robustness(
    sensitivity: pd.DataFrame, estimand: str, primary_side: int, null: float, pair: Pair
) -> dict:
    """How many whole-sample analyses of the primary's pair with a usable fit estimate `estimand`
    (an analysis studying another pair answers another question), how many of their intervals
    exclude the null (on either side), and which analyses conclude differently from the primary
    one (the null excluded or not, or excluded on the other side)."""
    rows = sensitivity[
        (sensitivity["estimand"] == estimand)
        & (sensitivity["stratum"] == WHOLE_SAMPLE)
        & (sensitivity["status"] == OK)
        & (sensitivity["pair"] == pair_name(pair))
    ]
    if rows.empty:
        return {"n_analyses": pd.NA, "n_excluding_null": pd.NA, "exceptions": np.nan}
    limits = zip(rows["ci_low"], rows["ci_high"], strict=True)
    sides = [excludes(low, high, null) for low, high in limits]
    analyses = zip(rows["analysis"], sides, strict=True)
    exceptions = [name for name, side in analyses if side != primary_side]
    return {
        "n_analyses": len(rows),
        "n_excluding_null": sum(side != 0 for side in sides),
        "exceptions": "; ".join(exceptions) if exceptions else np.nan,
    }


def p_text(p_value: float) -> str:
    """'p = 0.004' or 'p < 0.001'."""
    shown = format_p(p_value)
    return f"p {shown[0]} {shown[1:]}" if shown.startswith("<") else f"p = {shown}"


def numbers_text(row: dict, ci_level: float, name: str) -> str:
    """'OR 0.52, 95% CI 0.36 to 0.76, p < 0.001' (the p only where the table has one)."""
    parts = [
        f"{name} {number_text(row['estimate'], DECIMALS)}",
        f"{ci_level:.0%} CI {interval_text(row['ci_low'], row['ci_high'], DECIMALS)}",
    ]
    if pd.notna(row["p_value"]):
        parts.append(p_text(row["p_value"]))
    if pd.notna(row["boot_ci_method"]):
        boot = interval_text(row["boot_ci_low"], row["boot_ci_high"], DECIMALS)
        method = ci_method_label(row["boot_ci_method"])
        return f"{', '.join(parts)}; bootstrap {ci_level:.0%} CI {boot} [{method}]"
    return ", ".join(parts)


def null_text(side: int, null: float) -> str:
    """Whether the interval excludes the value of no effect, in words."""
    value = f"{null:g}"
    if side:
        return f"the interval excludes {value}"
    return f"the interval includes {value}, so the data are also compatible with no effect"


def test_text(row: dict) -> str:
    """'D1 Wald F (1, 1067.2 df) = 8.27, p = 0.004'."""
    statistic = number_text(row["estimate"], DECIMALS)
    test = ci_method_label(row["ci_method"], row["df1"], row["df2"])
    return f"{test} = {statistic}, {p_text(row['p_value'])}"


def or_sentence(row: dict, term: str, outcome: str, ci_level: float, pair: Pair) -> str:
    """A within-stratum odds ratio: direction of the odds, numbers, the null."""
    direction = "higher" if row["estimate"] > 1 else "lower"
    side = excludes(row["ci_low"], row["ci_high"], 1.0)
    return (
        f"{term_label(term, pair)}: {direction} odds of {outcome} "
        f"({numbers_text(row, ci_level, 'OR')}); {null_text(side, 1.0)}."
    )


def both_high(pair: Pair) -> str:
    """'both IL-1β and BDNF high'; 'IL-6 high and HADS anxiety ≥ 12' when a split has its own
    levels."""
    if all(variable.split == "median" for variable in pair):
        return f"both {pair.exposure.label} and {pair.modifier.label} high"
    return " and ".join(variable.group("high") for variable in pair)


def ratio_sentence(
    row: dict, tests: list[dict], reference: str, outcome: str, ci_level: float, pair: Pair
) -> str:
    """The ratio of ORs: the joint OR more or less than the product of the two single ORs."""
    relation = "more" if row["estimate"] > 1 else "less"
    side = excludes(row["ci_low"], row["ci_high"], 1.0)
    tested = "; ".join(test_text(test) for test in tests)
    return (
        f"{measure_label('ratio_of_odds_ratios', pair)}: the odds ratio of {outcome} with "
        f"{both_high(pair)} (against the {group_label(reference, pair)} group) is {relation} than "
        "the "
        "product of the two separate odds ratios "
        f"({numbers_text(row, ci_level, 'ratio')}); {null_text(side, 1.0)}. "
        f"Tests of the product term: {tested}."
    )


def additive_sentence(row: dict, reference: str, outcome: str, ci_level: float, pair: Pair) -> str:
    """RERI (odds ratios) or IC (risks): sign of the additive interaction for the modelled
    complement against the reference group chosen from the data."""
    code = row["estimand"]
    sign, relation = ("positive", "more") if row["estimate"] > 0 else ("negative", "less")
    if code == "reri":
        scale, effect = "on the additive scale", "the excess risk (odds ratios) of"
    else:
        scale, effect = "on the risk scale", "the risk difference of"
    side = excludes(row["ci_low"], row["ci_high"], 0.0)
    short = "RERI" if code == "reri" else "IC"
    return (
        f"{measure_label(code, pair)}: {scale}, for {label('outcome', outcome).lower()} against "
        f"the {group_label(reference, pair)} group, {sign} additive interaction: {effect} "
        f"changing both {pair_noun(pair)}s is {relation} than the sum of changing each alone "
        f"({numbers_text(row, ci_level, short)}); {null_text(side, 0.0)}."
    )


def robustness_sentence(row: dict, null: float) -> str:
    """'The interval excludes 1 in 11 of 12 whole-sample analyses; the exception is Complete
    cases.' The count is of analyses that agree with the primary one; the exceptions do not."""
    if pd.isna(row["n_analyses"]):
        return "It is not among the key estimates of the sensitivity analyses."
    side = excludes(row["ci_low"], row["ci_high"], null)
    names = row["exceptions"].split("; ") if isinstance(row["exceptions"], str) else []
    agreeing = row["n_analyses"] - len(names)
    verb = "excludes" if side else "includes"
    noun = "analysis" if row["n_analyses"] == 1 else "analyses"
    count = f"{agreeing} of {row['n_analyses']}" if names else f"all {agreeing}"
    if row["n_analyses"] == 1:
        count = f"{agreeing} of 1" if names else "the 1"
    text = f"The interval {verb} {null:g} in {count} whole-sample {noun}"
    if not names:
        return f"{text}."
    noun = "exception is" if len(names) == 1 else "exceptions are"
    return f"{text}; the {noun} {', '.join(analysis_label(name) for name in names)}."


# The headline interactions with E-values (Mathur et al. 2022): their sensitivity.tsv estimand.
def interaction_evalue_sentence(
    sensitivity: pd.DataFrame, headline: Headline, outcome: str, pair: Pair
) -> str:
    """' An unmeasured confounder would need ... by a risk ratio of 2.1 each ...; 1.4 to move its
    CI to include 0.' from the primary analysis's sensitivity.tsv row ('' without one)."""
    rows = sensitivity[
        (sensitivity["analysis"] == PRIMARY)
        & (sensitivity["stratum"] == WHOLE_SAMPLE)
        & (sensitivity["estimand"] == SENSITIVITY_ESTIMAND.get(headline.code, headline.code))
        & (sensitivity["pair"] == pair_name(pair))
    ]
    if rows.empty or pd.isna(rows["evalue"].iloc[0]):
        return ""
    evalue, limit = rows[["evalue", "evalue_ci"]].iloc[0]
    scale = "additive" if headline.code == "ic" else "multiplicative"
    limit_text = (
        f"{number_text(limit, DECIMALS)} to move its interval to include {headline.null:g}"
        if limit > 1
        else f"its interval already includes {headline.null:g}"
    )
    return (
        f" An unmeasured confounder would need to be associated with both {pair.exposure.label} "
        f"and {outcome} by a risk ratio of {number_text(evalue, DECIMALS)} each, in both "
        f"{pair.modifier.label} groups (biasing them in opposite directions), to explain away the "
        f"{scale} interaction; {limit_text} (E-values of Mathur et al. 2022)."
    )


def findings_table(
    models: pd.DataFrame,
    interaction: pd.DataFrame,
    sensitivity: pd.DataFrame,
    ci_level: float,
    pair: Pair,
    prediction: pd.DataFrame | None = None,
    surface_test: pd.DataFrame | None = None,
    johnson_neyman: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per headline estimate of the primary analysis, with its sentence (NA for the two
    tests, which the ratio of ORs' sentence states) in the words of the primary analysis's pair;
    with the prediction table, a row for the change in the optimism-corrected c-statistic; with
    the primary analysis's surface_test table, a row (surface_test) stating it; with its
    johnson_neyman table, a last row (johnson_neyman) whose sentence states the regions."""
    tables = {
        "models": require_whole_sample(models, "models"),
        "interaction": require_whole_sample(interaction, "interaction"),
    }
    rows = {h.code: estimate_row(h, tables, pair) for h in HEADLINES}
    ratio = tables["interaction"].loc[lambda t: t["measure"] == "ratio_of_odds_ratios"].iloc[0]
    additive = tables["interaction"].loc[lambda t: t["measure"] == "reri"].iloc[0]
    outcome = label("outcome", modelled_outcome(tables["interaction"])).lower()
    for headline in HEADLINES:
        row = rows[headline.code]
        if headline.null is None:
            row.update(n_analyses=pd.NA, n_excluding_null=pd.NA, exceptions=np.nan)
            row["sentence"] = np.nan
            continue
        side = excludes(row["ci_low"], row["ci_high"], headline.null)
        estimand = SENSITIVITY_ESTIMAND.get(headline.code, headline.code)
        row.update(robustness(sensitivity, estimand, side, headline.null, pair))
        if row["status"] != OK or not np.isfinite(row["estimate"]):
            status = str(row["status"]).replace("_", " ")
            text = f"{row['label']}: could not be estimated ({status})."
        elif headline.table == "models":
            text = or_sentence(row, headline.term, outcome, ci_level, pair)
        elif headline.code == "ratio_of_odds_ratios":
            tests = [rows[t] for t in TEST_TERMS]
            text = ratio_sentence(row, tests, ratio["reference_group"], outcome, ci_level, pair)
        else:
            text = additive_sentence(
                row, additive["reference_group"], additive["outcome"], ci_level, pair
            )
        row["sentence"] = f"{text} {robustness_sentence(row, headline.null)}"
        if headline.code in INTERACTION_EVALUES and row["status"] == OK:
            code = "non_" + modelled_outcome(tables["interaction"]) if headline.code == "ic" else ""
            words = label("outcome", code).lower() if code else outcome
            row["sentence"] += interaction_evalue_sentence(sensitivity, headline, words, pair)
    if prediction is not None:
        rows[PREDICTION_CODE] = prediction_finding(prediction, pair)
    if surface_test is not None:
        rows["surface_test"] = surface_row(surface_test.iloc[0], pair)
    regions = None if johnson_neyman is None else johnson_neyman_row(johnson_neyman, pair, ci_level)
    if regions is not None:
        rows[JOHNSON_NEYMAN] = regions
    table = pd.DataFrame(list(rows.values()), columns=FINDINGS_COLUMNS)
    return table.astype({"n_analyses": "Int64", "n_excluding_null": "Int64"})


def surface_row(test: pd.Series, pair: Pair) -> dict:
    """The findings row of the surface test (linear against smooth interaction) and its sentence."""
    row = {
        "estimand": "surface_test",
        "label": "Linear against smooth interaction",
        "estimate": test["statistic"],
        "ci_method": test["method"],
        **{column: test[column] for column in ["df1", "df2", "p_value"]},
        "n_analyses": pd.NA,
        "n_excluding_null": pd.NA,
    }
    surface = f"{pair.title} surface"
    if test["status"] != OK or pd.isna(test["statistic"]):
        status = str(test["status"]).replace("_", " ")
        row["sentence"] = f"Interaction surface: the test could not be computed ({status})."
    elif test["p_value"] < 0.05:
        row["sentence"] = (
            f"Interaction surface: a smooth {surface} fits better than the linear interaction "
            f"({test_text(row)}); see the surface figure for where they differ."
        )
    else:
        row["sentence"] = (
            f"Interaction surface: a smooth {surface} fits no better than the linear interaction "
            f"({test_text(row)})."
        )
    return row


def modelled_outcome(interaction: pd.DataFrame) -> str:
    """The outcome code the models predict ('remission'), from the ratio of ORs' row."""
    return interaction.loc[interaction["measure"] == "ratio_of_odds_ratios", "outcome"].iloc[0]


def sample_line(models: pd.DataFrame, outcome: str) -> str:
    """'Primary analysis: n = 1,086, 484 with remission.' from the product model's counts."""
    product = require_whole_sample(models, "models")
    product = product[product["model"] == "product"].iloc[0]
    if pd.isna(product["n"]) or pd.isna(product["n_events"]):
        return f"{analysis_label('primary')} analysis (counts suppressed for privacy)."
    return (
        f"{analysis_label('primary')} analysis: n = {int(product['n']):,}, "
        f"{int(product['n_events'])} with {label('outcome', outcome).lower()}."
    )


def sentences(findings: pd.DataFrame) -> list[str]:
    """The sentences of the findings, in the table's order."""
    return findings["sentence"].dropna().tolist()


RST_HEADING = "Findings"


def findings_title(pair: Pair, outcome: str) -> str:
    """'Findings: serum IL-1β, BDNF and remission'; 'Findings: IL-6, HADS anxiety and ...'."""
    serum = "serum " if pair_noun(pair) == "biomarker" else ""
    return f"Findings: {serum}{pair.exposure.label}, {pair.modifier.label} and {outcome}"


def region_text(region: pd.Series, low: float, high: float, variable: Variable) -> str:
    """'7.6–19.9 ng/mL (37% of patients)': a region clipped to the observed range."""
    start = max(float(region["modifier_from"]), low)
    end = min(float(region["modifier_to"]), high)
    unit = f" {variable.unit}" if variable.unit else ""
    return f"{start:.1f}–{end:.1f}{unit} ({region['observed_share']:.0%} of patients)"


def johnson_neyman_sentence(regions: pd.DataFrame, pair: Pair, ci_level: float) -> str | None:
    """Where across the observed modifier range the exposure's OR differs from 1, pointwise and
    under each multiplicity-controlled critical value (johnson_neyman.tsv); None without rows."""
    regions = regions[regions["stratum"] == WHOLE_SAMPLE]  # none for a binary modifier
    if regions.empty or not (regions["status"] == OK).all():
        return None
    observed = regions[regions["method"].isin(OBSERVED_RANGE_BANDS)]
    low, high = (
        (observed["modifier_from"].min(), observed["modifier_to"].max())
        if len(observed)
        else (-np.inf, np.inf)
    )
    e, m = pair.exposure.label, pair.modifier.label
    parts = []
    for method, rows in regions.groupby("method", sort=False):
        found = [
            region_text(region, low, high, pair.modifier)
            for _, region in rows.iterrows()
            if bool(region["significant"])
        ]
        where = f"for {m} {' and '.join(found)}" if found else f"at no {m} value"
        parts.append(f"{where} under {johnson_neyman_method(method, ci_level)}")
    return f"The {e} odds ratio differed from 1 {'; '.join(parts)} (Johnson–Neyman regions)."


JOHNSON_NEYMAN = "johnson_neyman"


def johnson_neyman_row(regions: pd.DataFrame, pair: Pair, ci_level: float) -> dict | None:
    """The findings row of the Johnson–Neyman regions: no estimate, only the sentence stating
    them (johnson_neyman_sentence); None when that has nothing to state."""
    sentence = johnson_neyman_sentence(regions, pair, ci_level)
    if sentence is None:
        return None
    return {
        "estimand": JOHNSON_NEYMAN,
        "label": f"Johnson–Neyman regions of the {pair.exposure.label} OR",
        "n_analyses": pd.NA,
        "n_excluding_null": pd.NA,
        "sentence": sentence,
    }


def findings_documents(
    findings: pd.DataFrame,
    models: pd.DataFrame,
    interaction: pd.DataFrame,
    ci_level: float,
    synthetic: bool,
    pair: Pair,
) -> dict[str, str]:
    """The findings as Markdown, reStructuredText and an HTML page, from the table's sentences."""
    outcome = modelled_outcome(require_whole_sample(interaction, "interaction"))
    title = findings_title(pair, label("outcome", outcome).lower())
    intro = sample_line(models, outcome)
    lines = sentences(findings)
    return {
        "markdown": findings_markdown(lines, title, intro, synthetic),
        "rst": findings_rst(lines, intro, synthetic),
        "html": findings_html(findings, title, ci_level, synthetic),
    }


def findings_markdown(lines: list[str], title: str, intro: str, synthetic: bool) -> str:
    """results/findings.md: title, the synthetic-data line when it applies, the sentences."""
    parts = [f"# {title}", ""]
    if synthetic:
        parts += [SYNTHETIC_NOTE, ""]
    parts += [intro, ""]
    parts += [f"- {line}" for line in lines]
    return "\n".join(parts) + "\n"


RST_SPECIAL = re.compile(r"([\\*`|_])")


def rst_text(text: str) -> str:
    """Text with reStructuredText's markup characters escaped."""
    return RST_SPECIAL.sub(r"\\\1", text)


BANNER_HTML = (
    '<p style="background:#fff3cd;border:1px solid #d39e00;padding:6px 10px;'
    'font-weight:bold">{text}</p>'
)


def findings_rst(lines: list[str], intro: str, synthetic: bool) -> str:
    """The findings as a reStructuredText section of the report's first page (under its title)."""
    parts = [RST_HEADING, "-" * len(RST_HEADING), ""]
    if synthetic:
        banner = BANNER_HTML.format(text=html.escape(SYNTHETIC_TEXT))
        parts += [".. raw:: html", "", f"   {banner}", ""]
    parts += [rst_text(intro), ""]
    parts += [f"* {rst_text(line)}" for line in lines]
    return "\n".join(parts) + "\n"


def interval_texts(table: pd.DataFrame, low: str, high: str) -> list[str]:
    """'0.36 to 0.76' for each row's interval in columns `low` and `high`."""
    limits = zip(table[low], table[high], strict=True)
    return [interval_text(lo, hi, DECIMALS) for lo, hi in limits]


def findings_display(findings: pd.DataFrame, ci_level: float) -> pd.DataFrame:
    """The findings table as people read it: labels, rounded numbers, analyses by name."""
    level = f"{ci_level:.0%} CI"
    exceptions = findings["exceptions"].map(
        lambda names: (
            ", ".join(analysis_label(n) for n in names.split("; "))
            if isinstance(names, str)
            else ""
        )
    )
    counts = [
        f"{k} of {n}" if pd.notna(n) else ""
        for k, n in zip(findings["n_excluding_null"], findings["n_analyses"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Estimate": findings["label"],
            "Value": findings["estimate"].map(lambda v: number_text(v, DECIMALS)),
            level: interval_texts(findings, "ci_low", "ci_high"),
            "p": findings["p_value"].map(format_p),
            "Method": method_column(findings),
            f"Bootstrap {level}": interval_texts(findings, "boot_ci_low", "boot_ci_high"),
            "Null excluded in": counts,
            "Exceptions": exceptions,
        }
    )


def findings_html(findings: pd.DataFrame, title: str, ci_level: float, synthetic: bool) -> str:
    """The report page of the findings table."""
    methods = findings["boot_ci_method"].dropna().unique()
    note = "The sentences stating these findings are on the report's first page."
    if len(methods):
        note += f" Bootstrap intervals: {', '.join(ci_method_label(m) for m in methods)}."
    if synthetic:
        note = f"{SYNTHETIC_TEXT} {note}"
    return html_page(title, findings_display(findings, ci_level), note)
