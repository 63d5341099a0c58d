"""Optimisers that update every layer's ``params`` in place from its ``grads``.

Weight decay (L2 added to the gradient, g ← g + λ·w) applies **only to parameters named
"W"**, not to biases or batch-norm's γ/β: our choice, equal to PyTorch with a parameter group
of ``weight_decay=0`` for them. The model is a ``Sequential``, a list of layers or one layer.

Speed: parameters lie side by side (:mod:`npnet._storage`), so each formula runs once on all
weights and once on all other parameters, not per array; the values are a per-array update's.
"""

import numpy as np

from ._checks import number_in
from ._storage import group
from .model import parametrised_layers


class Optimizer:
    """Base class: holds ``slots``, the ``(layer, name)`` pair of every parameter of ``model``;
    a subclass's state (SGD's ``velocity``, Adam's ``m``, ``v``) lists an array per slot."""

    _state = ()

    def __init__(self, model, lr, weight_decay):
        self.lr = number_in(lr, "learning rate lr", low=0.0, low_open=True)
        self.weight_decay = number_in(weight_decay, "weight_decay", low=0.0)
        self.slots = [(layer, name) for layer in parametrised_layers(model)
                      for name in layer.params]
        if not self.slots:
            raise ValueError("the model has no parameters to optimise")
        self._grouped = [None]  # nothing grouped yet
        self._runs_now()

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g}, {len(self.slots)} parameter arrays)"

    def parameters(self):
        """The parameter arrays this optimiser updates, in order."""
        return [layer.params[name] for layer, name in self.slots]

    def __getstate__(self):
        """A copy (``copy.deepcopy``, pickle) regroups at its first step, over its own arrays."""
        return dict(self.__dict__, _runs=None, _grouped=[None])

    def _runs_now(self):
        """The runs (:func:`npnet._storage.group`), regrouped with the state carried over if a
        ``params``/``grads`` entry was rebound: a check with ``is``, no NumPy call."""
        arrays = [a for layer, name in self.slots for a in (layer.params[name], layer.grads[name])]
        if any(a is not b for a, b in zip(arrays, self._grouped)):
            self._runs, state = group(arrays, [name == "W" for _, name in self.slots],
                                      {s: getattr(self, s, None) for s in self._state})
            self._grouped = arrays
            self.__dict__.update(state)
        return self._runs

    def _gradient(self, w, g, decay, out):
        """The gradient to use: ``g``, or ``λ·w + g`` (in ``out``) for weights."""
        if decay and self.weight_decay:
            g = np.add(np.multiply(w, self.weight_decay, out=out), g, out=out)
        return g

    def zero_grad(self):
        """Does nothing, on purpose: every ``backward`` **overwrites** ``grads`` (PyTorch
        accumulates, hence its ``zero_grad``), so filling them with zeros would be a wasted
        pass over every gradient. Kept so that PyTorch-style loops run unchanged."""


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum μ, in PyTorch's form:

        v ← μ·v + g,    w ← w − η·v          (μ = 0: plain SGD, w ← w − η·g)

    (the textbook v ← μ·v − η·g, w ← w + v gives the same steps only while η is constant)."""

    _state = ("velocity",)

    def __init__(self, model, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        self.momentum = number_in(momentum, "momentum", low=0.0, high=1.0, high_open=True)

    def step(self):
        """Apply one update to every parameter, in place (three passes per run with
        momentum: v ← μ·v + g, scratch ← η·v, w ← w − scratch)."""
        mu, lr = self.momentum, self.lr
        for w, g, decay, v, scratch, _ in self._runs_now():
            g = self._gradient(w, g, decay, scratch)
            if mu:
                v *= mu
                v += g
                g = v
            w -= np.multiply(g, lr, out=scratch)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) as ``torch.optim.Adam`` (L2 added to the gradient, not AdamW):

        m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²
        w ← w − η·m̂/(√v̂ + ε),     m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)
    """

    _state = ("m", "v")

    def __init__(self, model, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = number_in(betas[0], "beta1", low=0.0, high=1.0, high_open=True)
        self.beta2 = number_in(betas[1], "beta2", low=0.0, high=1.0, high_open=True)
        self.eps = number_in(eps, "eps", low=0.0, low_open=True)
        self.t = 0

    def step(self):
        """Apply one update to every parameter, in place, without temporary arrays."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1 - b1 ** self.t)
        bias2 = np.sqrt(1 - b2 ** self.t)
        for w, g, decay, m, v, d, t in self._runs_now():
            g = self._gradient(w, g, decay, d)
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
            w -= t                               # w ← w − η·m̂/(√v̂ + ε)


def clip_grad_norm(model, max_norm):
    """Scale all gradients of ``model`` together so that their global norm is ≤ ``max_norm``;
    return the norm **before** clipping, as ``torch.nn.utils.clip_grad_norm_``.

        ‖g‖ = √(Σ over every gradient array of Σ gᵢ²)
        if ‖g‖ > max_norm: g ← g·max_norm/(‖g‖ + 1e-6)

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
