"""The clinic: broken training runs to diagnose and fix, with a checker that retrains the fix.

Every chapter teaches one failure under its own name. A colleague's run fails without one. A
*case* is such a run: a digits classifier whose configuration (:class:`Config`, every setting
listed) misses the target, :data:`TARGET` test accuracy after its training budget. The student
trains it, inspects the model and the data with :mod:`npnet.stats` and
:func:`npnet_book.plots.training_health`, names the fault from :data:`FAULTS` and writes a
fix, a function from the case's configuration to a new one::

    from npnet_book import clinic
    case = clinic.case(1)                 # a chapter's case; clinic.case(seed=k) for practice
    print(case.describe())                # the settings, as a colleague would send them
    run = case.train()                    # the model, its history, the data, the accuracy
    clinic.check(case, fault="...", fix=lambda c: c.replace(...))

:func:`check` retrains the fixed configuration on :data:`CHECK_SEEDS` seeds and confirms the
target: the mean test accuracy reaches :data:`TARGET` and no seed diverges. A wrong fault name
gets a hint (which statistic to look at, which chapter explains it); a fix that changes more
settings than the fault needs, plus one, is told so. Like every checker, :func:`check` never
raises on an answer: it prints ``Correct`` or ``Not yet`` and returns ``True``/``False``.

Every fault is a departure from one healthy configuration, which a case does not carry: the
checker recognises the fault by comparing the case's configuration with it.
"""

import dataclasses
import functools
import math
import textwrap

import numpy as np

import npnet
from npnet import stats

from . import seeds
from .exercises import report

#: The target: mean test accuracy on the held-out digits after the training budget.
TARGET = 0.90
#: Seeds the checker retrains a fix on.
CHECK_SEEDS = 3
DATA_SIZE = 0.2      # test share of the stratified digits split
INPUTS = ("standardised", "raw")
ACTIVATIONS = {"relu": npnet.ReLU, "tanh": npnet.Tanh}
OPTIMISERS = ("sgd", "adam")
EVAL_MODES = ("eval", "train")


@dataclasses.dataclass(frozen=True)
class Config:
    """One training run of an MLP on the digits (64 pixels → 10 classes), every setting listed.

    - ``inputs``: ``"standardised"`` (each pixel scaled to mean 0, sd 1 with the training
      split's statistics) or ``"raw"`` (pixel values 0–16).
    - ``widths``: the hidden layers' widths; the output layer has 10 units.
    - ``activation``: ``"relu"`` or ``"tanh"``, after every hidden layer.
    - ``init``: the weights' initialiser: a name from :mod:`npnet.init` (``"he_normal"``,
      ``"glorot_normal"``, ``"lecun_normal"``, ``"zeros"``, ...) or ``"normal(σ)"`` for
      N(0, σ²), e.g. ``"normal(0.1)"``.
    - ``bias``: the value every hidden bias starts at.
    - ``optimiser``: ``"sgd"`` (with ``momentum``) or ``"adam"`` (β = 0.9, 0.999; momentum
      unused); ``lr`` its learning rate, ``batch_size`` and ``epochs`` the budget.
    - ``batch_norm``: BatchNorm after every hidden Linear (before the activation).
    - ``weight_decay``: L2 on the weights (not biases), added to the gradient.
    - ``dropout``: the drop probability after every hidden activation (0: none).
    - ``eval_mode``: the mode the test accuracy is computed in, ``"eval"`` (running batch-norm
      statistics, no dropout) or ``"train"``; ``eval_batch`` test examples per forward pass.

    Immutable: :meth:`replace` returns a changed copy, e.g. ``c.replace(lr=0.01)``.
    """

    inputs: str
    widths: tuple
    activation: str
    init: str
    bias: float
    optimiser: str
    lr: float
    momentum: float
    batch_size: int
    epochs: int
    batch_norm: bool
    weight_decay: float
    dropout: float
    eval_mode: str
    eval_batch: int

    def __post_init__(self):
        _choice(self.inputs, "inputs", INPUTS)
        widths = self.widths
        if (isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or not widths
                or not all(isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w > 0
                           for w in widths)):
            raise ValueError(f"widths must be a non-empty tuple of positive ints (the hidden"
                             f" layers), got {widths!r}")
        object.__setattr__(self, "widths", tuple(int(w) for w in widths))
        _choice(self.activation, "activation", tuple(ACTIVATIONS))
        initialiser(self.init)
        _number(self, "bias", low=-math.inf)
        _choice(self.optimiser, "optimiser", OPTIMISERS)
        _number(self, "lr", low=0.0, low_open=True)
        _number(self, "momentum", low=0.0, high=1.0, high_open=True)
        _count(self, "batch_size")
        _count(self, "epochs")
        if not isinstance(self.batch_norm, (bool, np.bool_)):
            raise TypeError(f"batch_norm must be True or False, got {self.batch_norm!r}")
        _number(self, "weight_decay", low=0.0)
        _number(self, "dropout", low=0.0, high=1.0, high_open=True)
        _choice(self.eval_mode, "eval_mode", EVAL_MODES)
        _count(self, "eval_batch")

    def replace(self, **changes):
        """A copy with ``changes`` applied (validated like the original)."""
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown setting(s) {unknown}; a Config has {list(FIELDS)}")
        return dataclasses.replace(self, **changes)

    def changes_from(self, other):
        """The names of the settings in which this configuration differs from ``other``."""
        return [f for f in FIELDS if getattr(self, f) != getattr(other, f)]

    def script(self):
        """The settings one per line, as a colleague would paste them."""
        return "\n".join(f"{f:<13}= {getattr(self, f)!r}" for f in FIELDS)


