"""E-values for unmeasured confounding (VanderWeele & Ding, Ann Intern Med 2017;167:268-74).

The E-value is the minimum strength of association, on the risk-ratio scale, that an unmeasured
confounder would need with both exposure and outcome to explain an observed risk ratio away:
RR + sqrt(RR (RR - 1)), with a protective ratio (< 1) replaced by its reciprocal. Reported for the
estimate and for the confidence limit closest to the null (1 when the interval includes 1).

Odds ratios approximate risk ratios only for a rare outcome (< 15 % at the end of follow-up);
for a common outcome, such as remission here, the odds ratio is first converted with
RR ~ sqrt(OR) (VanderWeele, Epidemiology 2017;28:e58 and the R package EValue's evalues.OR).
"""

import math
from dataclasses import dataclass

RARE_OUTCOME_BELOW = 0.15  # outcome proportion under which an OR is taken as an RR (EValue docs)


@dataclass(frozen=True)
class EValue:
    """A ratio on the risk-ratio scale with its E-values.

    risk_ratio, lower, upper: the estimate and its confidence limits on the risk-ratio scale
    (after any odds-ratio conversion); a limit not given is None.
    evalue: E-value of the estimate.
    evalue_limit: E-value of the limit closest to 1 (1.0 when the interval includes 1; None when
    that limit was not given).
    """

    risk_ratio: float
    lower: float | None
    upper: float | None
    evalue: float
    evalue_limit: float | None


def evalue_of(risk_ratio: float) -> float:
    """The E-value of one risk ratio, RR + sqrt(RR(RR - 1)), taking 1/RR when RR < 1."""
    ratio = max(risk_ratio, 1.0 / risk_ratio)
    return ratio + math.sqrt(ratio * (ratio - 1.0))


def _limit_evalue(risk_ratio: float, lower: float | None, upper: float | None) -> float | None:
    """E-value of the confidence limit closest to the null, 1 when the interval includes 1."""
    nearest = lower if risk_ratio >= 1.0 else upper
    if nearest is None:
        return None
    crosses_null = nearest <= 1.0 if risk_ratio >= 1.0 else nearest >= 1.0
    return 1.0 if crosses_null else evalue_of(nearest)


def _check_ratio(estimate: float, lower: float | None, upper: float | None) -> None:
    """Refuse ratios that are not positive and finite, or limits on the wrong side."""
    for value in (estimate, lower, upper):
        if value is not None and not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"ratios must be positive and finite, got {value}")
    if (lower is not None and lower > estimate) or (upper is not None and upper < estimate):
        raise ValueError(f"the interval ({lower}, {upper}) does not contain {estimate}")


def evalue_risk_ratio(rr: float, lo: float | None = None, hi: float | None = None) -> EValue:
    """E-values of a risk ratio and of its confidence limit closest to the null."""
    _check_ratio(rr, lo, hi)
    return EValue(rr, lo, hi, evalue_of(rr), _limit_evalue(rr, lo, hi))


def evalue_odds_ratio(
    or_: float, lo: float | None = None, hi: float | None = None, *, common_outcome: bool
) -> EValue:
    """E-values of an odds ratio, taken as RR ~ sqrt(OR) when the outcome is common (>= 15 %)."""
    _check_ratio(or_, lo, hi)

    def to_risk_ratio(value: float | None) -> float | None:
        """The odds ratio on the risk-ratio scale (unchanged for a rare outcome)."""
        return None if value is None else math.sqrt(value) if common_outcome else value

    return evalue_risk_ratio(to_risk_ratio(or_), to_risk_ratio(lo), to_risk_ratio(hi))


def evalue_interaction(
    ratio_of_ors: float, lo: float | None = None, hi: float | None = None, *, common_outcome: bool
) -> EValue:
    """Approximate E-values of a multiplicative interaction, OR11 / (OR10 OR01), as one ratio.

    An approximation: the ratio of odds ratios is put on the risk-ratio scale like a single odds
    ratio (sqrt(ROR) = sqrt(OR11) / (sqrt(OR10) sqrt(OR01)), the same conversion applied to each
    OR) and read as if one confounder biased it like a single risk ratio. Confounding that acts
    differently in the strata needs the effect-heterogeneity E-values of Mathur, Smith, Yoshida,
    Ding & VanderWeele (Int J Epidemiol 2022;51:1268-75; EValue's evalues.IC), which are larger
    or smaller depending on the assumed structure; report this value as an approximation.
    """
    return evalue_odds_ratio(ratio_of_ors, lo, hi, common_outcome=common_outcome)


def is_common(outcome_proportion: float) -> bool:
    """Whether an outcome is common enough that an OR must be converted (>= 15 %, EValue docs)."""
    return outcome_proportion >= RARE_OUTCOME_BELOW
