"""E-values for effect heterogeneity (Mathur, Smith, Yoshida, Ding & VanderWeele, Int J Epidemiol
2022;51:1268-75) against the paper's closed forms, its worked example and the R package EValue.

References:
- The worked example of the paper, as EValue's evalues.IC documentation gives it ("this is the
  example given in Mathur et al."): low education (X) and dementia (Y) by sex (Z) in Letenneur et
  al. (2000); women 158 / 2988 cases with low and 6 / 364 without, men 64 / 1790 and 17 / 605.
- The closed-form bias factor that explains the interaction contrast away under potentially
  multidirectional bias, as the package's tests state it ("should agree with closed form in
  paper", tests/testthat/test-effect-mod.R): B = (sqrt(gamma^2 + 4 a c) - gamma) / (2 a).
- EValue's own R code (vendored unchanged in tests/r/evalue_ic.R), run by Rscript on random
  inputs: its bias factor solved exactly (uniroot) agrees to 1e-8; the package's optimize() search
  (tolerance ~1e-4 on the bias factor) to 1e-3.
"""

import math
import subprocess

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, rscript_or_skip
from interplay.pair import pair_from_settings, pair_name
from interplay.report.findings import Headline, interaction_evalue_sentence
from interplay.sensitivity.evalue import (
    Stratum,
    corrected_interaction_contrast,
    evalue_additive_interaction,
    evalue_multiplicative_interaction,
    evalue_of,
    evalue_of_shown_limit,
)
from interplay.sensitivity.summary import sensitivity_table
from scipy.stats import norm
from test_sensitivity import settings, tables

WOMEN = Stratum(158 / 2988, 6 / 364, 2988, 364)
MEN = Stratum(64 / 1790, 17 / 605, 1790, 605)
Z95 = float(norm.ppf(0.975))


def closed_form_bias(high: Stratum, low: Stratum) -> float:
    """The paper's bias factor that moves the IC to 0 with the strata biased in opposite ways."""
    f1, f0 = high.exposed_share, low.exposed_share
    gamma = (
        high.risk_unexposed * (1 - f1)
        - high.risk_exposed * f1
        + low.risk_exposed * (1 - f0)
        - low.risk_unexposed * f0
    )
    a = f1 * high.risk_unexposed + f0 * low.risk_exposed
    c = high.risk_exposed * (1 - f1) + low.risk_unexposed * (1 - f0)
    return (math.sqrt(gamma**2 + 4 * a * c) - gamma) / (2 * a)


def test_the_dementia_example_matches_the_closed_form_of_the_paper():
    result = evalue_additive_interaction(WOMEN, MEN)
    assert result.interaction_contrast == pytest.approx(
        (158 / 2988 - 6 / 364) - (64 / 1790 - 17 / 605), rel=1e-14
    )
    assert result.evalue == pytest.approx(evalue_of(closed_form_bias(WOMEN, MEN)), rel=1e-12)
    # The values EValue's evalues.IC prints for this example (2.5375, 1.4429 at its tolerance).
    assert result.evalue == pytest.approx(2.5375, abs=5e-4)
    assert result.evalue_limit == pytest.approx(1.4429, abs=5e-4)


def test_a_confounder_of_the_evalue_strength_moves_the_contrast_and_its_limit_to_zero():
    """The bias formula itself: a bias factor whose E-value is the reported one, removed from the
    two strata in opposite directions, leaves an IC (and a lower limit) of exactly 0."""
    result = evalue_additive_interaction(WOMEN, MEN)

    def bias_of(evalue: float) -> float:
        """The bias factor B whose E-value B + sqrt(B(B - 1)) is `evalue` (its inverse)."""
        return evalue**2 / (2 * evalue - 1)

    contrast, _ = corrected_interaction_contrast(WOMEN, MEN, bias_of(result.evalue), Z95)
    _, lower = corrected_interaction_contrast(WOMEN, MEN, bias_of(result.evalue_limit), Z95)
    assert contrast == pytest.approx(0.0, abs=1e-12)
    assert lower == pytest.approx(0.0, abs=1e-12)
    # A weaker confounder leaves a positive contrast.
    weaker, _ = corrected_interaction_contrast(WOMEN, MEN, bias_of(result.evalue) * 0.99, Z95)
    assert weaker > 0


def test_a_negative_contrast_is_recoded_by_swapping_the_strata():
    assert evalue_additive_interaction(MEN, WOMEN) == evalue_additive_interaction(WOMEN, MEN)


def test_a_lower_limit_at_or_below_zero_has_evalue_one():
    # Small strata: the IC is positive but its interval includes 0.
    result = evalue_additive_interaction(Stratum(0.6, 0.4, 30, 30), Stratum(0.5, 0.45, 30, 30))
    assert result.lower < 0 < result.interaction_contrast
    assert result.evalue > 1 and result.evalue_limit == 1.0
    none = evalue_additive_interaction(Stratum(0.6, 0.4, 30, 30), Stratum(0.6, 0.4, 30, 30))
    assert none.interaction_contrast == 0 and none.evalue == 1.0


