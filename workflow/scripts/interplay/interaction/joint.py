"""Joint exposure × modifier categories (docs/analysis_plan.md §5 item 4): cells, indicators, model.

A coding ("median": low/high, "tertiles": T1–T3) names the two level columns of the analysis
dataset and each level's label; every (exposure level, modifier level) pair is a cell.
"""

from collections.abc import Sequence

import pandas as pd

from interplay.models import logistic as models

# Joint exposure × modifier categories per coding: the two columns and each level's label.
JOINT_CODINGS: dict[str, tuple[tuple[str, str], dict[int, str]]] = {
    "split": (("exposure_high", "modifier_high"), {0: "low", 1: "high"}),
    "tertiles": (("exposure_tertile", "modifier_tertile"), {1: "T1", 2: "T2", 3: "T3"}),
}


def joint_cells(coding: str) -> list[tuple[int, int]]:
    """All (exposure level, modifier level) cells of a joint coding."""
    _, labels = JOINT_CODINGS[coding]
    return [(a, b) for a in labels for b in labels]


def joint_term(cell: tuple[int, int], coding: str) -> str:
    """Indicator term name of a joint cell, e.g. joint_exposure_high_modifier_low."""
    _, labels = JOINT_CODINGS[coding]
    return f"joint_exposure_{labels[cell[0]]}_modifier_{labels[cell[1]]}"


def with_joint_indicators(data: pd.DataFrame, coding: str) -> pd.DataFrame:
    """A copy of the data with one 0/1 indicator per joint cell (NaN where a level is missing)."""
    (exposure, modifier), _ = JOINT_CODINGS[coding]
    models.require_dataset_columns(data, [exposure, modifier])
    a = pd.to_numeric(data[exposure], errors="coerce").astype(float)
    b = pd.to_numeric(data[modifier], errors="coerce").astype(float)
    known = a.notna() & b.notna()
    out = data.copy()
    for cell in joint_cells(coding):
        out[joint_term(cell, coding)] = ((a == cell[0]) & (b == cell[1])).astype(float).where(known)
    return out


def joint_model_terms(
    coding: str, reference: tuple[int, int], covariates: Sequence[str]
) -> list[str]:
    """Terms of the joint model: indicators of every joint cell but the reference, covariates."""
    exposures = [joint_term(c, coding) for c in joint_cells(coding) if c != reference]
    return models.model_terms(exposures, covariates)


def joint_term_data(data: pd.DataFrame, coding: str, terms: Sequence[str]) -> models.TermData:
    """models.term_data of the data with its joint-cell indicators, which the terms may name."""
    return models.term_data(with_joint_indicators(data, coding), terms)


def joint_fit(
    data: models.TermData,
    coding: str,
    reference: tuple[int, int],
    covariates: Sequence[str],
    estimator: str = "logistic",
) -> models.LogisticFit:
    """Model of the outcome on indicators of every joint cell but the reference, plus covariates.

    The data's columns hold those terms (joint_term_data).
    """
    terms = joint_model_terms(coding, reference, covariates)
    return models.fit_terms(data, terms, estimator, "joint-category model")


def joint_counts(data: pd.DataFrame, coding: str, outcome: str = models.OUTCOME) -> pd.DataFrame:
    """Patients, outcome 1s (remitters) and 0s per joint cell, every cell listed."""
    (exposure, modifier), labels = JOINT_CODINGS[coding]
    y = models.outcome_values(data, outcome)
    rows = []
    for a, b in joint_cells(coding):
        in_cell = (
            (pd.to_numeric(data[exposure], errors="coerce") == a)
            & (pd.to_numeric(data[modifier], errors="coerce") == b)
        ).to_numpy()
        events = int(y[in_cell].sum())
        n = int(in_cell.sum())
        rows.append((labels[a], labels[b], n, events, n - events))
    return pd.DataFrame(
        rows, columns=["exposure_level", "modifier_level", "n", "remitters", "non_remitters"]
    )


def extreme_level_contrasts(coding: str) -> dict[str, dict[str, float]]:
    """Exposure top vs bottom level within the bottom and top modifier level, and their ratio.

    Linear combinations of the joint model (reference: both at the bottom level), e.g. for
    tertiles exposure_T3|modifier_T3 = β(T3,T3) − β(T1,T3) and exposure_T3:modifier_T3 = that
    − β(T3,T1).
    """
    _, labels = JOINT_CODINGS[coding]
    low, high = min(labels), max(labels)

    def term(cell: tuple[int, int]) -> str:
        return joint_term(cell, coding)

    within_low = {term((high, low)): 1.0}
    within_high = {term((high, high)): 1.0, term((low, high)): -1.0}
    return {
        f"exposure_{labels[high]}|modifier_{labels[low]}": within_low,
        f"exposure_{labels[high]}|modifier_{labels[high]}": within_high,
        f"exposure_{labels[high]}:modifier_{labels[high]}": {
            **within_high,
            term((high, low)): -1.0,
        },
    }
