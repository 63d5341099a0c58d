r"""Checkers for chapter 9 (regularisation: L2, dropout, early stopping).

Exercise 1 rests on the weight-decay step of SGD without momentum and without a data gradient,
:math:`W \leftarrow (1 - \eta\lambda) W`, so after :math:`k` steps :math:`\lVert W_k\rVert /
\lVert W_0\rVert = (1 - \eta\lambda)^k`. Exercise 2 rests on the expected extra loss of inverted
dropout on the inputs of a linear model, :math:`\tfrac{p}{1-p}\sum_j E[x_j^2]\,w_j^2`. Each checker
names the usual wrong turns in its hint.
"""

import math

import numpy as np

from . import check_number, compare, report

#: Exercise 2's model: input dropout p, second moments E[x_j^2] and weights w_j
EX2 = dict(p=0.5, second_moments=(4.0, 1.0, 9.0), w=(1.0, -2.0, 0.5))


def _number(value):
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def _near(got, candidate, rtol=1e-4):
    return abs(got - candidate) <= rtol * abs(candidate)


def check_shrink_factor(value, *, lr, weight_decay, steps):
    """Exercise 1 (predict, then measure): ``value`` is the reader's prediction of
    ‖W_k‖ / ‖W_0‖ after ``steps`` steps of ``SGD(lr, weight_decay)`` without momentum and with
    zero data gradient: (1 − lr·weight_decay)^steps. Rounded to 3 significant figures is fine."""
    want = (1.0 - lr * weight_decay) ** steps
    success = (f"(1 - {lr:g} x {weight_decay:g})^{steps} = {want:.4f}: each step multiplies W by"
               f" the same factor 1 - eta*lambda. Run the next cell to measure it.")
    if value is None:
        return report(False, success, "set my_prediction to your predicted ratio, a number"
                      " between 0 and 1 (for example 0.5).")
    ok, hint = compare(value, want, rtol=1e-6, rounded_rtol=5e-4)
    if hint.startswith("return one number") or "finite" in hint:
        return report(False, success, hint.replace("return one number", "give one number"))
    got = _number(value)
    approx = math.exp(-steps * lr * weight_decay)
    if abs(got - approx) < abs(got - want) and _near(got, approx):
        return report(False, success, "that is exp(-k eta lambda), the small-step approximation;"
                      " the exact factor after k steps is (1 - eta lambda)^k.")
    if ok:
        return report(True, success, "")
    wrong = [
        (1.0 - steps * lr * weight_decay, "the factors multiply, they do not add: after k steps"
         " the weights are (1 - eta lambda)^k times the start, not 1 - k eta lambda."),
        ((1.0 - weight_decay) ** steps, "the decay term lambda W is a gradient, so the step"
         " multiplies it by the learning rate eta too."),
        ((1.0 - lr * weight_decay / 2.0) ** steps, "npnet's weight_decay adds lambda W to the"
         " gradient (the penalty is lambda/2 ||W||^2), so the factor is 1 - eta lambda, no 1/2."),
        ((1.0 - 2.0 * lr * weight_decay) ** steps, "npnet's weight_decay adds lambda W to the"
         " gradient, not 2 lambda W: the factor is 1 - eta lambda."),
        (1.0 - lr * weight_decay, "that is the factor of one step; raise it to the power k."),
    ]
    for candidate, why in wrong:
        if _near(got, candidate, 5e-4):
            return report(False, success, why)
    return report(False, success, hint + " Write one step of SGD with weight decay and no data"
                  " gradient as W <- W - eta (0 + lambda W), then repeat it k times.")


def check_dropout_penalty(value):
    """Exercise 2 (predict, then measure): ``value`` is the reader's prediction of the expected
    extra squared error E[(x̃·w − x·w)²] that inverted input dropout adds for the model
    :data:`EX2`: p/(1 − p) · Σ_j E[x_j²] w_j²."""
    p, m2, w = EX2["p"], np.array(EX2["second_moments"]), np.array(EX2["w"])
    want = p / (1 - p) * float(np.sum(m2 * w ** 2))
    success = (f"p/(1 - p) = {p / (1 - p):g} times sum_j E[x_j^2] w_j^2 = 4 + 4 + 2.25, so"
               f" {want:g}. Run the next cell to measure it.")
    wrong = [
        (p * float(np.sum(m2 * w ** 2)), "each kept input is scaled by 1/(1 - p), so the variance"
         " of x_j m_j / (1 - p) is x_j^2 p/(1 - p), not x_j^2 p."),
        (p / (1 - p) * float(np.sum(np.sqrt(m2) * w ** 2)), "the penalty weights w_j^2 by the"
         " second moment E[x_j^2], not by the standard deviation."),
        (p / (1 - p) * float(np.sum(m2 * w)), "the penalty has w_j squared."),
        (p / (1 - p) * float(np.sum(m2 * np.abs(w))), "the penalty has w_j squared, not |w_j|."),
        (p / (1 - p) * float(np.sum(w ** 2)), "the penalty is data-weighted: each w_j^2 is"
         " multiplied by E[x_j^2]."),
    ]
    return check_number(value, want, success=success, nudge_invalid=False, wrong=wrong,
                        missing="set my_penalty to your predicted extra loss, one number.",
                        nudge=" The dropped prediction differs from the plain one by sum_j x_j"
                        " w_j (m_j/(1 - p) - 1); its terms are independent with mean 0, so the"
                        " expected square is the sum of their variances.")