@pytest.mark.parametrize("risk", [0.0, 1.0, -0.1])
def test_risks_outside_zero_to_one_are_refused(risk):
    with pytest.raises(ValueError, match="risks must be in"):
        evalue_additive_interaction(Stratum(risk, 0.4, 30, 30), MEN)


def test_multiplicative_evalue_is_that_of_the_square_root_of_the_ratio():
    """Mathur et al. 2022: under potentially multidirectional bias, E-value of sqrt(RRR)."""
    rare = evalue_multiplicative_interaction(4.0, 2.25, 9.0, common_outcome=False)
    assert rare.risk_ratio == 2.0
    assert rare.evalue == pytest.approx(2 + math.sqrt(2), rel=1e-14)
    assert rare.evalue_limit == pytest.approx(1.5 + math.sqrt(1.5 * 0.5), rel=1e-14)
    # Common outcome: the ratio of ORs is first put on the risk-ratio scale by its square root.
    common = evalue_multiplicative_interaction(16.0, 0.5, 81.0, common_outcome=True)
    assert common.risk_ratio == pytest.approx(2.0, rel=1e-14)
    assert common.evalue_limit == 1.0  # the interval includes 1
    protective = evalue_multiplicative_interaction(1 / 16, common_outcome=True)
    assert protective.evalue == pytest.approx(common.evalue, rel=1e-14)


def random_cases(count: int, seed: int) -> pd.DataFrame:
    """Strata with a positive IC on a wide range of risks, sizes and exposure shares."""
    rng = np.random.default_rng(seed)
    rows = []
    while len(rows) < count:
        p = rng.uniform(0.03, 0.97, 4)
        n = rng.integers(20, 3000, 4)
        if (p[0] - p[1]) - (p[2] - p[3]) > 0.0:
            rows.append([*p[:2], *n[:2], *p[2:], *n[2:], rng.choice([0.05, 0.1])])
    columns = ["p1_1", "p1_0", "n1_1", "n1_0", "p0_1", "p0_0", "n0_1", "n0_0", "alpha"]
    return pd.DataFrame(rows, columns=columns)


