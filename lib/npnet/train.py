"""The training loop: :func:`fit` (mini-batch epochs) on top of :func:`train_step`."""

from dataclasses import dataclass, field

import numpy as np

from ._checks import describe, finite, float_array, need_rng, number_in, positive_int
from .layers import BatchNorm
from .losses import DivergenceError
from .losses import get as get_loss
from .model import layers_of, parametrised_layers, running_stats
from .optim import Optimizer


@dataclass
class History:
    """What :func:`fit` measured.

    Per epoch: ``train_loss``/``train_acc`` (means over that epoch's mini-batches, in train
    mode) and, when validation data are given, ``val_loss``/``val_acc`` (one pass in eval
    mode). ``step_loss`` has the loss of every mini-batch. Accuracy is ``nan`` for ``mse``
    (a regression loss has none).
    """
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    best_epoch: int = None
    stopped_early: bool = False

    @property
    def epochs(self):
        """Number of epochs run."""
        return len(self.train_loss)


def accuracy_of(loss):
    """What accuracy means for ``loss``: a function ``(out, y) → float``, the loss's own
    ``accuracy`` attribute found through ``functools.partial`` and ``functools.wraps``
    wrappers (``nan`` for a regression loss, whose ``accuracy`` is ``None``). A loss without
    one (a lambda, a function of your own) raises ``ValueError`` before training, saying how
    to give it one."""
    fn = loss
    while not hasattr(fn, "accuracy"):
        inner = getattr(fn, "func", None) or getattr(fn, "__wrapped__", None)
        if inner is None:
            name = getattr(loss, "__name__", type(loss).__name__)
            raise ValueError(
                f"fit cannot tell what accuracy means for the loss {name}: pass a loss from"
                f" npnet.losses (or a functools.partial of one), or give yours an attribute,"
                f" e.g. my_loss.accuracy = npnet.softmax_cross_entropy.accuracy"
                f" (or my_loss.accuracy = None for no accuracy)")
        fn = inner
    return (lambda out, y: float("nan")) if fn.accuracy is None else fn.accuracy


def accuracy(out, y, loss_fn):
    """Share of correct predictions as ``loss_fn`` defines it (argmax for cross-entropy,
    ``logit > 0`` for binary cross-entropy); ``nan`` for a regression loss such as ``mse``."""
    return accuracy_of(loss_fn)(out, y)


def train_step(model, xb, yb, loss, optimizer):
    """One step: forward (train mode), loss, backward without the data's gradient,
    ``optimizer.step()``. Returns ``(loss value, model output)``; non-finite output raises
    :class:`DivergenceError`."""
    loss_fn = get_loss(loss)
    out = model.forward(xb, train=True)
    value, dout = loss_fn(out, yb)
    model.backward(dout, input_grad=False)
    optimizer.step()
    return value, out


def evaluate(model, X, y, loss):
    """``(loss, accuracy)`` of ``model`` on ``(X, y)`` in eval mode (no dropout, running BN)."""
    loss_fn = get_loss(loss)
    out = model.forward(X, train=False)
    value, _ = loss_fn(out, y)
    return value, accuracy(out, y, loss_fn)


def _check_xy(X, y, name):
    float_array(X, name, ndim=2)
    finite(X, name)
    if not isinstance(y, np.ndarray) or len(y) != len(X):
        raise ValueError(f"the targets for {name} must be an array with {len(X)} rows,"
                         f" got {describe(y)}")
    if np.issubdtype(y.dtype, np.floating):
        finite(y, f"targets for {name}")


