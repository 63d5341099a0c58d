"""Bad input raises ValueError/TypeError whose message says what was expected and what was
given. One table: (id, callable, exception type, regex the message must match)."""

import numpy as np
import pytest

import npnet
from npnet import data, init, train


def rng(seed=0):
    return np.random.default_rng(seed)


def linear(**kwargs):
    return npnet.Linear(3, 4, rng=rng(), **kwargs)


def fit(X=None, y=None, **overrides):
    """``fit`` on a small valid problem, with some arguments replaced."""
    r = rng(1)
    X = r.standard_normal((10, 3)) if X is None else X
    y = r.integers(0, 2, size=10) if y is None else y
    model = npnet.mlp([3, 4, 2], rng=r)
    kwargs = dict(loss="cross_entropy", optimizer=npnet.SGD(model, lr=0.1), epochs=2,
                  batch_size=5, rng=r)
    kwargs.update(overrides)
    return train.fit(model, X, y, **kwargs)


def with_nan():
    X = rng().standard_normal((10, 3))
    X[4, 1] = np.nan
    return X


def with_inf():
    X = rng().standard_normal((10, 3))
    X[2, 0] = np.inf
    return X


def backward_after_forward(layer, x, dout):
    layer.forward(x)
    return layer.backward(dout)


X4x3 = np.ones((4, 3))
LOGITS = np.zeros((4, 3))

