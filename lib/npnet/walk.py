"""How the library walks a model: :func:`layers_of` and its two filters.

A leaf module (it imports no other part of ``npnet`` but the argument checks) that recognises
a container by what it has, not by its class: anything with ``forward``, ``backward`` and a
``layers`` list is walked through. So ``init.lsuv``, the optimisers and ``stats`` can walk a
``Sequential`` without importing ``model`` or ``layers``, and no two modules import each other.
"""

import numpy as np

from ._checks import describe


def _is_layer(obj):
    return hasattr(obj, "forward") and hasattr(obj, "backward")


def layers_of(model):
    """The layers of ``model`` in order, as a list: ``model`` is a container (a ``Sequential``,
    whose nested containers were flattened when it was built), a single layer, or an iterable of
    layers and containers."""
    if _is_layer(model):
        inner = getattr(model, "layers", None)
        return list(inner) if isinstance(inner, (list, tuple)) else [model]
    try:
        items = list(model)
    except TypeError:
        raise TypeError(f"expected a model (a Sequential, a layer or a list of layers),"
                        f" got {describe(model)}") from None
    return [layer for item in items for layer in layers_of(item)]


def parametrised_layers(model):
    """The layers of ``model`` (see :func:`layers_of`) that have parameters (a non-empty
    ``params`` dict)."""
    return [layer for layer in layers_of(model) if getattr(layer, "params", None)]


def running_stats(layer):
    """``layer``'s running statistics: its ``running_*`` arrays (batch norm's mean and var)."""
    return [v for k, v in vars(layer).items()
            if k.startswith("running_") and isinstance(v, np.ndarray)]
