"""Analytic gradients of every layer, loss and a whole network against centred differences.

All checks run in float64 on small shapes; the tolerance is a norm-based relative error
below 1e-7 (with h = 1e-6 the truncation error is O(h^2) ~ 1e-12 and the rounding error
~ 1e-16 / 1e-6 = 1e-10 relative, so a correct gradient lands far below 1e-7 and a wrong
one far above).
"""

import numpy as np
import pytest

import npnet
from npnet.gradcheck import check_layer, numerical_gradient, rel_error

TOL = 1e-7


def away_from_zero(rng, shape, margin=1e-3):
    """Entries of both signs with |x| >= margin (so a kink at 0 is never crossed by h=1e-6)."""
    magnitude = rng.uniform(margin, 2.0, size=shape)
    sign = rng.choice([-1.0, 1.0], size=shape)
    return sign * magnitude


def assert_all_small(errors):
    for name, err in errors.items():
        assert err < TOL, f"gradient of {name}: relative error {err:.3g} >= {TOL}"


# --- the gradient-check tools themselves ---------------------------------------------------

def test_rel_error_is_norm_based():
    # ||a - b|| / (||a|| + ||b||): one large entry dominates, tiny entries do not.
    a = np.array([3.0, 1e-10])
    b = np.array([3.0, 2e-10])
    expected = 1e-10 / (np.hypot(3.0, 1e-10) + np.hypot(3.0, 2e-10))
    assert rel_error(a, b) == pytest.approx(expected, rel=1e-12)
    # an element-wise relative error would be |1e-10 - 2e-10| / 3e-10 = 1/3 here
    assert rel_error(a, b) < 1e-10
    # known values
    assert rel_error(np.array([3.0, 4.0]), np.zeros(2)) == pytest.approx(1.0)
    assert rel_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(np.sqrt(2) / 2)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0  # no 0/0


def test_numerical_gradient_restores_x_and_is_correct():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    assert np.array_equal(x, before)  # bit for bit
    assert rel_error(grad, 3 * x ** 2) < TOL
    assert grad.shape == x.shape


def test_numerical_gradient_refuses_a_copy():
    x = np.arange(12.0).reshape(3, 4).T  # reshape(-1) of a transpose is a copy, not a view
    with pytest.raises(ValueError, match="contiguous"):
        numerical_gradient(lambda: float(np.sum(x)), x)


# --- layers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
def test_linear(bias):
    rng = np.random.default_rng(1)
    layer = npnet.Linear(4, 3, bias=bias, rng=rng)
    if bias:
        layer.params["b"][...] = rng.standard_normal(3)
    errors = check_layer(layer, rng.standard_normal((5, 4)), rng)
    assert set(errors) == ({"x", "W", "b"} if bias else {"x", "W"})
    assert_all_small(errors)


@pytest.mark.parametrize("make", [
    npnet.Sigmoid, npnet.Tanh, npnet.ReLU, npnet.LeakyReLU,
    lambda: npnet.LeakyReLU(alpha=0.2), npnet.ELU, lambda: npnet.ELU(alpha=0.5), npnet.Identity,
], ids=["sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu-0.2", "elu", "elu-0.5", "identity"])
def test_activation(make):
    rng = np.random.default_rng(2)
    x = away_from_zero(rng, (6, 5))
    errors = check_layer(make(), x, rng)
    assert set(errors) == {"x"}
    assert_all_small(errors)


def test_batchnorm_train():
    rng = np.random.default_rng(3)
    layer = npnet.BatchNorm(4)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, 4)
    layer.params["beta"][...] = rng.standard_normal(4)
    x = rng.normal(1.0, 3.0, size=(6, 4))
    errors = check_layer(layer, x, rng, train=True)
    assert set(errors) == {"x", "gamma", "beta"}
    assert_all_small(errors)


def test_batchnorm_eval():
    rng = np.random.default_rng(4)
    layer = npnet.BatchNorm(4)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, 4)
    layer.params["beta"][...] = rng.standard_normal(4)
    layer.running_mean[...] = rng.standard_normal(4)
    layer.running_var[...] = rng.uniform(0.5, 3.0, 4)
    x = rng.standard_normal((6, 4))
    errors = check_layer(layer, x, rng, train=False)
    assert_all_small(errors)


