"""Layer semantics: BatchNorm (PyTorch's conventions), Dropout (inverted, p = drop
probability), Linear (forward, overwriting backward, dtype), mlp's layer order, Sequential."""

import math

import numpy as np
import pytest

import npnet

EPS = 1e-5


# --- BatchNorm -----------------------------------------------------------------------------

def test_batchnorm_train_normalises_with_biased_variance():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(64, 5)) * np.arange(1, 6)  # different scale per feature
    bn = npnet.BatchNorm(5)
    out = bn.forward(x, train=True)
    assert np.abs(out.mean(axis=0)).max() < 1e-12
    # biased variance of xhat is var / (var + eps), i.e. 1 up to eps / var
    var = x.var(axis=0)
    np.testing.assert_allclose(out.var(axis=0), var / (var + EPS), rtol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1.0, atol=1e-5)


def test_batchnorm_gamma_beta():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((10, 3))
    bn = npnet.BatchNorm(3)
    gamma, beta = np.array([0.5, 2.0, -1.0]), np.array([1.0, -3.0, 0.25])
    bn.params["gamma"][...] = gamma
    bn.params["beta"][...] = beta
    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + EPS)
    np.testing.assert_allclose(bn.forward(x), gamma * xhat + beta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_batchnorm_running_statistics(momentum):
    rng = np.random.default_rng(2)
    x1 = rng.normal(1.0, 2.0, size=(8, 4))
    x2 = rng.normal(-2.0, 0.5, size=(5, 4))
    bn = npnet.BatchNorm(4, momentum=momentum)
    np.testing.assert_array_equal(bn.running_mean, 0.0)
    np.testing.assert_array_equal(bn.running_var, 1.0)
    bn.forward(x1, train=True)
    bn.forward(x2, train=True)
    m = momentum
    mean = (1 - m) * ((1 - m) * 0.0 + m * x1.mean(0)) + m * x2.mean(0)
    # the running variance uses the *unbiased* batch variance (ddof=1), as PyTorch
    var = (1 - m) * ((1 - m) * 1.0 + m * x1.var(0, ddof=1)) + m * x2.var(0, ddof=1)
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-13)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-13)


def test_batchnorm_eval_uses_running_statistics():
    rng = np.random.default_rng(3)
    bn = npnet.BatchNorm(3)
    bn.forward(rng.normal(2.0, 3.0, size=(16, 3)), train=True)
    bn.params["gamma"][...] = [1.5, 0.5, 2.0]
    bn.params["beta"][...] = [0.0, 1.0, -1.0]
    rm, rv = bn.running_mean.copy(), bn.running_var.copy()
    x = rng.standard_normal((4, 3))
    out = bn.forward(x, train=False)
    expected = bn.params["gamma"] * (x - rm) / np.sqrt(rv + EPS) + bn.params["beta"]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    # eval does not touch the running estimates, and a single example is fine in eval
    np.testing.assert_array_equal(bn.running_mean, rm)
    np.testing.assert_array_equal(bn.running_var, rv)
    assert bn.forward(x[:1], train=False).shape == (1, 3)


def test_batchnorm_batch_of_one_in_train_raises():
    bn = npnet.BatchNorm(3)
    with pytest.raises(ValueError, match=">= 2 examples.*got 1"):
        bn.forward(np.ones((1, 3)), train=True)


# --- Dropout -------------------------------------------------------------------------------

def test_dropout_identity_in_eval_and_for_p0():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((20, 7))
    d = npnet.Dropout(0.5, rng=rng)
    np.testing.assert_array_equal(d.forward(x, train=False), x)
    dout = rng.standard_normal(x.shape)
    np.testing.assert_array_equal(d.backward(dout), dout)
    d0 = npnet.Dropout(0.0)  # p = 0 draws nothing, so needs no rng
    np.testing.assert_array_equal(d0.forward(x, train=True), x)
    np.testing.assert_array_equal(d0.backward(dout), dout)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_train_statistics(p):
    shape = (1000, 200)
    n = shape[0] * shape[1]
    d = npnet.Dropout(p, rng=np.random.default_rng(5))
    out = d.forward(np.ones(shape), train=True)
    # each entry is 0 w.p. p and 1/(1-p) w.p. 1-p: mean 1, variance p/(1-p)
    assert set(np.unique(out)) <= {0.0, 1.0 / (1.0 - p)}
    assert abs(out.mean() - 1.0) < 5 * math.sqrt(p / (1 - p) / n)
    # the dropped fraction is a binomial proportion: standard error sqrt(p (1-p) / n)
    assert abs(np.mean(out == 0) - p) < 5 * math.sqrt(p * (1 - p) / n)