CASES = [
    # --- layers: shapes and dtypes
    ("linear-1d-input", lambda: linear().forward(np.ones(3)),
     ValueError, r"Linear input must be 2-D, got shape \(3,\)"),
    ("linear-wrong-feature-count", lambda: linear().forward(np.ones((5, 2))),
     ValueError, r"expected input of shape \(N, 3\), got \(5, 2\)"),
    ("linear-int-input", lambda: linear().forward(np.ones((4, 3), dtype=np.int64)),
     TypeError, r"must have a float64 dtype, got dtype int64"),
    ("linear-object-input", lambda: linear().forward(np.ones((4, 3), dtype=object)),
     TypeError, r"must have a float64 dtype, got dtype object"),
    ("linear-list-input", lambda: linear().forward([[1.0, 2.0, 3.0]]),
     TypeError, r"must be a NumPy array, got list"),
    ("float32-into-float64-layer", lambda: linear().forward(X4x3.astype(np.float32)),
     TypeError, r"dtype float32 but the layer is float64"),
    ("empty-batch", lambda: linear().forward(np.ones((0, 3))),
     ValueError, r"empty \(shape \(0, 3\)\); expected at least one example"),
    ("linear-zero-fan-in", lambda: npnet.Linear(0, 3, rng=rng()),
     ValueError, r"fan_in must be a positive integer, got 0"),
    ("linear-float-fan-out", lambda: npnet.Linear(3, 2.0, rng=rng()),
     TypeError, r"fan_out must be a positive integer, got float 2\.0"),
    ("linear-int-dtype", lambda: npnet.Linear(3, 2, rng=rng(), dtype=np.int32),
     TypeError, r"dtype must be a floating dtype, got int32"),
    ("backward-wrong-dout-shape",
     lambda: backward_after_forward(linear(), X4x3, np.ones((4, 2))),
     ValueError, r"Linear\.backward expected dout of shape \(4, 4\).*got an array of shape \(4, 2\)"),
    ("activation-backward-wrong-dout-shape",
     lambda: backward_after_forward(npnet.Tanh(), X4x3, np.ones((3, 4))),
     ValueError, r"Tanh\.backward expected dout of shape \(4, 3\).*shape \(3, 4\)"),
    ("batchnorm-batch-of-one", lambda: npnet.BatchNorm(3).forward(np.ones((1, 3)), train=True),
     ValueError, r"needs a batch of >= 2 examples.*got 1"),
    ("batchnorm-wrong-features", lambda: npnet.BatchNorm(3).forward(np.ones((4, 5))),
     ValueError, r"BatchNorm\(3\) expected input of shape \(N, 3\), got \(4, 5\)"),
    ("dropout-p-1.5", lambda: npnet.Dropout(1.5, rng=rng()),
     ValueError, r"dropout p must be in \[0\.0, 1\.0\), got 1\.5"),
    ("dropout-p-1", lambda: npnet.Dropout(1.0, rng=rng()),
     ValueError, r"dropout p must be in \[0\.0, 1\.0\), got 1\.0"),
    ("dropout-needs-rng", lambda: npnet.Dropout(0.5),
     TypeError, r"Dropout draws random numbers and needs rng=.*got rng=None"),
    ("leaky-relu-negative-alpha", lambda: npnet.LeakyReLU(alpha=-0.1),
     ValueError, r"LeakyReLU alpha must be in \[0\.0, inf\), got -0\.1"),
    # --- mlp / Sequential
    ("mlp-negative-size", lambda: npnet.mlp([4, -1, 2], rng=rng()),
     ValueError, r"sizes\[1\] must be a positive integer, got -1"),
    ("mlp-one-size", lambda: npnet.mlp([4], rng=rng()),
     ValueError, r"sizes must be a list \[D_in, \.\.\., D_out\] of >= 2 positive ints, got list"),
    ("mlp-unknown-activation", lambda: npnet.mlp([4, 3, 2], activation="swish", rng=rng()),
     ValueError, r"unknown activation 'swish'; expected one of \[.*'relu'.*'tanh'"),
    ("mlp-dropout-bool", lambda: npnet.mlp([4, 3, 2], dropout=True, rng=rng()),
     TypeError, r"dropout must be a real number, got bool True"),
    ("mlp-needs-rng", lambda: npnet.mlp([4, 3, 2]),
     TypeError, r"needs rng=np\.random\.default_rng\(seed\); got rng=None"),
    ("sequential-non-layer", lambda: npnet.Sequential(npnet.ReLU(), 3),
     TypeError, r"layers with forward/backward; argument 1 is int 3"),
    # --- init
    ("unknown-initialiser", lambda: npnet.Linear(3, 2, init="xavier", rng=rng()),
     ValueError, r"unknown initialiser 'xavier'; expected one of \[.*'glorot_normal'"),
    ("unknown-vs-mode", lambda: init.variance_scaling((3, 2), mode="fan_sum", rng=rng()),
     ValueError, r"unknown mode 'fan_sum'; expected one of \['fan_avg', 'fan_in', 'fan_out'\]"),
    ("unknown-vs-distribution",
     lambda: init.variance_scaling((3, 2), distribution="laplace", rng=rng()),
     ValueError, r"unknown distribution 'laplace'; expected one of .*'truncated_normal'"),
    ("vs-non-positive-scale", lambda: init.variance_scaling((3, 2), scale=0.0, rng=rng()),
     ValueError, r"scale must be in \(0\.0, inf\), got 0\.0"),
    ("initialiser-rng-none", lambda: init.he_normal((3, 2), rng=None),
     TypeError, r"needs rng=np\.random\.default_rng\(seed\); got rng=None"),
    ("initialiser-rng-int", lambda: init.he_normal((3, 2), rng=42),
     TypeError, r"rng must be a np\.random\.Generator, got int 42"),
    ("fans-1d", lambda: init.fans((5,)),
     ValueError, r"weight shape with >= 2 dimensions \(fan_in, fan_out\), got \(5,\)"),
    ("shape-zero", lambda: init.zeros((3, 0)),
     ValueError, r"every dimension of shape must be a positive integer, got 0"),
    ("gain-softplus", lambda: init.gain("softplus"),
     ValueError, r"unknown activation for gain 'softplus'; expected one of \[.*'selu'"),
    # --- losses
    ("ce-labels-out-of-range", lambda: npnet.softmax_cross_entropy(LOGITS, np.array([0, 1, 2, 3])),
     ValueError, r"labels in \[0, 2\], got values from 0 to 3"),
    ("ce-negative-label", lambda: npnet.softmax_cross_entropy(LOGITS, np.array([0, -1, 2, 1])),
     ValueError, r"labels in \[0, 2\], got values from -1 to 2"),
    ("ce-float-labels", lambda: npnet.softmax_cross_entropy(LOGITS, np.array([0.0, 1, 2, 1])),
     TypeError, r"integer array of class labels, got an array of shape \(4,\) and dtype float64"),
    ("ce-label-shape", lambda: npnet.softmax_cross_entropy(LOGITS, np.zeros((4, 1), int)),
     ValueError, r"y must have shape \(4,\) to match the 4 rows, got \(4, 1\)"),
    ("ce-1d-logits", lambda: npnet.softmax_cross_entropy(np.zeros(3), np.array([0])),
     ValueError, r"logits must be 2-D, got shape \(3,\)"),
    ("ce-empty-batch", lambda: npnet.softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, int)),
     ValueError, r"logits is empty \(shape \(0, 3\)\)"),
    ("mse-shape-mismatch", lambda: npnet.mse(np.zeros((4, 1)), np.zeros(4)),
     ValueError, r"same shape as the input \(4, 1\) \(no broadcasting\), got \(4,\)"),
    ("mse-target-not-array", lambda: npnet.mse(np.zeros((4, 1)), 0.0),
     TypeError, r"target must be a NumPy array, got float 0\.0"),
    ("bce-target-outside-0-1",
     lambda: npnet.binary_cross_entropy_with_logits(np.zeros((3, 1)), np.array([[0.0], [1.5], [1]])),
     ValueError, r"targets in \[0, 1\], got values from 0\.0 to 1\.5"),
    # --- optimisers
    ("sgd-negative-lr", lambda: npnet.SGD(linear(), lr=-1),
     ValueError, r"learning rate lr must be in \(0\.0, inf\), got -1\.0"),
    ("sgd-nan-lr", lambda: npnet.SGD(linear(), lr=float("nan")),
     ValueError, r"learning rate lr must be in \(0\.0, inf\), got nan"),
    ("sgd-momentum-1", lambda: npnet.SGD(linear(), lr=0.1, momentum=1.0),
     ValueError, r"momentum must be in \[0\.0, 1\.0\), got 1\.0"),
    ("adam-beta2-1", lambda: npnet.Adam(linear(), betas=(0.9, 1.0)),
     ValueError, r"beta2 must be in \[0\.0, 1\.0\), got 1\.0"),
    ("sgd-lr-string", lambda: npnet.SGD(linear(), lr="0.1"),
     TypeError, r"learning rate lr must be a real number, got str '0\.1'"),
    # --- fit and data
    ("fit-nan-in-X", lambda: fit(X=with_nan()),
     ValueError, r"X must be finite, got 1 NaN/inf value"),
    ("fit-batch-size-0", lambda: fit(batch_size=0),
     ValueError, r"batch_size must be a positive integer, got 0"),
    ("fit-epochs-string", lambda: fit(epochs="3"),
     TypeError, r"epochs must be a positive integer, got str '3'"),
    ("fit-rng-none", lambda: fit(rng=None),
     TypeError, r"fit \(to shuffle the batches\) draws random numbers and needs rng=.*got rng=None"),
    ("fit-y-rows", lambda: fit(y=np.zeros(7, int)),
     ValueError, r"targets for X must be an array with 10 rows, got an array of shape \(7,\)"),
    ("fit-unknown-loss", lambda: fit(loss="hinge"),
     ValueError, r"unknown loss 'hinge'; expected a callable or one of \['bce_with_logits'"),
    ("fit-float-labels", lambda: fit(y=np.zeros(10)),
     TypeError, r"integer array of class labels, got an array of shape \(5,\) and dtype float64"),
    ("standardise-inf", lambda: data.standardise(with_inf()),
     ValueError, r"array 0 must be finite, got 1 NaN/inf value"),
    ("standardise-feature-mismatch", lambda: data.standardise(np.ones((5, 3)), np.ones((2, 4))),
     ValueError, r"array 1 has 4 features, the training array 3"),
    ("whiten-1d", lambda: data.whiten(np.ones(5)),
     ValueError, r"array 0 must be 2-D, got shape \(5,\)"),
    ("digits-needs-rng", lambda: data.digits(),
     TypeError, r"digits \(to draw the train/test split\) draws random numbers.*got rng=None"),
    ("digits-test-size-1", lambda: data.digits(test_size=1.0, rng=rng()),
     ValueError, r"test_size must be in \(0\.0, 1\.0\), got 1\.0"),
    ("moons-odd-n", lambda: data.moons(7, rng=rng()),
     ValueError, r"n must be even so the two classes are exactly balanced, got 7"),
]


@pytest.mark.parametrize("call, exc, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_table_is_large_and_ids_are_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) >= 20
    assert len(set(ids)) == len(ids)