@pytest.mark.parametrize("train", [True, False])
def test_layernorm(train):
    rng = np.random.default_rng(30)
    layer = npnet.LayerNorm(5)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, 5)
    layer.params["beta"][...] = rng.standard_normal(5)
    x = rng.normal(1.0, 3.0, size=(4, 5))
    errors = check_layer(layer, x, rng, train=train)
    assert set(errors) == {"x", "gamma", "beta"}
    assert_all_small(errors)


def test_dropout_fixed_mask():
    rng = np.random.default_rng(5)
    layer = npnet.Dropout(0.4, rng=np.random.default_rng(6))
    x = rng.standard_normal((8, 5))
    errors = check_layer(layer, x, rng, train=True)
    assert_all_small(errors)
    # check_layer restored the generator, so this forward draws the mask it checked: the
    # mask really dropped something, so the check was not of the identity
    layer.forward(x, train=True)
    assert 0 < np.mean(layer.mask == 0) < 1


# --- losses: the returned d-input against the numerical gradient of the loss value ---------

def test_softmax_cross_entropy():
    rng = np.random.default_rng(7)
    logits = 2 * rng.standard_normal((6, 4))
    y = rng.integers(0, 4, size=6)
    _, dlogits = npnet.softmax_cross_entropy(logits, y)
    num = numerical_gradient(lambda: npnet.softmax_cross_entropy(logits, y)[0], logits)
    assert rel_error(dlogits, num) < TOL


def test_mse():
    rng = np.random.default_rng(8)
    pred = rng.standard_normal((5, 3))
    target = rng.standard_normal((5, 3))
    _, dpred = npnet.mse(pred, target)
    num = numerical_gradient(lambda: npnet.mse(pred, target)[0], pred)
    assert rel_error(dpred, num) < TOL


def test_binary_cross_entropy_with_logits():
    rng = np.random.default_rng(9)
    logits = 3 * rng.standard_normal((6, 2))
    y = rng.uniform(0, 1, size=(6, 2))  # soft targets in [0, 1]
    y[0] = [0.0, 1.0]                   # and hard ones
    _, dlogits = npnet.binary_cross_entropy_with_logits(logits, y)
    num = numerical_gradient(lambda: npnet.binary_cross_entropy_with_logits(logits, y)[0], logits)
    assert rel_error(dlogits, num) < TOL


# --- a whole network -----------------------------------------------------------------------

def test_mlp_with_batchnorm_every_parameter():
    rng = np.random.default_rng(10)
    model = npnet.mlp([5, 7, 6, 3], activation="tanh", batch_norm=True, rng=rng)
    for layer in model:  # non-trivial gamma/beta/bias so no gradient is checked at a special point
        for name, p in layer.params.items():
            if name != "W":
                p[...] += 0.3 * rng.standard_normal(p.shape)
    x = rng.standard_normal((8, 5))
    y = rng.integers(0, 3, size=8)

    def loss():
        return npnet.softmax_cross_entropy(model.forward(x, train=True), y)[0]

    _, dlogits = npnet.softmax_cross_entropy(model.forward(x, train=True), y)
    dx = model.backward(dlogits)
    assert rel_error(dx, numerical_gradient(loss, x)) < TOL

    checked = 0
    for i, layer in enumerate(model):
        feeds_batchnorm = i + 1 < len(model) and isinstance(model[i + 1], npnet.BatchNorm)
        for name, p in layer.params.items():
            analytic = layer.grads[name].copy()
            num = numerical_gradient(loss, p)
            if name == "b" and feeds_batchnorm:
                # BatchNorm subtracts the batch mean, so a bias just before it has no effect on
                # the loss: the true gradient is 0, and a relative error of two round-off
                # values would be meaningless. Both must be ~0 in absolute terms instead.
                assert np.abs(analytic).max() < 1e-12
                assert np.abs(num).max() < 1e-8
            else:
                err = rel_error(analytic, num)
                assert err < TOL, f"layer {i} ({layer!r}) {name}: relative error {err:.3g}"
            checked += 1
    assert checked == 10  # 3 x (W, b) + 2 x (gamma, beta)