FIELDS = tuple(f.name for f in dataclasses.fields(Config))


def _choice(value, name, valid):
    if value not in valid:
        raise ValueError(f"{name} must be one of {list(valid)}, got {value!r}")


def _number(config, name, low, high=math.inf, low_open=False, high_open=False):
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if not math.isfinite(value) or below or above:
        lo, hi = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be a finite number in {lo}{low:g}, {high:g}{hi},"
                         f" got {value!r}")
    object.__setattr__(config, name, value)


def _count(config, name):
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    object.__setattr__(config, name, int(value))


def initialiser(name):
    """The initialiser ``Config.init`` names: ``"normal(σ)"`` → N(0, σ²), else a name from
    :mod:`npnet.init` (an unknown name raises ``ValueError`` listing the known ones)."""
    if not isinstance(name, str):
        raise TypeError(f"init must be a name such as 'he_normal' or 'normal(0.1)', got"
                        f" {type(name).__name__} {name!r}")
    if name.startswith("normal(") and name.endswith(")"):
        try:
            std = float(name[7:-1])
        except ValueError:
            std = -1.0
        if not (math.isfinite(std) and std > 0):
            raise ValueError(f"init 'normal(σ)' needs a positive σ, got {name!r}")
        return functools.partial(npnet.init.normal, std=std)
    npnet.init.get(name)
    return name


# --- the healthy configuration and the faults -----------------------------------------------

_HEALTHY = Config(inputs="standardised", widths=(64, 64, 64, 64), activation="relu",
                  init="he_normal", bias=0.0, optimiser="sgd", lr=0.03, momentum=0.9,
                  batch_size=32, epochs=10, batch_norm=False, weight_decay=0.0, dropout=0.0,
                  eval_mode="eval", eval_batch=8)


@dataclasses.dataclass(frozen=True)
class _Fault:
    name: str
    chapter: str          # the chapter that explains it: "<file stem>" and its title
    title: str
    changes: dict         # the departure from the healthy configuration
    fix: dict             # the canonical fix: settings to put back (or change)
    look_at: str          # the statistic that gives it away (the hint)
    measure: str          # that statistic in a few words
    evidence: object      # evidence(run) -> float: that statistic, measured
    threshold: float      # the fault's evidence is beyond it, the fixed run's is not
    above: bool           # True: the fault's evidence is above the threshold


