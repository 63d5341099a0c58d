"""Per-layer diagnostics: what the activations, gradients and updates of a network look like.

Definitions used throughout the book (pinned by the unit tests):

* **saturated** — a tanh output with ``|h| > 0.99``, or a sigmoid output outside [0.01, 0.99];
  reported as a fraction of all outputs of the layer;
* **dead** — a ReLU unit whose output is 0 for *every* example of the batch; reported as a
  fraction of the layer's units;
* **update-to-data ratio** — std(ΔW)/std(W) of one optimiser step, per layer (around 10⁻³
  is the usual rule of thumb).

Layer indices are positions in the flattened model (:func:`npnet.model.layers_of`).
"""

import numpy as np

from .model import layers_of, preserved_state


def saturated_fraction(h, activation):
    """Fraction of entries of ``h`` (any shape; outputs of ``"tanh"`` or ``"sigmoid"``) that are
    saturated: ``mean(|h| > 0.99)`` for tanh, ``mean(h < 0.01 or h > 0.99)`` for sigmoid."""
    if activation == "tanh":
        return float(np.mean(np.abs(h) > 0.99))
    if activation == "sigmoid":
        return float(np.mean((h < 0.01) | (h > 0.99)))
    raise ValueError(f"saturation is defined for 'tanh' and 'sigmoid', got {activation!r}")


def dead_fraction(h):
    """Fraction of units (columns of ``h``, shape ``(N, units)``) whose output is 0 on every
    one of the N examples (a float in [0, 1])."""
    return float(np.mean(np.all(h == 0, axis=0)))


def active_fraction(h):
    """Per unit: the fraction of examples on which the unit's output is > 0. Shape ``(units,)``."""
    return np.mean(h > 0, axis=0)


def trace(model, x, train=False):
    """Run ``x`` through ``model`` and return ``[(index, layer, output), ...]`` for every layer
    (this forward pass changes the model's state like any other; see :func:`activation_stats`)."""
    out = []
    for i, layer in enumerate(layers_of(model)):
        x = layer.forward(x, train=train)
        out.append((i, layer, x))
    return out


def activation_stats(model, x, *, train, bins=50):
    """Statistics of every activation layer's output for the batch ``x`` of shape ``(N, D_in)``.

    ``train`` (required) is the mode of the forward pass: ``train=True`` normalises with the
    batch's own statistics and draws dropout masks; ``train=False`` uses the running
    statistics, which on a fresh ``BatchNorm`` network are still mean 0 and variance 1. Either
    way the model is left as it was found (running statistics, dropout's generator, what
    forward kept for backward).

    Returns a list of dicts, one per activation layer other than ``Identity`` (in order),
    with keys ``index``, ``layer`` (its class name), ``mean``, ``std``, ``saturated``
    (tanh/sigmoid, else ``None``), ``dead`` (ReLU, else ``None``), ``hist`` (counts) and
    ``edges`` (bin edges, ``bins + 1``).
    """
    if not isinstance(train, bool):
        raise TypeError(f"train must be True or False, got {train!r}")
    with preserved_state(model):
        traced = trace(model, x, train=train)
    rows = []
    for i, layer, h in traced:
        kind = getattr(layer, "activation", None)
        if kind in (None, "identity"):
            continue
        counts, edges = np.histogram(h, bins=bins)
        rows.append({
            "index": i, "layer": type(layer).__name__,
            "mean": float(h.mean()), "std": float(h.std()),
            "saturated": saturated_fraction(h, kind) if kind in ("tanh", "sigmoid") else None,
            "dead": dead_fraction(h) if kind == "relu" else None,
            "hist": counts, "edges": edges,
        })
    return rows


def _weighted(model):
    """``(index, layer)`` for every layer of ``model`` with a weight ``W``."""
    return [(i, layer) for i, layer in enumerate(layers_of(model))
            if "W" in getattr(layer, "params", {})]


def grad_norms(model):
    """``{layer index: ‖∂L/∂W‖₂}`` (Frobenius) for every layer with a weight ``W``; call after
    ``backward``."""
    return {i: float(np.linalg.norm(layer.grads["W"])) for i, layer in _weighted(model)}


def weights(model):
    """Copies of every ``W``: ``{layer index: W}`` (to compare before/after a step)."""
    return {i: layer.params["W"].copy() for i, layer in _weighted(model)}


def update_ratios(before, model):
    """Update-to-data ratio std(W_after − W_before)/std(W_before) per layer: ``{index: ratio}``;
    ``before`` from :func:`weights` (inf where std(W_before) = 0)."""
    layers = layers_of(model)
    return {i: float((layers[i].params["W"] - w0).std() / w0.std()) if w0.std() > 0
            else float("inf") for i, w0 in before.items()}


# --- chapter 05: what a practitioner watches during the first steps ---

def health_step(model, x, y, *, loss, optimizer):
    """Take one optimiser step on the batch ``(x, y)`` and return what it looked like.

    ``loss(out, y) → (value, ∂L/∂out)`` is one of the book's losses. The record is a dict:
    ``"loss"`` (a float, the loss *before* the step), ``"saturated"`` and ``"dead"``
    (``{layer index: fraction}`` for the tanh/sigmoid and ReLU layers of this very forward
    pass, train mode; see the definitions above), ``"grad_norm"`` (``{index: ‖∂L/∂W‖}``) and
    ``"update_ratio"`` (``{index: std(ΔW)/std(W)}`` of this step). A list of these records,
    one per step, is what :func:`npnet_book.plots.training_health` draws (chapter 5).
    """
    traced = [(i, getattr(layer, "activation", None), h)
              for i, layer, h in trace(model, x, train=True)]
    saturated = {i: saturated_fraction(h, k) for i, k, h in traced if k in ("tanh", "sigmoid")}
    dead = {i: dead_fraction(h) for i, k, h in traced if k == "relu"}
    value, dout = loss(traced[-1][2], y)
    model.backward(dout, input_grad=False)   # as a training step: no gradient for x
    norms, before = grad_norms(model), weights(model)
    optimizer.step()
    return {"loss": float(value), "saturated": saturated, "dead": dead, "grad_norm": norms,
            "update_ratio": update_ratios(before, model)}
