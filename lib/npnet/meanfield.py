"""The variance map of a deep network at initialisation (mean-field theory), by quadrature.

Chapter 5 (``05_depth``) derives it and chapter 6 (``06_initialisers``) uses it for the gains.
With n inputs per unit, weights of variance σ_w²/n and biases of variance σ_b², layer l's
pre-activations have variance q_l, and

    q_{l+1} = σ_w²·E[φ(√q_l·z)²] + σ_b²,    z ~ N(0, 1)        (Poole et al., 2016).

The expectation is a one-dimensional integral. :func:`expect` computes it with a dense
trapezoidal rule on z ∈ [−10, 10] (step 5·10⁻⁴) rather than Gauss–Hermite quadrature, which
misses the step of tanh(√q·z)² near z = 0 when q is in the hundreds.
"""

import math

import numpy as np

from ._checks import describe, number_in, positive_int

__all__ = ["expect", "variance_map"]

_Z = np.linspace(-10.0, 10.0, 40_001)              # the grid of the dense rule
_PDF = np.exp(-_Z ** 2 / 2) / math.sqrt(2 * math.pi)  # N(0, 1) density on it
_DZ = np.diff(_Z)                                   # its steps, all 5·10⁻⁴


def expect(f, q):
    """E[f(√q·z)] for z ~ N(0, 1), by the trapezoidal rule on a dense grid; a Python float.

    ``f`` is a vectorised function of one array; ``q ≥ 0`` a variance. For example
    ``expect(lambda u: np.tanh(u) ** 2, q)`` is E[tanh(√q·z)²], and E[max(0, √q·z)²] = q/2.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array, got {describe(f)}")
    q = number_in(q, "q (a variance)", low=0.0)
    y = f(math.sqrt(q) * _Z) * _PDF
    # trapezoidal rule Σ Δz·(yᵢ + yᵢ₊₁)/2, written as np.trapezoid computes it (numpy ≥ 2.0 only)
    return float((_DZ * (y[1:] + y[:-1]) / 2.0).sum())


def variance_map(phi, q1, sigma_w2, sigma_b2, depth):
    """The pre-activation variances q_1, …, q_depth (a float array of length ``depth``) from
    q_{l+1} = σ_w²·E[φ(√q_l·z)²] + σ_b², starting at ``q1``. ``phi`` is the activation (a
    vectorised function, e.g. ``np.tanh``), ``sigma_w2`` = n·Var(w), ``sigma_b2`` = Var(b)."""
    if not callable(phi):
        raise TypeError(f"phi must be a function of one array, got {describe(phi)}")
    q1 = number_in(q1, "q1 (a variance)", low=0.0)
    sigma_w2 = number_in(sigma_w2, "sigma_w2 (n·Var(w))", low=0.0)
    sigma_b2 = number_in(sigma_b2, "sigma_b2 (Var(b))", low=0.0)
    depth = positive_int(depth, "depth")
    q = [q1]
    for _ in range(depth - 1):
        q.append(sigma_w2 * expect(lambda u: phi(u) ** 2, q[-1]) + sigma_b2)
    return np.array(q)
