"""Weight initialisers, all built on one core, :func:`variance_scaling`.

Layout: a weight has shape ``(fan_in, fan_out)``, y = x·W + b (PyTorch stores ``(fan_out,
fan_in)``; :func:`fans` reads *our* layout). N(μ, σ²) is a normal of variance σ², U(−a, a) a
uniform of variance a²/3. Chapter 4 derives why Var(W) = scale/fan_in keeps the variance.
Every preset is ``preset(shape, *, rng=None, dtype=np.float64, **hyper)`` and returns a new
array; random presets need ``rng``, ``zeros`` and ``constant`` do not. Presets draw plain
(untruncated) normals, as PyTorch's ``nn.init`` does.
"""

import numpy as np

from ._checks import choice, describe, need_rng, number_in, positive_int
from ._checks import shape_tuple as _shape
from .walk import layers_of

__all__ = ["fans", "gain", "variance_scaling", "zeros", "constant", "normal", "uniform",
           "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal",
           "lecun_uniform", "orthogonal", "lsuv", "get"]

#: std of a standard normal truncated to [-2, 2]; dividing by it restores the variance
#: (the constant Keras uses).
TRUNCATED_NORMAL_STD = 0.87962566103423978


def fans(shape):
    """``(fan_in, fan_out)`` of a weight of ``shape`` in our layout ``(fan_in, fan_out, ...)``.

    A 2-D ``(n_in, n_out)`` gives ``(n_in, n_out)``; extra trailing dimensions (a receptive
    field) multiply both. Shapes with fewer than 2 dimensions raise ``ValueError``.
    """
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(f"fans need a weight shape with >= 2 dimensions (fan_in, fan_out),"
                         f" got {shape}")
    field = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[0] * field, shape[1] * field


def gain(name, param=None):
    """The recommended gain for an activation, as PyTorch's ``nn.init.calculate_gain``.

    ``linear``/``identity``: 1, ``sigmoid``: 1, ``tanh``: 5/3, ``relu``: √2,
    ``leaky_relu``: √(2/(1 + a²)) (``param`` = negative slope a, default 0.01), ``selu``: 3/4.
    Any other name raises ``ValueError``. Returns a float.
    """
    table = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0,
             "relu": np.sqrt(2.0), "selu": 0.75}
    if name == "leaky_relu":
        a = 0.01 if param is None else number_in(param, "leaky_relu negative slope")
        return float(np.sqrt(2.0 / (1.0 + a * a)))
    choice(name, "activation for gain", set(table) | {"leaky_relu"})
    return float(table[name])


def variance_scaling(shape, scale=1.0, mode="fan_in", distribution="normal", *, rng=None,
                     dtype=np.float64):
    """Draw an array of ``shape`` (``(fan_in, fan_out, ...)``) with Var(Wᵢⱼ) = scale/n.

    n is ``fan_in``, ``fan_out`` or their mean (fan_in + fan_out)/2 (``mode``).
    ``distribution``:

    * ``"normal"``: N(0, scale/n);
    * ``"truncated_normal"``: a normal cut at ±2 std, its std divided by 0.87962566 first so
      that the truncated draw has the requested variance (Keras's correction);
    * ``"uniform"``: U(−a, a) with a = √(3·scale/n).

    Glorot is ``scale=1, mode="fan_avg"``; He is ``scale=2, mode="fan_in"``; LeCun is
    ``scale=1, mode="fan_in"``.
    """
    shape = _shape(shape)
    scale = number_in(scale, "scale", low=0.0, low_open=True)
    choice(mode, "mode", {"fan_in", "fan_out", "fan_avg"})
    choice(distribution, "distribution", {"normal", "truncated_normal", "uniform"})
    rng = need_rng(rng, f"variance_scaling({distribution!r})")
    fan_in, fan_out = fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    std = np.sqrt(scale / n)
    if distribution == "normal":
        w = rng.standard_normal(shape) * std
    elif distribution == "uniform":
        a = np.sqrt(3.0) * std
        w = rng.uniform(-a, a, size=shape)
    else:
        w = _truncated_standard_normal(shape, rng) * (std / TRUNCATED_NORMAL_STD)
    return w.astype(dtype, copy=False)


def _truncated_standard_normal(shape, rng):
    """Standard normal draws restricted to [-2, 2] by redrawing those outside."""
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2
    return z


# --- presets -------------------------------------------------------------------------------

def zeros(shape, *, rng=None, dtype=np.float64):
    """All zeros (deterministic; ``rng`` is ignored)."""
    return np.zeros(_shape(shape), dtype=dtype)


def constant(shape, *, value=0.0, rng=None, dtype=np.float64):
    """Every entry equal to ``value`` (deterministic; ``rng`` is ignored)."""
    return np.full(_shape(shape), number_in(value, "value"), dtype=dtype)


def normal(shape, *, std=1.0, mean=0.0, rng=None, dtype=np.float64):
    """N(mean, std²) entries, e.g. ``std=0.01`` for "small random"."""
    std = number_in(std, "std", low=0.0)
    mean = number_in(mean, "mean")
    rng = need_rng(rng, "normal initialiser")
    return (mean + std * rng.standard_normal(_shape(shape))).astype(dtype, copy=False)


