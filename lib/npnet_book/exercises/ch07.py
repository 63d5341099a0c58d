r"""Checkers for chapter 7 (activation functions).

Exercise 1 asks for the near-linear prediction of how much the back-propagated gradient
shrinks through a stack of sigmoid layers: each layer multiplies it by g·σ′(0) = g/4, with g
the gain (σ is the sigmoid), so from layer DEPTH down to layer 1 (DEPTH − 1 multiplications) the ratio
|∂L/∂z_1| / |∂L/∂z_DEPTH| is (g/4)^(DEPTH − 1). The checker names the usual wrong turns.
"""

from . import check_number

#: exercise 1's network: width, gain (weights N(0, GAIN²/width)), depth (sigmoid layers)
WIDTH, GAIN, DEPTH = 200, 0.8, 6

#: the sigmoid's largest slope, σ′(0) = σ(0)·(1 − σ(0))
SLOPE = 0.25


def check_gradient_ratio(prediction):
    """Exercise 1: the predicted |∂L/∂z_1| / |∂L/∂z_DEPTH|, (GAIN·SLOPE)^(DEPTH − 1)."""
    factor = GAIN * SLOPE
    want = factor ** (DEPTH - 1)
    success = (f"each layer multiplies the gradient by g·σ′(0) = {GAIN:g}·¼ = {factor:g},"
               f" and there are {DEPTH - 1} layers between z_{DEPTH} and z_1, so the ratio is"
               f" {factor:g}^{DEPTH - 1} ≈ {want:.3g}. Now run the measurement below.")
    wrong = {SLOPE ** (DEPTH - 1): "that is (¼)^5, the sigmoid's slope alone: the weights"
                                   f" multiply the gradient by g = {GAIN:g} per layer too"
                                   " (a sum of n terms, each with variance g²/n).",
             GAIN ** (DEPTH - 1): "that is g^5: the gradient also passes the sigmoid's"
                                     " slope, at most ¼, once per layer.",
             factor ** DEPTH: f"off by one: from z_{DEPTH} down to z_1 the gradient crosses"
                              f" {DEPTH - 1} layers, not {DEPTH}.",
             factor ** (DEPTH - 2): f"off by one: from z_{DEPTH} down to z_1 the gradient"
                                    f" crosses {DEPTH - 1} layers.",
             factor ** (2 * (DEPTH - 1)): "that is the ratio of squared norms; the question"
                                          " asks for the ratio of norms.",
             (GAIN * 0.5) ** (DEPTH - 1): "σ′(0) = σ(0)·(1 − σ(0)) = ½·½ = ¼, not ½."}
    return check_number(prediction, want, success=success, rounded_rtol=0.01, wrong=wrong,
                        missing="set `prediction` to a number (your estimate of"
                        f" |∂L/∂z_1| / |∂L/∂z_{DEPTH}|), then run the cell again.",
                        nudge=" Near z = 0 a sigmoid layer is linear with slope"
                        " σ′(0) = ¼, and a layer with n inputs and weights of variance g²/n"
                        " multiplies the gradient's norm by g.")
