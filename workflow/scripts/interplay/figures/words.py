"""What the figures call the pair's variables: names, axis labels and contrasts from the Pair."""

from interplay.pair import Pair, Variable


def measured_label(variable: Variable) -> str:
    """The label as a measurement: 'Serum IL-1β' for a biomarker, 'HADS anxiety' otherwise."""
    return f"Serum {variable.label}" if variable.kind == "biomarker" else variable.label


def axis_label(variable: Variable, log: bool = False) -> str:
    """An axis title: 'Serum IL-1β (pg/mL, log scale)', 'SOFAS', 'HADS anxiety (log scale)'."""
    details = [part for part in (variable.unit, "log scale" if log else "") if part]
    name = measured_label(variable)
    return f"{name} ({', '.join(details)})" if details else name


def log_scale(variable: Variable) -> bool:
    """Whether a variable's distribution is drawn on a log axis: a log2-modelled one, or one with
    a limit of detection (its below-LOD bar sits left of log-spaced bins)."""
    return variable.transform == "log2" or variable.is_assay


def level_word(variable: Variable, code: str) -> str:
    """A level code in words without the label: 'high' -> 'high' or '≥ 12', 'T3' -> 'T3'."""
    return variable.group(code).removeprefix(f"{variable.label} ")


def split_panel_title(pair: Pair) -> str:
    """The title of the two-group (2 × 2) panel: 'Median split' only when both are split so."""
    both_median = all(variable.split == "median" for variable in pair)
    return "Median split (2 × 2)" if both_median else "Two groups each (2 × 2)"


def unit_text(variable: Variable) -> str:
    """The unit after a number (' pg/mL'), '' for a unitless variable."""
    return f" {variable.unit}" if variable.unit else ""


def variable_words(variable: Variable) -> dict[str, object]:
    """A variable's reader words for a caption template (`caption_words`)."""
    return {
        "label": variable.label,
        "measured": measured_label(variable),
        "in_text": ("serum " if variable.kind == "biomarker" else "") + variable.label,
        "unit": variable.unit,
        "with_unit": variable.label_with_unit,
        "scale": variable.scale_words,
        "contrast": variable.contrast,
        "low": variable.group("low"),
        "high": variable.group("high"),
        # The distribution figure's axis (cohort.biomarker_figure), which the caption describes.
        "log_axis": log_scale(variable),
        "log_transform": variable.transform == "log2",
        "binary": variable.is_binary,
        "lod": variable.lod,
    }


def caption_words(pair: Pair) -> dict[str, object]:
    """The words a figure caption (workflow/report/*.rst) takes from the pair, by role."""
    return {"title": pair.title, **{variable.role: variable_words(variable) for variable in pair}}
