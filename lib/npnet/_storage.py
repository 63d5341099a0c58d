"""Parameters side by side in flat buffers, so that an optimiser updates them all with a few
NumPy calls per step however many layers: :func:`allocate` for layers, :func:`group` for
optimisers (:mod:`npnet.optim`).

A buffer is a ``(2, size)`` array: parameters in row 0, their gradients in row 1 at the same
offsets. Each dtype has two buffers being filled, one for "W" and one for the rest (weight decay
is for "W" only), so the weights of consecutive layers make one run, their other parameters
another. Each array starts on a 64-byte boundary; the padding between arrays stays 0 under every
update (0 parameter, 0 gradient, 0 state). A deepcopied or rebound array is a run of its own.
"""

import weakref

import numpy as np

SIZE = 1 << 18  # elements per buffer (untouched zero pages cost no memory); larger: own buffer
_buffers = weakref.WeakValueDictionary()  # id → a buffer made here
_filling = {}  # (dtype, name == "W") → (buffer, next free offset)


def _address(a):
    return a.__array_interface__["data"][0]


def allocate(values):
    """``(params, grads)`` for ``values``, a dict name → array: params hold copies of the
    values, grads zeros of the same shapes; both are views into a buffer."""
    params, grads = {}, {}
    for name, a in values.items():
        key, step = (a.dtype, name == "W"), 64 // a.itemsize  # step: elements per 64 bytes
        buf, at = _filling.get(key, (None, SIZE))
        if buf is None or at + a.size > buf.shape[1]:
            buf = np.zeros((2, -(-max(SIZE, a.size + step) // step) * step), a.dtype)
            _buffers[id(buf)], at = buf, -_address(buf) % 64 // a.itemsize
        _filling[key] = (buf, at + -(-a.size // step) * step)
        params[name], grads[name] = buf[:, at:at + a.size].reshape(2, *a.shape)
        params[name][...] = a
    return params, grads


def _offset(p, g):
    """``p``'s offset in a buffer made here, if ``g`` is at the same offset of the gradient row
    and both are C-contiguous; -1 otherwise."""
    buf = getattr(p, "base", None)
    if _buffers.get(id(buf), False) is not buf or getattr(g, "base", None) is not buf:
        return -1
    at = (_address(p) - _address(buf)) // buf.itemsize
    ours = (p.shape == g.shape and p.dtype == g.dtype == buf.dtype and at < buf.shape[1]
            and p.flags.c_contiguous and g.flags.c_contiguous
            and _address(g) - _address(p) == buf.strides[0])
    return at if ours else -1


def group(arrays, kinds, state):
    """An optimiser's runs. ``arrays``: [param, grad, param, grad, ...]; ``kinds``: one per
    pair; ``state``: {name: the list of per-parameter state arrays so far, or None}.

    A run is the pairs of one kind that :func:`allocate` placed one after the other, or one
    pair from elsewhere. Returns ``(runs, views)``: runs [(w, g, kind, *state, scratch,
    scratch)]: the run's params and grads as flat views (padding included), its state (zeros,
    or the values so far), two scratch arrays (views of one buffer per dtype: a buffer per run
    adds a model-sized array to what each step streams through, SGD ~5-10 % slower); views
    {name: per parameter, its part of the state}."""
    pairs = list(zip(arrays[::2], arrays[1::2]))
    ats = [_offset(p, g) for p, g in pairs]
    found = []  # per run: [buffer or None, kind, start, end, members [(pair, offset)], p, g]
    for i in sorted(range(len(pairs)), key=lambda i: (ats[i] >= 0 and id(pairs[i][0].base),
                                                      ats[i])):
        (p, g), at, kind, run = pairs[i], ats[i], kinds[i], (found[-1] if found else [None])
        if at >= 0 and run[0] is p.base and run[1] == kind and 0 <= at - run[3] < 64 // p.itemsize:
            run[3] = at + p.size
            run[4].append((i, at - run[2]))
        else:
            found.append([p.base if at >= 0 else None, kind, at, at + p.size, [(i, 0)], p, g])
    found = [(b[0, s:e], b[1, s:e], k, m) if b is not None else (p, g, k, m)
             for b, k, s, e, m, p, g in found]
    largest = {w.dtype: max(r.size for r, *_ in found if r.dtype == w.dtype) for w, *_ in found}
    scratch = {dtype: np.empty((2, size), dtype) for dtype, size in largest.items()}
    views, runs = {s: [None] * len(pairs) for s in state}, []
    for w, g, kind, members in found:
        flat = {s: np.zeros(w.size, w.dtype) for s in state}
        for (i, at), s in ((m, s) for m in members for s in state):
            views[s][i] = flat[s][at:at + pairs[i][0].size].reshape(pairs[i][0].shape)
            views[s][i][...] = 0 if state[s] is None else state[s][i]
        runs.append((w, g, kind, *(f.reshape(w.shape) for f in flat.values()),
                     *(b[:w.size].reshape(w.shape) for b in scratch[w.dtype])))
    return runs, views
