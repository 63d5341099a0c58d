r"""Per-layer diagnostics: what the activations, gradients and updates of a network look like.

Definitions used throughout the book:

* **saturated** — a tanh output with :math:`|h| > 0.99`, or a sigmoid output outside
  :math:`[0.01, 0.99]`; reported as a fraction of all outputs of the layer;
* **dead** — a ReLU unit whose output is 0 for *every* example of the batch; reported as a
  fraction of the layer's units;
* **update-to-data ratio** — :math:`\operatorname{std}(\Delta W)/\operatorname{std}(W)` of one
  optimiser step, per layer (around :math:`10^{-3}` is the usual rule of thumb).
"""

import numpy as np

from .layers import ReLU, Sigmoid, Tanh


def saturated_fraction(h, activation):
    """Fraction of entries of ``h`` (outputs of ``"tanh"`` or ``"sigmoid"``) that are saturated."""
    if activation == "tanh":
        return float(np.mean(np.abs(h) > 0.99))
    if activation == "sigmoid":
        return float(np.mean((h < 0.01) | (h > 0.99)))
    raise ValueError(f"saturation is defined for 'tanh' and 'sigmoid', got {activation!r}")


def dead_fraction(h):
    """Fraction of units (columns of ``h``, shape ``(N, units)``) that are 0 on every example."""
    return float(np.mean(np.all(h == 0, axis=0)))


def active_fraction(h):
    """Per unit: the fraction of examples on which the unit's output is > 0. Shape ``(units,)``."""
    return np.mean(h > 0, axis=0)


def trace(model, x, train=False):
    """Run ``x`` through ``model`` and return ``[(index, layer, output), ...]`` for every layer."""
    out = []
    for i, layer in enumerate(model):
        x = layer.forward(x, train=train)
        out.append((i, layer, x))
    return out


def _kind(layer):
    return {Tanh: "tanh", Sigmoid: "sigmoid", ReLU: "relu"}.get(type(layer))


def activation_stats(model, x, train=False, bins=50):
    """Statistics of every activation layer's output for the batch ``x``.

    Returns a list of dicts, one per activation layer (in order), with keys ``index``,
    ``layer`` (its class name), ``mean``, ``std``, ``saturated`` (tanh/sigmoid, else ``None``),
    ``dead`` (ReLU, else ``None``), ``hist`` (counts) and ``edges`` (bin edges, ``bins + 1``).
    """
    rows = []
    for i, layer, h in trace(model, x, train=train):
        if layer.params or type(layer).__name__ in ("Dropout", "Identity"):
            continue
        kind = _kind(layer)
        counts, edges = np.histogram(h, bins=bins)
        rows.append({
            "index": i, "layer": type(layer).__name__,
            "mean": float(h.mean()), "std": float(h.std()),
            "saturated": saturated_fraction(h, kind) if kind in ("tanh", "sigmoid") else None,
            "dead": dead_fraction(h) if kind == "relu" else None,
            "hist": counts, "edges": edges,
        })
    return rows


def grad_norms(model):
    """``{layer index: ‖∂L/∂W‖₂}`` (Frobenius) for every layer with a weight ``W``; call after
    ``backward``."""
    return {i: float(np.linalg.norm(layer.grads["W"]))
            for i, layer in enumerate(model) if "W" in getattr(layer, "params", {})}


def weights(model):
    """Copies of every ``W``: ``{layer index: W}`` (to compare before/after a step)."""
    return {i: layer.params["W"].copy()
            for i, layer in enumerate(model) if "W" in getattr(layer, "params", {})}


def update_ratios(before, model):
    r"""Update-to-data ratio :math:`\operatorname{std}(W_\text{after} - W_\text{before}) /
    \operatorname{std}(W_\text{before})` per layer; ``before`` from :func:`weights`."""
    layers = list(model)
    ratios = {}
    for i, w0 in before.items():
        delta = layers[i].params["W"] - w0
        s = w0.std()
        ratios[i] = float(delta.std() / s) if s > 0 else float("inf")
    return ratios