def _check_optimizer(model, optimizer):
    """Refuse an optimiser that is not npnet's or updates arrays that are not ``model``'s."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an npnet optimiser (npnet.SGD, npnet.Adam) built"
                        f" for this model, got {type(optimizer).__name__}")
    own = {id(p) for layer in parametrised_layers(model) for p in layer.params.values()}
    foreign = sum(id(p) not in own for p in optimizer.parameters())
    if foreign:
        raise ValueError(f"the optimiser updates {foreign} parameter array(s) that are not this"
                         f" model's (built for another model, or a parameter was replaced"
                         f" after it was built): build it with this model, e.g."
                         f" npnet.SGD(model, lr=...)")


def _batches(n, batch_size, has_batch_norm):
    """Start indices of the mini-batches; with batch norm a last batch of one example is
    merged into the one before it (batch norm cannot normalise a batch of one)."""
    starts = list(range(0, n, batch_size)) + [n]
    if has_batch_norm:
        if n < 2 or batch_size < 2:
            raise ValueError(f"a model with BatchNorm needs mini-batches of >= 2 examples; got"
                             f" batch_size={batch_size} for {n} example(s)")
        if starts[-1] - starts[-2] == 1:
            del starts[-2]
    return starts


def fit(model, X, y, *, loss, optimizer, epochs, batch_size, rng, X_val=None, y_val=None,
        early_stopping=None, callbacks=(), diverge_factor=1e3):
    """Train ``model`` on ``(X, y)`` by mini-batch gradient descent; return a :class:`History`.

    Each epoch visits the rows of ``X`` in an order drawn from ``rng``, in mini-batches of
    ``batch_size``; the last one may be smaller, and for a model with ``BatchNorm`` a last
    batch of a single example is merged into the one before it. ``loss`` is a loss function
    from :mod:`npnet.losses` (or a wrapper of one) or its name (see ``npnet.losses.LOSSES``);
    accuracy is the loss's own (``nan`` for ``mse``). ``optimizer`` must be an npnet optimiser
    built for this model (checked before the first step). ``early_stopping=k`` stops after
    ``k`` epochs without a lower validation loss and restores the best parameters (needs
    ``X_val``). ``callbacks`` are called as ``cb(epoch, model, history)`` after each epoch; a
    callback returning ``True`` stops training.

    Divergence raises :class:`DivergenceError` naming the epoch and step, when

    * the loss (or the model's output) is NaN or inf — always; or
    * the loss Lₜ of a mini-batch exceeds ``diverge_factor`` × max(L₁, 1), with L₁ the first
      mini-batch's loss (a cross-entropy of 10¹² is finite but no less diverged). The floor 1
      is about the loss of guessing (ln 2 ≈ 0.69 for two classes, ln 10 ≈ 2.3 for ten), so a
      loss that starts near zero (fine-tuning, strong weight decay) may rise to ~1,000 before
      it counts as diverged. ``diverge_factor=np.inf`` keeps only the NaN/inf rule.
    """
    loss_fn = get_loss(loss)
    acc_fn = accuracy_of(loss_fn)
    _check_xy(X, y, "X")
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    rng = need_rng(rng, "fit (to shuffle the batches)")
    diverge_factor = number_in(diverge_factor, "diverge_factor", low=1.0, low_open=True) \
        if diverge_factor != np.inf else np.inf
    _check_optimizer(model, optimizer)
    has_val = X_val is not None
    if has_val:
        _check_xy(X_val, y_val, "X_val")
    if early_stopping is not None:
        early_stopping = positive_int(early_stopping, "early_stopping (patience in epochs)")
        if not has_val:
            raise ValueError("early_stopping needs validation data: pass X_val and y_val")
    n = len(X)
    has_bn = any(isinstance(layer, BatchNorm) for layer in layers_of(model))
    starts = _batches(n, batch_size, has_bn)

    history = History()
    best, best_params, limit = np.inf, None, None
    for epoch in range(epochs):
        order = rng.permutation(n)
        losses, correct = [], []
        for start, stop in zip(starts[:-1], starts[1:]):
            idx = order[start:stop]
            xb, yb = X[idx], y[idx]
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    value, out = train_step(model, xb, yb, loss_fn, optimizer)
                if not np.isfinite(value):
                    raise DivergenceError(f"the loss is {value}")
                if limit is None:
                    limit = diverge_factor * max(value, 1.0)
                elif value > limit:
                    raise DivergenceError(
                        f"the loss {value:.4g} exceeds {diverge_factor:g} x max(first"
                        f" mini-batch's loss {history.step_loss[0]:.4g}, 1)")
            except DivergenceError as err:
                where = f"epoch {epoch + 1}, step {len(history.step_loss) + 1}"
                raise _diverged(where, err, optimizer) from err
            history.step_loss.append(value)
            losses.append(value * len(idx))
            correct.append(acc_fn(out, yb) * len(idx))
        history.train_loss.append(float(np.sum(losses) / n))
        history.train_acc.append(float(np.sum(correct) / n))
        if has_val:
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    v_loss, v_acc = evaluate(model, X_val, y_val, loss_fn)
            except DivergenceError as err:  # the epoch's last step blew up the weights
                raise _diverged(f"epoch {epoch + 1} (validation pass)", err, optimizer) from err
            history.val_loss.append(v_loss)
            history.val_acc.append(v_acc)
            if v_loss < best:
                best, history.best_epoch = v_loss, epoch + 1
                if early_stopping:
                    best_params = _snapshot(model)
            elif early_stopping and epoch + 1 - history.best_epoch >= early_stopping:
                history.stopped_early = True
                for a, copy in best_params:
                    a[...] = copy
                break
        if any(cb(epoch + 1, model, history) for cb in callbacks):
            break
    return history


def _diverged(where, err, optimizer):
    """The :class:`DivergenceError` ``fit`` raises: where, what, and the usual remedy."""
    lr = getattr(optimizer, "lr", None)
    now = f" (lr={lr:g} now)" if isinstance(lr, (int, float)) else ""
    return DivergenceError(f"training diverged at {where}: {err}. Try a smaller learning"
                           f" rate{now}")


def _snapshot(model):
    """``(array, copy)`` for every parameter and running statistic; ``array[...] = copy``
    puts the model back."""
    return [(a, a.copy()) for layer in parametrised_layers(model)
            for a in (*layer.params.values(), *running_stats(layer))]
