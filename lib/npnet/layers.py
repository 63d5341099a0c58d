"""Layers: ``forward(x, train=True)`` returns the output and keeps what ``backward`` needs;
``backward(dout)`` takes δ = ∂L/∂out (the output's shape and dtype), **overwrites** ``grads``
and returns ∂L/∂x. ``params`` and ``grads`` are dicts with the same keys; optimisers update
``params`` in place. ``x`` is ``(N, D)``: N row vectors. Chapter 1 derives the backward pass.

How a layer is classified (the one place the library looks): ``layer.activation`` is the
activation's name (``"tanh"``, ``"relu"``, ...) or ``None``; :func:`is_parametrised` says
whether it has parameters.
"""

import numpy as np

from . import init as _init
from ._checks import describe, describe_callable, float_array, float_dtype, need_rng, number_in
from ._checks import positive_int
from ._storage import allocate


def sigmoid(z):
    """The logistic function σ(z) = 1/(1 + e⁻ᶻ), stable for every z; same shape and dtype.

    With e = e^(−|z|) ∈ (0, 1]: σ(z) = 1/(1 + e) for z ≥ 0, e/(1 + e) for z < 0. Nothing
    overflows and σ(−100) ≈ 3.7e-44 keeps full relative precision (½·(1 + tanh(z/2)) gives 0
    there). Used by :class:`Sigmoid` and :func:`npnet.binary_cross_entropy_with_logits`.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def is_parametrised(layer):
    """True if ``layer`` has trainable parameters (a non-empty ``params`` dict)."""
    return bool(getattr(layer, "params", None))


class Layer:
    """Base class of every layer; ``forward``/``backward`` raise ``NotImplementedError`` here.

    A subclass's ``forward`` passes its output to ``_remember``; its ``backward`` calls
    ``_check_dout``, which raises if ``forward`` has not run yet or if ``dout`` does not match
    that output (shape → ``ValueError``, dtype → ``TypeError``)."""

    activation = None  # the activation's name for an activation layer, else None
    _seen = None  # (shape, dtype) of the last forward's output

    def __init__(self):
        self.params = {}
        self.grads = {}

    def __repr__(self):
        """E.g. ``BatchNorm(3, momentum=0.1, eps=1e-05)``: the size and the hyper-parameters."""
        args = [f"{self.num_features}"] if hasattr(self, "num_features") else []
        args += [f"{k}={getattr(self, k)}" for k in ("p", "alpha", "momentum", "eps")
                 if hasattr(self, k)]
        return f"{type(self).__name__}({', '.join(args)})"

    def forward(self, x, train=True):
        """Output for the input ``x``; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(x, train=True)")

    def backward(self, dout):
        """∂L/∂x from δ = ∂L/∂out; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(dout)")

    def _remember(self, out):
        self._seen = (out.shape, out.dtype)
        return out

    def _check_dout(self, dout):
        name = type(self).__name__
        if self._seen is None:
            raise RuntimeError(f"{name}.backward was called before forward: call forward(x)"
                               f" first (backward uses what forward keeps)")
        shape, dtype = self._seen
        if not isinstance(dout, np.ndarray) or dout.shape != shape:
            raise ValueError(f"{name}.backward expected dout of shape {shape} (the forward"
                             f" output's), got {describe(dout)}")
        if dout.dtype != dtype:
            raise TypeError(f"{name}.backward expected dout of dtype {dtype} (the forward"
                            f" output's), got {dout.dtype}; nothing is cast silently")
        return dout


class Linear(Layer):
    """Affine layer y = x·W + b; ``W`` of shape ``(fan_in, fan_out)``, ``b`` of ``(fan_out,)``.

    ``init`` and ``bias_init`` are initialiser names (see :mod:`npnet.init`) or callables
    ``f(shape, rng=..., dtype=...)``. Our default ``init="he_normal"`` differs from PyTorch's
    ``nn.Linear`` (Kaiming-uniform with a = √5); the bias defaults to zeros.
    """

    def __init__(self, fan_in, fan_out, init="he_normal", bias=True, bias_init="zeros", rng=None,
                 dtype=np.float64):
        super().__init__()
        self.fan_in = positive_int(fan_in, "fan_in")
        self.fan_out = positive_int(fan_out, "fan_out")
        self.dtype = float_dtype(dtype)
        params = {"W": self._draw(init, (self.fan_in, self.fan_out), rng, "W")}
        if bias:
            params["b"] = self._draw(bias_init, (self.fan_out,), rng, "b")
        self.params, self.grads = allocate(params)  # views into flat buffers: see npnet.optim
        self.init_name = describe_callable(init)

    def _draw(self, initialiser, shape, rng, name):
        try:
            w = np.asarray(_init.get(initialiser)(shape, rng=rng, dtype=self.dtype), self.dtype)
        except TypeError as err:
            raise TypeError(f"Linear({self.fan_in}, {self.fan_out}), initialising {name}:"
                            f" {err}") from err
        if w.shape != shape:
            raise ValueError(f"initialiser for {name} returned shape {w.shape}, expected {shape}")
        return w

    def __repr__(self):
        return (f"Linear({self.fan_in}, {self.fan_out}, init={self.init_name!r},"
                f" bias={'b' in self.params})")

    def forward(self, x, train=True):
        """y = x·W + b.  x: (N, fan_in) → y: (N, fan_out), the layer's dtype."""
        self.x = float_array(x, "Linear input", ndim=2, dtype=self.dtype, width=self.fan_in,
                             who=f"Linear({self.fan_in}, {self.fan_out})")
        out = x @ self.params["W"]
        if "b" in self.params:
            out += self.params["b"]
        return self._remember(out)

    def backward(self, dout, input_grad=True):
        """Gradients from δ = ∂L/∂y of shape (N, fan_out); returns ∂L/∂x of shape (N, fan_in).

            ∂W = xᵀ·δ      (fan_in, fan_out)
            ∂b = Σₙ δₙ     (fan_out,)  — the sum over the batch
            ∂x = δ·Wᵀ      (N, fan_in)

        ``input_grad=False`` skips ∂x, one of the three matrix products, and returns ``None``
        (a training step never needs the data's gradient). Derived in chapter 1.
        """
        self._check_dout(dout)
        np.matmul(self.x.T, dout, out=self.grads["W"])        # (fan_in, N)·(N, fan_out)
        if "b" in self.params:
            np.sum(dout, axis=0, out=self.grads["b"])        # (fan_out,)
        return dout @ self.params["W"].T if input_grad else None  # (N, fan_out)·(fan_out, fan_in)


