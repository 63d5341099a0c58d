"""npnet.stats.health_step records one training step; npnet_book.plots.training_health draws them
(chapter 5, reused by later chapters); npnet_book.plots.layer_ridge stacks per-layer histograms."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import npnet  # noqa: E402
from npnet_book import plots  # noqa: E402
import npnet.stats as stats  # noqa: E402


def run(activation, steps=4, seed=0):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((40, 5)), np.arange(40) % 3
    net = npnet.mlp([5, 8, 8, 3], activation=activation, rng=rng)
    opt = npnet.SGD(net, lr=0.1)
    return net, X, y, [stats.health_step(net, X, y, loss=npnet.softmax_cross_entropy,
                                         optimizer=opt) for _ in range(steps)]


def test_health_step_records_the_step_it_takes():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((30, 4)), np.arange(30) % 2
    net = npnet.mlp([4, 6, 6, 2], activation="tanh", rng=rng)
    before = {i: layer.params["W"].copy() for i, layer in enumerate(net) if layer.params}
    loss_before, _ = npnet.softmax_cross_entropy(net.forward(X, train=True), y)
    rec = stats.health_step(net, X, y, loss=npnet.softmax_cross_entropy,
                            optimizer=npnet.SGD(net, lr=0.5))
    assert rec["loss"] == pytest.approx(loss_before, rel=1e-12)
    assert set(rec["grad_norm"]) == set(rec["update_ratio"]) == set(before) == {0, 2, 4}
    assert set(rec["saturated"]) == {1, 3} and rec["dead"] == {}
    for i, w0 in before.items():
        delta = net[i].params["W"] - w0
        assert rec["update_ratio"][i] == pytest.approx(delta.std() / w0.std(), rel=1e-12)
        # plain SGD: the step is lr times the gradient whose norm was recorded
        assert np.linalg.norm(delta) == pytest.approx(0.5 * rec["grad_norm"][i], rel=1e-9)
    assert all(0 <= v <= 1 for v in rec["saturated"].values())


def test_health_step_counts_dead_relu_units():
    rng = np.random.default_rng(2)
    X, y = np.abs(rng.standard_normal((20, 3))), np.arange(20) % 2
    net = npnet.mlp([3, 4, 2], activation="relu", rng=rng)
    net[0].params["W"][:, :2] = -1.0            # non-negative inputs: units 0 and 1 are dead
    net[0].params["W"][:, 2:] = 1.0
    rec = stats.health_step(net, X, y, loss=npnet.softmax_cross_entropy,
                            optimizer=npnet.SGD(net, lr=0.01))
    assert rec["dead"] == {1: 0.5} and rec["saturated"] == {}


def test_training_health_draws_one_row_per_run():
    *_, tanh_records = run("tanh")
    *_, relu_records = run("relu")
    axes = plots.training_health({"tanh": tanh_records, "relu": relu_records}, n_classes=3,
                                 title="two runs")
    assert axes.shape == (2, 5)
    loss_ax = axes[0, 0]
    assert loss_ax.get_title() == "tanh" and loss_ax.get_ylabel() == "loss"
    assert axes[1, 0].get_title() == "relu" and axes[1, 0].get_ylabel() == ""
    ln3 = [line for line in loss_ax.get_lines() if line.get_label() == "ln 3"]
    assert len(ln3) == 1 and ln3[0].get_ydata()[0] == pytest.approx(math.log(3))
    np.testing.assert_allclose(loss_ax.get_lines()[0].get_ydata(),
                               [r["loss"] for r in tanh_records])
    assert len(axes[0, 1].get_lines()) == 2            # two tanh layers
    assert [t.get_text() for t in axes[0, 2].texts] == ["no such layers"]
    assert [t.get_text() for t in axes[1, 1].texts] == ["no such layers"]
    assert len(axes[1, 2].get_lines()) == 2            # two ReLU layers
    assert axes[0, 3].get_yscale() == "log" and axes[0, 4].get_yscale() == "log"
    assert axes[0, 1].get_ylim() == pytest.approx((-0.03, 1.03))
    assert all(ax.get_xlabel() == "step" for ax in axes[:, -1])
    assert axes[0, 0].figure._suptitle.get_text() == "two runs"
    plt.close("all")


@pytest.mark.parametrize("bad", [{}, [], {"a": []}, {"a": [{"x": 1}]}, {"a": [1, 2]}])
def test_training_health_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="records|non-empty"):
        plots.training_health(bad)


def test_layer_ridge_stacks_one_histogram_per_layer():
    rng = np.random.default_rng(3)
    samples = [rng.standard_normal(500) * s for s in (1.0, 0.5, 0.0)]
    ax = plots.layer_ridge(samples, value_range=(-3, 3), title="ridge")
    assert list(ax.get_yticks()) == [1, 2, 3] and ax.get_xlim() == (-3, 3)
    assert ax.get_ylabel() == "layer" and ax.get_title() == "ridge"
    fills = [p for p in ax.patches if p.get_fill()]    # one filled area and one outline per layer
    outlines = [p for p in ax.patches if not p.get_fill()]
    assert len(fills) == len(outlines) == 3
    for fill, outline in zip(fills, outlines):         # the fill covers every bin, the last too
        np.testing.assert_array_equal(fill.get_data().values, outline.get_data().values)
    with pytest.raises(ValueError, match="one array per layer"):
        plots.layer_ridge([])
    plt.close("all")
