"""The variance and correlation maps of a deep network at initialisation (mean-field theory).

Chapter 5 (``05_depth``) derives it and chapter 6 (``06_initialisers``) uses it for the gains.
With n inputs per unit, weights of variance σ_w²/n and biases of variance σ_b², layer l's
pre-activations have variance q_l, and

    q_{l+1} = σ_w²·E[φ(√q_l·z)²] + σ_b²,    z ~ N(0, 1)        (Poole et al., 2016).

The expectation is a one-dimensional integral. :func:`expect` computes it with a dense
trapezoidal rule on z ∈ [−10, 10] (step 5·10⁻⁴) rather than Gauss–Hermite quadrature, which
misses the step of tanh(√q·z)² near z = 0 when q is in the hundreds.

Two inputs with pre-activation variance q and correlation c map to the correlation
c' = [σ_w²·E[φ(u₁)φ(u₂)] + σ_b²]/q', u₁ = √q·z₁, u₂ = √q·(c·z₁ + √(1−c²)·z₂) (Poole et al.):
:func:`correlation_map`. Its slope at c = 1 and q = q* is χ₁ = σ_w²·E[φ′(√q*·z)²] (:func:`chi1`),
which also scales a gradient's squared norm per layer. (The variance map's own slope at q* is
σ_w²·E[φ′² + φφ″], a different number.)
"""

import math

import numpy as np

from ._checks import describe, number_in, positive_int

__all__ = ["expect", "variance_map", "correlation_map", "chi1"]

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


_Z2 = np.linspace(-8.0, 8.0, 401)                   # the product rule's grid, step 0.04
_W2 = np.full(_Z2.size, 0.04) * np.exp(-_Z2 ** 2 / 2) / math.sqrt(2 * math.pi)
_W2[[0, -1]] /= 2                                   # trapezoid weights times the N(0, 1) density


def correlation_map(phi, c, q, sigma_w2, sigma_b2):
    """The next layer's correlation c' of two inputs whose pre-activations both have variance
    ``q`` and correlation ``c``: [σ_w²·E[φ(u₁)φ(u₂)] + σ_b²] / [σ_w²·E[φ(u₁)²] + σ_b²].

    The 2-D expectation uses a product trapezoidal rule on z₁, z₂ ∈ [−8, 8] with step 0.04
    (401² points, not the 40,001² of :func:`expect`'s grid), and the denominator uses the same
    rule, so c = 1 maps to 1 exactly. For tanh the error falls like exp(−π²/(0.04·√q)): below
    10⁻¹² for q ≤ 30, 10⁻¹⁰ at q = 100, 10⁻⁶ at q = 300. For a kinked φ such as ReLU the kink
    line crosses the grid and the error is O(step²), about 10⁻⁴.
    """
    if not callable(phi):
        raise TypeError(f"phi must be a function of one array, got {describe(phi)}")
    c = number_in(c, "c (a correlation)", low=-1.0, high=1.0)
    q = number_in(q, "q (a variance)", low=0.0)
    sigma_w2 = number_in(sigma_w2, "sigma_w2 (n·Var(w))", low=0.0)
    sigma_b2 = number_in(sigma_b2, "sigma_b2 (Var(b))", low=0.0)
    a = phi(math.sqrt(q) * _Z2)                                        # φ(u₁) on z₁
    u2 = math.sqrt(q) * (c * _Z2[:, None] + math.sqrt(1.0 - c * c) * _Z2[None, :])
    cross = float((_W2 * a) @ phi(u2) @ _W2)                          # E[φ(u₁)φ(u₂)]
    second = float(_W2 @ a ** 2)                                       # E[φ(u₁)²], same rule
    return (sigma_w2 * cross + sigma_b2) / (sigma_w2 * second + sigma_b2)


def chi1(dphi, q, sigma_w2):
    """χ₁ = σ_w²·E[φ′(√q·z)²] (a float), with ``dphi`` the derivative φ′ (vectorised): at the
    fixed point q = q*, the correlation map's slope at c = 1 and the factor by which a
    back-propagated gradient's squared norm grows per layer."""
    if not callable(dphi):
        raise TypeError(f"dphi must be a function of one array, got {describe(dphi)}")
    return number_in(sigma_w2, "sigma_w2 (n·Var(w))", low=0.0) * expect(lambda u: dphi(u) ** 2, q)