def _hidden_outputs(model, run):
    """Each hidden activation layer's output (eval mode) for 256 of the run's test examples."""
    traced = stats.trace(model, run.X_test[:256], train=False)
    return [out for _, layer, out in traced if getattr(layer, "activation", None) in ACTIVATIONS]


def _at_start(run):
    return _hidden_outputs(run.start, run)


def _unit_spread(run):
    """Mean over examples of the sd across the first hidden layer's units, trained model."""
    return float(np.mean(np.std(_hidden_outputs(run.model, run)[0], axis=1)))


def _input_scale(run):
    """The largest |mean| of an input feature on the training split."""
    return float(np.max(np.abs(run.X_train.mean(axis=0))))


def _dead_at_start(run):
    return max(stats.dead_fraction(h) for h in _at_start(run))


def _dead_after(run):
    rows = stats.activation_stats(run.model, run.X_test, train=False)
    return max(r["dead"] for r in rows if r["dead"] is not None)


def _depth_ratio(run):
    """sd of the last hidden layer's output over the first's, at the start."""
    hidden = _at_start(run)
    return float(np.std(hidden[-1]) / max(np.std(hidden[0]), 1e-300))


def _saturated_at_start(run):
    if run.config.activation != "tanh":
        return 0.0
    return float(np.mean([stats.saturated_fraction(h, "tanh") for h in _at_start(run)]))


def _loss_growth(run):
    """The last epoch's training loss over the first step's (∞ when training diverged): a
    healthy run ends near 1 % of where it started, a run that stalls at chance near 60 %."""
    if run.diverged:
        return math.inf
    return run.history.train_loss[-1] / run.history.step_loss[0]


def _update_ratio(run):
    """Median update-to-data ratio std(ΔW)/std(W) of the weight layers over the first step."""
    return float(np.median(list(run.first_update.values())))


def _mode_gap(run):
    """Test accuracy in eval mode minus the accuracy as the configuration evaluates it."""
    return run.accuracy_in("eval") - run.test_accuracy


def _train_accuracy(run):
    return run.accuracy_in("eval", on="train")


def _prediction_flips(run):
    """Share of test examples whose predicted class differs between two evaluations."""
    return float(np.mean(run.predict() != run.predict()))


def _ch(stem, title):
    return {"chapter": stem, "title": title}


