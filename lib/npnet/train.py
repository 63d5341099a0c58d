"""The training loop: :func:`fit` (mini-batch epochs) on top of :func:`train_step`."""

from dataclasses import dataclass, field

import numpy as np

from ._checks import describe, finite, float_array, need_rng, number_in, positive_int
from .losses import LOSSES, DivergenceError
from .model import parametrised_layers


@dataclass
class History:
    """What :func:`fit` measured.

    Per epoch: ``train_loss``/``train_acc`` (means over that epoch's mini-batches, in train
    mode) and, when validation data are given, ``val_loss``/``val_acc`` (one pass in eval
    mode). ``step_loss`` has the loss of every mini-batch. Accuracy is ``nan`` for ``mse``.
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


def _loss_fn(loss):
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected a callable or one of {sorted(LOSSES)}")
    return LOSSES[loss]


def accuracy(out, y, loss_fn):
    """Share of correct predictions: argmax for cross-entropy, ``logit > 0`` for binary
    cross-entropy; ``nan`` for regression losses."""
    name = getattr(loss_fn, "__name__", "")
    if name == "softmax_cross_entropy":
        return float(np.mean(out.argmax(axis=1) == y))
    if name == "binary_cross_entropy_with_logits":
        return float(np.mean((out > 0) == (y > 0.5)))
    return float("nan")


def train_step(model, xb, yb, loss, optimizer):
    """One step: forward (train mode), loss, backward, ``optimizer.step()``.

    Returns ``(loss value, model output)``. Raises :class:`DivergenceError` on non-finite output.
    """
    loss_fn = _loss_fn(loss)
    out = model.forward(xb, train=True)
    value, dout = loss_fn(out, yb)
    model.backward(dout)
    optimizer.step()
    return value, out


def evaluate(model, X, y, loss):
    """``(loss, accuracy)`` of ``model`` on ``(X, y)`` in eval mode (no dropout, running BN)."""
    loss_fn = _loss_fn(loss)
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


def fit(model, X, y, *, loss, optimizer, epochs, batch_size, rng, X_val=None, y_val=None,
        early_stopping=None, callbacks=(), diverge_factor=1e3):
    """Train ``model`` on ``(X, y)`` by mini-batch gradient descent; return a :class:`History`.

    Each epoch visits the rows of ``X`` in an order drawn from ``rng``, in mini-batches of
    ``batch_size`` (the last one may be smaller). ``loss`` is a loss function from
    :mod:`npnet.losses` or its name (``"cross_entropy"``, ``"mse"``, ``"bce_with_logits"``).
    ``early_stopping=k`` stops after ``k`` epochs without a lower validation loss and restores
    the best parameters (needs ``X_val``). ``callbacks`` are called as ``cb(epoch, model,
    history)`` after each epoch; a callback returning ``True`` stops training.

    A run whose loss becomes NaN/inf, or exceeds ``diverge_factor`` times the first
    mini-batch's loss, raises :class:`DivergenceError` naming the epoch and step (a
    cross-entropy of 10¹² is finite but no less diverged; pass ``np.inf`` to disable the factor).
    """
    loss_fn = _loss_fn(loss)
    _check_xy(X, y, "X")
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    rng = need_rng(rng, "fit (to shuffle the batches)")
    diverge_factor = number_in(diverge_factor, "diverge_factor", low=1.0, low_open=True) \
        if diverge_factor != np.inf else np.inf
    has_val = X_val is not None
    if has_val:
        _check_xy(X_val, y_val, "X_val")
    if early_stopping is not None:
        early_stopping = positive_int(early_stopping, "early_stopping (patience in epochs)")
        if not has_val:
            raise ValueError("early_stopping needs validation data: pass X_val and y_val")

    history = History()
    best, best_params = np.inf, None
    n = len(X)
    for epoch in range(epochs):
        order = rng.permutation(n)
        losses, correct = [], []
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], y[idx]
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    value, out = train_step(model, xb, yb, loss_fn, optimizer)
                if not np.isfinite(value):
                    raise DivergenceError(f"the loss is {value}")
                if history.step_loss and value > diverge_factor * history.step_loss[0]:
                    raise DivergenceError(
                        f"the loss {value:.4g} exceeds {diverge_factor:g} x the first"
                        f" mini-batch's {history.step_loss[0]:.4g}")
            except DivergenceError as err:
                where = f"epoch {epoch + 1}, step {len(history.step_loss) + 1}"
                raise _diverged(where, err, optimizer) from err
            history.step_loss.append(value)
            losses.append(value * len(idx))
            correct.append(accuracy(out, yb, loss_fn) * len(idx))
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
                _restore(model, best_params)
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


_BUFFERS = ("running_mean", "running_var")


def _snapshot(model):
    """Copies of every parameter and batch-norm running statistic."""
    return [({k: v.copy() for k, v in layer.params.items()},
             {k: getattr(layer, k).copy() for k in _BUFFERS if hasattr(layer, k)})
            for layer in parametrised_layers(model)]


def _restore(model, snapshot):
    for layer, (params, buffers) in zip(parametrised_layers(model), snapshot):
        for k, v in params.items():
            layer.params[k][...] = v
        for k, v in buffers.items():
            getattr(layer, k)[...] = v
