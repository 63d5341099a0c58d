r"""Checkers for chapter 4 (variance of data, weights and bias).

Both exercises rest on :math:`\operatorname{Var}(z) = \sigma_w^2 \sum_i E[x_i^2] + \sigma_b^2`
for :math:`z = \sum_i w_i x_i + b` with independent zero-mean weights and bias. Each checker
recognises the usual wrong turns (a missing √2, the variance of the data in place of its
second moment, ...) and names them in its hint.
"""

import math

import numpy as np

from . import attempt, close_to, report

#: sigmoid(z) lies outside [0.01, 0.99] exactly when |z| > ln 99
LN99 = math.log(99.0)


def _share(var):
    return math.erfc(LN99 / math.sqrt(2.0 * var))


def _close(got, want, rtol=1e-6, atol=1e-12):
    return close_to(got, want, rtol, atol)


def check_saturated_share(fn):
    """Exercise 1: ``fn(n, sigma_w, mean_sq_x, sigma_b)`` must return the predicted share of
    sigmoid outputs outside [0.01, 0.99], ``erfc(ln 99 / sqrt(2 Var(z)))`` with
    ``Var(z) = n sigma_w**2 mean_sq_x + sigma_b**2``."""
    cases = [(1000, 1.0, 0.5, 1.0), (1000, 1000 ** -0.5, 0.5, 1.0), (64, 0.5, 2.0, 0.0),
             (10, 0.01, 1.0, 3.0), (256, 0.2, 1.5, 0.5)]
    success = ("the share of saturated sigmoid outputs is erfc(ln 99 / (sqrt(2) sd(z))); for"
               f" the 1,000-input example it is {_share(501):.3f} with w ~ N(0, 1) and"
               f" {_share(1.5):.1e} with w ~ N(0, 1/n).")
    for n, sw, m2, sb in cases:
        got, problem = attempt(fn, n, sw, m2, sb)
        if problem:
            return report(False, success, problem)
        var = n * sw ** 2 * m2 + sb ** 2
        if _close(got, _share(var)):
            continue
        sd = math.sqrt(var)
        if _close(got, math.erfc(LN99 / sd)):
            hint = ("P(|z| > t) for z ~ N(0, s^2) is erfc(t / (s * sqrt(2))): the sqrt(2) is"
                    " missing.")
        elif _close(got, math.erfc(LN99 / (math.sqrt(2.0) * var))):
            hint = "erfc needs the standard deviation of z, not its variance."
        elif _close(got, 1.0 - _share(var)):
            hint = "that is the share of outputs INSIDE [0.01, 0.99]; the question asks for outside."
        elif _close(got, 0.5 * _share(var)):
            hint = "z can leave the band on either side: count both tails (erfc already does)."
        elif _close(got, _share(n * sw ** 2 * m2)) or _close(got, _share(n * sw ** 2 * m2 + sb)):
            hint = "the bias adds its variance sigma_b**2 to Var(z)."
        else:
            hint = (f"for n={n}, sigma_w={sw:g}, E[x^2]={m2:g}, sigma_b={sb:g} expected"
                    f" {_share(var):.6g}, got {got!r}. Var(z) = n sigma_w^2 E[x^2] + sigma_b^2,"
                    " then P(|z| > ln 99) = erfc(ln 99 / sqrt(2 Var(z))).")
        return report(False, success, hint)
    return report(True, success, "")


def _exercise2_data():
    """Batches ``(N, n)``: offset (mean 3), centred, and features of unequal scale."""
    rng = np.random.default_rng(4)
    centred = rng.standard_normal((400, 50))
    offset = 3.0 + 0.5 * rng.standard_normal((400, 50))
    scales = np.linspace(0.1, 4.0, 30)
    uneven = 1.0 + scales * rng.standard_normal((300, 30))
    return [(offset, 0.0, 1.0), (offset, 0.5, 1.0), (centred, 0.0, 1.0), (uneven, 0.3, 2.0)]


def _sigma_w(X, sigma_b, target_var):
    return math.sqrt((target_var - sigma_b ** 2) / float(np.mean(np.sum(X ** 2, axis=1))))


def check_sigma_w(fn):
    """Exercise 2: ``fn(X, sigma_b, target_var)`` must return the weight std ``sigma_w`` that
    makes the predicted ``Var(z)``, averaged over the rows of ``X`` ``(N, n)``, equal
    ``target_var``: ``sigma_w**2 * mean_rows(sum_i x_i**2) + sigma_b**2 = target_var``."""
    success = ("sigma_w^2 = (target - sigma_b^2) / sum_i E[x_i^2]: the second moment, so an"
               " offset in the data shrinks the weights it needs, and centring is not required"
               " for the formula.")
    for X, sb, target in _exercise2_data():
        got, problem = attempt(fn, X.copy(), sb, target)
        if problem:
            return report(False, success, problem)
        want = _sigma_w(X, sb, target)
        if _close(got, want):
            continue
        n = X.shape[1]
        var_x = float(np.sum(X.var(axis=0)))
        if var_x > 0 and sb ** 2 < target and _close(got, math.sqrt((target - sb ** 2) / var_x)):
            hint = ("you used the variance of the inputs. Over the weight draws Var(z) needs"
                    " E[x^2] = Var(x) + E[x]^2; this batch is not centred.")
        elif _close(got, math.sqrt(target / float(np.mean(np.sum(X ** 2, axis=1))))):
            hint = "the bias takes sigma_b^2 of the target variance: subtract it first."
        elif _close(got, math.sqrt((target - sb ** 2) / float(np.mean(X ** 2)))):
            hint = "sum E[x_i^2] over the n inputs; the mean over inputs is n times too small."
        elif _close(got, want ** 2):
            hint = "return the standard deviation sigma_w, not the variance sigma_w^2."
        elif _close(got, (target - sb ** 2) / math.sqrt(float(np.mean(np.sum(X ** 2, axis=1))))):
            hint = "take the square root of the whole ratio (target - sigma_b^2) / sum E[x_i^2]."
        else:
            hint = (f"for a batch of shape {X.shape} with sigma_b={sb:g} and target {target:g}"
                    f" expected {want:.6g}, got {got!r}. Solve"
                    f" sigma_w^2 * sum_i E[x_i^2] + sigma_b^2 = target for sigma_w"
                    f" (here n = {n}).")
        return report(False, success, hint)
    return report(True, success, "")
