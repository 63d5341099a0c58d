"""Speed of one npnet training step against two matrix-multiply floors, scikit-learn and PyTorch.

What is measured: the wall time of ONE mini-batch training step of a 784-256-256-10 ReLU MLP
in float32 with ``SGD(lr=0.01, momentum=0.9)`` and softmax cross-entropy, at batch 128 and
batch 32. For npnet that is ``npnet.train.train_step``: forward, loss, backward without the
data's gradient (``input_grad=False``), optimiser update.

References, all in ONE process with BLAS pinned to 2 threads (``--threads`` to change):

* **true floor** — per layer the forward product X @ W and the weight gradient X.T @ dY, and
  the input gradient dY @ W.T for every layer but the first: the matrix products a training
  step cannot avoid (> 99 % of its flops), on preallocated float32 operands and outputs;
* **floor + first dx** — the same plus the first layer's input gradient, which no training
  step needs (on this architecture that product alone is about a third of the true floor);
* **scikit-learn** ``MLPClassifier`` with the same architecture, solver and hyper-parameters,
  one ``fit`` making one pass (``max_iter=1``, ``shuffle=False``) over the same batches; its
  time divided by the number of steps (sklearn's per-fit set-up is amortised over them);
* **PyTorch CPU** (only if ``torch`` is installed; it is not a requirement of the book):
  ``nn.Sequential`` of the same layers, ``zero_grad``, ``cross_entropy``, ``backward``,
  ``step``, with ``torch.set_num_threads(2)``.

npnet / true floor measures everything else a step costs: element-wise work (bias, ReLU,
softmax, the optimiser's passes), cache misses and Python overhead. Target: <= 1.5x at batch
128. After a warm-up, each of ``--repeats`` repeats runs every contender in turn (interleaved,
so drifts in machine load hit all alike), each over ``--steps`` steps; we report medians over
the repeats and the minimum (the least disturbed run). A breakdown of npnet's step into
forward + loss, backward and optimiser is printed too. Data are synthetic (seeded with
``np.random.default_rng``); timing does not depend on their values.

**Chapter scale** (a second part, in a subprocess with ONE BLAS thread, the notebooks'
setting): the chapters' small deep nets, 64-32×6-10 ReLU in float64 at batch 32 (seven
``Linear`` layers, 14 parameter arrays), where per-call overheads dominate a step. npnet's
optimisers update flat runs of parameters (:mod:`npnet._storage`: all weights in one NumPy call
per formula, all biases in another); the reference, ``PerParameter``, is the update as it was
before, one array at a time, kept here. Both train their own copy of the same network on the
same batches, interleaved; we print the step time (forward + loss + backward + update) of each,
the update alone, the speed-up (target: the step >= 15 % faster) and check that both copies end
with bit-identical parameters.

Run: ``python benchmarks/train_step.py [--repeats 9] [--steps 100]`` (a minute or two; ``--part
large`` or ``--part chapter`` runs one part).
"""

import os
import sys

# BLAS threads (default 2, the target's setting), set before NumPy loads its BLAS. On a busy
# 2-core machine two BLAS threads stall whenever the other core is taken; --threads 1 then
# gives steadier ratios.
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

import npnet  # noqa: E402
from npnet.train import train_step  # noqa: E402
from per_parameter import PerParameter  # noqa: E402  (the old update: benchmarks/per_parameter.py)

try:  # optional: PyTorch CPU as a third reference
    import torch  # noqa: E402
except ImportError:
    torch = None

SIZES = [784, 256, 256, 10]
DTYPE = np.float32
LR, MOMENTUM = 0.01, 0.9


