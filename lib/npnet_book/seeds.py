"""The book's one source of random numbers: an independent stream per purpose.

Every random draw in a chapter comes from here::

    from npnet_book import seeds
    net = npnet.mlp([64, 32, 10], rng=seeds.rng("weights", seed))
    hist = npnet.train.fit(net, X, y, ..., rng=seeds.rng("batches", seed))
    x = seeds.rng("probe", seed).standard_normal((200, 64))

``rng(purpose, *key)`` builds a ``np.random.Generator`` from a ``np.random.SeedSequence``
whose entropy words are::

    [PURPOSES[purpose], offset, len(key), *encoded key]

so that

- two purposes never share a stream, even with the same key (a chapter once seeded its probe
  inputs with the seed the network had used for its weights, and measured weight matrices
  instead of inputs: every ratio it printed was 11–19 % off);
- the key length is a word of its own, so ``("weights", 1)`` and ``("weights", 1, 0)`` differ
  (a SeedSequence pads short entropy with zeros, which would make them equal);
- the offset, read from the environment variable ``BOOK_SEED_OFFSET`` (a non-negative integer,
  default 0), is its own word too. It is not added to a seed, so offset 1000 with seed 0 never
  equals offset 0 with seed 1000 (chapter 5's ``100*k + s`` arithmetic stays collision-free).

Purposes map to fixed integers (below), never to Python's ``hash()``, which is salted per
process. Add a purpose by appending a new name with a new number; never renumber one.

An illustration that must look the same for every reader (one picture, no training claim
checked on it) may use ``fixed(name)``: a stream that ignores the offset. Every call is
recorded in ``FIXED_USED``, and the anatomy test refuses a cell that both uses a fixed stream
and asserts something.

scikit-learn helpers take an integer: ``random_state=seeds.random_state("data", k)``.
"""

import os
import zlib

import numpy as np

ENV = "BOOK_SEED_OFFSET"

# Fixed numbers: stored outputs depend on them. Append, never renumber.
PURPOSES = {
    "weights": 1,        # initial weights and biases (npnet.mlp, Linear, init presets)
    "data": 2,           # synthetic data sets and train/test splits
    "batches": 3,        # mini-batch order (fit, hand-written loops)
    "dropout": 4,        # dropout masks
    "probe": 5,          # probe inputs, random directions, top gradients fed to backward
    "noise": 6,          # noise injected into a model or its data
    "search": 7,         # hyper-parameter search draws
    "exercise": 8,       # draws made inside an exercise's stub or solution
    "clinic": 9,         # broken-network cases
    "labels": 10,        # random targets and label noise
}
_FIXED = 1_000_003       # the purpose word of fixed() streams: no purpose above can reach it
FIXED_USED = []          # names passed to fixed(), in call order


def offset():
    """The seed offset from ``BOOK_SEED_OFFSET``: 0 when unset or empty, else a non-negative
    integer written in decimal digits; anything else raises ValueError naming what was given."""
    raw = os.environ.get(ENV, "").strip()
    if raw == "":
        return 0
    if not raw.isdigit():
        raise ValueError(f"{ENV} must be a non-negative integer such as 1000, got {raw!r}")
    return int(raw)


def _words(item):
    """One key item as entropy words: a type tag, then the value (ints) or CRC-32 of UTF-8."""
    if isinstance(item, (bool, np.bool_)):
        raise TypeError(f"a seed key item must be an int or a str, got bool {item!r}")
    if isinstance(item, (int, np.integer)):
        value = int(item)
        if value < 0:
            raise ValueError(f"a seed key int must be >= 0, got {value}")
        return [0, value]
    if isinstance(item, str):
        return [1, zlib.crc32(item.encode("utf-8"))]
    raise TypeError(f"a seed key item must be an int or a str, got {type(item).__name__} "
                    f"{item!r}")


def seed_sequence(purpose, *key):
    """The ``np.random.SeedSequence`` for ``purpose`` (a name in PURPOSES) and ``key`` (ints
    ≥ 0 or strings, e.g. a seed index and an experiment's name), shifted by the offset."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown seed purpose {purpose!r}; expected one of "
                         f"{', '.join(sorted(PURPOSES))} (or add one to npnet_book.seeds)")
    words = [PURPOSES[purpose], offset(), len(key)]
    for item in key:
        words += _words(item)
    return np.random.SeedSequence(words)


def rng(purpose, *key):
    """A fresh ``np.random.Generator`` for ``purpose`` and ``key``; the same arguments and
    offset give the same stream, on every machine."""
    return np.random.default_rng(seed_sequence(purpose, *key))


def random_state(purpose, *key):
    """An integer in [0, 2³¹) for scikit-learn's ``random_state=``, from the same stream."""
    return int(seed_sequence(purpose, *key).generate_state(1)[0] >> 1)


def fixed(name):
    """A stream that ignores ``BOOK_SEED_OFFSET``: for an illustration only (a picture every
    reader should see alike), never for a claim that is asserted. ``name`` says what it draws;
    it is recorded in FIXED_USED."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"fixed() needs a non-empty name saying what it draws, got {name!r}")
    FIXED_USED.append(name)
    return np.random.default_rng(np.random.SeedSequence([_FIXED, 1] + _words(name)))