# --- activations: derivative beside the forward ------------------------------------------

class Activation(Layer):
    """An element-wise f(z). The input must be a non-empty float ndarray (any float dtype);
    the output, δ and ∂x keep its shape and dtype (another dtype of δ raises ``TypeError``)."""

    def _enter(self, x):
        return float_array(x, f"{type(self).__name__} input")


class Identity(Activation):
    """f(z) = z, f′(z) = 1."""
    activation = "identity"

    def forward(self, x, train=True):
        """out = x, same shape and dtype."""
        return self._remember(self._enter(x))

    def backward(self, dout):
        """∂x = δ (the same array)."""
        return self._check_dout(dout)


class Sigmoid(Activation):
    """σ(z) = 1/(1 + e⁻ᶻ), σ′(z) = σ(z)·(1 − σ(z)); see :func:`sigmoid`."""
    activation = "sigmoid"

    def forward(self, x, train=True):
        """out = σ(x), same shape and dtype, in (0, 1)."""
        self.out = sigmoid(self._enter(x))
        return self._remember(self.out)

    def backward(self, dout):
        """∂x = δ ⊙ σ(x) ⊙ (1 − σ(x)), same shape as δ."""
        self._check_dout(dout)
        return dout * self.out * (1.0 - self.out)


class Tanh(Activation):
    """tanh(z), tanh′(z) = 1 − tanh²(z)."""
    activation = "tanh"

    def forward(self, x, train=True):
        """out = tanh(x), same shape and dtype, in (−1, 1)."""
        self.out = np.tanh(self._enter(x))
        return self._remember(self.out)

    def backward(self, dout):
        """∂x = δ ⊙ (1 − out²), same shape as δ."""
        self._check_dout(dout)
        return dout * (1.0 - self.out * self.out)


class ReLU(Activation):
    """max(z, 0), derivative [z > 0] (0 at z = 0, as PyTorch)."""
    activation = "relu"

    def forward(self, x, train=True):
        """out = max(x, 0), same shape and dtype."""
        self.out = np.maximum(self._enter(x), 0)
        return self._remember(self.out)

    def backward(self, dout):
        """∂x = δ ⊙ [x > 0], same shape as δ."""
        self._check_dout(dout)
        dx = (self.out > 0).astype(dout.dtype)  # [x > 0] as 0/1 in δ's dtype, then ...
        dx *= dout  # ... times δ in place: faster than δ * (boolean mask)
        return dx


