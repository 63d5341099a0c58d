"""npnet_book.plots.unit_lines (added for chapter 1): one line w_j·x + b_j = 0 per unit."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from npnet_book import plots


def test_unit_lines_draws_each_units_zero_line_and_keeps_the_limits():
    fig, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-3, 3)
    W = np.array([[1.0, 0.0, 2.0, 0.0],
                  [1.0, 0.0, 0.1, 3.0]])            # unit 1 has w = 0: no line
    b = np.array([0.5, 1.0, -1.0, 1.5])
    plots.unit_lines(ax, W, b)
    lines = ax.get_lines()
    assert len(lines) == 3
    for line, j in zip(lines, (0, 2, 3)):
        xy = np.c_[line.get_xdata(), line.get_ydata()]
        np.testing.assert_allclose(xy @ W[:, j] + b[j], 0, atol=1e-12)
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-3, 3)
    assert [l.get_linestyle() for l in lines] == ["--", "--", ":"]  # style j % 2
    plt.close(fig)


def test_unit_lines_rejects_bad_shapes():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"\(2, k\)"):
        plots.unit_lines(ax, np.ones((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"\(k,\)"):
        plots.unit_lines(ax, np.ones((2, 2)), np.zeros(3))
    plt.close(fig)


def test_seed_curves_draws_the_median_and_the_interquartile_band():
    fig, ax = plt.subplots()
    curves = np.array([[3.0, 2.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 9.0]])
    plots.seed_curves(curves, ax=ax, label="runs")
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 1.0, 1.0])   # median, not the mean
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 0.5 and band[:, 1].max() == 5.0           # quartiles
    assert ax.get_xlabel() == "step" and line.get_label() == "runs"
    plt.close(fig)


def test_seed_curves_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"\(seeds, steps\)"):
        plots.seed_curves(np.ones(5))
    with pytest.raises(ValueError, match=r"\(seeds, steps\)"):
        plots.seed_curves(np.ones((3, 1)))
