"""The optimisers' update as it was before the flat runs: a loop over the parameter arrays
(3–13 NumPy calls per array per step), the same formulas and the same operations on every
element as ``npnet.SGD`` / ``npnet.Adam``. Kept as the reference that the flat update must match
bit for bit (tests/test_optim.py) and beat in speed (benchmarks/train_step.py)."""

import numpy as np


class PerParameter:
    """SGD (``betas=None``) or Adam (``betas=(β₁, β₂)``) over ``model``'s layers, one parameter
    array at a time; weight decay λ·W + g on parameters named "W" only, as npnet."""

    def __init__(self, model, lr, weight_decay=0.0, momentum=0.0, betas=None, eps=1e-8):
        self.slots = [(layer, name) for layer in model for name in layer.params]
        self.lr, self.wd, self.mu, self.betas, self.eps, self.t = (lr, weight_decay, momentum,
                                                                   betas, eps, 0)
        self.velocity, self.m, self.v, self.tmp = (
            [np.zeros_like(layer.params[name]) for layer, name in self.slots] for _ in range(4))
        # as before: one scratch buffer per dtype, as large as the largest parameter
        largest = {}
        for p in self.velocity:
            largest[p.dtype] = max(largest.get(p.dtype, 0), p.size)
        shared = {dtype: np.empty(size, dtype) for dtype, size in largest.items()}
        self.scratch = [shared[p.dtype][:p.size].reshape(p.shape) for p in self.velocity]

    def gradient(self, i, layer, name):
        g = layer.grads[name]
        if self.wd and name == "W":
            g = np.multiply(layer.params[name], self.wd, out=self.scratch[i])
            g += layer.grads[name]
        return g

    def step(self):
        if self.betas is None:  # SGD: v ← μ·v + g, w ← w − η·v
            for i, (layer, name) in enumerate(self.slots):
                g = self.gradient(i, layer, name)
                if self.mu:
                    v = self.velocity[i]
                    v *= self.mu
                    v += g
                    g = v
                layer.params[name] -= np.multiply(g, self.lr, out=self.scratch[i])
            return
        self.t += 1  # Adam, as torch.optim.Adam
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1 ** self.t)
        bias2 = np.sqrt(1 - b2 ** self.t)
        for i, (layer, name) in enumerate(self.slots):
            g = self.gradient(i, layer, name)
            m, v, t, d = self.m[i], self.v[i], self.tmp[i], self.scratch[i]
            np.multiply(g, 1 - b1, out=t)
            m *= b1
            m += t                               # m ← β₁·m + (1 − β₁)·g
            np.multiply(g, 1 - b2, out=t)
            t *= g
            v *= b2
            v += t                               # v ← β₂·v + (1 − β₂)·g²
            np.sqrt(v, out=d)
            d /= bias2
            d += self.eps                        # d = √v̂ + ε
            np.multiply(m, step_size, out=t)
            t /= d
            layer.params[name] -= t              # w ← w − η·m̂/(√v̂ + ε)
