"""Initialisers: the variance formulas, PyTorch's gain table, fans, orthogonality, the
truncated-normal correction, rng/dtype handling, ``get`` and LSUV.

Statistical tolerances are derived from the sample size, not picked by eye. For n i.i.d.
draws with standard deviation sigma and kurtosis kappa = E[(w - mu)^4] / sigma^4:

* the sample mean has standard error sigma / sqrt(n);
* the sample variance s^2 has Var(s^2) = sigma^4 (kappa - 1) / n + O(1/n^2), so by the delta
  method (d sqrt(v)/dv = 1 / (2 sigma)) the sample std has standard error
  sigma * sqrt((kappa - 1) / (4 n)).

We allow 5 standard errors (a two-sided normal tail of ~6e-7 per check; the draws are seeded,
so a pass is reproducible anyway). kappa is 3 for a normal, 9/5 for a uniform and, for a
standard normal truncated to [-2, 2], computed below in closed form (about 2.37).
"""

import functools
import math

import numpy as np
import pytest

import npnet
from npnet import init

SHAPE = (500, 400)          # fan_in = 500, fan_out = 400
N = SHAPE[0] * SHAPE[1]
FAN_IN, FAN_OUT = SHAPE
FAN_AVG = (FAN_IN + FAN_OUT) / 2
K_SIGMA = 5.0


def truncated_normal_moments(a=2.0):
    """Variance and kurtosis of a standard normal truncated to [-a, a].

    With phi the standard normal density and Z = P(|z| <= a) = erf(a / sqrt 2), integration by
    parts gives  int_{-a}^{a} z^2 phi = Z - 2 a phi(a)  and
    int_{-a}^{a} z^4 phi = 3 Z - 2 (a^3 + 3 a) phi(a); divide by Z for the moments.
    """
    phi = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    z = math.erf(a / math.sqrt(2))
    m2 = 1 - 2 * a * phi / z
    m4 = 3 - 2 * (a ** 3 + 3 * a) * phi / z
    return m2, m4 / m2 ** 2


TN_VAR, KURTOSIS_TRUNCATED = truncated_normal_moments()
KURTOSIS = {"normal": 3.0, "uniform": 9.0 / 5.0, "truncated_normal": KURTOSIS_TRUNCATED}


def assert_moments(w, mean, std, distribution):
    """Sample mean and std of ``w`` within K_SIGMA standard errors of ``mean`` and ``std``."""
    n = w.size
    kappa = KURTOSIS[distribution]
    mean_tol = K_SIGMA * std / math.sqrt(n)
    std_tol = K_SIGMA * std * math.sqrt((kappa - 1) / (4 * n))
    assert abs(w.mean() - mean) < mean_tol, (w.mean(), mean, mean_tol)
    assert abs(w.std() - std) < std_tol, (w.std(), std, std_tol)


def test_truncated_normal_constant_matches_the_closed_form():
    assert math.sqrt(TN_VAR) == pytest.approx(init.TRUNCATED_NORMAL_STD, abs=1e-12)
    assert 2.3 < KURTOSIS_TRUNCATED < 2.4


# (name, initialiser, expected std, distribution) -- the formulas of DESIGN.md §2 / the docstrings
PRESETS = [
    ("normal-std0.05", functools.partial(init.normal, std=0.05), 0.05, "normal"),
    ("uniform-a0.3", functools.partial(init.uniform, a=0.3), 0.3 / math.sqrt(3), "uniform"),
    ("glorot_normal", init.glorot_normal, math.sqrt(2 / (FAN_IN + FAN_OUT)), "normal"),
    ("glorot_normal-gain", functools.partial(init.glorot_normal, gain=5 / 3),
     5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT)), "normal"),
    ("glorot_uniform", init.glorot_uniform, math.sqrt(2 / (FAN_IN + FAN_OUT)), "uniform"),
    ("he_normal", init.he_normal, math.sqrt(2 / FAN_IN), "normal"),
    ("he_uniform", init.he_uniform, math.sqrt(2 / FAN_IN), "uniform"),
    ("lecun_normal", init.lecun_normal, math.sqrt(1 / FAN_IN), "normal"),
    ("lecun_uniform", init.lecun_uniform, math.sqrt(1 / FAN_IN), "uniform"),
]


@pytest.mark.parametrize("make, std, distribution", [p[1:] for p in PRESETS],
                         ids=[p[0] for p in PRESETS])
def test_preset_moments(make, std, distribution):
    w = make(SHAPE, rng=np.random.default_rng(0))
    assert w.shape == SHAPE and w.dtype == np.float64
    assert_moments(w, 0.0, std, distribution)
    if distribution == "uniform":  # U(-a, a) with a = sqrt(3) std
        assert np.abs(w).max() <= math.sqrt(3) * std


def test_normal_mean_parameter():
    w = init.normal(SHAPE, mean=0.5, std=0.1, rng=np.random.default_rng(1))
    assert_moments(w, 0.5, 0.1, "normal")


@pytest.mark.parametrize("distribution", ["normal", "uniform", "truncated_normal"])
@pytest.mark.parametrize("mode, n", [("fan_in", FAN_IN), ("fan_out", FAN_OUT),
                                     ("fan_avg", FAN_AVG)])
def test_variance_scaling(mode, n, distribution):
    scale = 1.7
    w = init.variance_scaling(SHAPE, scale=scale, mode=mode, distribution=distribution,
                              rng=np.random.default_rng(2))
    std = math.sqrt(scale / n)
    assert_moments(w, 0.0, std, distribution)
    if distribution == "truncated_normal":
        # cut at 2 std of the *uncorrected* normal, whose std is std / 0.8796...
        assert np.abs(w).max() <= 2 * std / init.TRUNCATED_NORMAL_STD
    if distribution == "uniform":
        assert np.abs(w).max() <= math.sqrt(3 * scale / n)