def test_dropout_backward_uses_the_same_mask():
    rng = np.random.default_rng(6)
    d = npnet.Dropout(0.3, rng=np.random.default_rng(7))
    x = rng.uniform(1.0, 2.0, size=(50, 10))  # no zeros, so out == 0 exactly where dropped
    out = d.forward(x, train=True)
    dout = rng.standard_normal(x.shape)
    dx = d.backward(dout)
    np.testing.assert_allclose(dx, dout * (out != 0) / 0.7, rtol=1e-15)
    np.testing.assert_array_equal(dx == 0, out == 0)


@pytest.mark.parametrize("p", [1.5, 1.0, -0.1])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match=r"dropout p must be in \[0\.0, 1\.0\)"):
        npnet.Dropout(p, rng=np.random.default_rng(0))


# --- Linear --------------------------------------------------------------------------------

def test_linear_forward():
    rng = np.random.default_rng(8)
    layer = npnet.Linear(4, 3, rng=rng)
    layer.params["b"][...] = rng.standard_normal(3)
    x = rng.standard_normal((5, 4))
    np.testing.assert_allclose(layer.forward(x), x @ layer.params["W"] + layer.params["b"],
                               rtol=1e-14)
    assert layer.params["W"].shape == (4, 3) and layer.params["b"].shape == (3,)
    assert set(layer.grads) == set(layer.params)


