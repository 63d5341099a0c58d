"""Issue 7, Deliver 1: every silent failure a student could meet now fails loudly (or works).

Each test here failed on the library before that issue's change; the section headers name
the item of the issue they cover.
"""

import functools
import re

import numpy as np
import pytest

import npnet
from npnet import data, stats, train
from npnet.gradcheck import check_layer


def digits(seed=9):
    return data.digits(rng=np.random.default_rng(seed))


# --- nested models -------------------------------------------------------------------------

def nested_model(rng):
    inner = npnet.Sequential(npnet.Linear(3, 4, rng=rng), npnet.ReLU())
    return inner, npnet.Sequential(inner, npnet.Linear(4, 2, rng=rng))


def test_nested_sequential_is_trained():
    rng = np.random.default_rng(0)
    inner, model = nested_model(rng)
    W = inner[0].params["W"].copy()
    X, y = rng.standard_normal((16, 3)), rng.integers(0, 2, 16)
    train.fit(model, X, y, loss="cross_entropy", optimizer=npnet.SGD(model, lr=0.1), epochs=2,
              batch_size=8, rng=rng)
    assert not np.array_equal(W, inner[0].params["W"])
    assert len(npnet.SGD(model, lr=0.1).slots) == 4  # W, b of both Linears


def test_nested_sequential_in_stats_and_lsuv():
    rng = np.random.default_rng(1)
    inner, model = nested_model(rng)
    x = rng.standard_normal((32, 3))
    out = model.forward(x)
    model.backward(np.ones_like(out))
    assert sorted(stats.grad_norms(model)) == [0, 2]
    assert [r["layer"] for r in stats.activation_stats(model, x, train=True)] == ["ReLU"]
    assert len(npnet.init.lsuv(model, x, rng=rng)) == 2


def test_classes_instead_of_instances_are_refused():
    with pytest.raises(TypeError, match=r"class ReLU: write ReLU\(...\)"):
        npnet.Sequential(npnet.Linear(2, 2, rng=np.random.default_rng(0)), npnet.ReLU)


def test_mlp_input_dropout():
    model = npnet.mlp([4, 8, 2], input_dropout=0.2, rng=np.random.default_rng(0))
    assert isinstance(model[0], npnet.Dropout) and model[0].p == 0.2
    assert [type(layer).__name__ for layer in model] == ["Dropout", "Linear", "ReLU", "Linear"]


# --- divergence ----------------------------------------------------------------------------

def test_a_loss_rising_from_near_zero_is_not_divergence():
    # fine-tuning a confident model with strong weight decay: the first mini-batch loss is
    # ~1e-9 and the decay pulls the weights in, so the loss rises by orders of magnitude
    rng = np.random.default_rng(2)
    X = np.r_[rng.normal(2.0, 0.3, (32, 2)), rng.normal(-2.0, 0.3, (32, 2))]
    y = np.repeat([0, 1], 32)
    model = npnet.Sequential(npnet.Linear(2, 2, rng=rng))
    model[0].params["W"][...] = [[6.0, -6.0], [6.0, -6.0]]
    hist = train.fit(model, X, y, loss="cross_entropy",
                     optimizer=npnet.SGD(model, lr=0.5, weight_decay=1.0), epochs=20,
                     batch_size=16, rng=rng)
    assert hist.step_loss[0] < 1e-8
    assert max(hist.step_loss) > 1e3 * hist.step_loss[0]


def test_a_finite_blow_up_raises_within_the_first_epoch():
    split = digits()
    model = npnet.mlp([64, 64, 10], rng=np.random.default_rng(0))
    with pytest.raises(npnet.DivergenceError, match="epoch 1,"):
        train.fit(model, split.X_train, split.y_train, loss="cross_entropy",
                  optimizer=npnet.SGD(model, lr=1e4), epochs=5, batch_size=32,
                  rng=np.random.default_rng(1))


# --- accuracy from the loss ----------------------------------------------------------------

def test_a_wrapped_loss_gets_accuracy():
    rng = np.random.default_rng(3)
    X, y = data.circles(40, rng=rng)
    runs = []
    for loss in (npnet.softmax_cross_entropy, functools.partial(npnet.softmax_cross_entropy)):
        model = npnet.mlp([2, 8, 2], rng=np.random.default_rng(4))
        runs.append(train.fit(model, X, y, loss=loss, optimizer=npnet.SGD(model, lr=0.1),
                              epochs=2, batch_size=8, rng=np.random.default_rng(5)).train_acc)
    assert not np.isnan(runs[1]).any()
    assert runs[0] == runs[1]


