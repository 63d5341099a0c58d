r"""Checkers for chapter 5 (depth: what happens to the signal, layer by layer).

Exercise 1 asks for the near-linear prediction of the output std after ten tanh layers,
σ_w^L = (std·√n)^L for unit-variance input and weights std·N(0, 1) (σ_w = √n·std, as in the
chapter); exercise 2 for the second moment E[tanh(√q·z)²], z ~ N(0, 1), by Gauss–Hermite
quadrature (accurate at the checker's q ≤ 4, not at q in the hundreds). Each checker names the
usual wrong turns in its hint.
"""

import math

import numpy as np

from . import attempt, check_number, compare, report

#: exercise 1's network: width, weight std, depth
WIDTH, WEIGHT_STD, DEPTH = 100, 0.05, 10

_Z = np.linspace(-12.0, 12.0, 96001)
_PDF = np.exp(-0.5 * _Z ** 2) / math.sqrt(2.0 * math.pi)


def tanh_second_moment(q):
    """E[tanh(√q·z)²] for z ~ N(0, 1), by a dense trapezoidal rule (the reference answer)."""
    return float(np.trapezoid(np.tanh(math.sqrt(q) * _Z) ** 2 * _PDF, _Z))


def check_layer10_std(prediction):
    """Exercise 1: the predicted std of layer 10's outputs, (WEIGHT_STD·√WIDTH)^DEPTH."""
    gain = WEIGHT_STD * math.sqrt(WIDTH)
    want = gain ** DEPTH
    success = (f"each layer multiplies the std by σ_w = std·√n = {WEIGHT_STD:g}·√{WIDTH}"
               f" = {gain:g},"
               f" so ten layers give {gain:g}^10 ≈ {want:.3g}. Now run the measurement below.")
    wrong = {WEIGHT_STD ** DEPTH: "that is std^10: each layer sums n inputs, so its std also"
                                  " grows by √n.",
             (WEIGHT_STD * WIDTH) ** DEPTH: "the std grows by √n per layer, not by n (n is the"
                                            " factor of the variance).",
             gain ** (DEPTH - 1): "off by one layer: there are ten multiplications, one per"
                                  " layer, starting from the input's std of 1.",
             gain ** (DEPTH + 1): "off by one layer: there are ten multiplications, one per"
                                  " layer.",
             gain ** (2 * DEPTH): "that is the variance; the question asks for the std."}
    return check_number(prediction, want, success=success, rounded_rtol=0.01, wrong=wrong,
                        missing="set `prediction` to a number (your estimate of the std"
                        " of layer 10's outputs), then run the cell again.",
                        nudge=" In the near-linear regime tanh(z) ≈ z, and a layer"
                        " with n inputs and weights std·N(0, 1) multiplies the std by"
                        " σ_w = std·√n.")


def check_second_moment(fn):
    """Exercise 2: ``fn(q)`` must return E[tanh(√q·z)²] for z ~ N(0, 1) within 1e-4 relative."""
    qs = [0.05, 0.5, 1.0, 2.0, 4.0]
    success = ("Gauss–Hermite with weights divided by √(2π) integrates against N(0, 1). With it,"
               f" E[tanh(√q z)²] is {tanh_second_moment(1.0):.4f} at q = 1 and"
               f" {tanh_second_moment(4.0):.4f} at q = 4.")
    for q in qs:
        got, problem = attempt(fn, q)
        if problem:
            return report(False, success, problem)
        want = tanh_second_moment(q)
        ok, hint = compare(got, want, rtol=1e-4, rounded_rtol=0.0)
        if ok:
            continue
        value = float(np.asarray(got, dtype=float).reshape(-1)[0]) if np.size(got) == 1 else None
        if value is not None and abs(value / want - math.sqrt(2 * math.pi)) < 0.01:
            hint = ("the weights of hermegauss sum to √(2π), not 1: divide them by √(2π) to"
                    " get an expectation under N(0, 1).")
        elif value is not None and abs(value - tanh_second_moment(q * q)) < 1e-4 * want + 1e-9:
            hint = "z is scaled by √q (q is a variance), not by q."
        elif value is not None and abs(value - tanh_second_moment(q / 2)) < 1e-3 * want:
            hint = ("hermgauss (physicists') integrates against exp(-x²): use hermegauss, or"
                    " scale its nodes by √2 and its weights by 1/√π.")
        elif value is not None and abs(value - math.tanh(math.sqrt(q)) ** 2) < 1e-9:
            hint = "that is tanh(√q)² at z = 1; the question asks for the average over z ~ N(0, 1)."
        else:
            hint = f"at q = {q:g}: {hint}"
        return report(False, success, hint)
    return report(True, success, "")
