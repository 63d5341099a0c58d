"""npnet_book.plots' palette: one colour per recurring thing, every pair far enough apart to
tell on a screen (CIELAB ΔE ≥ 15), lookups that understand initialiser and alias names; and the
PNG every chapter figure becomes: twice the text column's width, legible tick labels."""

import io
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from npnet_book import plots  # noqa: E402


def cielab(hex_colour):
    """sRGB '#rrggbb' → CIELAB (D65 white), by the standard formulas."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = m @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_cielab_reference_values():
    np.testing.assert_allclose(cielab("#ffffff"), [100, 0, 0], atol=0.01)
    np.testing.assert_allclose(cielab("#ff0000"), [53.24, 80.09, 67.20], atol=0.02)


def test_every_pair_of_palette_colours_is_at_least_delta_e_15_apart():
    lab = {name: cielab(c) for name, c in plots.PALETTE.items()}
    closest = min((float(np.linalg.norm(lab[a] - lab[b])), a, b)
                  for a, b in itertools.combinations(lab, 2))
    assert closest[0] >= 15, f"{closest[1]} and {closest[2]} are only ΔE {closest[0]:.1f} apart"


def test_palette_covers_the_recurring_things():
    for name in ("tanh", "relu", "leaky_relu", "elu", "sigmoid", "glorot", "he", "lecun",
                 "orthogonal", "bn", "no_bn", "train", "validation", "theory"):
        assert name in plots.PALETTE


def test_color_lookup():
    assert plots.color("he_normal") == plots.color("kaiming_uniform") == plots.PALETTE["he"]
    assert plots.color("Xavier") == plots.PALETTE["glorot"]
    assert plots.color("leaky-relu") == plots.PALETTE["leaky_relu"]
    with pytest.raises(ValueError, match="no palette colour for 'mauve'.*known: bn"):
        plots.color("mauve")
    with pytest.raises(TypeError, match="string"):
        plots.color(3)


def test_shades_and_series():
    assert len(plots.shades(4)) == 4 and plots.shades(4)[0] != plots.shades(4)[-1]
    assert len(set(plots.series(7))) == 7
    for bad in (0, 8, 2.5):
        with pytest.raises(ValueError):
            plots.series(bad)
    with pytest.raises(ValueError):
        plots.shades(0)


def test_figure_png_is_sharp_and_records_tick_size():
    fig, ax = plt.subplots(figsize=(plots.FULL_WIDTH, 3))
    ax.plot([0, 1], [0, 1])
    png = plots.figure_png(fig)
    assert Image.open(io.BytesIO(png)).width == plots.DENSITY * plots.COLUMN_PX
    assert plots.min_tick_css_px(png) == pytest.approx(10 * 690 / (72 * 6.9), abs=0.05)
    assert plots.figure_png(fig) == png                       # byte-identical
    wide, ax = plt.subplots(figsize=(12, 3))                  # too wide for 10-point ticks
    ax.plot([0, 1], [0, 1])
    assert plots.min_tick_css_px(plots.figure_png(wide)) < plots.MIN_TICK_PX
    plt.close("all")


def test_set_alt_travels_with_the_inline_png():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 2])
    assert plots._inline(fig)[1] == {"width": plots.COLUMN_PX}
    plots.set_alt(fig, f"a line rising to {2.0:.1f}")
    png, meta = plots._inline(fig)
    assert meta["alt"] == "a line rising to 2.0" and png == plots.figure_png(fig)
    with pytest.raises(ValueError, match="non-empty"):
        plots.set_alt(fig, "  ")
    plt.close("all")