class LeakyReLU(Activation):
    """z for z > 0, else α·z; derivative 1 or α."""
    activation = "leaky_relu"

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = number_in(alpha, f"{type(self).__name__} alpha", low=0.0)

    def forward(self, x, train=True):
        """out = x where x > 0, else α·x; same shape and dtype."""
        self.positive = self._enter(x) > 0
        return self._remember(np.where(self.positive, x, self.alpha * x))

    def backward(self, dout):
        """∂x = δ where x > 0, else α·δ."""
        self._check_dout(dout)
        return np.where(self.positive, dout, self.alpha * dout)


class ELU(Activation):
    """z for z > 0, else α·(eᶻ − 1); derivative 1 or α·eᶻ."""
    activation = "elu"

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = number_in(alpha, f"{type(self).__name__} alpha", low=0.0)

    def forward(self, x, train=True):
        """out = x where x > 0, else α·(eˣ − 1); same shape and dtype."""
        self.positive = self._enter(x) > 0
        self.exp = np.exp(np.minimum(x, 0))
        return self._remember(np.where(self.positive, x, self.alpha * (self.exp - 1.0)))

    def backward(self, dout):
        """∂x = δ where x > 0, else α·eˣ·δ."""
        self._check_dout(dout)
        return np.where(self.positive, dout, dout * self.alpha * self.exp)


#: activation name → class (``"linear"`` is an alias of ``"identity"``, as in ``init.gain``)
ACTIVATIONS = {cls.activation: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU)}
ACTIVATIONS["linear"] = Identity


# --- normalisation and regularisation ----------------------------------------------------

def _normalise(x, axis, eps):
    """x̂ = (x − mean)/√(var + eps) along ``axis`` (biased variance); returns x̂, 1/√(var + eps),
    mean and var (the last three keep ``axis`` as a dimension of length 1)."""
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    return (x - mean) * inv_std, inv_std, mean, var


def _normalise_backward(dxhat, xhat, inv_std, axis):
    """∂x of x̂ = (x − mean)/√(var + eps), the statistics taken along ``axis``:

        ∂x = (∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂)) / √(var + eps)

    (the means along ``axis``; shared by BatchNorm, axis 0, and LayerNorm, axis 1)."""
    return inv_std * (dxhat - dxhat.mean(axis=axis, keepdims=True)
                      - xhat * (dxhat * xhat).mean(axis=axis, keepdims=True))


class _Norm(Layer):
    """Shared by BatchNorm and LayerNorm: γ (ones), β (zeros), the input check, ∂γ and ∂β."""

    def __init__(self, num_features, eps=1e-5, dtype=np.float64):
        super().__init__()
        self.num_features = positive_int(num_features, "num_features")
        self.eps = number_in(eps, "eps", low=0.0, low_open=True)
        self.dtype = float_dtype(dtype)
        self.params, self.grads = allocate({"gamma": np.ones(self.num_features, self.dtype),
                                            "beta": np.zeros(self.num_features, self.dtype)})

    def _enter(self, x):
        who = f"{type(self).__name__}({self.num_features})"
        return float_array(x, f"{who} input", ndim=2, dtype=self.dtype, width=self.num_features,
                           who=who)

    def _scale_shift(self, xhat):
        self.xhat = xhat
        return self._remember(xhat * self.params["gamma"] + self.params["beta"])

    def _param_grads(self, dout):
        """∂γ = Σₙ δ ⊙ x̂, ∂β = Σₙ δ (both (D,)); returns ∂x̂ = γ ⊙ δ (N, D)."""
        self._check_dout(dout)
        np.sum(dout * self.xhat, axis=0, out=self.grads["gamma"])  # (D,)
        np.sum(dout, axis=0, out=self.grads["beta"])               # (D,)
        return dout * self.params["gamma"]                         # (N, D)