def test_evalues_agree_with_the_r_package_on_random_inputs(tmp_path):
    rscript = rscript_or_skip()
    cases = random_cases(25, seed=20220401)
    cases.to_csv(tmp_path / "cases.csv", index=False)
    script = REPO / "tests" / "r" / "evalue_ic_reference.R"
    subprocess.run(
        [rscript, str(script), str(tmp_path / "cases.csv"), str(tmp_path / "out.csv")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    reference = pd.read_csv(tmp_path / "out.csv")
    for case, expected in zip(cases.itertuples(), reference.itertuples(), strict=True):
        result = evalue_additive_interaction(
            Stratum(case.p1_1, case.p1_0, case.n1_1, case.n1_0),
            Stratum(case.p0_1, case.p0_0, case.n0_1, case.n0_0),
            ci_level=1 - case.alpha,
        )
        assert result.evalue == pytest.approx(expected.exact_evalue, abs=1e-8)
        assert result.evalue_limit == pytest.approx(expected.exact_evalue_ci, abs=1e-8)
        assert result.evalue == pytest.approx(expected.package_evalue, abs=1e-3)
        assert result.evalue_limit == pytest.approx(expected.package_evalue_ci, abs=1e-3)


def brute_force_shown_limit_evalue(high: Stratum, low: Stratum, distance: float) -> float:
    """The E-value of the first bias factor on a grid of step 1e-5 at which the lower limit
    IC(B) − distance · SE(B) / SE(1) is at most 0 (IC(B) and SE(B) as EValue corrects them)."""
    _, unit = corrected_interaction_contrast(high, low, 1.0, 1.0)
    contrast, _ = corrected_interaction_contrast(high, low, 1.0, 1.0)
    se_at_one = contrast - unit
    for bias in np.arange(1.0, 10.0, 1e-5):
        moved, lower = corrected_interaction_contrast(high, low, bias, 1.0)
        if moved - distance * (moved - lower) / se_at_one <= 0.0:
            return evalue_of(bias)
    raise AssertionError("no bias factor below 10 moves the limit to 0")


@pytest.mark.parametrize("share", [0.5, 0.8, 1.0, 1.3])
def test_the_evalue_of_a_shown_limit_is_the_bias_that_moves_it_to_zero(share):
    """A limit at share × EValue's distance z SE below the IC: the bias found by brute force on a
    grid; at share 1 (EValue's own interval) EValue's lower-limit E-value."""
    contrast, lower = corrected_interaction_contrast(WOMEN, MEN, 1.0, Z95)
    distance = share * (contrast - lower)
    found = evalue_of_shown_limit(WOMEN, MEN, distance)
    assert found == pytest.approx(brute_force_shown_limit_evalue(WOMEN, MEN, distance), abs=1e-4)
    assert evalue_of_shown_limit(MEN, WOMEN, distance) == found  # strata in either order
    if share == 1.0:
        package = evalue_additive_interaction(WOMEN, MEN).evalue_limit
        assert found == pytest.approx(package, rel=1e-10)


def test_the_evalue_of_a_shown_limit_at_or_beyond_zero_is_one():
    contrast, _ = corrected_interaction_contrast(WOMEN, MEN, 1.0, Z95)
    assert evalue_of_shown_limit(WOMEN, MEN, contrast) == 1.0
    assert evalue_of_shown_limit(WOMEN, MEN, 2 * contrast) == 1.0


def test_sensitivity_rows_name_their_evalue_method_and_assumption():
    found = sensitivity_table({"p": settings()}, {"p": tables()}).set_index("estimand")
    # The fixture's risks (non-remission) and joint counts, by hand: BDNF high, then low.
    expected = evalue_additive_interaction(
        Stratum(0.49, 0.51, 240, 300), Stratum(0.67, 0.53, 300, 240)
    )
    row = found.loc["interaction_contrast"]
    assert (row["estimate"], row["ci_high"]) == (-0.16, -0.05)  # the ic row's
    assert row["evalue"] == pytest.approx(expected.evalue, rel=1e-14)
    # The limit E-valued is the one shown, 0.11 nearer 0 than the IC, not EValue's.
    strata = Stratum(0.49, 0.51, 240, 300), Stratum(0.67, 0.53, 300, 240)
    shown = brute_force_shown_limit_evalue(*reversed(strata), 0.16 - 0.05)
    assert row["evalue_ci"] == pytest.approx(shown, abs=1e-4)
    assert abs(row["evalue_ci"] - expected.evalue_limit) > 0.01
    ratio = found.loc["ratio_of_odds_ratios"]
    assert ratio["evalue"] == pytest.approx(evalue_of(2.1**0.25), rel=1e-14)  # 45 % events
    assert found["evalue_method"].dropna().to_dict() == {
        "exposure_or_modifier_low": "vanderweele_ding",
        "exposure_or_modifier_high": "vanderweele_ding",
        "ratio_of_odds_ratios": "mathur_2022_multiplicative",
        "interaction_contrast": "mathur_2022_additive",
    }
    assert found["evalue_assumption"].dropna().to_dict() == {
        "ratio_of_odds_ratios": "potentially_multidirectional",
        "interaction_contrast": "potentially_multidirectional",
    }


def test_the_findings_sentence_states_the_additive_evalues():
    pair = pair_from_settings(settings())
    sensitivity = sensitivity_table({"primary": settings()}, {"primary": tables()})
    row = sensitivity.set_index("estimand").loc["interaction_contrast"]
    assert row["pair"] == pair_name(pair)
    ic = Headline("ic", "interaction", "ic", "", 0.0)
    sentence = interaction_evalue_sentence(sensitivity, ic, "non-remission", pair)
    assert sentence == (
        " An unmeasured confounder would need to be associated with both IL-1β and non-remission "
        f"by a risk ratio of {row['evalue']:.2f} each, in both BDNF groups (biasing them in "
        f"opposite directions), to explain away the additive interaction; {row['evalue_ci']:.2f} "
        "to move its interval to include 0 (E-values of Mathur et al. 2022)."
    )


def test_the_ic_limit_evalue_is_one_where_the_interval_shown_includes_zero():
    """EValue's own interval of the IC (binomial variances) excludes 0 for the fixture's risks;
    the covariate-adjusted interval shown in the row includes it, so no confounding is needed."""
    wide = tables()
    ic = wide["interaction"]["measure"] == "ic"
    wide["interaction"].loc[ic, "ci_high"] = 0.01
    found = sensitivity_table({"p": settings()}, {"p": wide}).set_index("estimand")
    expected = evalue_additive_interaction(
        Stratum(0.49, 0.51, 240, 300), Stratum(0.67, 0.53, 300, 240)
    )
    assert expected.evalue_limit > 1
    assert found.loc["interaction_contrast", "evalue_ci"] == 1.0
    assert found.loc["interaction_contrast", "evalue"] == pytest.approx(expected.evalue)


def test_an_empty_joint_cell_gives_no_ic_evalue_and_a_warning(caplog):
    empty = tables()
    empty["joint"].loc[0, "n"] = 0
    found = sensitivity_table({"p": settings()}, {"p": empty}).set_index("estimand")
    assert found.loc[["interaction_contrast"], ["evalue", "evalue_ci"]].isna().all(axis=None)
    assert found.loc["ratio_of_odds_ratios", "evalue"] > 1
    assert "no E-values for the IC" in caplog.text