def test_a_loss_without_accuracy_is_refused_before_training():
    rng = np.random.default_rng(3)
    X, y = data.circles(40, rng=rng)
    model = npnet.mlp([2, 8, 2], rng=rng)
    W = model[0].params["W"].copy()
    with pytest.raises(ValueError, match="cannot tell what accuracy means"):
        train.fit(model, X, y, loss=lambda out, t: npnet.softmax_cross_entropy(out, t),
                  optimizer=npnet.SGD(model, lr=0.1), epochs=1, batch_size=8, rng=rng)
    np.testing.assert_array_equal(W, model[0].params["W"])


# --- checks before the first step ----------------------------------------------------------

def test_a_foreign_optimiser_is_refused():
    rng = np.random.default_rng(6)
    X, y = data.circles(40, rng=rng)
    model, other = npnet.mlp([2, 8, 2], rng=rng), npnet.mlp([2, 8, 2], rng=rng)
    with pytest.raises(ValueError, match="not this model's"):
        train.fit(model, X, y, loss="cross_entropy", optimizer=npnet.SGD(other, lr=0.1),
                  epochs=1, batch_size=8, rng=rng)


def test_batchnorm_with_a_last_batch_of_one_does_not_crash():
    rng = np.random.default_rng(7)
    X, y = rng.standard_normal((65, 4)), rng.integers(0, 2, 65)
    model = npnet.mlp([4, 8, 2], batch_norm=True, rng=rng)
    hist = train.fit(model, X, y, loss="cross_entropy", optimizer=npnet.SGD(model, lr=0.1),
                     epochs=2, batch_size=32, rng=rng)
    assert len(hist.step_loss) == 4  # batches of 32 and 33 (the single example merged)
    with pytest.raises(ValueError, match="batch_size=1"):
        train.fit(model, X, y, loss="cross_entropy", optimizer=npnet.SGD(model, lr=0.1),
                  epochs=1, batch_size=1, rng=rng)


# --- call order ----------------------------------------------------------------------------

LAYERS = [lambda: npnet.Linear(3, 3, rng=np.random.default_rng(0)), npnet.ReLU, npnet.Tanh,
          npnet.Sigmoid, npnet.Identity, npnet.LeakyReLU, npnet.ELU, lambda: npnet.BatchNorm(3),
          lambda: npnet.LayerNorm(3), lambda: npnet.Dropout(0.5, rng=np.random.default_rng(0))]


@pytest.mark.parametrize("make", LAYERS)
def test_backward_before_forward_says_call_forward(make):
    with pytest.raises(RuntimeError, match=r"before forward: call forward\(x\) first"):
        make().backward(np.ones((2, 3)))


def test_layer_base_class():
    class Half(npnet.layers.Layer):
        pass

    with pytest.raises(NotImplementedError, match="Half must define forward"):
        Half().forward(np.ones((2, 2)))
    with pytest.raises(NotImplementedError, match="Half must define backward"):
        Half().backward(np.ones((2, 2)))


# --- dtypes --------------------------------------------------------------------------------

@pytest.mark.parametrize("make", LAYERS)
def test_dout_of_another_dtype_raises(make):
    layer = make()
    if hasattr(layer, "dtype"):
        layer = type(layer)(3, dtype=np.float32) if not isinstance(layer, npnet.Linear) \
            else npnet.Linear(3, 3, rng=np.random.default_rng(0), dtype=np.float32)
    out = layer.forward(np.ones((2, 3), np.float32) * np.arange(3, dtype=np.float32))
    with pytest.raises(TypeError, match="dtype float32.*got float64"):
        layer.backward(out.astype(np.float64))


def test_batchnorm_refuses_a_non_float_dtype():
    with pytest.raises(TypeError, match="floating dtype"):
        npnet.BatchNorm(3, dtype=int)


@pytest.mark.parametrize("cls", [npnet.ReLU, npnet.Tanh, npnet.Sigmoid, npnet.Identity,
                                 npnet.LeakyReLU, npnet.ELU])
def test_activations_check_their_input(cls):
    with pytest.raises(TypeError, match="dtype"):
        cls().forward(np.arange(6).reshape(2, 3))
    with pytest.raises(TypeError, match="NumPy array"):
        cls().forward([[1.0, -1.0]])


