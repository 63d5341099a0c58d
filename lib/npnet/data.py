"""Data sets (nothing is downloaded) and preprocessing fitted on the training split only.

* :func:`digits` — scikit-learn's bundled 8×8 digits (1,797 images, 10 classes), raw pixels 0–16;
* synthetic 2-D sets drawn from an explicit ``rng``: :func:`moons`, :func:`circles`,
  :func:`xor`, :func:`blob`; the two-class sets have exactly balanced classes;
* :func:`centre`, :func:`standardise`, :func:`whiten` — statistics fitted on the *first* array
  (the training split) and applied unchanged to the others, returned in the same order.
"""

from collections import namedtuple

import numpy as np

from ._checks import finite, float_array, need_rng, number_in, positive_int

Split = namedtuple("Split", "X_train X_test y_train y_test")


def digits(test_size=0.2, rng=None):
    """Stratified train/test split of the digits: a :class:`Split` of float64 ``X`` ``(N, 64)``
    with pixel values 0–16 and int ``y`` ``(N,)``. The split is drawn from ``rng``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_size = number_in(test_size, "test_size", low=0.0, high=1.0, low_open=True, high_open=True)
    rng = need_rng(rng, "digits (to draw the train/test split)")
    X, y = load_digits(return_X_y=True)
    parts = train_test_split(X.astype(np.float64), y.astype(np.int64), test_size=test_size,
                             stratify=y, random_state=int(rng.integers(2 ** 31)))
    return Split(*parts)


def _two_classes(n, noise, rng, who):
    """Labels ``[0]*(n/2) + [1]*(n/2)`` (``n`` even), the checked ``noise`` and ``rng``."""
    n = positive_int(n, "n")
    if n % 2:
        raise ValueError(f"n must be even so the two classes are exactly balanced, got {n}")
    y = np.repeat(np.array([0, 1]), n // 2)
    return y, number_in(noise, "noise", low=0.0), need_rng(rng, who)


def moons(n, noise=0.1, rng=None):
    """Two interleaving half circles, ``n/2`` points each; Gaussian noise of std ``noise``.

    Returns ``X`` ``(n, 2)`` float64 and ``y`` ``(n,)`` in {0, 1}."""
    y, noise, rng = _two_classes(n, noise, rng, "moons")
    t = np.pi * rng.random(n)
    X = np.where(y[:, None] == 0,
                 np.c_[np.cos(t), np.sin(t)],
                 np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return X + noise * rng.standard_normal((n, 2)), y


def circles(n, factor=0.5, noise=0.05, loc=(0.0, 0.0), rng=None):
    """A unit circle (class 0) around a circle of radius ``factor`` (class 1), both centred at
    ``loc``; Gaussian noise of std ``noise``. Returns ``X`` ``(n, 2)``, ``y`` ``(n,)``."""
    y, noise, rng = _two_classes(n, noise, rng, "circles")
    factor = number_in(factor, "factor", low=0.0, high=1.0, low_open=True, high_open=True)
    t = 2 * np.pi * rng.random(n)
    r = np.where(y == 0, 1.0, factor)
    X = r[:, None] * np.c_[np.cos(t), np.sin(t)] + _loc(loc, 2)
    return X + noise * rng.standard_normal((n, 2)), y


def xor(n, noise=0.0, rng=None):
    """Points uniform in [-1, 1]², class 1 where x₁·x₂ > 0, exactly ``n/2`` per class."""
    y, noise, rng = _two_classes(n, noise, rng, "xor")
    u = rng.uniform(0.05, 1.0, size=(n, 2))          # |x1|, |x2|, away from the axes
    s1 = rng.choice([-1.0, 1.0], size=n)
    s2 = np.where(y == 1, s1, -s1)                   # same sign -> class 1
    return u * np.c_[s1, s2] + noise * rng.standard_normal((n, 2)), y


def blob(n, loc=(0.0, 0.0), std=1.0, rng=None):
    """``n`` Gaussian points around ``loc`` (a point of any dimension D) with per-axis std
    ``std`` (no labels): ``X`` ``(n, D)``."""
    n = positive_int(n, "n")
    std = number_in(std, "std", low=0.0)
    rng = need_rng(rng, "blob")
    loc = _loc(loc)
    return loc + std * rng.standard_normal((n, loc.size))


def _loc(loc, dim=None):
    """``loc`` as a finite float64 point of shape ``(dim,)`` (any length if ``dim`` is None)."""
    try:
        point = np.asarray(loc, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"loc must be a point (a sequence of numbers), got {loc!r}") from None
    if point.ndim != 1 or point.size == 0 or (dim is not None and point.size != dim):
        want = f"{dim} numbers" if dim else "a non-empty 1-D sequence of numbers"
        raise ValueError(f"loc must be {want}, got {loc!r}")
    return finite(point, "loc")


# --- preprocessing: fit on the first array, apply to all -----------------------------------

def _fit_apply(arrays, transform_from):
    if not arrays:
        raise ValueError("pass at least the training array")
    for i, a in enumerate(arrays):
        float_array(a, f"array {i}", ndim=2)
        finite(a, f"array {i}")
        if a.shape[1] != arrays[0].shape[1]:
            raise ValueError(f"array {i} has {a.shape[1]} features, the training array"
                             f" {arrays[0].shape[1]}")
    f = transform_from(arrays[0])
    out = tuple(f(a) for a in arrays)
    return out[0] if len(out) == 1 else out


def centre(X_train, *others):
    """x − μ with the per-feature mean μ of ``X_train`` (chapter 2, ``02_centring``); every
    array ``(N, D)`` → ``(N, D)``."""
    def fitted(X):
        mu = X.mean(axis=0)
        return lambda A: A - mu
    return _fit_apply((X_train, *others), fitted)


def standardise(X_train, *others):
    """(x − μ)/σ per feature, with ``X_train``'s mean and std; a feature with σ = 0 on the
    training split becomes 0 (it is never divided by 0). ``(N, D)`` → ``(N, D)``."""
    def fitted(X):
        mu, sd = X.mean(axis=0), X.std(axis=0)
        scale = np.divide(1.0, sd, out=np.zeros_like(sd), where=sd > 0)
        return lambda A: (A - mu) * scale
    return _fit_apply((X_train, *others), fitted)


def whiten(X_train, *others, eps=1e-8):
    """ZCA whitening: (x − μ)·U·Λ^(−1/2)·Uᵀ from the eigen-decomposition U·Λ·Uᵀ of
    ``X_train``'s covariance, so the training split has identity covariance on its
    non-degenerate directions. Directions with eigenvalue ≤ ``eps`` × the largest are set to
    0, not divided by ~0. ``(N, D)`` → ``(N, D)``."""
    def fitted(X):
        mu = X.mean(axis=0)
        lam, U = np.linalg.eigh(np.cov(X - mu, rowvar=False, bias=True))
        keep = lam > eps * lam.max()
        inv_sqrt = np.divide(1.0, np.sqrt(np.where(keep, lam, 1.0)), where=keep,
                             out=np.zeros_like(lam))
        W = (U * inv_sqrt) @ U.T
        return lambda A: (A - mu) @ W
    return _fit_apply((X_train, *others), fitted)
