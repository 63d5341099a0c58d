r"""Layers: each has ``forward(x, train=True)`` and ``backward(dout)``.

``forward`` returns the output and keeps what ``backward`` needs; ``backward(dout)`` takes
:math:`\partial L/\partial\,\text{out}` (same shape as the output), **overwrites** ``grads``
(it does not accumulate) and returns :math:`\partial L/\partial x`. A parametrised layer has
``params`` and ``grads``, two dicts with the same keys; optimisers update ``params`` in place.

Shapes: ``x`` is ``(N, D)``, a batch of N row vectors.
"""

import numpy as np

from . import init as _init
from ._checks import describe, float_array, need_rng, number_in, positive_int


class Layer:
    """Base class: no parameters; subclasses define ``forward`` and ``backward``."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return f"{type(self).__name__}()"

    def _check_dout(self, dout, out_shape):
        if not isinstance(dout, np.ndarray) or dout.shape != out_shape:
            raise ValueError(f"{type(self).__name__}.backward expected dout of shape {out_shape}"
                             f" (the forward output's), got {describe(dout)}")


class Linear(Layer):
    r"""Affine layer :math:`y = xW + b`, ``W`` of shape ``(fan_in, fan_out)``, ``b`` of ``(fan_out,)``.

    Backward: :math:`\partial W = x^\top \delta`, :math:`\partial b = \sum_n \delta_n`,
    :math:`\partial x = \delta W^\top`, with :math:`\delta = \partial L/\partial y`.

    ``init`` and ``bias_init`` are initialiser names (see :mod:`npnet.init`) or callables
    ``f(shape, rng=..., dtype=...)``. Our default ``init="he_normal"`` differs from PyTorch's
    ``nn.Linear`` (Kaiming-uniform with a = √5); the bias defaults to zeros.
    """

    def __init__(self, fan_in, fan_out, init="he_normal", bias=True, bias_init="zeros", rng=None,
                 dtype=np.float64):
        super().__init__()
        self.fan_in = positive_int(fan_in, "fan_in")
        self.fan_out = positive_int(fan_out, "fan_out")
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise TypeError(f"dtype must be a floating dtype, got {self.dtype}")
        self.params["W"] = self._draw(init, (self.fan_in, self.fan_out), rng, "W")
        if bias:
            self.params["b"] = self._draw(bias_init, (self.fan_out,), rng, "b")
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.init_name = getattr(init, "__name__", repr(init)) if not isinstance(init, str) else init

    def _draw(self, initialiser, shape, rng, name):
        try:
            w = _init.get(initialiser)(shape, rng=rng, dtype=self.dtype)
        except TypeError as err:
            raise TypeError(f"Linear({self.fan_in}, {self.fan_out}), initialising {name}: {err}") from err
        w = np.asarray(w, dtype=self.dtype)
        if w.shape != shape:
            raise ValueError(f"initialiser for {name} returned shape {w.shape}, expected {shape}")
        return np.ascontiguousarray(w)

    def __repr__(self):
        return (f"Linear({self.fan_in}, {self.fan_out}, init={self.init_name!r},"
                f" bias={'b' in self.params})")

    def forward(self, x, train=True):
        float_array(x, "Linear input", ndim=2, dtype=self.dtype)
        if x.shape[1] != self.fan_in:
            raise ValueError(f"Linear({self.fan_in}, {self.fan_out}) expected input of shape"
                             f" (N, {self.fan_in}), got {x.shape}")
        self.x = x
        out = x @ self.params["W"]
        if "b" in self.params:
            out += self.params["b"]
        return out

    def backward(self, dout):
        self._check_dout(dout, (self.x.shape[0], self.fan_out))
        np.matmul(self.x.T, dout, out=self.grads["W"])
        if "b" in self.params:
            np.sum(dout, axis=0, out=self.grads["b"])
        return dout @ self.params["W"].T


# --- activations: derivative beside the forward ------------------------------------------

class Identity(Layer):
    """:math:`f(z) = z`, :math:`f'(z) = 1`."""

    def forward(self, x, train=True):
        self.shape = x.shape
        return x

    def backward(self, dout):
        self._check_dout(dout, self.shape)
        return dout


class Sigmoid(Layer):
    r""":math:`\sigma(z) = 1/(1+e^{-z})`, :math:`\sigma'(z) = \sigma(z)(1-\sigma(z))`."""

    def forward(self, x, train=True):
        # 0.5 * (1 + tanh(z/2)) equals the logistic function and never overflows
        self.out = 0.5 * (1.0 + np.tanh(0.5 * x))
        return self.out

    def backward(self, dout):
        self._check_dout(dout, self.out.shape)
        return dout * self.out * (1.0 - self.out)


class Tanh(Layer):
    r""":math:`\tanh(z)`, derivative :math:`1 - \tanh^2(z)`."""

    def forward(self, x, train=True):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        self._check_dout(dout, self.out.shape)
        return dout * (1.0 - self.out * self.out)


class ReLU(Layer):
    r""":math:`\max(z, 0)`, derivative :math:`[z > 0]` (0 at z = 0, as PyTorch)."""

    def forward(self, x, train=True):
        self.out = np.maximum(x, 0)
        return self.out

    def backward(self, dout):
        self._check_dout(dout, self.out.shape)
        dx = (self.out > 0).astype(dout.dtype)  # [z > 0] as 0/1 in dout's dtype ...
        dx *= dout  # ... times dout in place: faster than multiplying by a boolean mask
        return dx


class LeakyReLU(Layer):
    r""":math:`z` for :math:`z > 0`, else :math:`\alpha z`; derivative 1 or :math:`\alpha`."""

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = number_in(alpha, "LeakyReLU alpha", low=0.0)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"

    def forward(self, x, train=True):
        self.positive = x > 0
        return np.where(self.positive, x, self.alpha * x)

    def backward(self, dout):
        self._check_dout(dout, self.positive.shape)
        return np.where(self.positive, dout, self.alpha * dout)


class ELU(Layer):
    r""":math:`z` for :math:`z > 0`, else :math:`\alpha(e^z - 1)`; derivative 1 or :math:`\alpha e^z`."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = number_in(alpha, "ELU alpha", low=0.0)

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"

    def forward(self, x, train=True):
        self.positive = x > 0
        self.exp = np.exp(np.minimum(x, 0))
        return np.where(self.positive, x, self.alpha * (self.exp - 1.0))

    def backward(self, dout):
        self._check_dout(dout, self.positive.shape)
        return np.where(self.positive, dout, dout * self.alpha * self.exp)