# --- targets -------------------------------------------------------------------------------

def test_nan_targets_are_refused():
    pred = np.zeros((3, 2))
    target = np.array([[0.0, 1.0], [np.nan, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="finite"):
        npnet.mse(pred, target)
    with pytest.raises(ValueError, match="finite"):
        npnet.binary_cross_entropy_with_logits(pred, target)


# --- statistics leave the model as found ---------------------------------------------------

def state(model):
    bns = [layer for layer in model if isinstance(layer, npnet.BatchNorm)]
    drops = [layer for layer in model if isinstance(layer, npnet.Dropout)]
    return ([bn.running_mean.copy() for bn in bns] + [bn.running_var.copy() for bn in bns],
            [d.rng.bit_generator.state for d in drops])


def test_activation_stats_needs_the_mode():
    model = npnet.mlp([4, 8, 2], rng=np.random.default_rng(0))
    with pytest.raises(TypeError):
        stats.activation_stats(model, np.ones((5, 4)))


@pytest.mark.parametrize("mode", [True, False])
def test_activation_stats_leaves_the_model_as_found(mode):
    rng = np.random.default_rng(8)
    model = npnet.mlp([4, 8, 8, 2], activation="tanh", batch_norm=True, dropout=0.3, rng=rng)
    x, batch = rng.normal(3.0, 2.0, (32, 4)), rng.standard_normal((16, 4))
    out = model.forward(x)  # a forward whose backward must still be valid afterwards
    (buffers, rngs) = state(model)  # (mlp's dropout layers share ``rng``: draw nothing now)
    stats.activation_stats(model, batch, train=mode)
    (buffers2, rngs2) = state(model)
    assert all(np.array_equal(a, b) for a, b in zip(buffers, buffers2)) and rngs == rngs2
    model.backward(np.ones_like(out))  # shapes of the earlier forward, not the stats batch


def test_train_mode_stats_differ_from_eval_mode_on_a_fresh_batchnorm_net():
    split = digits()
    model = npnet.mlp([64, 32, 10], activation="tanh", batch_norm=True,
                      rng=np.random.default_rng(0))
    train_sat = stats.activation_stats(model, split.X_train[:256], train=True)[0]["saturated"]
    eval_sat = stats.activation_stats(model, split.X_train[:256], train=False)[0]["saturated"]
    assert train_sat < 0.05 < 0.5 < eval_sat


def test_check_layer_leaves_running_statistics_as_found():
    rng = np.random.default_rng(9)
    bn = npnet.BatchNorm(4)
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    check_layer(bn, rng.normal(2.0, 3.0, (6, 4)), rng)
    np.testing.assert_array_equal(bn.running_mean, mean)
    np.testing.assert_array_equal(bn.running_var, var)


# --- inputs NumPy users pass ---------------------------------------------------------------

@pytest.mark.parametrize("shape", [[3, 4], (3, 4), np.array([3, 4])])
def test_initialisers_accept_any_sequence_as_shape(shape):
    w = npnet.init.he_normal(shape, rng=np.random.default_rng(0))
    assert w.shape == (3, 4)


def test_lsuv_accepts_a_single_layer():
    rng = np.random.default_rng(10)
    layer = npnet.Linear(20, 30, rng=rng)
    (var,) = npnet.init.lsuv(layer, rng.standard_normal((200, 20)), rng=rng)
    assert abs(var - 1.0) < 0.1


# --- definitions pinned --------------------------------------------------------------------

def test_saturation_threshold_is_0_99():
    h = np.array([[0.985, -0.989, 0.991, -0.999, 0.5, 0.95, -0.95, 0.0]])
    assert stats.saturated_fraction(h, "tanh") == 2 / 8
    s = np.array([[0.005, 0.011, 0.5, 0.95, 0.989, 0.991, 0.02, 0.05]])
    assert stats.saturated_fraction(s, "sigmoid") == 2 / 8


def test_dead_means_zero_on_every_example():
    h = np.array([[0.0, 0.0, 1.0, 0.0],
                  [0.0, 2.0, 1.0, 0.0],
                  [0.0, 0.0, 1.0, 0.0]])
    assert stats.dead_fraction(h) == 2 / 4  # columns 0 and 3; column 1 lives on one example


def test_activation_stats_definitions_on_a_built_network():
    lin = npnet.Linear(1, 4, rng=np.random.default_rng(0))
    lin.params["W"][...] = [[1.0, -1.0, 10.0, 0.5]]
    x = np.array([[1.0], [2.0], [3.0]])
    row, = stats.activation_stats(npnet.Sequential(lin, npnet.Tanh()), x, train=False)
    # tanh(1·x) saturates at x = 3 only (0.995), tanh(10x) at every x, tanh(0.5x) never
    assert row["saturated"] == (1 + 1 + 3 + 0) / 12
    row, = stats.activation_stats(npnet.Sequential(lin, npnet.ReLU()), x, train=False)
    assert row["dead"] == 1 / 4  # the unit with weight -1


# --- BCE precision -------------------------------------------------------------------------

# (z, σ(z) − 0, σ(z) − 1), exact to double precision (60-digit decimal arithmetic)
BCE_REFERENCE = [
    (-100, 3.720075976020836e-44, -1.0), (-60, 8.75651076269652e-27, -1.0),
    (-40, 4.248354255291589e-18, -1.0), (-37.5, 5.175555005801868e-17, -1.0),
    (-20, 2.0611536181902037e-09, -0.9999999979388464),
    (-8, 0.0003353501304664781, -0.9996646498695335),
    (-2.5, 0.07585818002124355, -0.9241418199787564),
    (-0.5, 0.37754066879814546, -0.6224593312018546),
    (-0.001, 0.4997500000208333, -0.5002499999791666), (0, 0.5, -0.5),
    (0.001, 0.5002499999791666, -0.4997500000208333),
    (0.5, 0.6224593312018546, -0.37754066879814546),
    (2.5, 0.9241418199787564, -0.07585818002124355),
    (8, 0.9996646498695335, -0.0003353501304664781),
    (20, 0.9999999979388464, -2.0611536181902037e-09),
    (37.5, 1.0, -5.175555005801868e-17), (40, 1.0, -4.248354255291589e-18),
    (60, 1.0, -8.75651076269652e-27), (100, 1.0, -3.720075976020836e-44),
]


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_bce_gradient_has_full_relative_precision(target):
    z = np.array([[r[0] for r in BCE_REFERENCE]], dtype=np.float64)
    exact = np.array([[r[1] if target == 0 else r[2] for r in BCE_REFERENCE]])
    _, grad = npnet.binary_cross_entropy_with_logits(z, np.full_like(z, target))
    rel = np.abs(grad * z.size - exact) / np.abs(exact)
    assert rel.max() <= 1e-9


def test_one_stable_sigmoid():
    z = np.array([-100.0, -40.0, 0.0, 40.0])
    np.testing.assert_allclose(npnet.Sigmoid().forward(z), npnet.layers.sigmoid(z), rtol=0)
    assert npnet.Sigmoid().forward(z)[0] == pytest.approx(3.720075976020836e-44, rel=1e-12)


# --- one copy of each idea, readable output ------------------------------------------------

def test_reprs_have_no_addresses():
    rng = np.random.default_rng(0)
    model = npnet.Sequential(
        npnet.Linear(2, 3, init=functools.partial(npnet.init.normal, std=0.01), rng=rng),
        npnet.Linear(3, 2, init=lambda shape, rng, dtype: np.zeros(shape, dtype)))
    texts = [repr(model), repr(npnet.SGD(model, lr=0.1)), repr(npnet.Adam(model))]
    assert not any(re.search(r"0x[0-9a-f]{6,}", t) for t in texts), texts
    assert "normal(std=0.01)" in texts[0]


def test_loss_registry_names_are_the_functions_names_or_aliases():
    from npnet.losses import LOSSES
    for name, fn in LOSSES.items():
        assert name == fn.__name__ or name in ("cross_entropy", "bce_with_logits")
    assert {fn.__name__ for fn in LOSSES.values()} <= set(LOSSES)


def test_batchnorm_mode_is_training_not_train():
    bn = npnet.BatchNorm(2)
    bn.forward(np.array([[0.0, 1.0], [1.0, 3.0]]), train=False)
    assert bn.training is False and not hasattr(bn, "train")


def test_data_loc_keyword():
    X = data.blob(200, loc=(5.0, -5.0), std=0.1, rng=np.random.default_rng(0))
    np.testing.assert_allclose(X.mean(axis=0), [5.0, -5.0], atol=0.05)
    Xc, _ = data.circles(200, loc=(1.0, 2.0), noise=0.0, rng=np.random.default_rng(0))
    np.testing.assert_allclose(Xc.mean(axis=0), [1.0, 2.0], atol=0.2)