class BatchNorm(_Norm):
    """Batch normalisation (Ioffe & Szegedy, 2015) over the batch axis, PyTorch's conventions.

    Train: x̂ = (x − μ_B)/√(σ²_B + eps) with the batch mean and the **biased** batch variance,
    y = γ ⊙ x̂ + β; running = (1 − momentum)·running + momentum·batch, with the **unbiased**
    variance (start: mean 0, variance 1). Eval (``train=False``): the running estimates replace
    the batch's. A batch of one in train mode raises ``ValueError`` (no variance). The bool
    ``training`` is the mode of the last ``forward`` (PyTorch's ``.train()`` is a method).
    """

    def __init__(self, num_features, momentum=0.1, eps=1e-5, dtype=np.float64):
        super().__init__(num_features, eps, dtype)
        self.momentum = number_in(momentum, "momentum", low=0.0, high=1.0)
        self.running_mean = np.zeros(self.num_features, self.dtype)
        self.running_var = np.ones(self.num_features, self.dtype)
        self.training = True

    def forward(self, x, train=True):
        """y = γ ⊙ (x − μ)/√(σ² + eps) + β per feature.  x: (N, D) → y: (N, D).

        μ, σ² are the batch's (train) or the running estimates (eval)."""
        self._enter(x)
        self.training = bool(train)
        if not train:
            self.inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            return self._scale_shift((x - self.running_mean) * self.inv_std)
        n = x.shape[0]
        if n < 2:
            raise ValueError("BatchNorm in train mode needs a batch of >= 2 examples to"
                             f" estimate a variance, got {n}")
        xhat, self.inv_std, mean, var = _normalise(x, 0, self.eps)
        m = self.momentum
        self.running_mean *= 1 - m
        self.running_mean += m * mean[0]
        self.running_var *= 1 - m
        self.running_var += m * var[0] * (n / (n - 1))  # the unbiased variance
        return self._scale_shift(xhat)

    def backward(self, dout, input_grad=True):
        """From δ = ∂L/∂y (N, D): ∂γ = Σₙ δ ⊙ x̂, ∂β = Σₙ δ, and ∂x (N, D) with ∂x̂ = γ ⊙ δ:

            train: ∂x = (∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂)) / √(σ²_B + eps)  (means over n)
            eval:  ∂x = ∂x̂ / √(running_var + eps)     (the running statistics are constants)

        ``input_grad=False`` skips ∂x and returns ``None``.
        """
        dxhat = self._param_grads(dout)
        if not input_grad:
            return None
        if not self.training:
            return dxhat * self.inv_std                                   # (N, D)·(D,)
        return _normalise_backward(dxhat, self.xhat, self.inv_std, 0)    # (N, D)


class LayerNorm(_Norm):
    """Layer normalisation (Ba et al., 2016) as ``torch.nn.LayerNorm(num_features)``.

    Per example, over its D features: x̂ = (x − μ)/√(σ² + eps) with the example's mean and
    biased variance, y = γ ⊙ x̂ + β. Same in train and eval mode; works for a batch of one.
    """

    def forward(self, x, train=True):
        """y = γ ⊙ (x − μ)/√(σ² + eps) + β, μ and σ² per row.  x: (N, D) → y: (N, D)."""
        xhat, self.inv_std, _, _ = _normalise(self._enter(x), 1, self.eps)  # inv_std: (N, 1)
        return self._scale_shift(xhat)

    def backward(self, dout, input_grad=True):
        """From δ = ∂L/∂y (N, D): ∂γ = Σₙ δ ⊙ x̂, ∂β = Σₙ δ, ∂x̂ = γ ⊙ δ and

            ∂x = (∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂)) / √(σ² + eps)   (means over features)

        ``input_grad=False`` skips ∂x and returns ``None``.
        """
        dxhat = self._param_grads(dout)
        if not input_grad:
            return None
        return _normalise_backward(dxhat, self.xhat, self.inv_std, 1)    # (N, D)


class Dropout(Layer):
    """Inverted dropout (Srivastava et al., 2014), PyTorch's convention.

    Train: each entry is zeroed with probability ``p``, survivors are scaled by 1/(1 − p), so
    E[out] = x; eval and ``p = 0``: identity. ``p = 1`` raises (our choice; PyTorch allows it).
    """

    def __init__(self, p, rng=None):
        super().__init__()
        self.p = number_in(p, "dropout p", low=0.0, high=1.0, high_open=True)
        self.rng = need_rng(rng, "Dropout") if self.p > 0 else rng
        self.mask = None

    def forward(self, x, train=True):
        """out = x ⊙ m/(1 − p), m ~ Bernoulli(1 − p) per entry (train); out = x (eval)."""
        float_array(x, "Dropout input")
        if not train or self.p == 0.0:
            self.mask = None
            return self._remember(x)
        keep = self.rng.random(x.shape) >= self.p
        self.mask = keep.astype(x.dtype) / (1.0 - self.p)
        return self._remember(x * self.mask)

    def backward(self, dout):
        """∂x = δ ⊙ m/(1 − p), the same mask as the forward (∂x = δ in eval mode)."""
        self._check_dout(dout)
        return dout if self.mask is None else dout * self.mask
