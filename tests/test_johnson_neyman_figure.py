"""The Johnson–Neyman figure's bands: one per critical value (pointwise, Scheffé, sup-t,
Esarey–Sumner), each in its own line style and named in the legend."""

import numpy as np
import pandas as pd
from figure_tables import regions_table, slopes_table
from interplay.figures import continuous
from interplay.figures.style import FigureStyle
from matplotlib.figure import Figure
from pairs import DEFAULT_PAIR

STYLE = FigureStyle()


def every_band_regions(sup_t: float) -> pd.DataFrame:
    """regions_table with a Scheffé (2.45) and an Esarey–Sumner (2.1) row set besides sup-t."""
    regions = regions_table()
    regions.loc[regions["method"] == "sup_t", "critical_value"] = sup_t
    sup_t_rows = regions.loc[regions["method"] == "sup_t"]
    return pd.concat(
        [
            regions,
            sup_t_rows.assign(method="scheffe", critical_value=2.45),
            sup_t_rows.assign(method="esarey_sumner", critical_value=2.1),
        ],
        ignore_index=True,
    )


def band_line_styles(figure: Figure) -> dict[str, int]:
    """How many curves across the modifier (not region boundaries) each non-solid style draws."""
    curves = [line for line in figure.axes[0].lines if len(line.get_xdata()) > 2]
    styles = [line.get_linestyle() for line in curves]
    return {style: styles.count(style) for style in set(styles) if style not in ("-", "None")}


def test_johnson_neyman_draws_a_band_per_method_in_its_own_line_style() -> None:
    """Scheffé dotted, sup-t dashed, Esarey–Sumner dash-dot, each a lower and an upper line at
    estimate ± c·SE, named in words in the legend; the pointwise band stays filled."""
    figure = continuous.johnson_neyman_figure(
        slopes_table(), every_band_regions(2.3), DEFAULT_PAIR, 0.95, STYLE
    )
    assert band_line_styles(figure) == {":": 2, "--": 2, "-.": 2}
    grid = (
        slopes_table().query("percentile.isna() and ci_method == 'rubin_t'").sort_values("modifier")
    )
    dashed = [
        line
        for line in figure.axes[0].lines
        if line.get_linestyle() == "--" and len(line.get_xdata()) > 2
    ]
    expected = np.exp(grid["estimate"] + 2.3 * grid["std_error"])
    np.testing.assert_allclose(dashed[1].get_ydata(), expected, rtol=1e-12)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert {
        "simultaneous 95% (Scheffé) band",
        "simultaneous 95% (sup-t) band",
        "false discovery rate 5% (Esarey–Sumner) band",
        "pointwise 95% confidence band",
    } <= set(legend)
    assert figure.axes[0].collections  # the filled pointwise band


def test_johnson_neyman_draws_bands_with_equal_critical_values_once() -> None:
    """sup-t at (or within 0.01 of) Scheffé's value: one dotted line pair whose legend says sup-t
    is the same; 0.02 apart, two."""
    figure = continuous.johnson_neyman_figure(
        slopes_table(), every_band_regions(2.445), DEFAULT_PAIR, 0.95, STYLE
    )
    assert band_line_styles(figure) == {":": 2, "-.": 2}
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "simultaneous 95% (Scheffé) band; sup-t the same to 0.01" in legend
    apart = continuous.johnson_neyman_figure(
        slopes_table(), every_band_regions(2.43), DEFAULT_PAIR, 0.95, STYLE
    )
    assert band_line_styles(apart) == {":": 2, "--": 2, "-.": 2}
