r"""Checkers for chapter 6 (Xavier/Glorot, He/Kaiming, LeCun, orthogonal, LSUV).

Exercise 1 asks for the variance of the outputs of one linear layer that narrows from 512 to 128
units, with Glorot-uniform weights U(−a, a), a = √(6/(n_in + n_out)), on unit-variance input:
n_in·Var(w) = n_in·2/(n_in + n_out) = 512·2/640 = 1.6. The hint names the usual wrong turns
(LeCun's 1, the backward factor n_out·Var(w), forgetting that U(−a, a) has variance a²/3, the std).
"""

import math

from . import check_number

#: exercise 1's layer: inputs, outputs
N_IN, N_OUT = 512, 128


def funnel_variance():
    """The reference answer: n_in·Var(w) with Var(w) = 2/(n_in + n_out) (Glorot)."""
    return N_IN * 2.0 / (N_IN + N_OUT)


def check_funnel_variance(prediction):
    """Exercise 1: the predicted variance of x·W for x of unit variance, W Glorot-uniform of
    shape (512, 128). Prints a verdict or a hint; returns True only for a correct answer."""
    want = funnel_variance()
    bound = math.sqrt(6.0 / (N_IN + N_OUT))
    success = (f"Var(w) = a²/3 = 2/(n_in + n_out) = 2/{N_IN + N_OUT}, and each output sums"
               f" n_in = {N_IN} products, so Var(x·W) = {N_IN}·2/{N_IN + N_OUT} = {want:g}."
               " LeCun's rule would give exactly 1. Now run the measurement below.")
    wrong = {1.0: "that is LeCun's rule, Var(w) = 1/n_in. Glorot's variance is 2/(n_in + n_out),"
                  " which differs when n_in ≠ n_out.",
             N_OUT * 2.0 / (N_IN + N_OUT): "that is n_out·Var(w), the factor of the backward pass."
                                           " Forward, each output sums n_in products.",
             N_IN * bound ** 2: "U(−a, a) has variance a²/3, not a².",
             math.sqrt(want): "that is the standard deviation; the question asks for the variance.",
             bound ** 2 / 3: "that is Var(w) of one weight; each output sums n_in"
             " products of a unit-variance input and a weight."}
    return check_number(prediction, want, success=success, rounded_rtol=0.01, wrong=wrong,
                        missing="set `prediction` to a number (the variance of the layer's"
                        " outputs), then run the cell again.",
                        nudge=" Var(x·W) = n_in·Var(w)·Var(x) for independent,"
                        " zero-mean weights, and Glorot-uniform has Var(w) = 2/(n_in + n_out).")
