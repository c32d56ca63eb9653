"""Result tables as self-contained HTML pages, so Snakemake's report shows them as tables."""

import html
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from interplay.bootstrap.methods import METHODS
from interplay.describe.table1 import BINARY, CATEGORICAL, format_p, table1_wide
from interplay.errors import InputError
from interplay.figures.style import require
from interplay.labels import (
    COVARIATE_LEVELS,
    P_VALUE_METHODS,
    POST_BASELINE,
    ROLE_PAIR,
    VARIABLES,
    analysis_label,
    ci_method_label,
    estimand_label,
    group_label,
    johnson_neyman_method,
    label,
    measure_label,
    model_label,
    pair_estimands,
    pair_terms,
    stage_label,
    stratum_label,
    term_label,
    variable_label,
)
from interplay.models.logistic import FIRTH_HINT, OK
from interplay.models.p_values import INVERSION_METHODS, NOT_DEFINED
from interplay.pair import Pair, Variable
from interplay.prediction.words import METRIC_WORDS, model_words
from interplay.privacy import SUPPRESSED_COLUMN, count_text
from interplay.report.methods import series

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; background: #ffffff;
       color: #1a1a1a; margin: 16px; }
h1 { font-size: 16px; margin: 0 0 6px 0; }
p.note { color: #555555; margin: 0 0 10px 0; max-width: 60em; }
table { border-collapse: collapse; }
th, td { padding: 3px 8px; border-bottom: 1px solid #dddddd; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; white-space: normal; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
td.number { white-space: nowrap; }
td.long { overflow-wrap: anywhere; max-width: 60em; }
"""
NUMBER_CLASS = ' class="number"'
# Cells longer than this wrap (a covariate list, a checksum), so later columns stay on screen.
LONG_TEXT = 60
# Interval methods other than the model-based one; each is shown as its own column beside it.
# Risk-scale delta intervals over the covariate distribution sit beside the conditional ones.
MARGINAL_DELTA_METHODS = ("delta_marginal_wald_z", "delta_marginal_rubin_t")
EXTRA_INTERVAL_METHODS = ("mover", *METHODS, *MARGINAL_DELTA_METHODS)
# A note on left-out bootstrap resamples names at most this many estimates alike; more are counted.
NAMED_ESTIMATES = 4
# Indents a Table 1 level under its variable (HTML collapses ordinary spaces).
LEVEL_INDENT = "\u2003"


def number_text(value: Any, decimals: int = 2) -> str:
    """A number with fixed decimals ('0.00', never '-0.00'); empty for missing values."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = f"{float(value):.{decimals}f}"
    return text.removeprefix("-") if float(text) == 0 else text


def interval_text(low: Any, high: Any, decimals: int = 2) -> str:
    """'0.36 to 0.76' for an interval; empty when either limit is missing."""
    low_text, high_text = number_text(low, decimals), number_text(high, decimals)
    return f"{low_text} to {high_text}" if low_text and high_text else ""


def is_numeric_text(text: str) -> bool:
    """Whether a cell reads as a number or an interval: 0.52, -1.2, <0.001, 1,086, 37.8%, −∞,
    '0.36 to 0.76' (not ' 1')."""
    low, separator, high = text.partition(" to ")
    if separator:
        return is_numeric_text(low) and is_numeric_text(high)
    stripped = text.replace(",", "").removesuffix("%").lstrip("<>−-")
    if stripped != stripped.strip():
        return False
    try:
        float(stripped.replace("∞", "inf"))
    except ValueError:
        return False
    return True


def is_numeric_column(texts: list[str]) -> bool:
    """Whether a column is right-aligned: most of its non-empty cells are numbers (so '1
    (reference)' lines up with the odds ratios below it)."""
    filled = [text for text in texts if text]
    return bool(filled) and 2 * sum(map(is_numeric_text, filled)) >= len(filled)


def cell_class(text: str, numeric: bool) -> str:
    """The class attribute of a cell: a numeric column's right-aligned, long text wrapped."""
    if numeric:
        return NUMBER_CLASS
    return ' class="long"' if len(text) > LONG_TEXT else ""


def table_html(table: pd.DataFrame) -> str:
    """An HTML table of text cells, escaped, numeric columns right-aligned; one 'None' row if
    empty."""
    texts = table.astype(object).map(lambda value: "" if pd.isna(value) else str(value))
    numeric = [is_numeric_column(texts[column].tolist()) for column in texts.columns]
    header = "".join(
        f"<th{NUMBER_CLASS if right else ''}>{html.escape(str(column))}</th>"
        for column, right in zip(table.columns, numeric, strict=True)
    )
    if table.empty:
        span = max(len(table.columns), 1)
        return (
            f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n"
            f'<tr><td colspan="{span}">None</td></tr>\n</tbody></table>'
        )
    rows = [
        "<tr>"
        + "".join(
            f"<td{cell_class(text, right)}>{html.escape(text)}</td>"
            for text, right in zip(values, numeric, strict=True)
        )
        + "</tr>"
        for values in texts.itertuples(index=False)
    ]
    return (
        f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def html_page(title: str, table: pd.DataFrame, note: str = "") -> str:
    """A complete HTML document holding one titled table and an optional note."""
    note_html = f'<p class="note">{html.escape(note)}</p>\n' if note else ""
    body = table_html(table)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{note_html}{body}\n</body>\n</html>\n"
    )


def status_text(table: pd.DataFrame) -> pd.Series | str:
    """The fit status of each row in plain words ('not converged'); empty without the column."""
    if "status" not in table:
        return ""
    return table["status"].astype(object).fillna("").astype(str).str.replace("_", " ")


def status_note(data: Any, analysis: str) -> str:
    """A warning about rows whose fits separated or did not converge, with the Firth option.

    Without an `analysis`, the hint names the analyses of the failed rows (sensitivity table).
    """
    if not isinstance(data, pd.DataFrame) or "status" not in data:
        return ""
    troubled = data["status"].dropna()
    troubled = troubled[troubled != OK]
    if troubled.empty:
        return ""
    counts = ", ".join(
        f"{n} {status.replace('_', ' ')}" for status, n in troubled.value_counts().items()
    )
    if analysis or "analysis" not in data:
        analyses = [analysis or "<analysis>"]
    else:
        analyses = list(dict.fromkeys(data.loc[troubled.index, "analysis"]))
    return (
        f" Attention: {len(troubled)} rows come from fits that failed ({counts}); their odds "
        "ratios and intervals are not usable estimates (separation: some group has no or only "
        "outcome events, so an odds ratio runs off to 0 or infinity). "
        + "; ".join(FIRTH_HINT.format(analysis=name) for name in analyses)
        + "."
    )


def estimate_names(table: pd.DataFrame, pair: Pair) -> list[str]:
    """Each row's estimate in words: an interaction measure, a joint group, a model's term, or
    the exposure's odds ratio at a modifier value."""
    if "measure" in table:
        return [measure_label(measure, pair) for measure in table["measure"]]
    if "exposure_level" in table:
        levels = zip(table["exposure_level"], table["modifier_level"], strict=True)
        return [group_label(f"exposure_{e}_modifier_{m}", pair) for e, m in levels]
    if "model" in table:
        terms = zip(table["term"], table["model"], strict=True)
        return [f"{term_label(t, pair)} in {model_label(m, pair)}" for t, m in terms]
    return [
        f"odds ratio at {pair.modifier.label_with_unit} {number_text(value)}"
        for value in table["modifier"]
    ]


def left_out_text(used: int, failed: int, undefined: int) -> str:
    """'undefined in 29 of 200 resamples': why resamples were left out of an interval."""
    causes = [
        f"fits failed in {failed - undefined}" if failed > undefined else "",
        f"undefined in {undefined}" if undefined else "",
    ]
    return f"{' and '.join(cause for cause in causes if cause)} of {used + failed} resamples"


def resample_note(data: Any, pair: Pair) -> str:
    """Which bootstrap intervals rest on fewer resamples than requested (failed fits, undefined
    measures) and on how many, so that none does so silently."""
    if not isinstance(data, pd.DataFrame) or "replicates_failed" not in data:
        return ""
    short = data.loc[pd.to_numeric(data["replicates_failed"], errors="coerce") > 0]
    if short.empty:
        return ""
    groups: dict[tuple, list[str]] = {}
    counts = zip(
        short["ci_method"],
        short["replicates_used"].astype(int),
        short["replicates_failed"].astype(int),
        short["replicates_undefined"].astype(int),
        strict=True,
    )
    for name, key in zip(estimate_names(short, pair), counts, strict=True):
        groups.setdefault(key, []).append(name)
    sentences = [
        f"{series(names) if len(names) <= NAMED_ESTIMATES else f'{len(names)} estimates'} "
        f"[{ci_method_label(method)}]: {left_out_text(used, failed, undefined)}"
        f"{'' if len(names) == 1 else ' each'}; "
        f"{'its interval uses' if len(names) == 1 else 'their intervals use'} the other {used:,}."
        for (method, used, failed, undefined), names in groups.items()
    ]
    undefined_note = (
        " The synergy index is undefined in a resample where the joint odds (or risk) ratio is "
        "at most 1 or the two single ones sum to at most 2; such resamples lie beyond its "
        "extremes (S runs to 0 or to infinity as these limits are approached), so an interval "
        "over the others is probably too narrow. RERI and AP are defined in every resample."
        if (short["replicates_undefined"] > 0).any()
        else ""
    )
    return " Resamples left out of bootstrap intervals: " + " ".join(sentences) + undefined_note


def flow_display(flow: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The participant flow: stage, patients remaining, excluded here, why."""
    require(flow, ["stage", "n", "excluded", "reason"], "flow")
    return pd.DataFrame(
        {
            "Stage": flow["stage"].map(lambda stage: stage_label(stage, pair)),
            "Patients": flow["n"].map(lambda n: count_text(n, thousands=True)),
            "Excluded": flow["excluded"].map(lambda n: count_text(n, thousands=True) if n else ""),
            "Reason": flow["reason"].astype(object).where(flow["reason"].notna(), ""),
        }
    )


def group_sizes(table1: pd.DataFrame) -> dict[str, float]:
    """Patients per Table 1 column: observed plus missing values of any variable of a group; NaN
    where privacy suppressed them on every row (then the header says 'suppressed')."""
    totals = pd.to_numeric(table1["n"]) + pd.to_numeric(table1["n_missing"])
    return dict(totals.groupby(table1["group"].astype(str), sort=False).max().items())


def characteristic_text(variable: str, kind: str, summary: str, pair: Pair) -> str:
    """'Age (years), mean ± SD'; the pair's columns in its words ('IL-6 (pg/mL), median [IQR]');
    a post-baseline variable says so."""
    text = variable_label(variable, with_unit=kind not in (BINARY, CATEGORICAL), pair=pair)
    if variable in POST_BASELINE:
        text += " (post-baseline)"
    return f"{text}, {summary}"


def table1_display(table1: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """Table 1 as in a paper: a column per group headed by its n, a binary variable on one line,
    a categorical one with its levels indented below it, post-baseline variables last."""
    require(table1, ["variable", "kind", "level", "group", "n", "n_missing", "summary"], "table1")
    wide = table1_wide(table1)
    kinds = table1.drop_duplicates("variable").set_index("variable")["kind"]
    groups = list(dict.fromkeys(table1["group"].astype(str)))
    sizes = group_sizes(table1)
    headers = {g: f"{g} (n\u00a0=\u00a0{count_text(sizes[g], thousands=True)})" for g in groups}
    blocks = []
    for variable, block in wide.groupby("variable", sort=False):
        kind, first = kinds[variable], block.iloc[0]
        tests = {
            "p": first["p"],
            "Test": first["test"],
            "SMD": str(first["smd"]),
            "Missing": count_text(first["n_missing"]),
        }
        name = characteristic_text(str(variable), kind, str(first["summary"]), pair)
        if kind == CATEGORICAL:
            rows = [{"Characteristic": name, **tests}] + [
                {
                    "Characteristic": LEVEL_INDENT
                    + COVARIATE_LEVELS.get(str(level["level"]), str(level["level"])),
                    **{g: level[g] for g in groups},
                }
                for _, level in block.iterrows()
            ]
        else:
            rows = [{"Characteristic": name, **{g: first[g] for g in groups}, **tests}]
        blocks.append((variable in POST_BASELINE, rows))
    ordered = [row for _, rows in sorted(blocks, key=lambda block: block[0]) for row in rows]
    columns = ["Characteristic", *groups, "p", "Test", "SMD", "Missing"]
    return pd.DataFrame(ordered, columns=columns).fillna("").rename(columns=headers)


def count_column(table: pd.DataFrame, column: str) -> list[str]:
    """A count column as text: 'suppressed' where privacy hid it, empty where there is none."""
    hidden = table[SUPPRESSED_COLUMN] if SUPPRESSED_COLUMN in table else [False] * len(table)
    return [
        "" if pd.isna(value) and not flag else count_text(value, thousands=True)
        for value, flag in zip(table[column], hidden, strict=True)
    ]


def intervals(table: pd.DataFrame, decimals: int = 2) -> list[str]:
    """The CI column of a result table as text."""
    return [
        interval_text(low, high, decimals)
        for low, high in zip(table["ci_low"], table["ci_high"], strict=True)
    ]


def with_extra_intervals(
    table: pd.DataFrame, keys: list[str], decimals: int = 2
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The model-based rows of a result table (one per key) and, per further interval method
    (bootstrap, MOVER), its CI text aligned with them: {'Bootstrap percentile CI': [...]}."""
    if "ci_method" not in table:
        return table.reset_index(drop=True), {}
    keys = [key for key in keys if key in table]
    extra = table["ci_method"].isin(EXTRA_INTERVAL_METHODS)
    main = table.loc[~extra].reset_index(drop=True)
    columns = {}
    for method in dict.fromkeys(table.loc[extra, "ci_method"]):
        rows = table.loc[table["ci_method"] == method, keys].copy()
        rows["text"] = intervals(table.loc[table["ci_method"] == method], decimals)
        matched = main[keys].merge(rows, on=keys, how="left")["text"]
        columns[f"{ci_method_label(method)} CI"] = matched.fillna("").tolist()
        if "p_value_method" in table:
            rows["p"] = p_column(table.loc[table["ci_method"] == method])
            matched = main[keys].merge(rows, on=keys, how="left")["p"]
            columns[p_heading(method)] = matched.fillna("").tolist()
    return main, columns


def p_heading(method: str) -> str:
    """The heading of an extra interval method's p-value column: how the p-value was obtained
    (an inverted interval, a t test), else the interval's own method (a delta method)."""
    if method in INVERSION_METHODS:
        return f"p {P_VALUE_METHODS[INVERSION_METHODS[method]]}"
    return f"p ({ci_method_label(method)})"


def p_column(table: pd.DataFrame) -> pd.Series:
    """Each row's p-value as text; 'not defined' where p_value_method says so (a standardised risk
    has no null value), never a blank a reader could take for 'not significant'."""
    undefined = table.get("p_value_method", pd.Series("", index=table.index)) == NOT_DEFINED
    texts = table["p_value"].map(format_p)
    return texts.where(~undefined, P_VALUE_METHODS[NOT_DEFINED])


def labelled(codes: pd.Series, to_label: Callable[[str], str]) -> pd.Series:
    """A column of codes as labels; empty where a code is missing."""
    return codes.map(lambda code: "" if pd.isna(code) else to_label(code))


def method_column(table: pd.DataFrame) -> pd.Series | str:
    """The interval method (or test, with its df1 and df2) of each row in words; empty without
    the column."""
    if "ci_method" not in table:
        return ""
    none = pd.Series(np.nan, index=table.index)
    rows = zip(table["ci_method"], table.get("df1", none), table.get("df2", none), strict=True)
    texts = ["" if pd.isna(m) else ci_method_label(m, df1, df2) for m, df1, df2 in rows]
    return pd.Series(texts, index=table.index)


def stratum_column(table: pd.DataFrame) -> dict[str, pd.Series]:
    """The Stratum column, only when an analysis has strata (by treatment step)."""
    if "stratum" not in table or set(table["stratum"].dropna()) <= {"all"}:
        return {}
    return {"Stratum": table["stratum"].map(stratum_label)}


def contrast_text(contrast: Any, pair: Pair) -> str:
    """sensitivity.tsv's contrast with its codes as labels: '...; Non-remission, reference
    IL-1β high, BDNF high'."""
    if not isinstance(contrast, str):
        return ""
    coding, _, additive = contrast.partition("; ")
    outcome, marker, reference = additive.partition(", reference ")
    if not marker:
        return contrast
    return f"{coding}; {label('outcome', outcome)}, reference {group_label(reference, pair)}"


def analysis_pairs(analyses: pd.Series, pair: Pair, pairs: Mapping[str, Pair] | None) -> list[Pair]:
    """The Pair of each row's analysis: from `pairs` ({analysis: Pair}), or `pair` for every row
    when there is none (a single pair)."""
    if pairs is None:
        return [pair] * len(analyses)
    unknown = sorted(set(analyses) - set(pairs))
    if unknown:
        raise InputError(
            "analyses without pair settings: the report knows the pair of each configured "
            "analysis only",
            file="sensitivity.tsv",
            column="analysis",
            ids=unknown,
            fix="rebuild sensitivity.tsv with the configuration listing these analyses",
        )
    return [pairs[analysis] for analysis in analyses]


def sensitivity_display(
    sensitivity: pd.DataFrame, pair: Pair, pairs: Mapping[str, Pair] | None = None
) -> pd.DataFrame:
    """The key estimates of every analysis in plain words: estimate, interval, counts (suppressed
    ones named), E-value and fit status ('Fit'). Each row names its estimand and contrast in its
    own analysis's pair (`pairs`: {analysis: Pair}; without it every analysis studies `pair`),
    and a Pair column names it when more than one pair is present."""
    row_pairs = analysis_pairs(sensitivity["analysis"], pair, pairs)
    estimands = sensitivity["estimand"].astype(object)
    titles = pd.Series([row_pair.title for row_pair in row_pairs], index=sensitivity.index)
    return pd.DataFrame(
        {
            "Analysis": labelled(sensitivity["analysis"], analysis_label),
            **({"Pair": titles} if titles.nunique() > 1 else {}),
            # 'All patients' on every unstratified row would only crowd the page.
            "Stratum": labelled(sensitivity["stratum"].replace("all", None), stratum_label),
            "Estimand": [
                estimand_label(name, row_pair) if name in pair_estimands(row_pair) else ""
                for name, row_pair in zip(estimands, row_pairs, strict=True)
            ],
            "Contrast": [
                contrast_text(contrast, row_pair)
                for contrast, row_pair in zip(sensitivity["contrast"], row_pairs, strict=True)
            ],
            "Estimate": sensitivity["estimate"].map(number_text),
            "CI": intervals(sensitivity),
            "CI method": method_column(sensitivity),
            "p": sensitivity["p_value"].map(format_p),
            "Events / n": [
                f"{events} / {n}" if events or n else ""
                for events, n in zip(
                    count_column(sensitivity, "n_events"),
                    count_column(sensitivity, "n"),
                    strict=True,
                )
            ],
            "E-value (CI limit)": [
                f"{number_text(point)} ({number_text(limit)})" if number_text(point) else ""
                for point, limit in zip(
                    sensitivity["evalue"], sensitivity["evalue_ci"], strict=True
                )
            ],
            "Fit": status_text(sensitivity),
        }
    )


# pairs.tsv's estimands, as column headers valid for every pair (each row names its own).
PAIR_ESTIMAND_HEADERS = {
    "exposure_or_modifier_low": "Exposure OR (CI), modifier low",
    "exposure_or_modifier_high": "Exposure OR (CI), modifier high",
    "ratio_of_odds_ratios": "Ratio of ORs (CI)",
    "reri": "RERI (CI)",
}


def estimate_with_interval(table: pd.DataFrame, estimand: str) -> list[str]:
    """'0.52 (0.36–0.76)' per row of pairs.tsv's columns of one estimand; empty where none."""
    columns = (estimand, f"{estimand}_ci_low", f"{estimand}_ci_high")
    return [
        f"{number_text(point)} ({interval_text(low, high)})" if number_text(point) else ""
        for point, low, high in zip(*(table[column] for column in columns), strict=True)
    ]


def pairs_display(pairs: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The key estimates of every pair in plain words, with the adjusted interaction tests (each
    row names its own pair; `pair`, the primary's, is not needed)."""
    return pd.DataFrame(
        {
            "Analysis": labelled(pairs["analysis"], analysis_label),
            "Pair": pairs["exposure"] + " × " + pairs["modifier"],
            "Exposure compared": pairs["exposure_coding"],
            "Modifier compared": pairs["modifier_coding"],
            **{
                header: estimate_with_interval(pairs, estimand)
                for estimand, header in PAIR_ESTIMAND_HEADERS.items()
            },
            "p interaction": pairs["p_interaction"].map(format_p),
            "p Holm": pairs["p_holm"].map(format_p),
            "p BH": pairs["p_bh"].map(format_p),
            "Events / n": [
                f"{events} / {n}" if events or n else ""
                for events, n in zip(
                    count_column(pairs, "n_events"), count_column(pairs, "n"), strict=True
                )
            ],
            "Fit": status_text(pairs),
        }
    )


def is_reported_term(term: str) -> bool:
    """Whether a model term is an exposure, product or contrast (not the intercept or a
    covariate, which stay in models.tsv)."""
    return (term in pair_terms(ROLE_PAIR) and term != "intercept") or term not in (
        *VARIABLES,
        "intercept",
    )


def models_display(models: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The exposure, product and contrast terms of every model: OR, interval(s), p, sample,
    events, fraction of missing information."""
    require(models, ["model", "term", "odds_ratio", "ci_low", "ci_high", "p_value"], "models")
    reported = models.loc[models["term"].map(is_reported_term)]
    main, extra = with_extra_intervals(reported, ["stratum", "model", "term"])
    return pd.DataFrame(
        {
            **stratum_column(main),
            "Model": main["model"].map(lambda model: model_label(model, pair)),
            "Term": main["term"].map(lambda term: term_label(term, pair)),
            "OR": main["odds_ratio"].map(number_text),
            "CI": intervals(main),
            "CI method": method_column(main),
            "p": p_column(main),
            **extra,
            "n": count_column(main, "n"),
            "Events": count_column(main, "n_events"),
            "FMI": main["fmi"].map(number_text) if "fmi" in main else "",
            "Fit": status_text(main),
        }
    )


def joint_display(joint: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The joint groups of the pair, one row each: counts, outcome events, the adjusted odds ratio
    with its model-based interval and p-value, and each further interval method's as columns."""
    require(
        joint,
        ["exposure_level", "modifier_level", "n", "remitters", "non_remitters", "p_value"],
        "joint",
    )
    main, extra = with_extra_intervals(joint, ["stratum", "exposure_level", "modifier_level"])
    reference = main["is_reference"].astype(str).str.upper() == "TRUE"
    groups = [
        group_label(f"exposure_{exposure}_modifier_{modifier}", pair)
        for exposure, modifier in zip(main["exposure_level"], main["modifier_level"], strict=True)
    ]
    return pd.DataFrame(
        {
            **stratum_column(main),
            "Group": groups,
            "Patients": main["n"].map(count_text),
            "Events": main["remitters"].map(count_text),
            "Non-events": main["non_remitters"].map(count_text),
            "OR": np.where(reference, "1 (reference)", main["odds_ratio"].map(number_text)),
            "CI": intervals(main),
            "CI method": method_column(main),
            "p": np.where(reference, "", p_column(main)),
            **extra,
            "Fit": status_text(main),
        }
    )


def outcome_against(outcome: str, reference: object, pair: Pair) -> str:
    """'Non-remission, against IL-1β high, BDNF high': a measure's outcome and reference group."""
    text = label("outcome", outcome)
    return f"{text}, against {group_label(reference, pair)}" if isinstance(reference, str) else text


def interaction_display(interaction: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """Interaction measures on both scales, one row each: estimate with its model-based interval
    or test, each further interval method's CI as a column."""
    require(interaction, ["measure", "scale", "estimate", "ci_low", "ci_high"], "interaction")
    keys = ["stratum", "measure", "outcome", "reference_group"]
    main, extra = with_extra_intervals(interaction, keys, decimals=3)
    return pd.DataFrame(
        {
            **stratum_column(main),
            "Measure": main["measure"].map(lambda measure: measure_label(measure, pair)),
            "Outcome, against": [
                outcome_against(outcome, reference, pair)
                for outcome, reference in zip(main["outcome"], main["reference_group"], strict=True)
            ],
            "Estimate": main["estimate"].map(lambda v: number_text(v, 3)),
            "CI": intervals(main, 3),
            "CI method / test": method_column(main),
            "p": p_column(main),
            **extra,
            "Fit": status_text(main),
        }
    )


def slopes_display(slopes: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The exposure's odds ratio (per doubling of IL-1β) at modifier percentiles (the figure's grid
    is in the TSV)."""
    require(
        slopes,
        ["percentile", "modifier", "modifier_scaled", "odds_ratio", "ci_low", "ci_high"],
        "slopes",
    )
    at_percentiles = slopes.loc[slopes["percentile"].notna()]
    modifier = pair.modifier
    main, extra = with_extra_intervals(at_percentiles, ["stratum", "percentile"], decimals=3)
    return pd.DataFrame(
        {
            **stratum_column(main),
            f"{modifier.label} percentile": main["percentile"].map(lambda v: number_text(v, 0)),
            modifier.label_with_unit: main["modifier"].map(number_text),
            f"{modifier.label} ({scale_text(modifier)})": main["modifier_scaled"].map(number_text),
            f"OR {pair.exposure.scale_words}": main["odds_ratio"].map(lambda v: number_text(v, 3)),
            "CI": intervals(main, 3),
            "CI method": method_column(main),
            "p": p_column(main),
            **extra,
            "Fit": status_text(main),
        }
    )


def scale_text(variable: Variable) -> str:
    """What the continuous-model column of a variable counts: 'SD from the mean', 'log2', or its
    unit ('pg/mL')."""
    return {"per_sd": "SD from the mean", "log2": "log2"}.get(
        variable.transform, variable.unit or "unit"
    )


def limit_text(value: Any) -> str:
    """A region's limit: '−∞', '∞' or the number."""
    if isinstance(value, float) and np.isinf(value):
        return "−∞" if value < 0 else "∞"
    return number_text(value)


def johnson_neyman_display(regions: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The modifier's regions where the exposure's odds ratio's interval excludes 1 or not."""
    require(
        regions,
        ["method", "modifier_from", "modifier_to", "significant", "observed_share"],
        "johnson_neyman",
    )
    excludes = regions["significant"].astype(str).str.upper() == "TRUE"
    modifier, exposure = pair.modifier, pair.exposure.label
    unit = f" ({modifier.unit})" if modifier.unit else ""
    scale = f" ({scale_text(modifier).removesuffix(' from the mean')})"
    return pd.DataFrame(
        {
            **stratum_column(regions),
            "Method": regions["method"].map(johnson_neyman_method),
            f"{modifier.label} from{unit}": regions["modifier_from"].map(limit_text),
            f"{modifier.label} to{unit}": regions["modifier_to"].map(limit_text),
            f"{modifier.label} from{scale}": regions["modifier_scaled_from"].map(limit_text),
            f"{modifier.label} to{scale}": regions["modifier_scaled_to"].map(limit_text),
            f"{exposure} OR": regions["odds_ratio_direction"].map(
                lambda direction: label("direction", direction)
            ),
            "CI excludes 1": np.where(excludes, "yes", "no"),
            "Patients in region": regions["observed_share"].map(
                lambda share: f"{100 * share:.1f}%"
            ),
            "Critical value": regions["critical_value"].map(lambda v: number_text(v, 3)),
            "Monte Carlo SE": regions["critical_value_mc_se"].map(lambda v: number_text(v, 3)),
            "df": regions["df"].map(lambda v: number_text(v, 1)),
            "Fit": status_text(regions),
        }
    )


def surface_test_display(test: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The likelihood-ratio test of the linear interaction against the smooth surface."""
    require(test, ["statistic", "df1", "df2", "p_value", "method", "n"], "surface_test")
    return pd.DataFrame(
        {
            "Test": "Linear interaction against smooth surface",
            "Method": [
                ci_method_label(method, df1, df2)
                for method, df1, df2 in zip(test["method"], test["df1"], test["df2"], strict=True)
            ],
            "Statistic": test["statistic"].map(lambda v: number_text(v, 2)),
            "P value": test["p_value"].map(format_p),
            "Patients": test["n"].map(lambda n: f"{int(n):,}"),
            "Deviance, smooth": test["deviance_smooth"].map(lambda v: number_text(v, 2)),
            "Deviance, linear": test["deviance_linear"].map(lambda v: number_text(v, 2)),
            "Spline df per variable": test["spline_df"].map(lambda v: number_text(v, 0)),
            "Fit": status_text(test),
        }
    )


def cutpoints_display(cutpoints: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The biomarker cut-points and LOD handling (STROBE 16b)."""
    require(cutpoints, ["role", "coding", "cut", "value", "unit", "n_patients"], "cutpoints")
    return pd.DataFrame(
        {
            "Variable": cutpoints["role"].map(lambda role: pair.variable(role).label),
            "Coding": cutpoints["coding"].map(lambda coding: label("coding", coding)),
            "Cut": cutpoints["cut"].map(lambda cut: label("cut", cut)),
            "Value": cutpoints["value"].map(lambda v: number_text(v, 3)),
            "Unit": cutpoints["unit"],
            "Patients at this limit": cutpoints["n_patients"].map(
                lambda n: "" if pd.isna(n) else f"{int(n):,}"
            ),
        }
    )


def quality_display(table: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """A data warnings or suppression log: its column names as words, variables by label."""
    shown = table.copy()
    if "column" in shown:
        shown["column"] = shown["column"].map(
            lambda name: variable_label(name) if isinstance(name, str) else ""
        )
    headers = {name: name.replace("_", " ").capitalize() for name in shown}
    return shown.rename(columns=headers | {"n_affected": "Patients affected"})


def flatten(record: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(dotted key, text) for every leaf of a nested mapping; lists joined by commas."""
    items = []
    for key in sorted(record):
        value, name = record[key], f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            items += flatten(value, f"{name}.")
        elif isinstance(value, list):
            items.append((name, ", ".join(str(v) for v in value)))
        else:
            items.append((name, "{}" if isinstance(value, Mapping) else str(value)))
    return items


# The provenance record's top-level keys, by the part of the page that shows them.
PROVENANCE_PARTS = {
    "python": "Software",
    "packages": "Software",
    "git_commit": "Software",
    "inputs": "Input checksums (SHA-256)",
    "config_sha256": "Configuration",
    "config": "Configuration",
}


def provenance_display(record: Mapping[str, Any], pair: Pair) -> pd.DataFrame:
    """The provenance record as rows of part, key and value: software first, then the input
    checksums, then the configuration (its keys are config.yaml's, so they stay as they are)."""
    parts = list(dict.fromkeys(PROVENANCE_PARTS.values()))
    rows = [
        (PROVENANCE_PARTS.get(key.split(".")[0], "Other"), key, value)
        for key, value in flatten(record)
    ]
    rows.sort(key=lambda row: parts.index(row[0]) if row[0] in parts else len(parts))
    return pd.DataFrame(rows, columns=["Part", "Key", "Value"])


# Net-benefit thresholds the prediction page shows (every one is in prediction.tsv and the figure).
PREDICTION_PAGE_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def prediction_display(table: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """Apparent, optimism and optimism-corrected performance of the prediction models, with net
    benefit at a few thresholds."""
    require(table, ["analysis", "model", "metric", "threshold", "corrected"], "prediction")
    shown = table["metric"].ne("net_benefit") | table["threshold"].round(6).isin(
        PREDICTION_PAGE_THRESHOLDS
    )
    rows = table.loc[shown]
    words = model_words(pair)
    measure = rows["metric"].map(METRIC_WORDS) + rows["threshold"].map(
        lambda t: "" if pd.isna(t) else f" at {100 * t:.0f}% threshold"
    )
    return pd.DataFrame(
        {
            "Analysis": rows["analysis"].map(analysis_label),
            "Model": rows["model"].map(words),
            "Measure": measure,
            "Apparent": rows["apparent"].map(lambda v: number_text(v, 3)),
            "Optimism": rows["optimism"].map(lambda v: number_text(v, 3)),
            "Optimism-corrected": rows["corrected"].map(lambda v: number_text(v, 3)),
            "CI (corrected)": [
                interval_text(low, high, 3)
                for low, high in zip(rows["ci_low"], rows["ci_high"], strict=True)
            ],
            "n": rows["n"],
            "Events": rows["n_events"],
            "Imputed sets": rows["imputations"],
            "Replicates": rows["replicates"],
            "Fit": status_text(rows),
        }
    )


# name -> (title, how to tabulate, note); the names match the report rules' inputs and outputs.
# {exposure}, {modifier} and {per_exposure} in a title or note are the analysis's pair's words.
DISPLAYS: dict[str, tuple[str, Callable[[Any, Pair], pd.DataFrame], str]] = {
    "flow": ("Participant flow", flow_display, "Patients remaining after each stage."),
    "cutpoints": (
        "Cut-points of {exposure} and {modifier}",
        cutpoints_display,
        "Computed in the analytic sample.",
    ),
    "warnings": (
        "Data warnings",
        quality_display,
        "Suspicious but valid values found on ingestion; None means there were none.",
    ),
    "privacy": (
        "Suppressed counts",
        quality_display,
        "Counts hidden under config privacy.min_cell_count; None means nothing was suppressed.",
    ),
    "table1_by_remission": (
        "Table 1 by outcome",
        table1_display,
        "n (%) of the non-missing values, or the summary named in each row; Missing counts all "
        "patients. A post-baseline characteristic is listed last: it is not a confounder.",
    ),
    "table1_by_biomarker_group": (
        "Table 1 by {exposure} × {modifier} group",
        table1_display,
        "n (%) of the non-missing values, or the summary named in each row; Missing counts all "
        "patients. A post-baseline characteristic is listed last: it is not a confounder.",
    ),
    "models": (
        "Models",
        models_display,
        "Odds ratios of the exposure, product and contrast terms of every model; the intercept "
        "and covariate rows are in models.tsv.",
    ),
    "joint": (
        "Joint {exposure} × {modifier} groups",
        joint_display,
        "Adjusted odds ratios of the outcome against the reference group, one row per group, "
        "with the p-value of the test that the group's odds equal the reference group's; each "
        "further interval method has its own CI and p columns.",
    ),
    "interaction": (
        "Interaction",
        interaction_display,
        "Both scales (Knol & VanderWeele 2012); a test's row gives its statistic as the estimate "
        "and its degrees of freedom beside it; each further interval method has its own CI and p "
        "columns.",
    ),
    "slopes": (
        "{exposure} odds ratio across {modifier}",
        slopes_display,
        "Odds ratio of the outcome {per_exposure} at percentiles of {modifier}, from the "
        "continuous product model; the full grid behind the figure is in slopes.tsv.",
    ),
    "johnson_neyman": (
        "Johnson–Neyman regions",
        johnson_neyman_display,
        "Ranges of {modifier} over which the interval of the odds ratio {per_exposure} excludes "
        "1 or not, and the share of patients whose {modifier} lies in each, with a pointwise "
        "critical value and with critical values that control for testing at every {modifier} "
        "value (simultaneous bands, false discovery rate).",
    ),
    "surface_test": (
        "Interaction surface: linear against smooth",
        surface_test_display,
        "Likelihood-ratio test of the linear {exposure} × {modifier} interaction against natural "
        "cubic splines of both with their tensor product; a small p-value says the surface is "
        "not the linear interaction's.",
    ),
    "sensitivity": (
        "Key estimates of every analysis",
        sensitivity_display,
        "Model-based estimates and E-values; a stratum starting 'not run' says why an analysis "
        "has no estimates; Fit says whether the fits behind an estimate succeeded (ok).",
    ),
    "pairs": (
        "Key estimates of every pair",
        pairs_display,
        "One row per pair studied, from its first analysis; estimates with model-based intervals; "
        "the interaction p-value unadjusted and adjusted across pairs (Holm, Benjamini–Hochberg).",
    ),
    "provenance": ("Provenance", provenance_display, "What produced these results."),
    "prediction": (
        "Prediction performance",
        prediction_display,
        "Covariates only, + {exposure} and {modifier}, + their interaction: apparent performance "
        "on the data the model was fitted to, Harrell's bootstrap optimism, and apparent minus "
        "optimism; net benefit at seven thresholds (all of them in prediction.tsv).",
    ),
}


def report_page(
    name: str,
    data: Any,
    title_suffix: str = "",
    analysis: str = "",
    pair: Pair = ROLE_PAIR,
    pairs: Mapping[str, Pair] | None = None,
) -> str:
    """The HTML page of one named result (a table, or the provenance record) of an analysis, in
    the words of its pair; the sensitivity page names each row in its own analysis's pair
    (`pairs`: {analysis: Pair})."""
    title, tabulate, note = DISPLAYS[name]
    words = {
        "exposure": pair.exposure.label,
        "modifier": pair.modifier.label,
        "per_exposure": pair.exposure.scale_words,
    }
    table = (
        sensitivity_display(data, pair, pairs) if name == "sensitivity" else tabulate(data, pair)
    )
    return html_page(
        f"{title.format(**words)}{title_suffix}",
        table,
        note.format(**words) + status_note(data, analysis) + resample_note(data, pair),
    )
