r"""Checkers for chapter 11 (optimisers).

Exercise 1 (predict, then measure): the number of steps gradient descent and heavy-ball
momentum need, each at its best settings, to shrink the distance to the minimum of
C(w) = ½(w₁² + κ w₂²) by a factor ε = 10⁻⁶, predicted from the rates

    ρ_GD = (κ − 1)/(κ + 1),    ρ_HB = (√κ − 1)/(√κ + 1),    steps = ln(1/ε) / ln(1/ρ).

The checker recognises the usual wrong turns (the rate of the loss instead of the distance,
κ and √κ swapped, the approximation 1 − 1/κ instead of 1 − 2/κ) and names them in its hint.
"""

import math

import numpy as np

from . import compare, report

#: Exercise 1's condition number and tolerance
KAPPA, EPS = 400.0, 1e-6


def predicted_steps(kappa=KAPPA, eps=EPS):
    """``{"gradient descent": ..., "heavy ball": ...}``: ln(1/ε)/ln(1/ρ) for each method."""
    r = math.sqrt(kappa)
    return {"gradient descent": math.log(1 / eps) / math.log((kappa + 1) / (kappa - 1)),
            "heavy ball": math.log(1 / eps) / math.log((r + 1) / (r - 1))}


def _wrong_turns(name, want):
    """(value, hint) pairs for plausible mistakes in the prediction for ``name``."""
    other = predicted_steps()["heavy ball" if name == "gradient descent" else "gradient descent"]
    k = math.sqrt(KAPPA) if name == "heavy ball" else KAPPA
    factor2 = ("the distance shrinks by rho = (k - 1)/(k + 1) ~ 1 - 2/k per step, not by"
               " 1 - 1/k: you are off by a factor of 2.")
    return [
        (want / 2, "that is the number of steps for the LOSS to fall by 1e-6; the question asks"
                   " for the distance to the minimum (the loss falls twice as fast, as rho^(2t))."),
        (2 * want, factor2),
        (math.log(1 / EPS) / math.log(k / (k - 1)), factor2),
        (other, "you have the two methods swapped: gradient descent goes with kappa, heavy ball"
                " with sqrt(kappa)."),
        (want * math.log10(math.e), "mixed logarithms: log10 above and ln below (or the other"
                                    " way); use the same base for ln(1/eps) and ln(1/rho)."),
        (want / math.log10(math.e), "mixed logarithms: ln above and log10 below (or the other"
                                    " way); use the same base for ln(1/eps) and ln(1/rho)."),
    ]


def check_steps_prediction(prediction):
    """Exercise 1: ``prediction`` maps ``"gradient descent"`` and ``"heavy ball"`` to the
    predicted steps for κ = 400, ε = 10⁻⁶. Accepted within 1 % (relative), so κ/2·ln(1/ε) and
    √κ/2·ln(1/ε) pass too. Prints the verdict; returns True/False; never raises."""
    want = predicted_steps()
    success = (f"gradient descent ln(1e6)/ln(401/399) = {want['gradient descent']:.1f},"
               f" heavy ball ln(1e6)/ln(21/19) = {want['heavy ball']:.1f}. Run the next cell"
               " to measure both.")
    if not isinstance(prediction, dict) or set(prediction) != set(want):
        got = sorted(prediction) if isinstance(prediction, dict) else type(prediction).__name__
        return report(False, success, "give a dict with the keys 'gradient descent' and"
                      f" 'heavy ball' (the predicted numbers of steps); got {got}.")
    for name in want:
        value = prediction[name]
        if value is None:
            return report(False, success, f"fill in your prediction for {name!r}: a number of"
                          " steps, from ln(1/eps) / ln(1/rho).")
        ok, hint = compare(value, want[name], rtol=0.01)
        if ok:
            continue
        if hint.startswith("return one number") or "finite" in hint:
            return report(False, success, f"{name}: " + hint.replace("return one number",
                                                                     "give one number"))
        got = float(np.asarray(value, dtype=float).reshape(-1)[0])   # compare accepted it as one number
        for candidate, why in _wrong_turns(name, want[name]):
            if abs(got - candidate) <= 0.01 * abs(candidate):
                return report(False, success, f"{name}: {why}")
        return report(False, success, f"{name}: {hint} The best settings give rho = (k - 1)/(k + 1)"
                      " with k = kappa for gradient descent and k = sqrt(kappa) for heavy ball.")
    return report(True, success, "")
