r"""Checkers for chapter 1 (zero initialisation and symmetry).

Each checker calls the reader's function on a few cases, prints ``Correct: ...`` or
``Not yet: <hint>`` and returns ``True``/``False``; it never raises.
"""

import math

import numpy as np

from . import _as_number, attempt, compare, report

#: a tanh output is saturated when |z| > artanh(0.99) = ln(199)/2 ≈ 2.647
_A = math.atanh(0.99)


def _prior_entropy(y):
    r"""Loss an all-zero 2-layer network converges to: the entropy of the class prior,
    :math:`-\bar y\ln\bar y - (1-\bar y)\ln(1-\bar y)` with :math:`0 \ln 0 = 0`."""
    p = float(np.mean(y))
    return -sum(q * math.log(q) for q in (p, 1.0 - p) if q > 0)


def _as_zero(got):
    """Whether ``got`` is one number equal to 0 (to 1e-12)."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.size == 1 and bool(abs(arr.reshape(-1)[0]) <= 1e-12)


def check_zero_init_final_loss(fn):
    """Check ``fn(y)`` -> the loss a network initialised to all zeros converges to on labels ``y``."""
    cases = [np.array([0.0, 1.0] * 50), np.r_[np.zeros(70), np.ones(30)][:, None],
             np.r_[np.zeros(10), np.ones(90)], np.r_[np.zeros(100), np.ones(40)][:, None],
             np.ones(20), np.zeros((8, 1))]
    for y in cases:
        got, problem = attempt(fn, y.copy())
        if problem:
            return report(False, "", problem)
        want = _prior_entropy(y)
        if want == 0.0:
            ok = _as_zero(got)
            close_hint = ""
        else:
            ok, close_hint = compare(got, want)
        if ok:
            continue
        p = float(np.mean(y))
        value = _as_number(got)
        if value is None or (not np.isfinite(value) and p not in (0.0, 1.0)):
            return report(False, "", compare(got, want or 1.0)[1])
        got = value
        if p in (0.0, 1.0):
            hint = (f"for labels that are all {int(p)} the loss should be 0 (got {got!r}): treat"
                    " 0·ln 0 as 0, the limit of q·ln q as q -> 0.")
        elif math.isclose(got, math.log(2)):
            hint = ("ln 2 is right only for balanced classes. With a share p of class 1 the output"
                    " bias b2 moves until the predicted probability equals p; what is the"
                    " cross-entropy of always predicting p?")
        elif close_hint.startswith("close"):
            hint = f"for a share {p:.2f} of class 1: {close_hint}"
        else:
            hint = (f"for a share {p:.2f} of class 1 the answer is {want:.4f}, you returned"
                    f" {got:.4g}. Only b2 moves, and it stops at the best constant prediction"
                    " p_hat = p; the loss there is -p ln p - (1 - p) ln(1 - p) (natural log).")
        return report(False, "", hint)
    return report(True, "the all-zero network ends at the entropy of the class prior.", "")


def _saturated_share(X, sigma_w, sigma_b=0.0, a=_A):
    r""":math:`\frac1N\sum_n \operatorname{erfc}\big(a / (\sqrt2\, s_n)\big)` with
    :math:`s_n^2 = \sigma_w^2 \lVert x_n\rVert^2 + \sigma_b^2`, :math:`a = \operatorname{artanh} 0.99`."""
    std = np.sqrt(sigma_w ** 2 * np.sum(np.asarray(X) ** 2, axis=1) + sigma_b ** 2)
    return float(np.mean([math.erfc(a / (math.sqrt(2) * s)) for s in std]))


def _wrong_variants(X, sigma_w, sigma_b):
    """Plausible mistakes and the hint each deserves."""
    sq = np.sum(X ** 2, axis=1)
    shortcut = math.erfc(_A / math.sqrt(2 * (sigma_w ** 2 * sq.mean() + sigma_b ** 2)))
    std = np.sqrt(sigma_w ** 2 * sq + sigma_b ** 2)
    one_tail = float(np.mean([0.5 * math.erfc(_A / (math.sqrt(2) * s)) for s in std]))
    raw = float(np.mean([math.erfc(0.99 / (math.sqrt(2) * s)) for s in std]))
    return [
        (shortcut, "you averaged the variance over the points first. Compute the probability"
                   " for each point (its own variance sigma_w² ||x_n||² + sigma_b²) and average"
                   " the probabilities."),
        (one_tail, "|z| > a has two tails, z > a and z < -a; your value is half the answer."),
        (raw, "the threshold is on z, not on tanh(z): |tanh z| > 0.99 means |z| > artanh(0.99)."),
    ]


def check_saturated_share(fn):
    """Check ``fn(X, sigma_w, sigma_b=0.0)`` -> the expected share of saturated tanh outputs."""
    rng = np.random.default_rng(0)
    radii = np.r_[np.full(30, 0.6), np.full(30, 1.8)]
    angle = rng.uniform(0, 2 * np.pi, 60)
    X2 = radii[:, None] * np.c_[np.cos(angle), np.sin(angle)]
    X5 = rng.standard_normal((40, 5))
    cases = [(X2, 1.0, 0.0), (X2, 10.0, 0.0), (X5, 0.5, 0.0), (X2, 3.0, 1.0), (X5, 2.0, 2.0)]
    used_rounded = False
    for X, sigma_w, sigma_b in cases:
        got, problem = attempt(fn, X.copy(), sigma_w, sigma_b)
        if problem:
            return report(False, "", problem)
        want = _saturated_share(X, sigma_w, sigma_b)
        value = _as_number(got)
        if value is None or not np.isfinite(value):
            return report(False, "", compare(got, want)[1])
        if math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(value, _saturated_share(X, sigma_w, sigma_b, a=2.647), rel_tol=1e-6,
                        abs_tol=1e-9):
            used_rounded = True              # the text's rounded constant: accepted
            continue
        rounded = [r for r in (2.65, 2.6, 2.5, 3.0)
                   if math.isclose(value, _saturated_share(X, sigma_w, sigma_b, a=r),
                                   rel_tol=1e-6, abs_tol=1e-9)]
        if rounded:
            return report(False, "", f"your result differs only in the digits a rounded constant"
                          f" explains: you seem to use a = {rounded[0]} for artanh(0.99) ="
                          f" {_A:.6f}. Use math.atanh(0.99) (or at least 2.647).")
        hint = (f"for sigma_w = {sigma_w}, sigma_b = {sigma_b} the expected share is {want:.4f},"
                f" you returned {value:.4g}. For each point, z is normal with variance"
                " sigma_w² ||x||² + sigma_b²; P(|z| > a) = erfc(a / (sqrt(2) std)) with"
                " a = artanh(0.99); then average over the points.")
        for wrong, specific in _wrong_variants(X, sigma_w, sigma_b):
            if math.isclose(value, wrong, rel_tol=1e-6, abs_tol=1e-9):
                hint = specific
                break
        return report(False, "", hint)
    note = (" (with the rounded a = 2.647, which moves the share only in the fourth digit)"
            if used_rounded else "")
    return report(True, f"the exact expectation over weight and bias draws{note}.", "")


def check_dropout_prediction(prediction):
    """Check a dict ``{"input dropout": bool, "hidden dropout": bool}``: whether a constant-started
    2-2-1 network's two hidden units become different under each placement of dropout."""
    want = {"input dropout": False, "hidden dropout": True}
    if not isinstance(prediction, dict) or set(prediction) != set(want):
        return report(False, "", f"give a dict with the keys {sorted(want)}, each True (the"
                      f" units separate) or False; got {prediction!r}.")
    if any(not isinstance(v, (bool, np.bool_)) for v in prediction.values()):
        return report(False, "", "answer each placement with True (the units separate) or False"
                      " (they stay copies), not None: make your prediction before you measure.")
    if prediction["input dropout"]:
        return report(False, "", "input dropout: the mask zeroes entries of x, and both hidden"
                      " units read the same masked x. Do they then compute different things?")
    if not prediction["hidden dropout"]:
        return report(False, "", "hidden dropout: the mask zeroes unit 1 and unit 2"
                      " independently. Does a dropped unit receive the same gradient as a kept one?")
    return report(True, "only a mask that treats the two units differently can break their"
                  " symmetry; a mask on the shared input cannot.", "")