def uniform(shape, *, a=1.0, rng=None, dtype=np.float64):
    """U(−a, a) entries (variance a²/3)."""
    a = number_in(a, "a", low=0.0)
    rng = need_rng(rng, "uniform initialiser")
    return rng.uniform(-a, a, size=_shape(shape)).astype(dtype, copy=False)


def glorot_normal(shape, *, gain=1.0, rng=None, dtype=np.float64):
    """Glorot & Bengio (2010): N(0, gain²·2/(fan_in + fan_out)) (PyTorch's ``xavier_normal_``)."""
    return variance_scaling(shape, gain ** 2, "fan_avg", "normal", rng=rng, dtype=dtype)


def glorot_uniform(shape, *, gain=1.0, rng=None, dtype=np.float64):
    """Glorot & Bengio (2010): U(−a, a), a = gain·√(6/(fan_in + fan_out))."""
    return variance_scaling(shape, gain ** 2, "fan_avg", "uniform", rng=rng, dtype=dtype)


def he_normal(shape, *, rng=None, dtype=np.float64):
    """He et al. (2015): N(0, 2/fan_in) (PyTorch's ``kaiming_normal_`` with its defaults;
    Keras truncates, we do not)."""
    return variance_scaling(shape, 2.0, "fan_in", "normal", rng=rng, dtype=dtype)


def he_uniform(shape, *, rng=None, dtype=np.float64):
    """He et al. (2015): U(−a, a), a = √(6/fan_in)."""
    return variance_scaling(shape, 2.0, "fan_in", "uniform", rng=rng, dtype=dtype)


def lecun_normal(shape, *, rng=None, dtype=np.float64):
    """LeCun et al. (1998): N(0, 1/fan_in) — what ``randn(n_in, n_out)/sqrt(n_in)`` draws
    (often mislabelled "Xavier")."""
    return variance_scaling(shape, 1.0, "fan_in", "normal", rng=rng, dtype=dtype)


def lecun_uniform(shape, *, rng=None, dtype=np.float64):
    """LeCun et al. (1998): U(−a, a), a = √(3/fan_in)."""
    return variance_scaling(shape, 1.0, "fan_in", "uniform", rng=rng, dtype=dtype)


def orthogonal(shape, *, gain=1.0, rng=None, dtype=np.float64):
    """Saxe et al. (2014): a (semi-)orthogonal matrix times ``gain``.

    For ``(n_in, n_out)`` with n_in ≥ n_out the columns are orthonormal (WᵀW = I), otherwise
    the rows are (WWᵀ = I). Drawn as the Q of a QR decomposition of a Gaussian matrix with the
    signs fixed by diag(R), uniform over the orthogonal group (as PyTorch's ``orthogonal_``).
    """
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(f"orthogonal needs a shape with >= 2 dimensions, got {shape}")
    gain = number_in(gain, "gain", low=0.0)
    rng = need_rng(rng, "orthogonal initialiser")
    rows, cols = shape[0], int(np.prod(shape[1:]))
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return (gain * q).reshape(shape).astype(dtype, copy=False)


_PRESETS = {f.__name__: f for f in (zeros, constant, normal, uniform, glorot_normal,
                                    glorot_uniform, he_normal, he_uniform, lecun_normal,
                                    lecun_uniform, orthogonal)}
_ALIASES = {"xavier_normal": "glorot_normal", "xavier_uniform": "glorot_uniform",
            "kaiming_normal": "he_normal", "kaiming_uniform": "he_uniform"}


def get(name):
    """The initialiser called ``name`` (a preset or alias), or ``name`` itself if callable;
    unknown names raise ``ValueError`` listing the valid ones."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an initialiser must be a name or a callable, got {describe(name)}")
    choice(name, "initialiser", set(_PRESETS) | set(_ALIASES))
    return _PRESETS[_ALIASES.get(name, name)]


def lsuv(model, x, *, rng=None, tol=0.1, max_iter=10):
    """Layer-sequential unit-variance init (Mishkin & Matas, 2016), in place.

    ``model``: a ``Sequential`` (nested ones included), a list of layers or a single layer;
    ``x``: a batch ``(N, D_in)``. Every ``Linear`` weight is first made orthogonal; then, layer
    by layer from the input, W ← W/√Var(x·W + b) (variance over all N·fan_out outputs of the
    batch) until ``|Var − 1| < tol`` or ``max_iter`` rescalings are done. Layers run with
    ``train=False`` (no dropout noise, running statistics untouched). Returns the list of
    final output variances, one per ``Linear``.
    """
    rng = need_rng(rng, "lsuv")
    tol = number_in(tol, "tol", low=0.0, low_open=True)
    max_iter = positive_int(max_iter, "max_iter")
    h = x
    variances = []
    for layer in layers_of(model):
        if "W" in getattr(layer, "params", {}):              # a Linear (duck-typed)
            W = layer.params["W"]
            W[...] = orthogonal(W.shape, rng=rng, dtype=W.dtype)
            for _ in range(max_iter):
                var = float(np.var(layer.forward(h, train=False)))
                if abs(var - 1.0) < tol or var == 0.0:
                    break
                W /= np.sqrt(var)
            h = layer.forward(h, train=False)
            variances.append(float(np.var(h)))
        else:
            h = layer.forward(h, train=False)
    return variances