_FAULTS = [
    _Fault("symmetric_start", **_ch("01_symmetry", "Zero initialisation and symmetry"),
           changes={"init": "zeros"}, fix={"init": "he_normal"},
           look_at="whether the hidden units of a layer differ from one another after training"
                   " (the spread of one layer's outputs across its units)",
           measure='spread across units', evidence=_unit_spread, threshold=1e-6, above=False),
    _Fault("raw_inputs", **_ch("02_centring", "Centring and normalising the data"),
           changes={"inputs": "raw"}, fix={"inputs": "standardised"},
           look_at="the training inputs themselves: each feature's mean and standard deviation",
           measure='largest input mean', evidence=_input_scale, threshold=1.0, above=True),
    _Fault("freezing_biases", **_ch("03_bias", "Why a bias term"),
           changes={"bias": -3.0}, fix={"bias": 0.0},
           look_at="the share of dead ReLU units in each layer of the untrained network",
           measure='dead share at the start', evidence=_dead_at_start, threshold=0.5, above=True),
    _Fault("weights_too_small", **_ch("05_depth", "Depth"),
           changes={"init": "normal(0.01)"}, fix={"init": "he_normal"},
           look_at="the standard deviation of each hidden layer's output before training,"
                   " layer by layer",
           measure='last over first layer sd at the start',
           evidence=_depth_ratio, threshold=0.05, above=False),
    _Fault("saturating_tanh", **_ch("04_variance", "Variance of data, weights and bias"),
           changes={"activation": "tanh", "init": "normal(1.0)"},
           fix={"init": "glorot_normal"},
           look_at="the share of saturated tanh units (|h| > 0.99) in each layer before training",
           measure='saturated share at the start',
           evidence=_saturated_at_start, threshold=0.3, above=True),
    _Fault("glorot_with_relu",
           **_ch("06_initialisers", "Xavier/Glorot, He/Kaiming, LeCun, orthogonal, LSUV"),
           changes={"init": "glorot_normal", "widths": (64,) * 16, "lr": 0.0075},
           fix={"init": "he_normal"},
           look_at="the standard deviation of each hidden layer's output before training,"
                   " layer by layer, against the depth",
           measure='last over first layer sd at the start',
           evidence=_depth_ratio, threshold=0.05, above=False),
    _Fault("dead_relus", **_ch("07_activations", "Activation functions"),
           changes={"optimiser": "adam", "lr": 0.05}, fix={"lr": 0.001},
           look_at="the share of dead ReLU units in each layer after training",
           measure='dead share after training', evidence=_dead_after, threshold=0.25, above=True),
    _Fault("lr_too_large", **_ch("10_hyperparameters", "Searching hyper-parameters"),
           changes={"lr": 0.5}, fix={"lr": 0.03},
           look_at="the training loss, step by step (the training health figure's first row)",
           measure='final over first loss', evidence=_loss_growth, threshold=0.2, above=True),
    _Fault("lr_too_small", **_ch("10_hyperparameters", "Searching hyper-parameters"),
           changes={"lr": 1e-4}, fix={"lr": 0.03},
           look_at="the update-to-data ratio std(ΔW)/std(W) of each weight layer per step",
           measure='update-to-data ratio', evidence=_update_ratio, threshold=1e-4, above=False),
    _Fault("bn_train_mode_at_eval", **_ch("08_batchnorm", "Batch normalisation"),
           changes={"batch_norm": True, "eval_mode": "train"}, fix={"eval_mode": "eval"},
           look_at="the trained model's test accuracy computed in eval mode"
                   " (model.forward(X, train=False)) against the accuracy the run reports",
           measure='accuracy gained in eval mode', evidence=_mode_gap, threshold=0.03, above=True),
    _Fault("over_regularised", **_ch("09_regularisation", "Regularisation"),
           changes={"weight_decay": 0.1}, fix={"weight_decay": 0.0},
           look_at="the accuracy on the training data itself, next to the test accuracy",
           measure='training accuracy', evidence=_train_accuracy, threshold=0.95, above=False),
    _Fault("dropout_at_eval", **_ch("09_regularisation", "Regularisation"),
           changes={"dropout": 0.35, "lr": 0.02, "eval_mode": "train"},
           fix={"eval_mode": "eval"},
           look_at="whether the trained model predicts the same class twice for the same test"
                   " example",
           measure='share of predictions that flip',
           evidence=_prediction_flips, threshold=0.01, above=True),
]
_BY_NAME = {f.name: f for f in _FAULTS}
FAULTS = tuple(_BY_NAME)
"""The vocabulary of :func:`check`: every fault a case can have."""

#: Two faults in one case, for practice: pairs that touch different settings and where
#: fixing either one alone leaves the target unmet (tests/test_clinic.py proves it for each).
PAIRS = (("lr_too_large", "freezing_biases"), ("raw_inputs", "weights_too_small"),
         ("over_regularised", "dropout_at_eval"), ("lr_too_small", "saturating_tanh"))

#: The numbered cases the chapters use: chapter 4 (1), chapter 7 (2), chapter 12 (3, 4) and
#: the Clinic chapter (5, 6, 7).
_NUMBERED = {1: ("freezing_biases",), 2: ("glorot_with_relu",),
             3: ("bn_train_mode_at_eval",), 4: ("lr_too_small",),
             5: ("dead_relus",), 6: ("lr_too_large", "freezing_biases"), 7: ("raw_inputs",)}


def catalogue():
    """The faults as a table: one dict per fault with its ``fault`` name, the ``chapter`` that
    explains it (number and title), what to ``look_at`` (and that statistic in a few words,
    ``measure``) and the canonical ``fix`` (the settings it changes)."""
    return [{"fault": f.name, "chapter": f"{_chapter_number(f.chapter)} {f.title}",
             "look_at": f.look_at, "measure": f.measure,
             "fix": ", ".join(f"{k} = {v!r}" for k, v in f.fix.items())} for f in _FAULTS]