def test_linear_backward_overwrites():
    rng = np.random.default_rng(9)
    layer = npnet.Linear(4, 3, rng=rng)
    x = rng.standard_normal((5, 4))
    layer.forward(x)
    d1, d2 = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    layer.backward(d1)
    dx = layer.backward(d2)
    np.testing.assert_allclose(layer.grads["W"], x.T @ d2, rtol=1e-13)
    np.testing.assert_allclose(layer.grads["b"], d2.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(dx, d2 @ layer.params["W"].T, rtol=1e-13)


def test_linear_init_and_bias_options():
    rng = np.random.default_rng(10)
    layer = npnet.Linear(3, 2, init="zeros", bias=False)  # deterministic: no rng needed
    assert set(layer.params) == {"W"}
    np.testing.assert_array_equal(layer.params["W"], 0.0)
    layer = npnet.Linear(3, 2, init=lambda shape, rng=None, dtype=None: np.ones(shape),
                         bias_init="constant")
    np.testing.assert_array_equal(layer.params["W"], 1.0)
    with pytest.raises(ValueError, match=r"returned shape \(2, 3\), expected \(3, 2\)"):
        npnet.Linear(3, 2, init=lambda shape, rng=None, dtype=None: np.ones(shape[::-1]), rng=rng)


def test_float32_is_kept_everywhere():
    rng = np.random.default_rng(11)
    for activation in ["relu", "tanh", "sigmoid", "leaky_relu", "elu", "identity"]:
        model = npnet.mlp([6, 5, 4, 3], activation=activation, batch_norm=True, dropout=0.2,
                          rng=rng, dtype=np.float32)
        x = rng.standard_normal((8, 6)).astype(np.float32)
        out = model.forward(x, train=True)
        assert out.dtype == np.float32
        _, dout = npnet.softmax_cross_entropy(out, rng.integers(0, 3, size=8))
        assert dout.dtype == np.float32
        assert model.backward(dout).dtype == np.float32
        for layer in model:
            for name in layer.params:
                assert layer.params[name].dtype == np.float32
                assert layer.grads[name].dtype == np.float32
        assert model.forward(x, train=False).dtype == np.float32


def test_float64_into_float32_layer_raises():
    layer = npnet.Linear(3, 2, rng=np.random.default_rng(0), dtype=np.float32)
    with pytest.raises(TypeError, match="float64.*float32"):
        layer.forward(np.ones((4, 3)))
    bn = npnet.BatchNorm(3, dtype=np.float32)
    with pytest.raises(TypeError, match="float64.*float32"):
        bn.forward(np.ones((4, 3)))


# --- mlp and Sequential --------------------------------------------------------------------

def test_mlp_layer_order():
    rng = np.random.default_rng(12)
    model = npnet.mlp([4, 8, 6, 3], activation="tanh", batch_norm=True, dropout=0.2, rng=rng)
    kinds = [type(layer) for layer in model]
    L, B, T, D = npnet.Linear, npnet.BatchNorm, npnet.Tanh, npnet.Dropout
    assert kinds == [L, B, T, D, L, B, T, D, L]
    linears = [layer for layer in model if isinstance(layer, L)]
    assert [(lin.fan_in, lin.fan_out) for lin in linears] == [(4, 8), (8, 6), (6, 3)]
    assert all("b" in lin.params for lin in linears)
    assert [layer.num_features for layer in model if isinstance(layer, B)] == [8, 6]
    assert all(layer.p == 0.2 for layer in model if isinstance(layer, D))


def test_mlp_plain():
    model = npnet.mlp([4, 8, 3], rng=np.random.default_rng(13))
    assert [type(layer) for layer in model] == [npnet.Linear, npnet.ReLU, npnet.Linear]
    single = npnet.mlp([4, 3], rng=np.random.default_rng(13))
    assert [type(layer) for layer in single] == [npnet.Linear]


@pytest.mark.parametrize("name, cls", [("relu", npnet.ReLU), ("tanh", npnet.Tanh),
                                       ("sigmoid", npnet.Sigmoid),
                                       ("leaky_relu", npnet.LeakyReLU), ("elu", npnet.ELU),
                                       ("identity", npnet.Identity)])
def test_mlp_activation_names(name, cls):
    model = npnet.mlp([2, 3, 2], activation=name, rng=np.random.default_rng(0))
    assert type(model[1]) is cls


def test_sequential():
    rng = np.random.default_rng(14)
    a, b, c = npnet.Linear(3, 4, rng=rng), npnet.Tanh(), npnet.Linear(4, 2, rng=rng)
    model = npnet.Sequential(a, b, c)
    assert len(model) == 3
    assert list(model) == [a, b, c]
    assert model[0] is a and model[-1] is c and model[1] is b
    assert model.num_params() == 3 * 4 + 4 + 4 * 2 + 2
    x = rng.standard_normal((5, 3))
    out = model.forward(x)
    np.testing.assert_allclose(out, c.forward(b.forward(a.forward(x))), rtol=1e-14)
    dout = rng.standard_normal(out.shape)
    dx = model.backward(dout)
    expected = a.backward(b.backward(c.backward(dout)))
    np.testing.assert_allclose(dx, expected, rtol=1e-14)
    with pytest.raises(TypeError, match="argument 1"):
        npnet.Sequential(a, "tanh")


def test_sequential_backward_without_the_input_gradient():
    rng = np.random.default_rng(15)
    drop = npnet.Dropout(0.5, rng=np.random.default_rng(1))
    model = npnet.Sequential(drop, npnet.Linear(3, 4, rng=rng), npnet.ReLU(),
                             npnet.Linear(4, 2, rng=rng))
    x = rng.standard_normal((6, 3))
    out = model.forward(x)
    dout = rng.standard_normal(out.shape)
    assert model.backward(dout).shape == x.shape
    full = [g.copy() for layer in model for g in layer.grads.values()]
    assert model.backward(dout, input_grad=False) is None
    for a, b in zip(full, [g for layer in model for g in layer.grads.values()]):
        np.testing.assert_array_equal(a, b)


# --- LayerNorm: as torch.nn.LayerNorm --------------------------------------------------------

def test_layernorm_normalises_each_example_with_biased_variance():
    rng = np.random.default_rng(20)
    x = rng.normal(3.0, 2.0, size=(7, 5)) * np.arange(1, 8)[:, None]  # a scale per example
    ln = npnet.LayerNorm(5)
    gamma, beta = rng.uniform(0.5, 2.0, 5), rng.standard_normal(5)
    ln.params["gamma"][...] = gamma
    ln.params["beta"][...] = beta
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    expected = gamma * (x - mu) / np.sqrt(var + EPS) + beta
    np.testing.assert_allclose(ln.forward(x, train=True), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ln.forward(x, train=False), expected, rtol=1e-12, atol=1e-13)


def test_layernorm_has_no_running_statistics_and_takes_a_batch_of_one():
    ln = npnet.LayerNorm(3)
    assert set(ln.params) == {"gamma", "beta"} and not hasattr(ln, "running_mean")
    out = ln.forward(np.array([[1.0, 2.0, 6.0]]), train=True)
    assert abs(out.mean()) < 1e-12
    assert repr(ln) == "LayerNorm(3, eps=1e-05)"
    assert "LayerNorm" in npnet.__all__


def test_layernorm_dtype_and_bad_input():
    ln = npnet.LayerNorm(4, dtype=np.float32)
    x = np.random.default_rng(21).standard_normal((3, 4)).astype(np.float32)
    out = ln.forward(x)
    assert out.dtype == np.float32
    assert ln.backward(np.ones_like(out)).dtype == np.float32
    with pytest.raises(TypeError, match="float64.*float32"):
        ln.forward(x.astype(np.float64))
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        ln.forward(np.ones((3, 5), np.float32))
    with pytest.raises(TypeError, match="floating dtype"):
        npnet.LayerNorm(4, dtype=np.int64)
