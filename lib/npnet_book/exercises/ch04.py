r"""Checkers for chapter 4 (variance of data, weights and bias).

Exercises 1 and 2 rest on :math:`\operatorname{Var}(z) = \sigma_w^2 \sum_i E[x_i^2] + \sigma_b^2`
for :math:`z = \sum_i w_i x_i + b` with independent zero-mean weights and bias. Each checker
recognises the usual wrong turns (a missing √2, the variance of the data in place of its
second moment, ...) and names them in its hint.
"""

import math

import numpy as np

from . import attempt, check_number, close_to, report

#: sigmoid(z) lies outside [0.01, 0.99] exactly when |z| > ln 99
LN99 = math.log(99.0)


def _share(var):
    return math.erfc(LN99 / math.sqrt(2.0 * var))


def _close(got, want, rtol=1e-6, atol=1e-12):
    return close_to(got, want, rtol, atol)


#: Exercise 1's layer: n standardised inputs, weights N(0, 0.2^2), biases N(0, 0.5^2)
EX1 = dict(n=256, sigma_w=0.2, mean_sq_x=1.0, sigma_b=0.5)


def _ex1_var(n, sigma_w, mean_sq_x, sigma_b):
    return n * sigma_w ** 2 * mean_sq_x + sigma_b ** 2


def check_saturated_prediction(value):
    """Exercise 1 (predict, then measure): ``value`` is the reader's predicted share of sigmoid
    outputs outside [0.01, 0.99] for the layer :data:`EX1`, ``erfc(ln 99 / sqrt(2 Var(z)))``
    with ``Var(z) = n sigma_w**2 E[x^2] + sigma_b**2``. A prediction worked out by hand is
    accepted within 1 % (relative)."""
    var = _ex1_var(**EX1)
    want = _share(var)
    success = (f"Var(z) = 256 x 0.04 x 1 + 0.25 = {var:g}, sd(z) = {math.sqrt(var):.3f}, and"
               f" erfc(ln 99 / (sqrt(2) x {math.sqrt(var):.3f})) = {want:.3f}. Run the next cell"
               " to measure it.")
    no_bias = _ex1_var(EX1["n"], EX1["sigma_w"], EX1["mean_sq_x"], 0.0)
    wrong = [
        (math.erfc(LN99 / math.sqrt(var)), "P(|z| > t) for z ~ N(0, s^2) is erfc(t / (s sqrt(2))):"
         " the sqrt(2) is missing."),
        (math.erfc(LN99 / (math.sqrt(2.0) * var)), "erfc needs the standard deviation of z,"
         " not its variance: take the square root of Var(z)."),
        (1.0 - want, "that is the share INSIDE [0.01, 0.99]; the question asks for outside."),
        (0.5 * want, "z can leave the band on either side: count both tails (erfc already"
         " does)."),
        (_share(no_bias), "the bias adds its variance sigma_b^2 = 0.25 to Var(z)."),
        (_share(no_bias + 0.5), "the bias adds its variance sigma_b^2 = 0.25, not its standard"
         " deviation."),
        (_share(EX1["n"] * EX1["sigma_w"] * EX1["mean_sq_x"] + EX1["sigma_b"] ** 2),
         "the weights enter through their variance sigma_w^2 = 0.04, not sigma_w."),
    ]
    return check_number(value, want, success=success, rtol=0.01, nudge_invalid=False,
                        missing="set my_prediction to your predicted share, a number between 0"
                        " and 1 (for example 0.25).", wrong=wrong,
                        nudge=" Compute Var(z) = n sigma_w^2 E[x^2] + sigma_b^2 first, then"
                        " P(|z| > ln 99) = erfc(ln 99 / sqrt(2 Var(z))).")


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
