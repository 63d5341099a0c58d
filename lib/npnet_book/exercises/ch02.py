r"""Checkers for chapter 2 (centring and normalising the data).

Both exercises rest on the Hessian of ``npnet.mse`` for a ``Linear(D, 1)`` with bias,
:math:`H = \frac2N A^\top A` with :math:`A = [X\;\mathbf 1]`: gradient descent is stable for
:math:`\eta < 2/\lambda_{\max}(H) = 1/\lambda_{\max}(A^\top A/N)`. Each checker recognises the
usual wrong turns (the ½-convention's bound, a forgotten bias column, a missing 1/N, an
approximation instead of the exact value) and names them in its hint.
"""

import numpy as np

from . import attempt, compare, report


def _close(got, want, rtol=1e-6):
    """Whether ``got`` matches ``want`` to ``rtol`` (used to recognise a known slip)."""
    return compare(got, want, rtol=rtol, rounded_rtol=0.0)[0]


def _unfilled(got):
    """A hint when ``got`` is what an untouched stub returns (``None`` or ``...``), else ''."""
    if got is None or got is Ellipsis:
        return f"the function returned {got!r}: fill in its body so that it returns one number."
    return ""


def _lam_max(B):
    return float(np.linalg.eigvalsh(B)[-1])


def _exercise2_data():
    """Three training sets ``(N, D)``: offset, centred with unequal scales, and correlated."""
    rng = np.random.default_rng(12)
    offset = 3.0 + rng.uniform(-1, 1, size=(200, 2))
    uneven = rng.standard_normal((300, 4)) * np.array([0.1, 1.0, 3.0, 10.0])
    mix = rng.standard_normal((250, 3)) @ np.array([[1.0, 0.8, 0.0], [0.0, 0.6, 0.5], [0.0, 0.0, 0.2]])
    return [offset, uneven, mix + np.array([-2.0, 5.0, 1.0])]


def check_max_stable_lr(fn):
    """Exercise 2: ``fn(X)`` must return :math:`1/\\lambda_{\\max}(A^\\top A/N)` with
    :math:`A = [X\\;\\mathbf 1]`, the largest stable learning rate of full-batch gradient descent
    for ``Linear(D, 1)`` under ``npnet.mse``."""
    success = ("the bound is 2 / lambda_max(H) = 1 / lambda_max(A^T A / N),\n"
               "with H = 2 A^T A / N for npnet.mse (no 1/2) and a column of ones in A for the\n"
               "bias, which is trained too.")
    for X in _exercise2_data():
        got, problem = attempt(fn, X.copy())
        problem = problem or _unfilled(got)
        if problem:
            return report(False, success, problem)
        n = len(X)
        A = np.c_[X, np.ones(n)]
        want = 1.0 / _lam_max(A.T @ A / n)
        ok, near = compare(got, want)
        if ok:
            continue
        Xc = X - X.mean(axis=0)
        if _close(got, 2 * want):
            hint = ("that is 2 / lambda_max(A^T A / N), the bound for the loss with a 1/2 in front;"
                    " npnet.mse has no 1/2, so its Hessian is 2 A^T A / N.")
        elif _close(got, 1.0 / _lam_max(X.T @ X / n)) or _close(got, 2.0 / _lam_max(X.T @ X / n)):
            hint = ("the bias is trained too: append a column of ones to X (A = [X, 1]) before"
                    " forming the Hessian.")
        elif _close(got, 1.0 / _lam_max(A.T @ A)) or _close(got, 2.0 / _lam_max(A.T @ A)):
            hint = "npnet.mse averages over the N examples: the Hessian has a 1/N."
        elif _close(got, 1.0 / _lam_max(np.c_[Xc, np.ones(n)].T @ np.c_[Xc, np.ones(n)] / n)):
            hint = ("that is the bound for centred inputs; the Hessian uses the second moments"
                    " of the raw inputs (with the column of ones), not their covariance.")
        elif _close(got, 1.0 / float(np.linalg.eigvalsh(A.T @ A / n)[0])):
            hint = "the bound comes from the largest eigenvalue, not the smallest."
        else:
            hint = (f"for X of shape {X.shape}: {near} Build A = np.c_[X, np.ones(N)],"
                    " H = 2 A.T @ A / N, and return 2 / (largest eigenvalue of H).")
        return report(False, success, hint)
    return report(True, success, "")


def _kappa(m, s):
    M = np.array([[m * m + s * s, m], [m, 1.0]])
    lam = np.linalg.eigvalsh(M)
    return float(lam[-1] / lam[0])


def check_condition_number(fn):
    """Exercise 3: ``fn(m, s)`` must return the exact condition number of the Hessian of
    ``npnet.mse`` for one feature with mean ``m`` and standard deviation ``s`` and a bias:
    :math:`\\kappa = (\\tau + r)/(\\tau - r)`, :math:`\\tau = m^2 + s^2 + 1`,
    :math:`r = \\sqrt{\\tau^2 - 4s^2}`."""
    cases = [(0.0, 1.0), (0.0, 2.0), (0.0, 0.3), (2.0, 1.0), (5.0, 0.5), (1.0, 3.0), (-3.0, 1.5)]
    success = (f"kappa = (tau + r)/(tau - r), tau = m^2 + s^2 + 1, r = sqrt(tau^2 - 4 s^2).\n"
               f"It is 1 for standardised data, already {_kappa(2.0, 1.0):.1f} for m = 2 and"
               f" s = 1,\nand grows like m^4/s^2.")
    for m, s in cases:
        got, problem = attempt(fn, m, s)
        problem = problem or _unfilled(got)
        if problem:
            return report(False, success, problem)
        want = _kappa(m, s)
        ok, near = compare(got, want)
        if ok:
            continue
        tau = m * m + s * s + 1
        if _close(got, tau ** 2 / s ** 2, rtol=1e-6) or _close(got, m ** 4 / s ** 2, rtol=1e-6):
            hint = ("that is the large-offset approximation; the exercise asks for the exact"
                    " ratio of the two eigenvalues (it must give 1 for m = 0, s = 1).")
        elif _close(got, 1.0 / want, rtol=1e-6):
            hint = "the condition number is largest / smallest eigenvalue, so it is >= 1."
        elif _close(got, np.sqrt(want), rtol=1e-6):
            hint = "that is the ratio of the square roots of the eigenvalues; drop the square root."
        elif _close(got, max(s * s, 1.0 / (s * s)), rtol=1e-6):
            hint = ("that only holds for centred data (m = 0); with a mean, M has the"
                    " off-diagonal entry m and m^2 + s^2 on the diagonal.")
        else:
            hint = (f"for m = {m:g}, s = {s:g}: {near} M = [[m^2 + s^2, m], [m, 1]]; its"
                    " eigenvalues are (tau +- sqrt(tau^2 - 4 det M))/2.")
        return report(False, success, hint)
    return report(True, success, "")