def make_data(steps, batch, seed):
    """``steps * batch`` rows of float32 features and int64 labels in [0, 10)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((steps * batch, SIZES[0]), dtype=DTYPE)
    y = rng.integers(0, SIZES[-1], size=steps * batch)
    y[:SIZES[-1]] = np.arange(SIZES[-1])  # every class present, so sklearn sees 10 outputs
    return X, y


class Npnet:
    """npnet: ``train_step`` over the batches, in order."""

    def __init__(self, X, y, batch, seed):
        self.model = npnet.mlp(SIZES, activation="relu", rng=np.random.default_rng(seed),
                               dtype=DTYPE)
        self.opt = npnet.SGD(self.model, lr=LR, momentum=MOMENTUM)
        self.batches = [(X[i:i + batch], y[i:i + batch]) for i in range(0, len(X), batch)]

    def run(self):
        for xb, yb in self.batches:
            train_step(self.model, xb, yb, npnet.softmax_cross_entropy, self.opt)
        return len(self.batches)

    def parts(self):
        """ms per step of forward + loss, backward and optimiser, timed separately."""
        t = {"forward+loss": 0.0, "backward": 0.0, "optimiser": 0.0}
        clock = time.perf_counter
        for xb, yb in self.batches:
            t0 = clock()
            out = self.model.forward(xb, train=True)
            _, dout = npnet.softmax_cross_entropy(out, yb)
            t1 = clock()
            self.model.backward(dout, input_grad=False)
            t2 = clock()
            self.opt.step()
            t3 = clock()
            t["forward+loss"] += t1 - t0
            t["backward"] += t2 - t1
            t["optimiser"] += t3 - t2
        return {k: 1e3 * v / len(self.batches) for k, v in t.items()}


class Sklearn:
    """scikit-learn: one ``fit`` = one epoch over the same batches."""

    def __init__(self, X, y, batch, seed):
        self.X, self.y, self.steps = X, y, len(X) // batch
        self.clf = MLPClassifier(
            hidden_layer_sizes=tuple(SIZES[1:-1]), activation="relu", solver="sgd",
            momentum=MOMENTUM, nesterovs_momentum=False, alpha=0, batch_size=batch,
            learning_rate_init=LR, max_iter=1, shuffle=False, tol=0, n_iter_no_change=10**9,
            early_stopping=False, random_state=seed)

    def run(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.clf.fit(self.X, self.y)
        return self.steps


class Torch:
    """PyTorch CPU: the same network and optimiser, the usual five-line step."""

    def __init__(self, X, y, batch, seed):
        torch.manual_seed(seed)
        nn = torch.nn
        self.model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256),
                                   nn.ReLU(), nn.Linear(256, 10))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR, momentum=MOMENTUM)
        self.batches = [(torch.from_numpy(X[i:i + batch]), torch.from_numpy(y[i:i + batch]))
                        for i in range(0, len(X), batch)]

    def run(self):
        for xb, yb in self.batches:
            self.opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(self.model(xb), yb)
            loss.backward()
            self.opt.step()
        return len(self.batches)


class Floor:
    """The matrix products of a step, preallocated: per layer X @ W and X.T @ dY, and dY @ W.T
    for every layer but the first (``first_dx=True``: for the first layer too)."""

    def __init__(self, steps, batch, seed, first_dx):
        rng = np.random.default_rng(seed)
        self.steps = steps
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
            x = rng.standard_normal((batch, n_in), dtype=DTYPE)
            w = rng.standard_normal((n_in, n_out), dtype=DTYPE)
            dy = rng.standard_normal((batch, n_out), dtype=DTYPE)
            outs = (np.empty((batch, n_out), DTYPE), np.empty((batch, n_in), DTYPE),
                    np.empty((n_in, n_out), DTYPE))
            self.layers.append((x, w, dy, outs, i > 0 or first_dx))

    def run(self):
        matmul = np.matmul
        for _ in range(self.steps):
            for x, w, dy, (y, dx, dw), _ in self.layers:
                matmul(x, w, out=y)
            for x, w, dy, (y, dx, dw), need_dx in reversed(self.layers):
                matmul(x.T, dy, out=dw)
                if need_dx:
                    matmul(dy, w.T, out=dx)
        return self.steps


CHAPTER_SIZES = [64] + [32] * 6 + [10]
CHAPTER_BATCH = 32
CHAPTER_OPTIMISERS = {"SGD momentum 0.9": (npnet.SGD, dict(lr=0.01, momentum=0.9)),
                      "Adam": (npnet.Adam, dict(lr=1e-3))}


class ChapterStep:
    """``train_step`` of a 64-32×6-10 ReLU float64 MLP with npnet's optimiser (``flat``) or the
    per-parameter reference; ``update()`` times the optimiser's step alone."""

    def __init__(self, X, y, optimiser, flat, seed):
        self.model = npnet.mlp(CHAPTER_SIZES, activation="relu", rng=np.random.default_rng(seed))
        make, kwargs = CHAPTER_OPTIMISERS[optimiser]
        if not flat:
            make = PerParameter
            kwargs = dict(kwargs, betas=(0.9, 0.999)) if optimiser == "Adam" else kwargs
        self.opt = make(self.model, **kwargs)
        self.batches = [(X[i:i + CHAPTER_BATCH], y[i:i + CHAPTER_BATCH])
                        for i in range(0, len(X), CHAPTER_BATCH)]

    def run(self):
        for xb, yb in self.batches:
            train_step(self.model, xb, yb, npnet.softmax_cross_entropy, self.opt)
        return len(self.batches)

    def update(self):
        """µs per ``opt.step()`` on the last gradients (the parameters keep moving)."""
        t0 = time.perf_counter()
        for _ in self.batches:
            self.opt.step()
        return 1e6 * (time.perf_counter() - t0) / len(self.batches)