# --- gain: PyTorch's calculate_gain table ---------------------------------------------------

@pytest.mark.parametrize("name, param, expected", [
    ("linear", None, 1.0),
    ("identity", None, 1.0),
    ("sigmoid", None, 1.0),
    ("tanh", None, 5.0 / 3.0),
    ("relu", None, math.sqrt(2.0)),
    ("leaky_relu", None, math.sqrt(2.0 / (1 + 0.01 ** 2))),
    ("leaky_relu", 0.2, math.sqrt(2.0 / (1 + 0.2 ** 2))),
    ("selu", None, 0.75),
])
def test_gain_table(name, param, expected):
    assert init.gain(name, param) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", ["softplus", "gelu", "conv2d", "Tanh"])
def test_gain_unknown_name(name):
    with pytest.raises(ValueError, match=f"{name!r}.*expected one of"):
        init.gain(name)


# --- fans ----------------------------------------------------------------------------------

def test_fans():
    assert init.fans((3, 4)) == (3, 4)
    assert init.fans((3, 4, 5)) == (15, 20)          # a receptive field multiplies both
    assert init.fans((3, 4, 2, 5)) == (30, 40)
    for bad in [(5,), 5]:
        with pytest.raises(ValueError, match=r">= 2 dimensions.*\(5,\)"):
            init.fans(bad)


# --- orthogonal ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(9, 4), (4, 9), (6, 6)], ids=["tall", "wide", "square"])
def test_orthogonal(shape):
    w = init.orthogonal(shape, rng=np.random.default_rng(3))
    rows, cols = shape
    if rows >= cols:
        assert np.abs(w.T @ w - np.eye(cols)).max() < 1e-10
    if rows <= cols:
        assert np.abs(w @ w.T - np.eye(rows)).max() < 1e-10
    g = init.orthogonal(shape, gain=2.5, rng=np.random.default_rng(3))
    np.testing.assert_allclose(g, 2.5 * w, rtol=1e-14, atol=0)


# --- rng and dtype -------------------------------------------------------------------------

def test_deterministic_presets_need_no_rng():
    assert np.array_equal(init.zeros((2, 3)), np.zeros((2, 3)))
    assert np.array_equal(init.constant((2, 3), value=0.5), np.full((2, 3), 0.5))
    assert np.array_equal(init.get("zeros")((4,)), np.zeros(4))


RANDOM = [
    init.normal, init.uniform, init.glorot_normal, init.glorot_uniform, init.he_normal,
    init.he_uniform, init.lecun_normal, init.lecun_uniform, init.orthogonal,
    init.variance_scaling,
    functools.partial(init.variance_scaling, distribution="uniform"),
    functools.partial(init.variance_scaling, distribution="truncated_normal"),
]


@pytest.mark.parametrize("make", RANDOM)
def test_random_presets_need_rng(make):
    with pytest.raises(TypeError, match=r"rng=np\.random\.default_rng\(seed\).*got rng=None"):
        make((3, 4), rng=None)
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        make((3, 4), rng=0)


@pytest.mark.parametrize("make", RANDOM + [init.zeros, init.constant])
def test_dtype(make):
    w = make((6, 5), rng=np.random.default_rng(4), dtype=np.float32)
    assert w.dtype == np.float32


def test_same_seed_same_draw():
    a = init.he_normal((4, 3), rng=np.random.default_rng(5))
    b = init.he_normal((4, 3), rng=np.random.default_rng(5))
    assert np.array_equal(a, b)


# --- get -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "zeros", "constant", "normal", "uniform", "glorot_normal", "glorot_uniform", "he_normal",
    "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal",
    "xavier_normal", "xavier_uniform", "kaiming_normal", "kaiming_uniform",
])
def test_get_names(name):
    f = init.get(name)
    assert callable(f)
    assert f((3, 2), rng=np.random.default_rng(6)).shape == (3, 2)


def test_get_aliases_and_callables():
    assert init.get("xavier_normal") is init.glorot_normal
    assert init.get("kaiming_normal") is init.he_normal
    mine = functools.partial(init.normal, std=0.01)
    assert init.get(mine) is mine

    def f(shape, rng=None, dtype=np.float64):
        return np.ones(shape, dtype)
    assert init.get(f) is f


def test_get_unknown():
    with pytest.raises(ValueError, match=r"unknown initialiser 'kaiming'.*expected one of.*he_normal"):
        init.get("kaiming")
    with pytest.raises(TypeError, match="a name or a callable"):
        init.get(3)


# --- LSUV ----------------------------------------------------------------------------------

def test_lsuv_unit_variance():
    rng = np.random.default_rng(7)
    model = npnet.mlp([64, 50, 50, 10], activation="tanh", rng=rng)
    x = npnet.data.standardise(rng.normal(2.0, 3.0, size=(256, 64)))
    variances = init.lsuv(model, x, rng=np.random.default_rng(8), tol=0.1)
    # forward again, layer by layer, and look at every Linear's output
    h, seen = x, []
    for layer in model:
        h = layer.forward(h, train=False)
        if isinstance(layer, npnet.Linear):
            seen.append(float(np.var(h)))
    assert len(seen) == 3
    for v in seen:
        assert abs(v - 1.0) < 0.1
    np.testing.assert_allclose(seen, variances, rtol=1e-12)


def test_lsuv_needs_rng():
    model = npnet.mlp([4, 3, 2], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="lsuv.*rng"):
        init.lsuv(model, np.ones((5, 4)))
