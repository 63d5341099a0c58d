r"""Losses: each returns ``(loss, dinput)``, ``loss`` a Python float.

Averaging follows PyTorch: cross-entropy is averaged over the batch (``F.cross_entropy``);
``mse`` and binary cross-entropy over all elements (``F.mse_loss``,
``F.binary_cross_entropy_with_logits``). ``mse`` has no ½, so its gradient is
:math:`2(\hat y - y)/\text{size}`. Shapes must match exactly (no broadcasting).

Non-finite logits or predictions raise :class:`DivergenceError`: this is how a diverging
training run is reported by name instead of printing ``nan``.
"""

import numpy as np

from ._checks import describe, float_array, labels


class DivergenceError(FloatingPointError):
    """Training produced NaN or inf (usually: the learning rate is too large)."""


def _finite_or_diverged(a, what):
    if not np.isfinite(a).all():
        n_bad = int(a.size - np.isfinite(a).sum())
        raise DivergenceError(f"{what} contain {n_bad} non-finite value(s) (NaN/inf) out of"
                              f" {a.size}: the run has diverged")


def softmax_cross_entropy(logits, y):
    r"""Mean cross-entropy of softmax(``logits``) against integer labels.

    ``logits``: ``(N, C)`` floats, ``y``: ``(N,)`` ints in ``[0, C)``.
    :math:`L = -\frac1N \sum_n \log p_{n, y_n}`, :math:`p = \operatorname{softmax}(z)`;
    :math:`\partial L/\partial z = (p - \operatorname{onehot}(y))/N`.
    Returns ``(loss, dlogits)``, ``dlogits`` of the logits' shape and dtype.
    """
    float_array(logits, "logits", ndim=2)
    n, c = logits.shape
    labels(y, c, n)
    _finite_or_diverged(logits, "logits")
    rows = np.arange(n)
    p = logits - logits.max(axis=1, keepdims=True)  # shifted logits z - max z: exp cannot overflow
    picked = p[rows, y]
    np.exp(p, out=p)  # in place: one temporary serves the whole computation
    total = p.sum(axis=1, keepdims=True)
    loss = float(np.log(total).sum() - picked.sum()) / n
    total *= n
    p /= total  # p / (N * sum): softmax and the 1/N of the mean in one pass
    p[rows, y] -= 1.0 / n
    return loss, p


def mse(pred, target):
    r"""Mean squared error over all elements, no ½.

    :math:`L = \frac{1}{S}\sum (\hat y - y)^2` with S = ``pred.size``;
    :math:`\partial L/\partial \hat y = 2(\hat y - y)/S`. ``pred`` and ``target`` same shape.
    """
    float_array(pred, "pred")
    _same_shape(pred, target, "target")
    _finite_or_diverged(pred, "predictions")
    diff = pred - target.astype(pred.dtype, copy=False)  # gradients keep the prediction's dtype
    return float(np.mean(diff * diff)), diff * (2.0 / diff.size)


def binary_cross_entropy_with_logits(logits, y):
    r"""Mean binary cross-entropy of :math:`\sigma(z)` against targets ``y`` in [0, 1].

    :math:`L = \frac1S \sum \max(z, 0) - z y + \log(1 + e^{-|z|})` (the stable form),
    :math:`\partial L/\partial z = (\sigma(z) - y)/S`. ``logits`` and ``y`` same shape.
    """
    float_array(logits, "logits")
    _same_shape(logits, y, "y")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"y must hold targets in [0, 1], got values from {y.min()} to {y.max()}")
    _finite_or_diverged(logits, "logits")
    y = y.astype(logits.dtype, copy=False)
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    prob = 0.5 * (1.0 + np.tanh(0.5 * logits))
    return float(loss.mean()), (prob - y) / logits.size


def _same_shape(a, b, name):
    if not isinstance(b, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {describe(b)}")
    if b.shape != a.shape:
        raise ValueError(f"{name} must have the same shape as the input {a.shape} (no"
                         f" broadcasting), got {b.shape}")
    if not (np.issubdtype(b.dtype, np.floating) or np.issubdtype(b.dtype, np.integer)):
        raise TypeError(f"{name} must be numeric, got dtype {b.dtype}")


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mse,
          "bce_with_logits": binary_cross_entropy_with_logits}
