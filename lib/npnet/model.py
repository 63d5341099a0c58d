"""Containers: :class:`Sequential`, the :func:`mlp` builder and :func:`preserved_state`;
:func:`layers_of`, the one way the library walks a model, is defined in :mod:`npnet.walk` and
importable from here too."""

from contextlib import contextmanager

import numpy as np

from ._checks import choice, describe, number_in, positive_int
from .layers import ACTIVATIONS, BatchNorm, Dropout, Linear, is_parametrised
from .walk import layers_of, parametrised_layers, running_stats  # noqa: F401 (public here too)


class Sequential:
    """Layers applied in order: ``forward`` runs them first to last, ``backward`` last to first.

    A ``Sequential`` given as a layer is flattened into this one (its layers are shared, not
    copied), so iterating, indexing (``model[i]``), ``len(model)``, optimisers and
    :mod:`npnet.stats` all see every layer. Classes (``ReLU`` instead of ``ReLU()``) raise.
    """

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if isinstance(layer, type) or not all(hasattr(layer, f)
                                                  for f in ("forward", "backward")):
                got = (f"the class {layer.__name__}: write {layer.__name__}(...) to make one"
                       if isinstance(layer, type) else describe(layer))
                raise TypeError(f"Sequential expects instances of layers with forward/backward;"
                                f" argument {i} is {got}")
        self.layers = layers_of(list(layers))

    def forward(self, x, train=True):
        """Output of the last layer for ``x`` of shape ``(N, D_in)``: x ↦ fₖ(… f₂(f₁(x)))."""
        for layer in self.layers:
            x = layer.forward(x, train=train)
        return x

    def backward(self, dout, input_grad=True):
        """Back-propagate δ = ∂L/∂out (the output's shape); fill every layer's ``grads``.

        Chain rule, last layer first: δ ← layerₖ.backward(δ). Returns ∂L/∂x ``(N, D_in)``.
        ``input_grad=False`` (what a training step uses) stops at the first parametrised
        layer, which computes its parameter gradients but not δ·Wᵀ, and returns ``None``.
        """
        first = -1 if input_grad else next(
            (i for i, layer in enumerate(self.layers) if is_parametrised(layer)), len(self))
        for layer in reversed(self.layers[first + 1:]):
            dout = layer.backward(dout)
        if first == -1:
            return dout
        if first < len(self):
            self.layers[first].backward(dout, input_grad=False)
        return None

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


def mlp(sizes, activation="relu", init="he_normal", batch_norm=False, dropout=0.0,
        input_dropout=0.0, rng=None, dtype=np.float64):
    """A multi-layer perceptron ``sizes = [D_in, h1, ..., D_out]``, as a ``Sequential``.

    ``Dropout(input_dropout)`` first when ``input_dropout > 0``; each hidden block is ``Linear →
    BatchNorm (if batch_norm) → activation → Dropout (if dropout > 0)``; the output layer is a
    plain ``Linear`` (losses take logits). Every ``Linear`` keeps its bias and uses ``init``;
    ``activation`` is a name in ``npnet.layers.ACTIVATIONS`` (``"relu"``, ``"tanh"``, ...).
    A random ``init`` or a dropout > 0 needs ``rng``."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must be a list [D_in, ..., D_out] of >= 2 positive ints,"
                         f" got {describe(sizes)}")
    sizes = [positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    choice(activation, "activation", set(ACTIVATIONS))
    dropout = number_in(dropout, "dropout", low=0.0, high=1.0, high_open=True)
    input_dropout = number_in(input_dropout, "input_dropout", low=0.0, high=1.0, high_open=True)
    layers = [Dropout(input_dropout, rng=rng)] if input_dropout > 0 else []
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


@contextmanager
def preserved_state(model):
    """Run a block, then put every layer of ``model`` back as it was: its attributes (what
    forward kept, ``training``), running statistics and its own generator's state (dropout).
    Parameters are not copied: the block must not change them."""
    saved = []
    for layer in layers_of(model):
        buffers = [(a, a.copy()) for a in running_stats(layer)]
        rng = getattr(layer, "rng", None)
        rng_state = rng.bit_generator.state if isinstance(rng, np.random.Generator) else None
        saved.append((layer, dict(vars(layer)), buffers, rng_state))
    try:
        yield
    finally:
        for layer, attrs, buffers, rng_state in saved:
            vars(layer).clear()
            vars(layer).update(attrs)
            for a, copy in buffers:
                a[...] = copy
            if rng_state is not None:
                layer.rng.bit_generator.state = rng_state
