"""Speed of one npnet training step, against scikit-learn and against the matmul floor.

What is measured: the wall time of ONE mini-batch training step of a 784-256-256-10 ReLU
``npnet.mlp`` in float32 (batch 128, ``SGD(lr=0.01, momentum=0.9)``, softmax cross-entropy),
i.e. ``npnet.train.train_step``: forward, loss, backward, optimiser update. Two references:

(a) scikit-learn's ``MLPClassifier`` with the same architecture, solver and hyper-parameters,
    driven by one ``fit(X, y)`` call that makes exactly one pass (``max_iter=1``,
    ``shuffle=False``) over the same S batches; its time divided by S. That includes sklearn's
    per-fit set-up (input validation, label binarisation, weight initialisation), amortised
    over S steps; scikit-learn keeps float32 data in float32 (the dtype is printed to show it).
(b) the bare matrix-multiply floor: for each of the three layers, the forward product X @ W and
    the two backward products dY @ W.T (the input gradient, the first layer's included) and
    X.T @ dY (the weight gradient) -- nothing else, on preallocated float32 operands and
    outputs. No real step can be faster than this (the nine GEMMs are > 99 % of the flops), so
    npnet/floor measures everything else a step costs: element-wise work (bias, ReLU, softmax,
    the optimiser's passes over parameters, gradients and velocities), cache misses on data
    that change every step, and Python overhead. Target: <= 1.3x.

Why this way: all three run in ONE process with BLAS pinned to 2 threads (set through the
environment before NumPy is imported, and checked with threadpoolctl), so they share the same
BLAS build, threads and cache state. After a warm-up, each of ``--repeats`` repeats runs npnet,
scikit-learn and the floor in turn (interleaved, so drifts in machine load hit all three
alike), each over ``--steps`` steps (~0.1-0.3 s each); we report medians over the repeats.
Data are synthetic (seeded with ``np.random.default_rng``); timing does not depend on values.

Run: ``python benchmarks/train_step.py [--repeats 9] [--steps 150]`` (about 10 s).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "2"  # before NumPy loads its BLAS

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

import npnet  # noqa: E402
from npnet.train import train_step  # noqa: E402

SIZES = [784, 256, 256, 10]
BATCH = 128
DTYPE = np.float32


def make_data(steps, seed):
    """``steps * BATCH`` rows of float32 features and int64 labels in [0, 10)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((steps * BATCH, SIZES[0]), dtype=DTYPE)
    y = rng.integers(0, SIZES[-1], size=steps * BATCH)
    y[:SIZES[-1]] = np.arange(SIZES[-1])  # every class present, so sklearn sees 10 outputs
    return X, y


class Npnet:
    """npnet: ``train_step`` over the S batches, in order."""

    def __init__(self, X, y, seed):
        self.model = npnet.mlp(SIZES, activation="relu", rng=np.random.default_rng(seed),
                               dtype=DTYPE)
        self.opt = npnet.SGD(self.model, lr=0.01, momentum=0.9)
        self.batches = [(X[i:i + BATCH], y[i:i + BATCH]) for i in range(0, len(X), BATCH)]

    def run(self):
        for xb, yb in self.batches:
            train_step(self.model, xb, yb, npnet.softmax_cross_entropy, self.opt)
        return len(self.batches)


class Sklearn:
    """scikit-learn: one ``fit`` = one epoch over the same S batches."""

    def __init__(self, X, y, seed):
        self.X, self.y = X, y
        self.clf = MLPClassifier(
            hidden_layer_sizes=tuple(SIZES[1:-1]), activation="relu", solver="sgd",
            momentum=0.9, nesterovs_momentum=False, alpha=0, batch_size=BATCH,
            learning_rate_init=0.01, max_iter=1, shuffle=False, tol=0, n_iter_no_change=10**9,
            early_stopping=False, random_state=seed)

    def run(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.clf.fit(self.X, self.y)
        return len(self.X) // BATCH


class Floor:
    """The nine GEMMs of a step: per layer X @ W, dY @ W.T, X.T @ dY (preallocated, float32)."""

    def __init__(self, steps, seed):
        rng = np.random.default_rng(seed)
        self.steps = steps
        self.layers = []
        for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
            x = rng.standard_normal((BATCH, n_in), dtype=DTYPE)
            w = rng.standard_normal((n_in, n_out), dtype=DTYPE)
            dy = rng.standard_normal((BATCH, n_out), dtype=DTYPE)
            outs = (np.empty((BATCH, n_out), DTYPE), np.empty((BATCH, n_in), DTYPE),
                    np.empty((n_in, n_out), DTYPE))
            self.layers.append((x, w, dy, outs))

    def run(self):
        matmul = np.matmul
        for _ in range(self.steps):
            for x, w, dy, (y, dx, dw) in self.layers:
                matmul(x, w, out=y)
            for x, w, dy, (y, dx, dw) in reversed(self.layers):
                matmul(dy, w.T, out=dx)
                matmul(x.T, dy, out=dw)
        return self.steps


def ms_per_step(bench):
    t0 = time.perf_counter()
    n = bench.run()
    return 1e3 * (time.perf_counter() - t0) / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9,
                        help="interleaved timed repeats; medians are reported (>= 7)")
    parser.add_argument("--steps", type=int, default=150,
                        help="training steps (batches of 128) per timed run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.repeats < 7 or args.steps < 1:
        parser.error("need --repeats >= 7 (for a meaningful median) and --steps >= 1")

    load_before = os.getloadavg()[0]
    with threadpool_limits(2):
        blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()
                if i["user_api"] == "blas"]
        X, y = make_data(args.steps, args.seed)
        benches = {"npnet": Npnet(X, y, args.seed), "sklearn": Sklearn(X, y, args.seed),
                   "floor": Floor(args.steps, args.seed)}
        for bench in benches.values():  # warm-up: allocations, BLAS threads, caches
            bench.run()
        times = {name: [] for name in benches}
        for _ in range(args.repeats):
            for name, bench in benches.items():
                times[name].append(ms_per_step(bench))

    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"one training step, MLP {'-'.join(map(str, SIZES))} ReLU, batch {BATCH}, float32;"
          f" BLAS threads {blas}")
    print(f"npnet params dtype {benches['npnet'].model[0].params['W'].dtype},"
          f" sklearn coefs_ dtype {benches['sklearn'].clf.coefs_[0].dtype}")
    print(f"medians of {args.repeats} interleaved repeats x {args.steps} steps; 1-min load average"
          f" before the run {load_before:.2f} (other processes on a 2-core machine inflate"
          f" BLAS times: then compare the min column)\n")
    print(f"{'':10s}{'ms/step':>9s}{'min':>8s}{'max':>8s}{'x floor':>9s}")
    for name, t in times.items():
        print(f"{name:10s}{med[name]:9.3f}{min(t):8.3f}{max(t):8.3f}"
              f"{med[name] / med['floor']:9.2f}")
    ratio = med["npnet"] / med["floor"]
    print(f"\nnpnet/sklearn {med['npnet'] / med['sklearn']:.2f}")
    print(f"target: npnet <= 1.3x floor -> {ratio:.2f}x, {'met' if ratio <= 1.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
