"""Result tables as self-contained HTML pages, so Snakemake's report shows them as tables."""

import html
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from interplay.figures_sensitivity import ESTIMANDS
from interplay.figures_style import require
from interplay.labels import ci_method_label, stage_label, variable_label
from interplay.models import FIRTH_HINT, OK
from interplay.privacy import SUPPRESSED_COLUMN, count_text
from interplay.table1 import format_p, table1_wide

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; background: #ffffff;
       color: #1a1a1a; margin: 16px; }
h1 { font-size: 16px; margin: 0 0 6px 0; }
p.note { color: #555555; margin: 0 0 10px 0; max-width: 60em; }
table { border-collapse: collapse; }
th, td { padding: 3px 8px; border-bottom: 1px solid #dddddd; text-align: left; white-space: nowrap;
         vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
"""


def number_text(value: Any, decimals: int = 2) -> str:
    """A number with fixed decimals; empty for missing values."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{float(value):.{decimals}f}"


def interval_text(low: Any, high: Any, decimals: int = 2) -> str:
    """'0.36 to 0.76' for an interval; empty when either limit is missing."""
    low_text, high_text = number_text(low, decimals), number_text(high, decimals)
    return f"{low_text} to {high_text}" if low_text and high_text else ""


def is_numeric_text(text: str) -> bool:
    """Whether a cell reads as a number (right-aligned): 0.52, -1.2, <0.001, 1,086."""
    stripped = text.replace(",", "").lstrip("<>−-")
    try:
        float(stripped)
    except ValueError:
        return False
    return True


def table_html(table: pd.DataFrame) -> str:
    """An HTML table of text cells, escaped, numbers right-aligned; one 'None' row if empty."""
    header = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    if table.empty:
        span = max(len(table.columns), 1)
        return (
            f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n"
            f'<tr><td colspan="{span}">None</td></tr>\n</tbody></table>'
        )
    rows = []
    for values in table.astype(object).itertuples(index=False):
        cells = []
        for value in values:
            text = "" if pd.isna(value) else str(value)
            kind = ' class="number"' if is_numeric_text(text) else ""
            cells.append(f"<td{kind}>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
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
    return table["status"].fillna("").str.replace("_", " ")


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


def flow_display(flow: pd.DataFrame) -> pd.DataFrame:
    """The participant flow: stage, patients remaining, excluded here, why."""
    require(flow, ["stage", "n", "excluded", "reason"], "flow")
    return pd.DataFrame(
        {
            "Stage": flow["stage"].map(stage_label),
            "Patients": flow["n"].map(lambda n: count_text(n, thousands=True)),
            "Excluded": flow["excluded"].map(lambda n: count_text(n, thousands=True) if n else ""),
            "Reason": flow["reason"].astype(object).where(flow["reason"].notna(), ""),
        }
    )


def table1_display(table1: pd.DataFrame) -> pd.DataFrame:
    """Table 1 in its familiar wide layout, with readable variable names."""
    wide = table1_wide(table1)
    wide["variable"] = wide["variable"].map(variable_label)
    wide["smd"] = wide["smd"].astype(str)
    wide["n_missing"] = wide["n_missing"].map(count_text)
    return wide.rename(
        columns={
            "variable": "Variable",
            "level": "Level",
            "summary": "Summary",
            "p": "p",
            "test": "Test",
            "smd": "SMD",
            "n_missing": "Missing",
        }
    )


def count_column(table: pd.DataFrame, column: str) -> list[str]:
    """A count column as text: 'suppressed' where privacy hid it, empty where there is none."""
    hidden = table[SUPPRESSED_COLUMN] if SUPPRESSED_COLUMN in table else [False] * len(table)
    return [
        "" if pd.isna(value) and not flag else count_text(value)
        for value, flag in zip(table[column], hidden, strict=True)
    ]


def sensitivity_display(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The key estimates of every analysis in plain words: estimate, interval, counts (suppressed
    ones named), E-value and fit status ('Fit')."""
    estimands = sensitivity["estimand"].astype(object)
    evalues = zip(sensitivity["evalue"], sensitivity["evalue_ci"], strict=True)
    return pd.DataFrame(
        {
            "Analysis": sensitivity["analysis"],
            "Stratum": sensitivity["stratum"],
            "Estimand": estimands.map(
                lambda name: ESTIMANDS[name].title if name in ESTIMANDS else ""
            ),
            "Contrast": sensitivity["contrast"].fillna(""),
            "Estimate": sensitivity["estimate"].map(number_text),
            "CI": [
                interval_text(a, b)
                for a, b in zip(sensitivity["ci_low"], sensitivity["ci_high"], strict=True)
            ],
            "CI method": sensitivity["ci_method"].map(
                lambda method: ci_method_label(method) if isinstance(method, str) else ""
            ),
            "p": sensitivity["p_value"].map(format_p),
            "n": count_column(sensitivity, "n"),
            "Events": count_column(sensitivity, "n_events"),
            "E-value (CI)": [
                f"{number_text(point)} ({number_text(limit)})" if number_text(point) else ""
                for point, limit in evalues
            ],
            "Fit": status_text(sensitivity),
        }
    )


def models_display(models: pd.DataFrame) -> pd.DataFrame:
    """Every model's terms: odds ratio, interval, p, sample, events, fraction missing info."""
    require(models, ["model", "term", "odds_ratio", "ci_low", "ci_high", "p_value"], "models")
    return pd.DataFrame(
        {
            "Model": models["model"],
            "Term": models["term"],
            "OR": models["odds_ratio"].map(number_text),
            "CI": [
                interval_text(a, b)
                for a, b in zip(models["ci_low"], models["ci_high"], strict=True)
            ],
            "p": models["p_value"].map(format_p),
            "CI method": models["ci_method"].map(ci_method_label),
            "n": count_column(models, "n"),
            "Events": count_column(models, "n_events"),
            "FMI": models["fmi"].map(number_text) if "fmi" in models else "",
            "Fit": status_text(models),
        }
    )


def joint_display(joint: pd.DataFrame) -> pd.DataFrame:
    """The joint IL-1β × BDNF groups: counts, outcome events and adjusted odds ratios."""
    require(joint, ["il1b_level", "bdnf_level", "n", "remitters", "non_remitters"], "joint")
    reference = joint["is_reference"].astype(bool) if "is_reference" in joint else False
    return pd.DataFrame(
        {
            "IL-1β": joint["il1b_level"],
            "BDNF": joint["bdnf_level"],
            "Patients": joint["n"].map(count_text),
            "Events": joint["remitters"].map(count_text),
            "Non-events": joint["non_remitters"].map(count_text),
            "OR": np.where(reference, "1 (reference)", joint["odds_ratio"].map(number_text)),
            "CI": [
                interval_text(a, b) for a, b in zip(joint["ci_low"], joint["ci_high"], strict=True)
            ],
            "Fit": status_text(joint),
        }
    )


def interaction_display(interaction: pd.DataFrame) -> pd.DataFrame:
    """Interaction measures on both scales with their intervals and tests."""
    require(interaction, ["measure", "scale", "estimate", "ci_low", "ci_high"], "interaction")
    return pd.DataFrame(
        {
            "Measure": interaction["measure"],
            "Scale": interaction["scale"],
            "Outcome": interaction["outcome"],
            "Reference group": interaction["reference_group"].fillna(""),
            "Estimate": interaction["estimate"].map(lambda v: number_text(v, 3)),
            "CI": [
                interval_text(a, b, 3)
                for a, b in zip(interaction["ci_low"], interaction["ci_high"], strict=True)
            ],
            "CI method / test": interaction["ci_method"],
            "p": interaction["p_value"].map(format_p),
            "Fit": status_text(interaction),
        }
    )


def cutpoints_display(cutpoints: pd.DataFrame) -> pd.DataFrame:
    """The biomarker cut-points and LOD handling (STROBE 16b)."""
    require(cutpoints, ["biomarker", "coding", "cut", "value", "unit", "n_patients"], "cutpoints")
    return pd.DataFrame(
        {
            "Biomarker": cutpoints["biomarker"].map(variable_label),
            "Coding": cutpoints["coding"],
            "Cut": cutpoints["cut"],
            "Value": cutpoints["value"].map(lambda v: number_text(v, 3)),
            "Unit": cutpoints["unit"],
            "Patients at this limit": cutpoints["n_patients"].map(
                lambda n: "" if pd.isna(n) else f"{int(n):,}"
            ),
        }
    )


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


def provenance_display(record: Mapping[str, Any]) -> pd.DataFrame:
    """The provenance record as key–value rows (software, configuration, input checksums)."""
    return pd.DataFrame(flatten(record), columns=["Key", "Value"])


# name -> (title, how to tabulate, note); the names match the report rules' inputs and outputs.
DISPLAYS: dict[str, tuple[str, Callable[[Any], pd.DataFrame], str]] = {
    "flow": ("Participant flow", flow_display, "Patients remaining after each stage."),
    "cutpoints": ("Biomarker cut-points", cutpoints_display, "Computed in the analytic sample."),
    "warnings": (
        "Data warnings",
        lambda t: t,
        "Suspicious but valid values found on ingestion; None means there were none.",
    ),
    "privacy": (
        "Suppressed counts",
        lambda t: t,
        "Counts hidden under config privacy.min_cell_count; None means nothing was suppressed.",
    ),
    "table1_by_remission": ("Table 1 by outcome", table1_display, ""),
    "table1_by_biomarker_group": ("Table 1 by biomarker group", table1_display, ""),
    "models": ("Models", models_display, "Odds ratios of every term of every model."),
    "joint": ("Joint biomarker groups", joint_display, "Adjusted odds ratios of the outcome."),
    "interaction": ("Interaction", interaction_display, "Both scales (Knol & VanderWeele 2012)."),
    "sensitivity": (
        "Key estimates of every analysis",
        sensitivity_display,
        "Model-based estimates and E-values; a stratum starting 'not run' says why an analysis "
        "has no estimates; Fit says whether the fits behind an estimate succeeded (ok).",
    ),
    "provenance": ("Provenance", provenance_display, "What produced these results."),
}


def report_page(name: str, data: Any, title_suffix: str = "", analysis: str = "") -> str:
    """The HTML page of one named result (a table, or the provenance record) of an analysis."""
    title, tabulate, note = DISPLAYS[name]
    return html_page(f"{title}{title_suffix}", tabulate(data), note + status_note(data, analysis))
