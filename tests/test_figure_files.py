"""The figure files and their settings: byte-identical saves, resolution, style from the
configuration, and the captions the report shows beside them."""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jinja2
import numpy as np
import pytest
import yaml
from conftest import REPO
from docutils.core import publish_parts
from figure_tables import (
    bootstrap_inputs,
    family_sensitivity_table,
    flow_table,
    interaction_table,
    joint_table,
    models_table,
)
from interplay.errors import InputError
from interplay.figures import cohort, continuous, effects, sensitivity
from interplay.figures.style import (
    OKABE_ITO,
    FigureStyle,
    ratio_ticks,
    save_figure,
    style_from_config,
)
from interplay.figures.words import caption_words
from interplay.labels import SYNTHETIC_NOTE
from matplotlib.layout_engine import ConstrainedLayoutEngine
from pairs import DEFAULT_PAIR

STYLE = FigureStyle()


# ---------------------------------------------------------------- captions


CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
# The figures' captions: every caption but the table pages', the methods page's and the report's.
CAPTIONS = sorted(
    path
    for path in (REPO / "workflow" / "report").glob("*.rst")
    if not path.stem.endswith("_table") and path.stem not in ("workflow", "methods")
)


@pytest.mark.parametrize("caption", CAPTIONS, ids=lambda path: path.stem)
def test_every_figure_caption_says_when_the_data_are_synthetic(caption: Path) -> None:
    """Rendered as Snakemake's report does (Jinja with the job's params), then as HTML."""
    rules = (REPO / "workflow" / "rules" / "figures.smk").read_text(encoding="utf-8")
    assert f'"{caption.stem}' in rules or f'/{caption.stem}"' in rules  # a figure of ours
    template = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(
        caption.read_text(encoding="utf-8")
    )
    for shown in (True, False):
        params = SimpleNamespace(
            synthetic_caption=SYNTHETIC_NOTE if shown else "",
            analysis_label="Primary",
            ci_level=0.95,
            words=caption_words(DEFAULT_PAIR),
        )
        snakemake = SimpleNamespace(params=params, wildcards={}, config=CONFIG)
        html = publish_parts(template.render(snakemake=snakemake), writer="html")["body"]
        assert ("<strong>Synthetic data" in html) is shown
        assert html.count("Synthetic data") == int(shown)


def test_every_figure_rule_passes_the_synthetic_caption() -> None:
    rules = (REPO / "workflow" / "rules" / "figures.smk").read_text(encoding="utf-8")
    assert rules.count("\nrule figure_") == len(CAPTIONS)
    assert rules.count("synthetic_caption=SYNTHETIC_CAPTION,") == len(CAPTIONS)