ACTIVATIONS = {"identity": Identity, "linear": Identity, "sigmoid": Sigmoid, "tanh": Tanh,
               "relu": ReLU, "leaky_relu": LeakyReLU, "elu": ELU}


# --- normalisation and regularisation ----------------------------------------------------

class BatchNorm(Layer):
    r"""Batch normalisation (Ioffe & Szegedy, 2015) over the batch axis, PyTorch's conventions.

    Train: :math:`\hat x = (x - \mu_B)/\sqrt{\sigma_B^2 + \epsilon}` with the batch mean and the
    **biased** batch variance, :math:`y = \gamma \hat x + \beta`; the running estimates follow
    ``running = (1 - momentum) * running + momentum * batch`` with the **unbiased** variance
    (start: mean 0, variance 1). Eval (``train=False``): the running estimates replace the batch's.
    A batch of one example in train mode raises ``ValueError`` (its variance is undefined).

    Backward (train): :math:`\partial x = \frac{1}{N\sqrt{\sigma_B^2+\epsilon}}
    (N\,\partial\hat x - \sum_n \partial\hat x_n - \hat x \sum_n \partial\hat x_n \hat x_n)`,
    :math:`\partial \hat x = \gamma\,\partial y`.
    """

    def __init__(self, num_features, momentum=0.1, eps=1e-5, dtype=np.float64):
        super().__init__()
        self.num_features = positive_int(num_features, "num_features")
        self.momentum = number_in(momentum, "momentum", low=0.0, high=1.0)
        self.eps = number_in(eps, "eps", low=0.0, low_open=True)
        self.dtype = np.dtype(dtype)
        self.params = {"gamma": np.ones(self.num_features, self.dtype),
                       "beta": np.zeros(self.num_features, self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.running_mean = np.zeros(self.num_features, self.dtype)
        self.running_var = np.ones(self.num_features, self.dtype)

    def __repr__(self):
        return f"BatchNorm({self.num_features}, momentum={self.momentum}, eps={self.eps})"

    def forward(self, x, train=True):
        float_array(x, "BatchNorm input", ndim=2, dtype=self.dtype)
        if x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm({self.num_features}) expected input of shape"
                             f" (N, {self.num_features}), got {x.shape}")
        self.train = train
        if train:
            n = x.shape[0]
            if n < 2:
                raise ValueError("BatchNorm in train mode needs a batch of >= 2 examples to"
                                 f" estimate a variance, got {n}")
            mean = x.mean(axis=0)
            var = x.var(axis=0)
            m = self.momentum
            self.running_mean *= 1 - m
            self.running_mean += m * mean
            self.running_var *= 1 - m
            self.running_var += m * var * (n / (n - 1))
        else:
            mean, var = self.running_mean, self.running_var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.xhat = (x - mean) * self.inv_std
        return self.xhat * self.params["gamma"] + self.params["beta"]

    def backward(self, dout):
        self._check_dout(dout, self.xhat.shape)
        np.sum(dout * self.xhat, axis=0, out=self.grads["gamma"])
        np.sum(dout, axis=0, out=self.grads["beta"])
        dxhat = dout * self.params["gamma"]
        if not self.train:  # running statistics are constants
            return dxhat * self.inv_std
        n = dout.shape[0]
        return (self.inv_std / n) * (n * dxhat - dxhat.sum(axis=0)
                                     - self.xhat * (dxhat * self.xhat).sum(axis=0))


class Dropout(Layer):
    r"""Inverted dropout (Srivastava et al., 2014), PyTorch's convention.

    Train: each entry is zeroed with probability ``p`` and survivors are scaled by
    :math:`1/(1-p)`, so :math:`E[\text{out}] = x`; eval (``train=False``) and ``p = 0``: identity.
    ``0 <= p < 1`` (``p = 1`` would drop everything and raises — our choice; PyTorch allows it).
    Backward multiplies by the same mask.
    """

    def __init__(self, p, rng=None):
        super().__init__()
        self.p = number_in(p, "dropout p", low=0.0, high=1.0, high_open=True)
        self.rng = need_rng(rng, "Dropout") if self.p > 0 else rng
        self.mask = None

    def __repr__(self):
        return f"Dropout(p={self.p})"

    def forward(self, x, train=True):
        if not train or self.p == 0.0:
            self.mask = None
            self.shape = x.shape
            return x
        keep = self.rng.random(x.shape) >= self.p
        self.mask = keep.astype(x.dtype) / (1.0 - self.p)
        return x * self.mask

    def backward(self, dout):
        if self.mask is None:
            self._check_dout(dout, self.shape)
            return dout
        self._check_dout(dout, self.mask.shape)
        return dout * self.mask
