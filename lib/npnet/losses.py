"""Losses: each returns ``(loss, dinput)``, ``loss`` a Python float.

Averaged as PyTorch's ``F.cross_entropy`` (over the batch), ``F.mse_loss`` (no ½) and
``F.binary_cross_entropy_with_logits`` (over all elements). Shapes must match exactly (no
broadcasting); NaN/inf targets raise ``ValueError``; non-finite logits or predictions raise
:class:`DivergenceError`, so a diverging run is reported by name instead of printing ``nan``.
Each loss carries an ``accuracy(out, y)`` attribute (``None`` for a regression loss), which
:func:`npnet.train.fit` uses: what accuracy means comes from the loss itself.
"""

import numpy as np

from ._checks import describe, finite, float_array, labels
from .layers import sigmoid


class DivergenceError(FloatingPointError):
    """Training produced NaN or inf, or a loss blew up (usually: the learning rate is too large)."""


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(``logits``) against integer labels.

    ``logits`` z: ``(N, C)`` floats; ``y``: ``(N,)`` ints in [0, C). With p = softmax(z),
    pₙₖ = e^(zₙₖ)/Σⱼ e^(zₙⱼ):

        L = −(1/N)·Σₙ ln pₙ,yₙ          ∂L/∂z = (p − onehot(y))/N     (N, C)

    Returns ``(loss, dlogits)``, ``dlogits`` of the logits' shape and dtype.
    """
    float_array(logits, "logits", ndim=2)
    n, c = logits.shape
    labels(y, c, n)
    finite(logits, "logits", error=DivergenceError)
    rows = np.arange(n)
    p = logits - logits.max(axis=1, keepdims=True)  # z − max z: exp cannot overflow
    picked = p[rows, y]
    np.exp(p, out=p)  # in place: one temporary serves the whole computation
    total = p.sum(axis=1, keepdims=True)
    loss = float(np.log(total).sum() - picked.sum()) / n
    total *= n
    p /= total  # p/(N·Σ): softmax and the 1/N of the mean in one pass
    p[rows, y] -= 1.0 / n
    return loss, p


def mse(pred, target):
    """Mean squared error over all S = ``pred.size`` elements, no ½.

        L = (1/S)·Σ (ŷ − y)²          ∂L/∂ŷ = 2·(ŷ − y)/S     (shape of ``pred``)

    ``pred`` and ``target`` have the same shape; the gradient keeps ``pred``'s dtype.
    """
    float_array(pred, "pred")
    _check_target(pred, target, "target")
    finite(pred, "predictions", error=DivergenceError)
    diff = pred - target.astype(pred.dtype, copy=False)
    return float(np.mean(diff * diff)), diff * (2.0 / diff.size)


def binary_cross_entropy_with_logits(logits, y):
    """Mean binary cross-entropy of σ(z) against targets y ∈ [0, 1], over all S elements.

        L = (1/S)·Σ max(z, 0) − z·y + ln(1 + e^(−|z|))     (the stable form)
        ∂L/∂z = (σ(z) − y)/S = ((1 − y)·σ(z) − y·σ(−z))/S

    The second form keeps full relative precision where σ(z) ≈ y (e.g. y = 0 and z = −40,
    where σ(z) − y ≈ 4e-18); σ is :func:`npnet.layers.sigmoid`. Same shape for both inputs.
    """
    float_array(logits, "logits")
    _check_target(logits, y, "y")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"y must hold targets in [0, 1], got values from {y.min()} to {y.max()}")
    finite(logits, "logits", error=DivergenceError)
    y = y.astype(logits.dtype, copy=False)
    loss = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    grad = (1 - y) * sigmoid(logits) - y * sigmoid(-logits)
    grad /= logits.size
    return float(loss.mean()), grad


def _check_target(a, b, name):
    if not isinstance(b, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {describe(b)}")
    if b.shape != a.shape:
        raise ValueError(f"{name} must have the same shape as the input {a.shape} (no"
                         f" broadcasting), got {b.shape}")
    if not (np.issubdtype(b.dtype, np.floating) or np.issubdtype(b.dtype, np.integer)):
        raise TypeError(f"{name} must be numeric, got dtype {b.dtype}")
    finite(b, name)


# accuracy(out, y) of each loss: mean(argmax z = y); mean([z > 0] = [y > ½]); none for mse
softmax_cross_entropy.accuracy = lambda out, y: float(np.mean(out.argmax(axis=1) == y))
binary_cross_entropy_with_logits.accuracy = lambda out, y: float(np.mean((out > 0) == (y > 0.5)))
mse.accuracy = None

#: loss name → function: each function's own name, plus two documented short aliases
LOSSES = {f.__name__: f for f in (softmax_cross_entropy, mse, binary_cross_entropy_with_logits)}
LOSSES["cross_entropy"] = softmax_cross_entropy             # alias (PyTorch's F.cross_entropy)
LOSSES["bce_with_logits"] = binary_cross_entropy_with_logits  # alias


def get(loss):
    """The loss function ``loss`` (returned as is if callable) or the one named ``loss`` in
    ``LOSSES``; unknown names raise ``ValueError`` listing the valid ones."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected a callable or one of {sorted(LOSSES)}")
    return LOSSES[loss]
