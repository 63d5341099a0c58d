"""Optimisers that update every layer's ``params`` in place from its ``grads``.

Weight decay (L2 added to the gradient, g ← g + λ·w) applies **only to parameters named
"W"**, not to biases or batch-norm's γ/β: our choice, equal to PyTorch with a parameter group
of ``weight_decay=0`` for them. The model is a ``Sequential``, a list of layers or one layer.
"""

import numpy as np

from ._checks import number_in
from .model import parametrised_layers


class Optimizer:
    """Base class: holds ``slots``, the ``(layer, name)`` pair of every parameter of ``model``."""

    def __init__(self, model, lr, weight_decay):
        self.lr = number_in(lr, "learning rate lr", low=0.0, low_open=True)
        self.weight_decay = number_in(weight_decay, "weight_decay", low=0.0)
        self.slots = [(layer, name) for layer in parametrised_layers(model) for name in layer.params]
        if not self.slots:
            raise ValueError("the model has no parameters to optimise")
        # Scratch for the update's intermediates (η·v, λ·W + g): one buffer per dtype, as large
        # as the largest parameter, viewed per parameter. A buffer per parameter (the same
        # values) adds a model-sized array to the memory each step streams through: with it
        # SGD's step is ~5-10 % slower and a float32 784-256-256-10 training step 2-5 % slower.
        largest = {}
        for w in self.parameters():
            largest[w.dtype] = max(largest.get(w.dtype, 0), w.size)
        buffers = {dtype: np.empty(size, dtype) for dtype, size in largest.items()}
        self._scratch = [buffers[w.dtype][:w.size].reshape(w.shape) for w in self.parameters()]

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g}, {len(self.slots)} parameter arrays)"

    def parameters(self):
        """The parameter arrays this optimiser updates, in order."""
        return [layer.params[name] for layer, name in self.slots]

    def _gradient(self, i, layer, name):
        """The gradient to use: ``grads[name]``, plus ``weight_decay·W`` for weights."""
        g = layer.grads[name]
        if self.weight_decay and name == "W":
            g = np.multiply(layer.params[name], self.weight_decay, out=self._scratch[i])
            g += layer.grads[name]
        return g

    def zero_grad(self):
        """Does nothing, on purpose: every ``backward`` **overwrites** ``grads`` (PyTorch
        accumulates, hence its ``zero_grad``), so filling them with zeros would be a wasted
        pass over every gradient. Kept so that PyTorch-style loops run unchanged."""


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum μ, in PyTorch's form:

        v ← μ·v + g,    w ← w − η·v          (μ = 0: plain SGD, w ← w − η·g)

    (the textbook v ← μ·v − η·g, w ← w + v gives the same steps only while η is constant)."""

    def __init__(self, model, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        self.momentum = number_in(momentum, "momentum", low=0.0, high=1.0, high_open=True)
        self.velocity = [np.zeros_like(layer.params[name]) for layer, name in self.slots]

    def step(self):
        """Apply one update to every parameter, in place (three passes per array with
        momentum: v ← μ·v + g, scratch ← η·v, w ← w − scratch)."""
        mu, lr = self.momentum, self.lr
        for i, (layer, name) in enumerate(self.slots):
            g = self._gradient(i, layer, name)
            if mu:
                v = self.velocity[i]
                v *= mu
                v += g
                g = v
            layer.params[name] -= np.multiply(g, lr, out=self._scratch[i])


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) as ``torch.optim.Adam`` (L2 added to the gradient, not AdamW):

        m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²
        w ← w − η·m̂/(√v̂ + ε),     m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)
    """

    def __init__(self, model, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = number_in(betas[0], "beta1", low=0.0, high=1.0, high_open=True)
        self.beta2 = number_in(betas[1], "beta2", low=0.0, high=1.0, high_open=True)
        self.eps = number_in(eps, "eps", low=0.0, low_open=True)
        self.m = [np.zeros_like(layer.params[name]) for layer, name in self.slots]
        self.v = [np.zeros_like(layer.params[name]) for layer, name in self.slots]
        self._tmp = [np.empty_like(m) for m in self.m]
        self.t = 0

    def step(self):
        """Apply one update to every parameter, in place, without temporary arrays."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1 - b1 ** self.t)
        bias2 = np.sqrt(1 - b2 ** self.t)
        for i, (layer, name) in enumerate(self.slots):
            g = self._gradient(i, layer, name)
            m, v, t, d = self.m[i], self.v[i], self._tmp[i], self._scratch[i]
            np.multiply(g, 1 - b1, out=t)
            m *= b1
            m += t                               # m ← β₁·m + (1 − β₁)·g
            np.multiply(g, 1 - b2, out=t)
            t *= g
            v *= b2
            v += t                               # v ← β₂·v + (1 − β₂)·g²  (g is used up now)
            np.sqrt(v, out=d)
            d /= bias2
            d += self.eps                        # d = √v̂ + ε
            np.multiply(m, step_size, out=t)
            t /= d
            layer.params[name] -= t              # w ← w − η·m̂/(√v̂ + ε)


def clip_grad_norm(model, max_norm):
    """Scale all gradients of ``model`` together so that their global norm is ≤ ``max_norm``;
    return the norm **before** clipping, as ``torch.nn.utils.clip_grad_norm_``.

        ‖g‖ = √(Σ over every gradient array of Σ gᵢ²);   if ‖g‖ > max_norm: g ← g·max_norm/(‖g‖ + 1e-6)

    Call it between ``backward`` and ``optimizer.step()``.
    """
    max_norm = number_in(max_norm, "max_norm", low=0.0, low_open=True)
    grads = [g for layer in parametrised_layers(model) for g in layer.grads.values()]
    if not grads:
        raise ValueError("the model has no parameters, so no gradients to clip")
    total = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for g in grads:
            g *= coef
    return total
