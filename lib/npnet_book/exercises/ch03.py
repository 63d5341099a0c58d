r"""Checkers for chapter 3 — Why a bias term.

* :func:`check_dead_share` — the predicted share of zero-bias units that start dead on data
  within ``R`` of a centre at distance ``d`` from the origin (equation (2)):
  :math:`\tfrac12 - \arcsin(R/d)/\pi`.
* :func:`check_bias_for_fraction` — the bias that makes a ReLU unit fire on a chosen share
  ``q`` of a Gaussian blob :math:`\mathcal N(\mu, s^2 I)`:
  :math:`b = s\lVert w\rVert\,\Phi^{-1}(q) - w\cdot\mu`.
* :func:`check_affine_from_relus` — weights of a network ``Linear(2, k, bias=False) -> ReLU ->
  Linear(k, 1)`` that computes the affine map :math:`x\cdot a + c` exactly
  (using :math:`\mathrm{relu}(z) - \mathrm{relu}(-z) = z`).

Each checker prints ``Correct: ...`` or ``Not yet: ...`` and returns ``True``/``False``; it never
raises.
"""

from statistics import NormalDist

import numpy as np

from npnet import data
from npnet.layers import Linear, ReLU
from npnet.model import Sequential
from npnet.stats import active_fraction
from . import attempt, compare, report

_NORMAL = NormalDist()


def _first_step(problem, nudge):
    """The hint for an attempt that raised: ``problem``, plus a first step if the reader has
    not started yet (the stub still raises NotImplementedError)."""
    return f"{problem} First step: {nudge}" if "NotImplementedError" in problem else problem


_START_FRACTION = ("start from equation (1). The unit fires on a share Phi((w·mu + b) / (s |w|))"
                   " of the blob; set that equal to q and solve for b (NormalDist().inv_cdf undoes Phi).")
_START_AFFINE = ("one ReLU unit with weights a outputs relu(x·a) and loses the part where x·a < 0,"
                 " but relu(z) - relu(-z) = z for every z; the output layer adds the bias c.")


def reference_dead_share(d, R):
    r"""Equation (2): :math:`\tfrac12 - \arcsin(\min(1, R/d))/\pi` (0 when the origin is within
    ``R`` of the centre)."""
    return 0.5 - float(np.arcsin(min(1.0, R / d))) / np.pi


def check_dead_share(prediction, d, R):
    """Check a predicted share of zero-bias units that start dead (equation (2)). A hand
    calculation to two digits is accepted (1.5 % relative)."""
    if not (np.isfinite(d) and np.isfinite(R) and d > 0 and R > 0):
        raise ValueError(f"d and R must be positive distances, got d={d!r}, R={R!r}")
    want = reference_dead_share(d, R)
    if prediction is None:
        return report(False, "", "replace None with your prediction, a share between 0 and 1."
                      f" Equation (2) needs only R/d = {R / d:.4g}.")
    ok, hint = compare(prediction, want, rtol=1e-6, rounded_rtol=0.015)
    if ok:
        return report(True, f"equation (2) gives {want:.3f}: with R/d = {R / d:.3g}, a line"
                      " through the origin misses the data unless its normal lies within"
                      f" {np.degrees(np.arcsin(min(1.0, R / d))):.1f} degrees of being perpendicular"
                      " to the centre's direction. Now run the measurement.", "")
    value = float(np.asarray(prediction, dtype=float).reshape(-1)[0]) if hint.startswith(("close", "expected")) else None
    if value is not None:
        asin = float(np.arcsin(min(1.0, R / d)))
        near = lambda x: abs(value - x) <= 0.015 * abs(x) + 1e-9
        if near(100 * want):
            hint = "give a share between 0 and 1, not a percentage."
        elif near(0.5 - asin):
            hint = "arcsin(R/d) is an angle in radians: divide it by pi before subtracting it from 1/2."
        elif near(0.5 - np.degrees(asin) / 180) or near(0.5 - np.degrees(asin) / np.pi):
            hint = "check the units of arcsin: in radians, the share is 1/2 - arcsin(R/d)/pi."
        elif near(2 * asin / np.pi):
            hint = ("that is the share of units that split the data (2 arcsin(R/d)/pi); the dead"
                    " ones are half of the rest.")
        elif near(1 - 2 * asin / np.pi):
            hint = ("that is the share that start dead *or* always on; the two are equally likely,"
                    " so dead is half of it.")
        elif near(asin / np.pi):
            hint = "the dead share is 1/2 minus arcsin(R/d)/pi, not arcsin(R/d)/pi itself."
    return report(False, "", hint)


def reference_bias_for_fraction(w, mu, s, q):
    r""":math:`b = s\lVert w\rVert\,\Phi^{-1}(q) - w\cdot\mu` for ``w``, ``mu`` of shape ``(2,)``."""
    w, mu = np.asarray(w, dtype=float), np.asarray(mu, dtype=float)
    return float(s * np.linalg.norm(w) * _NORMAL.inv_cdf(q) - w @ mu)


_FRACTION_CASES = [
    (np.array([1.0, 0.0]), np.array([0.0, 0.0]), 1.0, 0.5),
    (np.array([2.0, -1.0]), np.array([5.0, 5.0]), 1.0, 0.9),
    (np.array([0.5, 0.5]), np.array([-1.0, 2.0]), 0.3, 0.1),
    (np.array([-1.5, 0.7]), np.array([2.0, 2.0]), 2.0, 0.25),
]


