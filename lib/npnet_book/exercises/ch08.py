r"""Checkers for chapter 8 — Batch normalisation.

* :func:`check_running_var` — the running variance of a fresh ``BatchNorm(1)`` after one
  training-mode step on a batch: ``0.9·1 + 0.1·var(batch, ddof=1)`` (momentum 0.1, unbiased).
* :func:`check_bn_backward` — the reader's backward pass of batch normalisation in training
  mode, equation (1), compared with ``npnet.BatchNorm.backward`` on random batches.

Each checker prints ``Correct: ...`` or ``Not yet: ...`` and returns ``True``/``False``; it never
raises on the reader's answer.
"""

import numpy as np

from npnet.layers import BatchNorm
from . import _as_number, attempt, compare, report


def reference_running_var(batch, momentum=0.1):
    """The running variance of a fresh BatchNorm(1) after one training step on ``batch``."""
    batch = np.asarray(batch, dtype=float).ravel()
    return (1 - momentum) * 1.0 + momentum * float(np.var(batch, ddof=1))


def check_running_var(prediction, batch):
    """Check a predicted running variance after one step (momentum 0.1, from 1). A value
    printed to 4 significant figures is accepted."""
    batch = np.asarray(batch, dtype=float).ravel()
    if batch.size < 2 or not np.all(np.isfinite(batch)):
        raise ValueError(f"batch must hold at least 2 finite values, got {batch!r}")
    want = reference_running_var(batch)
    if prediction is None:
        return report(False, "", "replace None with your prediction, one number. The running"
                      " variance starts at 1 and moves 10 % of the way to the batch's variance.")
    ok, hint = compare(prediction, want, rtol=1e-9, rounded_rtol=5e-4)
    if ok:
        return report(True, f"0.9·1 + 0.1·{np.var(batch, ddof=1):.4g} = {want:.4f}: the running"
                      " estimate uses the unbiased variance (divide by N − 1), while the layer"
                      " normalises the batch with the biased one (divide by N).", "")

    value = _as_number(prediction)
    biased = 0.9 + 0.1 * float(np.var(batch))
    if value is not None and abs(value - biased) <= 1e-3 * biased:
        hint = ("you used the biased variance (divide by N). PyTorch's convention, followed by"
                " npnet, stores the unbiased one, N/(N − 1) times larger.")
    elif value is not None and abs(value - float(np.var(batch, ddof=1))) <= 1e-3:
        hint = ("that is the batch's variance itself; the running value moves only 10 % of the"
                " way from its start, 1, towards it.")
    return report(False, "", hint)


def check_bn_backward(fn, seed=0):
    """Compare ``fn(dout, xhat, inv_std, gamma)`` with npnet's BatchNorm backward on three
    random batches (shapes (N, D) = (8, 5), (2, 3), (50, 1))."""
    rng = np.random.default_rng(seed)
    for n, d in [(8, 5), (2, 3), (50, 1)]:
        layer = BatchNorm(d)
        layer.params["gamma"][...] = rng.uniform(0.5, 2.0, d)
        layer.forward(rng.standard_normal((n, d)) * 3 + 1, train=True)
        dout = rng.standard_normal((n, d))
        want = layer.backward(dout)
        got, problem = attempt(fn, dout.copy(), layer.xhat.copy(), layer.inv_std.ravel().copy(),
                               layer.params["gamma"].copy())
        if problem:
            if "NotImplementedError" in problem:
                problem += (" First step: g = dout * gamma is ∂L/∂x̂; subtract its mean over the"
                            " batch (axis 0) and x̂ times the mean of g·x̂, then multiply by inv_std.")
            return report(False, "", problem)
        got = np.asarray(got, dtype=float) if isinstance(got, (np.ndarray, list, tuple)) else None
        if got is None or got.shape != want.shape:
            return report(False, "", f"return an array of shape (N, D) = {want.shape}, got"
                          f" {'a non-array' if got is None else got.shape}.")
        err = np.abs(got - want).max() / max(np.abs(want).max(), 1e-300)
        if not err < 1e-8:
            if np.allclose(got, dout * layer.params["gamma"] * layer.inv_std, rtol=1e-6):
                hint = ("you returned γ·δ/√(σ² + ε), the evaluation-mode gradient. In training mode"
                        " μ_B and σ_B depend on every example: subtract mean(g) and x̂·mean(g·x̂).")
            else:
                hint = (f"for a batch of shape {want.shape} your result differs from npnet's by"
                        f" {err:.1e} (relative). Check the means are over the batch (axis 0).")
            return report(False, "", hint)
    return report(True, "your backward pass matches npnet's BatchNorm on three batches; its"
                  " columns sum to zero, which is why a bias before BN gets no gradient.", "")
