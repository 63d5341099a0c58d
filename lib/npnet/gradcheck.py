"""Gradient checking by centred differences (use float64).

∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ))/2h, with an error of order h².
"""

import numpy as np

from ._checks import need_rng
from .model import preserved_state


def numerical_gradient(f, x, h=1e-6):
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``f`` takes no argument and reads ``x``, which is perturbed **in place** one entry at a
    time (and restored). Returns an array of ``x``'s shape.
    """
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient needs a contiguous array it can perturb in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Norm-based relative error ‖a − b‖ / max(‖a‖ + ‖b‖, 1e-300), a float (0 when equal)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def check_layer(layer, x, rng, train=True, h=1e-6):
    """Relative errors of ``layer``'s analytic gradients against centred differences.

    Uses f = Σ out ⊙ G for a fixed random G (from ``rng``), so ∂f/∂out = G. A layer's own
    ``rng`` (``Dropout``) is reset before every forward, so its mask is fixed. The layer is
    left as it was found (running statistics, generator state, what forward kept). Returns
    ``{"x": err, <param name>: err, ...}`` (see :func:`rel_error`).
    """
    rng = need_rng(rng, "check_layer")
    with preserved_state(layer):
        own_rng = getattr(layer, "rng", None)
        state = own_rng.bit_generator.state if own_rng is not None else None

        def forward():
            if state is not None:
                own_rng.bit_generator.state = state
            return layer.forward(x, train=train)

        out = forward()
        g = rng.standard_normal(out.shape).astype(out.dtype)
        analytic = {"x": layer.backward(g), **{k: v.copy() for k, v in layer.grads.items()}}

        def f():
            return float(np.sum(forward() * g))

        return {name: rel_error(analytic[name], numerical_gradient(f, a, h))
                for name, a in {"x": x, **layer.params}.items()}