def check_bias_for_fraction(fn):
    """Check ``fn(w, mu, s, q)``: the bias ``b`` for which a unit with weights ``w`` fires on a
    share ``q`` of the blob ``N(mu, s^2 I)``. On success, also measures that share on a sample."""
    for w, mu, s, q in _FRACTION_CASES:
        got, problem = attempt(fn, w.copy(), mu.copy(), s, q)
        if problem:
            return report(False, "", _first_step(problem, _START_FRACTION))
        try:
            got = float(got)
        except (TypeError, ValueError):
            return report(False, "", f"return one number (the bias), got {type(got).__name__}.")
        want = reference_bias_for_fraction(w, mu, s, q)
        if np.isclose(got, want, rtol=1e-6, atol=1e-9):
            continue
        z = _NORMAL.inv_cdf(q)
        if np.isclose(got, s * np.linalg.norm(w) * z + w @ mu, rtol=1e-6, atol=1e-9):
            hint = ("the sign of the w·mu term is flipped: the unit's pre-activation has mean"
                    " w·mu + b, and that mean must end up at s·|w|·Phi^-1(q).")
        elif np.isclose(got, z - w @ mu, rtol=1e-6, atol=1e-9):
            hint = ("the pre-activation w·x + b has standard deviation s·|w|, not 1: scale"
                    " Phi^-1(q) by it.")
        else:
            hint = (f"for w = {w}, mu = {mu}, s = {s}, q = {q} the bias should be {want:.4f},"
                    f" got {got:.4f}. The pre-activation is N(w·mu + b, s^2 |w|^2), so the unit"
                    " fires on a share Phi((w·mu + b) / (s |w|)); solve that for b.")
        return report(False, "", hint)
    # the formula holds; show it on data
    w, mu, s, q = _FRACTION_CASES[1]
    rng = np.random.default_rng(0)
    X = data.blob(20000, loc=mu, std=s, rng=rng)
    unit = Linear(2, 1, rng=rng)
    unit.params["W"][:, 0] = w
    unit.params["b"][0] = float(fn(w.copy(), mu.copy(), s, q))
    share = float(active_fraction(ReLU().forward(unit.forward(X)))[0])
    return report(True, f"with that bias, a unit with w = {w} fires on {100 * share:.1f} % of"
                  f" 20,000 points of a blob at ({mu[0]:g}, {mu[1]:g}) (target {100 * q:.0f} %).", "")


def _model_from(weights):
    """Build ``Linear(2, k, bias=False) -> ReLU -> Linear(k, 1)`` from ``(W1, W2, b2)``."""
    W1, W2, b2 = (np.asarray(a, dtype=float) for a in weights)
    if W1.ndim != 2 or W1.shape[0] != 2:
        raise ValueError(f"W1 must have shape (2, k), got {W1.shape}")
    k = W1.shape[1]
    if W2.shape != (k, 1):
        raise ValueError(f"W2 must have shape ({k}, 1) to match W1's {k} hidden units, got {W2.shape}")
    if b2.shape != (1,):
        raise ValueError(f"b2 must have shape (1,), got {b2.shape}")
    rng = np.random.default_rng(0)
    hidden = Linear(2, k, bias=False, rng=rng)
    out = Linear(k, 1, rng=rng)
    hidden.params["W"][...] = W1
    out.params["W"][...] = W2
    out.params["b"][...] = b2
    return Sequential(hidden, ReLU(), out)


def check_affine_from_relus(fn):
    """Check ``fn(a, c) -> (W1, W2, b2)``: a network with a bias-free hidden ReLU layer and an
    output bias whose output is ``x @ a + c`` for every ``x`` (``a`` of shape ``(2,)``)."""
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0.0, 3.0, size=(200, 2)), rng.normal(5.0, 1.0, size=(50, 2))]
    for a, c in [(np.array([1.0, -2.0]), 0.5), (np.array([-0.3, 0.8]), -4.0),
                 (np.array([2.5, 1.5]), 3.0)]:
        got, problem = attempt(fn, a.copy(), c)
        if problem:
            return report(False, "", _first_step(problem, _START_AFFINE))
        if not (isinstance(got, (tuple, list)) and len(got) == 3):
            return report(False, "", "return a tuple (W1, W2, b2) of three arrays.")
        try:
            model = _model_from(got)
        except (ValueError, TypeError) as err:
            return report(False, "", str(err))
        out = model.forward(X)[:, 0]
        want = X @ a + c
        if np.allclose(out, want, rtol=1e-9, atol=1e-9):
            continue
        negative = X @ a < 0
        wrong_neg = not np.allclose(out[negative], want[negative], rtol=1e-9, atol=1e-9)
        wrong_pos = not np.allclose(out[~negative], want[~negative], rtol=1e-9, atol=1e-9)
        if wrong_neg and not wrong_pos:
            hint = ("your output is right where x·a > 0 but wrong where x·a < 0: a ReLU unit"
                    " passes only one sign. Add a unit that sees -x·a and subtract its output"
                    " (relu(z) - relu(-z) = z).")
        else:
            hint = (f"for a = {a}, c = {c} the output differs from x·a + c (largest error"
                    f" {np.max(np.abs(out - want)):.3g}). Two hidden units with weights a and -a,"
                    " read out with +1 and -1, pass x·a through unchanged.")
        return report(False, "", hint)
    return report(True, "a hidden layer without biases and an output bias computed x·a + c on"
                  " 250 points, some far from the origin, to 1e-9: any straight boundary is"
                  " within reach of an output bias alone.", "")