def statistic(fault, run):
    """The statistic that gives ``fault`` (a name from :data:`FAULTS`) away, measured on
    ``run`` (a :class:`Run`), and whether it shows the fault: ``(value, shows)``. It is what
    the checker's hint tells a student to look at, computed the way tests/test_clinic.py
    checks it."""
    f = _BY_NAME[fault]
    value = f.evidence(run)
    return value, (value > f.threshold) if f.above else (value < f.threshold)


def _broken(faults):
    changes = {}
    for name in faults:
        changes.update(_BY_NAME[name].changes)
    return _HEALTHY.replace(**changes)


_KNOWN = {_broken((f,)): (f,) for f in FAULTS}
_KNOWN.update({_broken(pair): pair for pair in PAIRS})


def _chapter_number(stem):
    return int(stem.split("_")[0])


# --- training a configuration ---------------------------------------------------------------

_DATA = {}


def _data(inputs):
    """(X_train, y_train, X_test, y_test) for ``inputs``: one stratified split per seed offset."""
    key = (seeds.offset(), inputs)
    if key not in _DATA:
        split = npnet.data.digits(test_size=DATA_SIZE, rng=seeds.rng("clinic", "split"))
        X_train, X_test = split.X_train, split.X_test
        if inputs == "standardised":
            X_train, X_test = npnet.data.standardise(X_train, X_test)
        for a in (X_train, X_test):
            a.setflags(write=False)
        _DATA[key] = (X_train, split.y_train, X_test, split.y_test)
    return _DATA[key]


def _model(config, seed):
    """The untrained network ``config`` describes; weights from the ``weights`` stream and
    dropout masks from the ``dropout`` stream of ``("clinic", seed)``."""
    weights = seeds.rng("weights", "clinic", seed)
    masks = seeds.rng("dropout", "clinic", seed)
    sizes = [64, *config.widths, 10]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = npnet.Linear(n_in, n_out, init=initialiser(config.init), rng=weights)
        layers.append(linear)
        if i == len(sizes) - 2:
            break
        linear.params["b"][...] = config.bias
        if config.batch_norm:
            layers.append(npnet.BatchNorm(n_out))
        layers.append(ACTIVATIONS[config.activation]())
        if config.dropout > 0:
            layers.append(npnet.Dropout(config.dropout, rng=masks))
    return npnet.Sequential(*layers)


def _optimiser(config, model):
    if config.optimiser == "adam":
        return npnet.Adam(model, lr=config.lr, weight_decay=config.weight_decay)
    return npnet.SGD(model, lr=config.lr, momentum=config.momentum,
                     weight_decay=config.weight_decay)