def chapter_scale(args):
    """The chapter-scale part: interleaved repeats, then a table and the bit-identity check."""
    rng = np.random.default_rng(args.seed)
    steps = 3 * args.steps
    X = rng.standard_normal((steps * CHAPTER_BATCH, CHAPTER_SIZES[0]))
    y = rng.integers(0, CHAPTER_SIZES[-1], size=len(X))
    benches = {(name, flat): ChapterStep(X, y, name, flat, args.seed)
               for name in CHAPTER_OPTIMISERS for flat in (True, False)}
    for bench in benches.values():  # warm-up
        bench.run()
    times = {key: [] for key in benches}
    updates = {key: [] for key in benches}
    for _ in range(args.repeats):
        for key, bench in benches.items():
            times[key].append(ms_per_step(bench))
        for key, bench in benches.items():
            updates[key].append(bench.update())
    blas = sorted({(i["internal_api"], i["num_threads"]) for i in threadpool_info()
                   if i["user_api"] == "blas"})
    print(f"\nchapter scale: one training step, MLP {CHAPTER_SIZES[0]}-{CHAPTER_SIZES[1]}x6-"
          f"{CHAPTER_SIZES[-1]} ReLU, float64, batch {CHAPTER_BATCH}; BLAS threads {blas};"
          f" medians of {args.repeats} interleaved repeats x {steps} steps")
    print(f"{'':18s}{'update':>16s}{'step ms':>9s}{'min':>8s}{'update us':>11s}{'min':>7s}")
    for name in CHAPTER_OPTIMISERS:
        for flat in (True, False):
            t, u = times[name, flat], updates[name, flat]
            print(f"{name:18s}{'flat runs' if flat else 'per parameter':>16s}"
                  f"{statistics.median(t):9.3f}{min(t):8.3f}"
                  f"{statistics.median(u):11.1f}{min(u):7.1f}")
    for name in CHAPTER_OPTIMISERS:
        new, old = times[name, True], times[name, False]
        gain = 1 - statistics.median(new) / statistics.median(old)
        paired = statistics.median(1 - a / b for a, b in zip(new, old))
        same = all(np.array_equal(p, q) for a, b in zip(benches[name, True].model,
                                                        benches[name, False].model)
                   for p, q in zip(a.params.values(), b.params.values()))
        print(f"{name}: step {100 * gain:.0f} % faster with flat runs (median of paired"
              f" repeats {100 * paired:.0f} %, of mins {100 * (1 - min(new) / min(old)):.0f} %;"
              f" target >= 15 %: {'met' if gain >= 0.15 else 'NOT met'}); parameters of the two"
              f" copies bit-identical after all runs: {'yes' if same else 'NO'}")


