r"""Optimisers that update every layer's ``params`` in place from its ``grads``.

Weight decay (L2, added to the gradient as :math:`g + \lambda w`) applies **only to parameters
named "W"** — biases and batch-norm's gamma/beta are left alone. That is our choice; in PyTorch it
equals a parameter group with ``weight_decay=0`` for biases and normalisation parameters.
"""

import numpy as np

from ._checks import number_in
from .model import parametrised_layers


class Optimizer:
    """Holds ``(layer, name)`` pairs for every parameter of ``model``."""

    def __init__(self, model, lr, weight_decay):
        self.lr = number_in(lr, "learning rate lr", low=0.0, low_open=True)
        self.weight_decay = number_in(weight_decay, "weight_decay", low=0.0)
        self.slots = [(layer, name) for layer in parametrised_layers(model) for name in layer.params]
        if not self.slots:
            raise ValueError("the model has no parameters to optimise")
        self._scratch = [np.empty_like(layer.params[name]) for layer, name in self.slots]

    def _gradient(self, i, layer, name):
        """The gradient to use: ``grads[name]``, plus ``weight_decay * W`` for weights."""
        g = layer.grads[name]
        if self.weight_decay and name == "W":
            g = np.multiply(layer.params[name], self.weight_decay, out=self._scratch[i])
            g += layer.grads[name]
        return g

    def zero_grad(self):
        """Set every gradient to 0 (backward overwrites them anyway)."""
        for layer, name in self.slots:
            layer.grads[name].fill(0)


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum, in PyTorch's form.

    :math:`v \leftarrow \mu v + g`, :math:`w \leftarrow w - \eta v` (``momentum`` = μ; μ = 0 is
    plain SGD :math:`w \leftarrow w - \eta g`). The textbook form :math:`v \leftarrow \mu v - \eta g`,
    :math:`w \leftarrow w + v` gives the same steps only while η is constant.
    """

    def __init__(self, model, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        self.momentum = number_in(momentum, "momentum", low=0.0, high=1.0, high_open=True)
        self.velocity = [np.zeros_like(layer.params[name]) for layer, name in self.slots]

    def step(self):
        """Apply one update to every parameter, in place."""
        for i, (layer, name) in enumerate(self.slots):
            g = self._gradient(i, layer, name)
            if self.momentum:
                v = self.velocity[i]
                v *= self.momentum
                v += g
                g = v
            layer.params[name] -= np.multiply(g, self.lr, out=self._scratch[i])


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015) as ``torch.optim.Adam`` (L2 added to the gradient, not AdamW).

    :math:`m \leftarrow \beta_1 m + (1-\beta_1) g`, :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`,
    :math:`w \leftarrow w - \eta\,\hat m/(\sqrt{\hat v} + \epsilon)` with
    :math:`\hat m = m/(1-\beta_1^t)`, :math:`\hat v = v/(1-\beta_2^t)`.
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
        self.t = 0

    def step(self):
        """Apply one update to every parameter, in place."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1 - b1 ** self.t)
        bias2 = np.sqrt(1 - b2 ** self.t)
        for i, (layer, name) in enumerate(self.slots):
            g = self._gradient(i, layer, name)
            m, v = self.m[i], self.v[i]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            denom = np.sqrt(v) / bias2 + self.eps
            layer.params[name] -= step_size * m / denom