class Run:
    """One training run of a configuration: what a student inspects.

    ``model`` (trained), ``start`` (the same network before training), ``history``
    (:class:`npnet.train.History`), the data ``X_train, y_train, X_test, y_test`` (after the
    configuration's preprocessing), ``test_accuracy`` (computed as the configuration says:
    ``eval_mode``, ``eval_batch``) and ``diverged`` (the :class:`npnet.DivergenceError`
    message, or ``None``)."""

    def __init__(self, config, seed):
        self.config, self.seed = config, seed
        self.X_train, self.y_train, self.X_test, self.y_test = _data(config.inputs)
        self.model = _model(config, seed)
        self.start = _model(config, seed)
        self.diverged = None
        try:
            self.history = npnet.train.fit(
                self.model, self.X_train, self.y_train, loss=npnet.softmax_cross_entropy,
                optimizer=_optimiser(config, self.model), epochs=config.epochs,
                batch_size=config.batch_size, rng=seeds.rng("batches", "clinic", seed))
        except npnet.DivergenceError as err:
            self.history, self.diverged = None, str(err)
        self.test_accuracy = math.nan if self.diverged else self.accuracy_in(config.eval_mode)

    def __repr__(self):
        result = ("diverged" if self.diverged
                  else f"test accuracy {self.test_accuracy:.3f} (target {TARGET:.2f})")
        return f"<clinic run, seed {self.seed}: {result}>"

    def predict(self, mode=None, on="test"):
        """Predicted classes of the test (or ``on="train"``) examples, in ``mode`` (default
        the configuration's ``eval_mode``), ``eval_batch`` examples per forward pass. Batch
        norm's running statistics are left as they were."""
        mode = self.config.eval_mode if mode is None else mode
        _choice(mode, "mode", EVAL_MODES)
        X = self.X_test if on == "test" else self.X_train
        kept = [(a, a.copy()) for layer in npnet.model.layers_of(self.model)
                for a in npnet.walk.running_stats(layer)]
        size = self.config.eval_batch
        starts = list(range(0, len(X), size)) + [len(X)]
        if len(starts) > 2 and starts[-1] - starts[-2] == 1:
            del starts[-2]                       # batch norm cannot normalise one example
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.concatenate([self.model.forward(X[a:b], train=mode == "train")
                                  for a, b in zip(starts[:-1], starts[1:])])
        for a, copy in kept:
            a[...] = copy
        return out.argmax(axis=1)

    def accuracy_in(self, mode, on="test"):
        """Share of correct predictions in ``mode`` on the test (or training) examples."""
        y = self.y_test if on == "test" else self.y_train
        return float(np.mean(self.predict(mode, on) == y))

    @functools.cached_property
    def first_update(self):
        """Update-to-data ratio std(ΔW)/std(W) per weight layer ``{index: ratio}`` of the
        first training step, replayed on a copy of ``start``."""
        model = _model(self.config, self.seed)
        batch = seeds.rng("batches", "clinic", self.seed).permutation(len(self.X_train))
        batch = batch[:self.config.batch_size]
        record = stats.health_step(model, self.X_train[batch], self.y_train[batch],
                                   loss=npnet.softmax_cross_entropy,
                                   optimizer=_optimiser(self.config, model))
        return record["update_ratio"]


def reference(seeds_=range(10), steps=100):
    """What the healthy configuration does, without showing it: its test accuracy on each of
    ``seeds_`` (an array) and the :func:`npnet.stats.health_step` records of its first
    ``steps`` training steps on the first seed."""
    seeds_ = list(seeds_)
    accuracies = np.array([Run(_HEALTHY, s).test_accuracy for s in seeds_])
    return accuracies, Case("reference run", _HEALTHY).health(steps, seed=seeds_[0])


def gallery(seed=0, steps=100):
    """Every fault on one seed: ``{fault: {"test_accuracy", "statistic", "shows",
    "health"}}`` with the statistic its hint names (:func:`statistic`) measured on the broken
    run, and the health records of its first ``steps`` steps (shorter where the loss stops
    being finite). For a gallery of symptoms, not for a claim: one seed each."""
    out = {}
    for f in _FAULTS:
        config = _broken((f.name,))
        run = Run(config, seed)
        value, shows = statistic(f.name, run)
        out[f.name] = {"test_accuracy": run.test_accuracy, "statistic": value, "shows": shows,
                       "health": Case(f.name, config).health(steps, seed=seed)}
    return out


def _meets(runs):
    accs = [r.test_accuracy for r in runs]
    return not any(r.diverged for r in runs) and float(np.mean(accs)) >= TARGET


def _accuracies(runs):
    return ", ".join("diverged" if r.diverged else f"{r.test_accuracy:.3f}" for r in runs)


# --- cases ----------------------------------------------------------------------------------