def ms_per_step(bench):
    t0 = time.perf_counter()
    n = bench.run()
    return 1e3 * (time.perf_counter() - t0) / n


def measure(batch, args):
    """Interleaved repeats at one batch size: ``({name: [ms per step]}, npnet breakdown)``."""
    X, y = make_data(args.steps, batch, args.seed)
    benches = {"true floor": Floor(args.steps, batch, args.seed, first_dx=False),
               "floor + first dx": Floor(args.steps, batch, args.seed, first_dx=True),
               "npnet": Npnet(X, y, batch, args.seed),
               "scikit-learn": Sklearn(X, y, batch, args.seed)}
    if torch is not None:
        benches["PyTorch CPU"] = Torch(X, y, batch, args.seed)
    for bench in benches.values():  # warm-up: allocations, BLAS threads, caches
        bench.run()
    times = {name: [] for name in benches}
    parts = []
    for _ in range(args.repeats):
        for name, bench in benches.items():
            times[name].append(ms_per_step(bench))
        parts.append(benches["npnet"].parts())
    breakdown = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    return times, breakdown


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9,
                        help="interleaved timed repeats; medians are reported (>= 5)")
    parser.add_argument("--steps", type=int, default=100, help="training steps per timed run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="BLAS (and torch) threads")
    parser.add_argument("--part", choices=("all", "large", "chapter"), default="all",
                        help="all: the large network here, then the chapter scale in a"
                             " subprocess with one BLAS thread")
    args = parser.parse_args()
    if args.repeats < 5 or args.steps < 1:
        parser.error("need --repeats >= 5 (for a meaningful median) and --steps >= 1")
    if args.part == "chapter":
        with threadpool_limits(THREADS):
            chapter_scale(args)
        return

    load_before = os.getloadavg()[0]
    with threadpool_limits(THREADS):
        if torch is not None:
            torch.set_num_threads(THREADS)
        blas = sorted({(i["internal_api"], i["num_threads"]) for i in threadpool_info()
                       if i["user_api"] == "blas"})
        results = {batch: measure(batch, args) for batch in (128, 32)}

    print(f"one training step, MLP {'-'.join(map(str, SIZES))} ReLU, float32, SGD with"
          f" momentum; BLAS threads {blas}"
          + (f"; torch {torch.__version__}, {torch.get_num_threads()} threads" if torch else
             "; PyTorch not installed"))
    print(f"medians of {args.repeats} interleaved repeats x {args.steps} steps; 1-min load"
          f" average before the run {load_before:.2f} (other processes on a 2-core machine"
          f" inflate times: then compare the min column too)")
    for batch, (times, breakdown) in results.items():
        med = {name: statistics.median(t) for name, t in times.items()}
        low = {name: min(t) for name, t in times.items()}
        print(f"\nbatch {batch}")
        print(f"{'':18s}{'ms/step':>9s}{'min':>8s}{'x true floor':>14s}{'(of mins)':>11s}")
        for name in times:
            print(f"{name:18s}{med[name]:9.3f}{low[name]:8.3f}"
                  f"{med[name] / med['true floor']:14.2f}{low[name] / low['true floor']:11.2f}")
        print("npnet breakdown (ms/step): "
              + ", ".join(f"{k} {v:.3f}" for k, v in breakdown.items()))
    ratio = statistics.median(results[128][0]["npnet"]) / statistics.median(
        results[128][0]["true floor"])
    print(f"\ntarget at batch 128: npnet <= 1.5x the true floor -> {ratio:.2f}x,"
          f" {'met' if ratio <= 1.5 else 'NOT met'}")
    if args.part == "all":  # BLAS threads are fixed when NumPy loads: a fresh process
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--part", "chapter", "--threads", "1",
                        "--repeats", str(args.repeats), "--steps", str(args.steps),
                        "--seed", str(args.seed)], check=True)


if __name__ == "__main__":
    main()
