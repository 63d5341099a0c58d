"""Small argument checks shared by the lib: each raises ``ValueError``/``TypeError``
whose message says what was expected and what was given."""

import numbers

import numpy as np


def describe(x):
    """A short description of ``x`` for error messages: type, shape and dtype."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def need_rng(rng, who):
    """Return ``rng`` if it is a ``np.random.Generator``; otherwise raise ``TypeError``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        raise TypeError(
            f"{who} draws random numbers and needs rng=np.random.default_rng(seed); got rng=None"
        )
    raise TypeError(f"{who}: rng must be a np.random.Generator, got {describe(rng)}")


def positive_int(value, name):
    """Check that ``value`` is an integer > 0 (bools are rejected) and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {describe(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def number_in(value, name, low=None, high=None, low_open=False, high_open=False):
    """Check that ``value`` is a real number in the given interval and return it as ``float``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    value = float(value)
    bad = not np.isfinite(value)
    if low is not None:
        bad |= value <= low if low_open else value < low
    if high is not None:
        bad |= value >= high if high_open else value > high
    if bad:
        left = "(" if low_open or low is None else "["
        right = ")" if high_open or high is None else "]"
        raise ValueError(f"{name} must be in {left}{'-inf' if low is None else low},"
                         f" {'inf' if high is None else high}{right}, got {value}")
    return value


def float_array(x, name, ndim=None, dtype=None, width=None, who=None):
    """Check that ``x`` is a floating ndarray (of ``dtype`` if given) with ``ndim`` dimensions
    (and ``width`` columns: the input of the layer ``who``, e.g. ``"Linear(3, 2)"``).

    Integer, boolean and object arrays raise ``TypeError``; so does a float array of another
    dtype than the layer's (as in PyTorch, nothing is cast silently)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {describe(x)}")
    if x.dtype.kind != "f":  # = not np.issubdtype(x.dtype, np.floating), 10x cheaper
        want = dtype.__name__ if isinstance(dtype, type) else (dtype or "floating")
        raise TypeError(f"{name} must have a {want} dtype, got dtype {x.dtype}"
                        f" (convert with x.astype(np.float64))")
    if dtype is not None and x.dtype != dtype:
        raise TypeError(f"{name} has dtype {x.dtype} but the layer is {np.dtype(dtype)};"
                        f" convert one of them (nothing is cast silently)")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name} is empty (shape {x.shape}); expected at least one example")
    if width is not None and x.shape[1] != width:
        raise ValueError(f"{who} expected input of shape (N, {width}), got {x.shape}")
    return x


def finite(x, name, error=ValueError):
    """Return ``x`` if it holds no NaN/inf; otherwise raise ``error``: ``ValueError`` for bad
    data, or ``npnet.DivergenceError`` for a network's output (the run has diverged)."""
    ok = np.isfinite(x)
    if not ok.all():
        n_bad = int(np.size(x) - ok.sum())
        if error is ValueError:
            raise ValueError(f"{name} must be finite, got {n_bad} NaN/inf value(s)")
        raise error(f"{name} contain {n_bad} non-finite value(s) (NaN/inf) out of {np.size(x)}:"
                    f" the run has diverged")
    return x


def labels(y, n_classes, n, name="y"):
    """Check integer class labels ``y`` of shape ``(n,)`` with values in ``[0, n_classes)``."""
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":  # signed or unsigned ints
        raise TypeError(f"{name} must be an integer array of class labels, got {describe(y)}")
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match the {n} rows, got {y.shape}")
    if n and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}],"
                         f" got values from {y.min()} to {y.max()}")
    return y


def choice(value, name, valid):
    """Check that ``value`` is one of ``valid`` (strings)."""
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; expected one of {sorted(valid)}")
    return value


def shape_tuple(shape):
    """``shape`` (an int, or any sequence of them: tuple, list, 1-D array) as a tuple of
    positive ints; anything else raises ``TypeError``/``ValueError``."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = tuple(shape.tolist())
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__") or len(shape) == 0:
        raise TypeError(f"shape must be an int or a non-empty sequence of positive ints,"
                        f" got {describe(shape)}")
    return tuple(positive_int(s, "every dimension of shape") for s in shape)


def float_dtype(dtype):
    """``np.dtype(dtype)`` if it is a floating dtype; otherwise raise ``TypeError``."""
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"dtype must be a floating dtype, got {dtype}"
                        " (use np.float32 or np.float64)")
    return dtype


def describe_callable(init):
    """A short, address-free name for a callable (an initialiser) or a name: e.g. ``"normal"``,
    or ``"normal(std=0.01)"`` for ``functools.partial(normal, std=0.01)``."""
    if isinstance(init, str):
        return init
    args = [f"{v!r}" for v in getattr(init, "args", ())]
    args += [f"{k}={v!r}" for k, v in (getattr(init, "keywords", None) or {}).items()]
    func = getattr(init, "func", init)
    name = getattr(func, "__name__", type(func).__name__)
    return f"{name}({', '.join(args)})" if hasattr(init, "func") else name