class Case:
    """A colleague's broken run. ``label`` says which case it is; ``config`` is its
    :class:`Config`. :meth:`describe` lists every setting, :meth:`train` runs it, :meth:`model`
    builds its untrained network, :meth:`health` records its first steps for
    :func:`npnet_book.plots.training_health`, :meth:`data` gives its inputs and labels."""

    def __init__(self, label, config):
        self.label = label
        self.config = config

    def __repr__(self):
        return f"<clinic {self.label}: a digits classifier that misses its target>"

    def describe(self):
        """The case as a colleague would send it: the complaint and every setting."""
        hidden = len(self.config.widths)
        complaint = (f"{self.label.capitalize()}. A colleague trained an MLP with {hidden}"
                     f" hidden layers on the digits (64 pixels, 10 classes, "
                     f"{1 - DATA_SIZE:.0%} of the images for training). It should reach"
                     f" {TARGET:.0%} test accuracy after its {self.config.epochs} epochs, and"
                     f" it does not. Their settings:")
        return textwrap.fill(complaint, 72) + "\n\n" + self.config.script()

    def train(self, seed=0):
        """Train the case's configuration once (``seed`` picks the weights, batches and
        dropout masks); returns a :class:`Run`."""
        return Run(self.config, seed)

    def model(self, seed=0):
        """The case's network before training."""
        return _model(self.config, seed)

    def data(self):
        """``(X_train, y_train, X_test, y_test)`` as the case preprocesses them."""
        return _data(self.config.inputs)

    def health(self, steps=60, seed=0):
        """:func:`npnet.stats.health_step` records of the first ``steps`` training steps,
        for :func:`npnet_book.plots.training_health`; stops early (with the records so far)
        when training diverges (the loss or the logits stop being finite)."""
        X, y, _, _ = self.data()
        model = _model(self.config, seed)
        optimiser = _optimiser(self.config, model)
        order = seeds.rng("batches", "clinic", seed).permutation(len(X))
        size = self.config.batch_size
        records = []
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for k in range(steps):
                idx = order[(k * size) % len(X):][:size]
                try:
                    record = stats.health_step(model, X[idx], y[idx],
                                               loss=npnet.softmax_cross_entropy,
                                               optimizer=optimiser)
                except npnet.DivergenceError:     # the logits overflowed: diverged
                    break
                if not math.isfinite(record["loss"]):
                    break
                records.append(record)
        return records


def case(number=None, *, fault=None, seed=None):
    """A case: ``case(k)`` the book's numbered case k (the chapters' exercises),
    ``case(seed=k)`` practice case k (one or two faults drawn at random; the same k gives
    the same case everywhere), or ``case(fault=name)`` (a name from :data:`FAULTS`, or a
    pair from :data:`PAIRS` as a list) for tests and teachers."""
    given = [a is not None for a in (number, fault, seed)]
    if sum(given) != 1:
        raise TypeError("give one of: a case number, case(seed=k) or case(fault=name)")
    if number is not None:
        if number not in _NUMBERED:
            raise ValueError(f"the book's cases are numbered {sorted(_NUMBERED)}, got"
                             f" {number!r}; case(seed=k) draws practice cases")
        return Case(f"case {number}", _broken(_NUMBERED[number]))
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be an int >= 0, got {seed!r}")
        draw = seeds.fixed(f"clinic practice case {int(seed)}")
        faults = (FAULTS[draw.integers(len(FAULTS))],) if draw.random() < 0.5 \
            else PAIRS[draw.integers(len(PAIRS))]
        return Case(f"practice case {int(seed)}", _broken(faults))
    names = (fault,) if isinstance(fault, str) else tuple(fault)
    unknown = [n for n in names if n not in _BY_NAME]
    if unknown:
        raise ValueError(f"unknown fault(s) {unknown}; the faults are {list(FAULTS)}")
    if len(names) == 2 and tuple(names) not in PAIRS and tuple(names[::-1]) not in PAIRS:
        raise ValueError(f"{list(names)} is not one of the listed pairs {list(PAIRS)}")
    if len(names) not in (1, 2):
        raise ValueError(f"a case has one fault or a listed pair, got {list(names)}")
    return Case(f"case of {' and '.join(names)}", _broken(names))


def _faults_of(a_case):
    return _KNOWN.get(a_case.config)


def _hint(fault):
    return (f"look at {fault.look_at}; chapter {_chapter_number(fault.chapter)}"
            f" ({fault.title}) explains what it means.")


