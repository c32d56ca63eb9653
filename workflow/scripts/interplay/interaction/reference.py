"""The reference cell of the additive interaction measures (models.additive_reference).

RERI, AP and S (odds and risk scale), IC and the joint ORs of non-<outcome> are contrasts against
one cell of the 2 × 2 table (Knol et al., Eur J Epidemiol 2011 recode so that it is the lowest-risk
cell). Choosing that cell from each analysis's data makes the joint log-ORs biased upward and lets
the cell flip between analyses when two cells tie (docs/additive_interaction.md), so the setting
`primary` chooses it once, in the primary analysis (or the first analysis of another pair), and
every other analysis and bootstrap replicate holds it; `each_analysis` chooses afresh; a named cell
exposure_<low|high>_modifier_<low|high> fixes it in advance.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from interplay.errors import InputError
from interplay.interaction import measures as ia
from interplay.models.logistic import MODEL_EXPOSURES

PRIMARY_RULE = "primary"
EACH_ANALYSIS = "each_analysis"
NAMED = "named"
HELD_KEY = "held_reference"  # models.<key>: the cell read from the reference analysis's table
EXPOSURES = MODEL_EXPOSURES["product"][:2]


@dataclass(frozen=True)
class ReferenceChoice:
    """How the reference cell is chosen (rule: primary, each_analysis or named) and the cell held
    fixed, if any (None: the lowest-risk cell of this analysis's pooled product model)."""

    rule: str
    held: ia.Cell | None


def parse_cell(name: str, where: str) -> ia.Cell:
    """The cell named exposure_<low|high>_modifier_<low|high>."""
    names = {ia.cell_name(cell, EXPOSURES): cell for cell in ia.CELLS}
    if name not in names:
        raise InputError(
            f"'{name}' is not a cell of the 2 × 2 table",
            file=where,
            column="models.additive_reference",
            fix=f"name one of: {', '.join(names)} (or primary, each_analysis)",
        )
    return names[name]


def reference_choice(models_settings: Mapping[str, Any]) -> ReferenceChoice:
    """The reference rule of an analysis's models settings (held cell under models.held_reference).

    The 2 × 2 measures come from the median-split product model in every pair coding, so a named
    cell is valid for tertile and continuous codings too.
    """
    setting = models_settings.get("additive_reference", EACH_ANALYSIS)
    if setting == EACH_ANALYSIS:
        return ReferenceChoice(EACH_ANALYSIS, None)
    if setting == PRIMARY_RULE:
        held = models_settings.get(HELD_KEY)
        cell = None if held is None else parse_cell(held, "the reference analysis's table")
        return ReferenceChoice(PRIMARY_RULE, cell)
    return ReferenceChoice(NAMED, parse_cell(setting, "config.yaml"))