# ---------------------------------------------------------------- files and settings


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_saved_figures_are_byte_identical(tmp_path: Path, fmt: str) -> None:
    paths = [tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"]
    for path in paths:
        save_figure(cohort.flow_figure(flow_table(), STYLE), [path], STYLE)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    if fmt == "svg":
        text = paths[0].read_text(encoding="utf-8")
        assert "<dc:date>" not in text and "IL-1β" in text  # undated, text kept as text


@pytest.mark.workflow  # as slow as a workflow job
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_redrawn_figures_are_byte_identical(tmp_path: Path, fmt: str) -> None:
    """The figures this issue reworked, drawn twice: the same bytes."""
    replicates, summary = bootstrap_inputs()
    draw = {
        "specification_curve": lambda: sensitivity.specification_curve_figure(
            family_sensitivity_table(), DEFAULT_PAIR, STYLE
        ),
        "bootstrap": lambda: sensitivity.bootstrap_figure(
            sensitivity.resample_estimates(replicates),
            summary,
            sensitivity.reported_estimates(models_table(), interaction_table()),
            DEFAULT_PAIR,
            30,
            STYLE,
        ),
        "forest": lambda: effects.forest_figure(
            effects.forest_rows(models_table(), joint_table(), interaction_table(), DEFAULT_PAIR),
            "Remission at week 12",
            0.95,
            STYLE,
        ),
    }
    for name, figure in draw.items():
        paths = [tmp_path / f"{name}_first.{fmt}", tmp_path / f"{name}_second.{fmt}"]
        for path in paths:
            save_figure(figure(), [path], STYLE)
        assert paths[0].read_bytes() == paths[1].read_bytes(), name


@pytest.mark.workflow  # as slow as a workflow job
def test_specification_curve_files_are_identical_across_processes(tmp_path: Path) -> None:
    """Constrained layout of panels shared by column varies in the last bits between processes;
    the saved files must not (SVG clip-path ids hash the exact positions)."""
    script = f"""
import sys
sys.path[:0] = [{str(REPO / "tests")!r}, {str(REPO / "workflow" / "scripts")!r}]
from figure_tables import family_sensitivity_table
from interplay.figures.sensitivity import specification_curve_figure
from interplay.figures.style import FigureStyle, save_figure
from pairs import DEFAULT_PAIR
figure = specification_curve_figure(family_sensitivity_table(), DEFAULT_PAIR, FigureStyle())
save_figure(figure, [sys.argv[1] + ".png", sys.argv[1] + ".svg"], FigureStyle())
"""
    for run in ("first", "second", "third"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True)
    for fmt in ("png", "svg"):
        files = {(tmp_path / f"{run}.{fmt}").read_bytes() for run in ("first", "second", "third")}
        assert len(files) == 1, fmt


def test_saving_fixes_the_layout_on_a_grid(tmp_path: Path) -> None:
    """Every format is written from one layout, rounded so that last-bit noise cannot show."""
    figure = sensitivity.specification_curve_figure(family_sensitivity_table(), DEFAULT_PAIR, STYLE)
    save_figure(figure, [tmp_path / "curve.png", tmp_path / "curve.svg"], STYLE)
    assert not isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    bounds = np.array([axes.get_position().bounds for axes in figure.axes]) * 1e6
    assert np.allclose(bounds, np.round(bounds), atol=1e-6)


def test_png_has_the_configured_resolution(tmp_path: Path) -> None:
    path = tmp_path / "flow.png"
    save_figure(cohort.flow_figure(flow_table(), STYLE), [path], STYLE)
    header = path.read_bytes()[16:24]
    width = int.from_bytes(header[:4], "big")
    assert width == round(STYLE.width_mm / 25.4 * STYLE.dpi)


def test_config_defaults_reach_the_style() -> None:
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["figures"]
    style = style_from_config(config)
    assert (style.dpi, style.width_mm, style.svg_hashsalt) == (
        config["dpi"],
        config["width_mm"],
        config["svg_hashsalt"],
    )
    assert style.formats == tuple(config["formats"]) and "png" in style.formats
    assert style.palette == tuple(config["palette"])


def test_unsupported_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unsupported figure format"):
        style_from_config({"formats": ["png", "jpg"]})


def test_default_palette_is_okabe_ito() -> None:
    # Okabe & Ito (2008), "Color Universal Design", RGB of the eight colours.
    published = {
        (0, 0, 0),
        (230, 159, 0),
        (86, 180, 233),
        (0, 158, 115),
        (240, 228, 66),
        (0, 114, 178),
        (213, 94, 0),
        (204, 121, 167),
    }
    rgb = {tuple(int(code[i : i + 2], 16) for i in (1, 3, 5)) for code in OKABE_ITO}
    assert rgb == published


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.3, 4.5, [0.5, 1.0, 2.0, 4.0]),
        (0.7, 1.6, [0.75, 1.0, 1.5]),
        (0.82, 1.15, [0.9, 1.0, 1.1]),
        (0.95, 1.05, [1.0]),
    ],
)
def test_ratio_ticks(low: float, high: float, expected: list[float]) -> None:
    assert ratio_ticks(low, high) == expected


def test_ordinal_suffixes() -> None:
    assert [continuous.ordinal(p) for p in [1, 2, 3, 10, 11, 12, 13, 22, 90]] == [
        "1st", "2nd", "3rd", "10th", "11th", "12th", "13th", "22nd", "90th",
    ]  # fmt: skip