def check(a_case, fault=None, fix=None, seeds_=CHECK_SEEDS):
    """Check a diagnosis of ``a_case``: ``fault`` names its fault (a name from
    :data:`FAULTS`; a list of two names for a case with two faults) and ``fix(config) ->
    Config`` repairs it. The fixed configuration is retrained on ``seeds_`` seeds (at least
    3) and must reach :data:`TARGET` mean test accuracy with no seed diverging. Prints
    ``Correct``/``Not yet`` with a hint and returns ``True``/``False``; never raises on an
    answer."""
    if not isinstance(a_case, Case):
        return report(False, "", f"the first argument must be a case from clinic.case(...),"
                                 f" got {type(a_case).__name__}.")
    actual = _faults_of(a_case)
    if actual is None:
        return report(False, "", "this case's configuration was changed after it was built;"
                                 " build it again with clinic.case(...) and leave case.config"
                                 " as it is (the fix returns a new one).")
    named = fault if isinstance(fault, (list, tuple)) else (fault,)
    if any(n is None or n is Ellipsis for n in named):
        two = " (this case has two: give a list)" if len(actual) > 1 else ""
        return report(False, "", f"name the fault: one of {list(FAULTS)}{two}.")
    if not isinstance(named, (list, tuple)) or not all(isinstance(n, str) for n in named):
        return report(False, "", f"fault must be a name (a string) from clinic.FAULTS, or a"
                                 f" list of names, got {type(fault).__name__}.")
    unknown = [n for n in named if n not in _BY_NAME]
    if unknown:
        return report(False, "", f"{unknown} not in the vocabulary; the faults are"
                                 f" {list(FAULTS)}.")
    if len(set(named)) != len(actual):
        return report(False, "", f"this case has {len(actual)} fault"
                                 f"{'s' if len(actual) > 1 else ''}; you named {len(set(named))}.")
    missed = [_BY_NAME[f] for f in actual if f not in named]
    if missed:
        right = [n for n in named if n in actual]
        lead = f"{right[0]!r} is right; for the other fault, " if right else ""
        return report(False, "", lead + " ".join(_hint(f) for f in missed))
    if not callable(fix) or fix is Ellipsis:
        return report(False, "", "the fault is right. Now give fix: a function from the case's"
                                 " configuration to a new one, e.g."
                                 " fix=lambda c: c.replace(setting=value).")
    try:
        fixed = fix(a_case.config)
    except Exception as err:      # a student's fix may fail in any way: say how
        return report(False, "", f"the fix raised {type(err).__name__}: {err}")
    if not isinstance(fixed, Config):
        return report(False, "", f"the fix must return a Config (use c.replace(...)), got"
                                 f" {type(fixed).__name__}.")
    changed = fixed.changes_from(a_case.config)
    needed = {k for f in actual for k in _BY_NAME[f].fix}
    if not changed:
        return report(False, "", "the fix returns the case's configuration unchanged.")
    if len(changed) > len(needed) + 1:
        return report(False, "", f"the fix changes {len(changed)} settings ({', '.join(changed)});"
                                 f" this diagnosis needs at most {len(needed) + 1}. Changing"
                                 f" everything that might matter is not a diagnosis.")
    n_seeds = CHECK_SEEDS
    if isinstance(seeds_, (int, np.integer)) and not isinstance(seeds_, bool):
        n_seeds = max(CHECK_SEEDS, int(seeds_))
    runs = [Run(fixed, s) for s in range(n_seeds)]
    result = _accuracies(runs)
    if _meets(runs):
        return report(True, f"{' and '.join(actual)}; the fixed run reaches test accuracy"
                            f" {result} on {n_seeds} seeds (target: mean >= {TARGET:.2f}).", "")
    return report(False, "", f"the fault is right, but the fixed run reaches {result} on"
                             f" {n_seeds} seeds (target: mean >= {TARGET:.2f}). Look again at"
                             f" the setting you changed: {', '.join(changed)}.")
