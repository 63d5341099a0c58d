"""Containers: :class:`Sequential` and the :func:`mlp` builder."""

import numpy as np

from ._checks import choice, describe, number_in, positive_int
from .layers import ACTIVATIONS, BatchNorm, Dropout, Layer, Linear


class Sequential:
    """Layers applied in order: ``forward`` runs them first to last, ``backward`` last to first.

    Iterating over a ``Sequential`` yields its layers (optimisers and :mod:`npnet.stats` rely
    on that); ``model[i]`` and ``len(model)`` work as for a list.
    """

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise TypeError(f"Sequential expects layers with forward/backward; argument {i}"
                                f" is {describe(layer)}")
        self.layers = list(layers)

    def forward(self, x, train=True):
        """Output of the last layer for input ``x`` of shape ``(N, D_in)``."""
        for layer in self.layers:
            x = layer.forward(x, train=train)
        return x

    def backward(self, dout):
        """Back-propagate ``dout`` (shape of the output); fills every layer's ``grads``."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def __iter__(self):
        return iter(self.layers)

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def num_params(self):
        """Total number of trainable scalars."""
        return sum(p.size for layer in self.layers for p in layer.params.values())

    def __repr__(self):
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)  # {self.num_params():,} parameters"


def mlp(sizes, activation="relu", init="he_normal", batch_norm=False, dropout=0.0, rng=None,
        dtype=np.float64):
    """A multi-layer perceptron ``sizes = [D_in, h1, ..., D_out]``.

    Each hidden block is ``Linear -> BatchNorm (if batch_norm) -> activation -> Dropout (if
    dropout > 0)``; the output layer is a plain ``Linear`` (no activation: losses take logits).
    Every ``Linear`` keeps its bias and uses ``init``; ``activation`` is a name from
    ``npnet.layers.ACTIVATIONS`` (``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"leaky_relu"``,
    ``"elu"``, ``"identity"``). A random ``init`` or ``dropout > 0`` needs ``rng``.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must be a list [D_in, ..., D_out] of >= 2 positive ints,"
                         f" got {describe(sizes)}")
    sizes = [positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    choice(activation, "activation", set(ACTIVATIONS))
    dropout = number_in(dropout, "dropout", low=0.0, high=1.0, high_open=True)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=dtype))
        if i == len(sizes) - 2:
            break
        if batch_norm:
            layers.append(BatchNorm(n_out, dtype=dtype))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(Dropout(dropout, rng=rng))
    return Sequential(*layers)


def parametrised_layers(model):
    """The layers of ``model`` (a ``Sequential``, a layer, or an iterable of layers) that have
    parameters."""
    layers = [model] if isinstance(model, Layer) else list(model)
    return [layer for layer in layers if getattr(layer, "params", None)]
