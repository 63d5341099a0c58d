"""The training loop (`npnet.train.fit`), divergence reporting, and `npnet.data`."""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import npnet
from npnet import data, train


@pytest.fixture(scope="module")
def digits():
    split = data.digits(rng=np.random.default_rng(0))
    X_train, X_test = data.standardise(split.X_train, split.X_test)
    return split, X_train, X_test


# --- fit -----------------------------------------------------------------------------------

def test_fit_learns_digits(digits):
    split, X_train, X_test = digits
    model = npnet.mlp([64, 64, 10], rng=np.random.default_rng(0))
    opt = npnet.SGD(model, lr=0.05, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = train.fit(model, X_train, split.y_train, loss="cross_entropy", optimizer=opt,
                            epochs=20, batch_size=32, rng=np.random.default_rng(1),
                            X_val=X_test, y_val=split.y_test)
    _, acc = train.evaluate(model, X_test, split.y_test, "cross_entropy")
    assert acc >= 0.95
    assert history.val_acc[-1] == acc
    # History: one entry per epoch, one step_loss per mini-batch
    assert history.epochs == 20
    for name in ["train_loss", "train_acc", "val_loss", "val_acc"]:
        assert len(getattr(history, name)) == 20, name
    assert len(history.step_loss) == 20 * math.ceil(len(X_train) / 32)
    assert history.train_loss[-1] < history.train_loss[0]
    assert not history.stopped_early
    assert history.best_epoch == 1 + int(np.argmin(history.val_loss))


def test_history_without_validation():
    rng = np.random.default_rng(2)
    X, y = data.moons(40, rng=rng)
    model = npnet.mlp([2, 8, 2], rng=rng)
    history = train.fit(model, X, y, loss=npnet.softmax_cross_entropy,
                        optimizer=npnet.SGD(model, lr=0.1), epochs=3, batch_size=16, rng=rng)
    assert len(history.train_loss) == len(history.train_acc) == 3
    assert history.val_loss == [] and history.val_acc == []
    assert len(history.step_loss) == 3 * 3  # batches of 16, 16, 8


def test_fit_regression_and_binary_losses():
    rng = np.random.default_rng(3)
    X, y = data.xor(64, rng=rng)
    model = npnet.mlp([2, 16, 1], activation="tanh", rng=rng)
    history = train.fit(model, X, y[:, None].astype(float), loss="bce_with_logits",
                        optimizer=npnet.Adam(model, lr=0.05), epochs=30, batch_size=16, rng=rng)
    assert history.train_acc[-1] > 0.9
    model = npnet.mlp([2, 8, 1], rng=rng)
    history = train.fit(model, X, X[:, :1] * X[:, 1:], loss="mse",
                        optimizer=npnet.SGD(model, lr=0.05), epochs=3, batch_size=16, rng=rng)
    assert all(math.isnan(a) for a in history.train_acc)  # accuracy is undefined for mse


def params_and_buffers(model):
    return [{**{k: v.copy() for k, v in layer.params.items()},
             **{k: getattr(layer, k).copy() for k in ("running_mean", "running_var")
                if hasattr(layer, k)}}
            for layer in model if layer.params]


def test_early_stopping_stops_and_restores_best(digits):
    split, X_train, _ = digits
    X, y = X_train[:200], split.y_train[:200]
    # validation labels deliberately wrong: the better the model fits (X, y), the worse the
    # validation loss, so it is best after the first epoch and then rises.
    X_val, y_val = X[:100], (y[:100] + 1) % 10
    model = npnet.mlp([64, 32, 10], batch_norm=True, rng=np.random.default_rng(4))
    snapshots = {}

    def remember(epoch, model, history):
        snapshots[epoch] = params_and_buffers(model)

    history = train.fit(model, X, y, loss="cross_entropy",
                        optimizer=npnet.SGD(model, lr=0.1, momentum=0.9), epochs=50,
                        batch_size=20, rng=np.random.default_rng(5), X_val=X_val, y_val=y_val,
                        early_stopping=3, callbacks=[remember])
    assert history.stopped_early
    assert history.epochs == history.best_epoch + 3 < 50
    assert history.val_loss[history.best_epoch - 1] == min(history.val_loss)
    # the parameters and batch-norm running statistics are those of the best epoch
    best = snapshots[history.best_epoch]
    for saved, now in zip(best, params_and_buffers(model)):
        assert saved.keys() == now.keys()
        for k in saved:
            np.testing.assert_array_equal(saved[k], now[k])
    loss, _ = train.evaluate(model, X_val, y_val, "cross_entropy")
    assert loss == history.val_loss[history.best_epoch - 1]


def test_early_stopping_needs_validation_data():
    rng = np.random.default_rng(6)
    X, y = data.moons(20, rng=rng)
    model = npnet.mlp([2, 4, 2], rng=rng)
    with pytest.raises(ValueError, match="early_stopping needs validation data"):
        train.fit(model, X, y, loss="cross_entropy", optimizer=npnet.SGD(model, lr=0.1),
                  epochs=3, batch_size=5, rng=rng, early_stopping=2)


def test_callback_returning_true_stops():
    rng = np.random.default_rng(7)
    X, y = data.moons(20, rng=rng)
    model = npnet.mlp([2, 4, 2], rng=rng)
    calls = []

    def stop_at_3(epoch, model_, history):
        calls.append((epoch, model_ is model, history.epochs))
        return epoch == 3

    history = train.fit(model, X, y, loss="cross_entropy", optimizer=npnet.SGD(model, lr=0.1),
                        epochs=10, batch_size=5, rng=rng, callbacks=[stop_at_3])
    assert history.epochs == 3
    assert calls == [(1, True, 1), (2, True, 2), (3, True, 3)]


def test_same_seed_same_run():
    def run():
        rng = np.random.default_rng(8)
        X, y = data.circles(40, rng=rng)
        model = npnet.mlp([2, 8, 2], dropout=0.2, rng=rng)
        return train.fit(model, X, y, loss="cross_entropy",
                         optimizer=npnet.SGD(model, lr=0.1, momentum=0.9), epochs=3,
                         batch_size=8, rng=rng).step_loss
    assert run() == run()


# --- divergence ----------------------------------------------------------------------------

def diverging_run(lr, **kwargs):
    split = data.digits(rng=np.random.default_rng(9))  # raw pixels 0..16, not standardised
    model = npnet.mlp([64, 64, 10], rng=np.random.default_rng(0))
    return train.fit(model, split.X_train, split.y_train, loss="cross_entropy",
                     optimizer=npnet.SGD(model, lr=lr), epochs=5, rng=np.random.default_rng(1),
                     **kwargs)


def test_divergence_is_reported_by_name_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (overflow, invalid) would fail here
        with pytest.raises(npnet.DivergenceError) as info:
            diverging_run(1e4, batch_size=32)
    message = str(info.value)
    assert "diverged" in message
    assert "smaller learning rate" in message
    assert "lr=10000" in message
    assert "epoch 1" in message


def test_divergence_to_inf_in_one_step():
    # the loss jumps from finite to NaN/inf within one step (not via the growth factor)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(npnet.DivergenceError, match="diverged.*smaller learning rate"):
            diverging_run(1e300, batch_size=32, diverge_factor=np.inf)


def test_divergence_first_seen_on_validation_data():
    # one mini-batch per epoch: the step that blows the weights up is the epoch's last, so the
    # validation pass is the first to see non-finite logits; it must be reported the same way.
    split = data.digits(rng=np.random.default_rng(9))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(npnet.DivergenceError,
                           match="diverged at epoch 1.*smaller learning rate"):
            diverging_run(1e300, batch_size=len(split.X_train), X_val=split.X_test,
                          y_val=split.y_test)


def test_divergence_with_an_lr_that_is_not_a_number():
    # the message must not depend on ``lr`` being a Python number (here a 0-d array)
    split = data.digits(rng=np.random.default_rng(9))
    model = npnet.mlp([64, 64, 10], rng=np.random.default_rng(0))
    opt = npnet.SGD(model, lr=1e4)
    opt.lr = np.array(1e4)
    with pytest.raises(npnet.DivergenceError, match="diverged.*smaller learning rate"):
        train.fit(model, split.X_train, split.y_train, loss="cross_entropy",
                  optimizer=opt, epochs=5, batch_size=32, rng=np.random.default_rng(1))


def test_divergence_error_is_a_floating_point_error():
    assert issubclass(npnet.DivergenceError, FloatingPointError)
    with pytest.raises(FloatingPointError):
        npnet.softmax_cross_entropy(np.array([[np.nan, 0.0]]), np.array([0]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_losses_raise_divergence_error_on_non_finite_input(bad):
    logits = np.zeros((3, 2))
    logits[1, 0] = bad
    with pytest.raises(npnet.DivergenceError, match="1 non-finite value.*diverged"):
        npnet.softmax_cross_entropy(logits, np.array([0, 1, 0]))
    with pytest.raises(npnet.DivergenceError, match="diverged"):
        npnet.mse(logits, np.zeros((3, 2)))
    with pytest.raises(npnet.DivergenceError, match="diverged"):
        npnet.binary_cross_entropy_with_logits(logits, np.zeros((3, 2)))


def test_losses_stay_finite_for_large_finite_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, d = npnet.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))
        assert loss == pytest.approx(2000.0) and np.isfinite(d).all()
        loss, d = npnet.binary_cross_entropy_with_logits(np.array([[-800.0]]), np.array([[1.0]]))
        assert loss == pytest.approx(800.0) and np.isfinite(d).all()


# --- npnet.data ----------------------------------------------------------------------------

def test_digits(digits):
    split, _, _ = digits
    assert len(split.X_train) + len(split.X_test) == 1797
    assert len(split.X_test) == math.ceil(0.2 * 1797)
    for X, y in [(split.X_train, split.y_train), (split.X_test, split.y_test)]:
        assert X.dtype == np.float64 and X.shape[1] == 64 and y.shape == (len(X),)
        assert np.issubdtype(y.dtype, np.integer)
        assert X.min() == 0.0 and X.max() == 16.0
        assert np.array_equal(X, np.round(X))
    # stratified: every class is in the test split in its overall proportion (to one example)
    counts_test = np.bincount(split.y_test, minlength=10)
    counts_all = counts_test + np.bincount(split.y_train, minlength=10)
    assert np.all(np.abs(counts_test - 0.2 * counts_all) <= 1)
    # the split is drawn from rng
    again = data.digits(rng=np.random.default_rng(0))
    other = data.digits(rng=np.random.default_rng(1))
    assert np.array_equal(again.X_train, split.X_train)
    assert not np.array_equal(other.X_train, split.X_train)


@pytest.mark.parametrize("make", [data.moons, data.circles, data.xor])
def test_two_class_sets_are_balanced(make):
    X, y = make(100, rng=np.random.default_rng(10))
    assert X.shape == (100, 2) and X.dtype == np.float64 and y.shape == (100,)
    assert np.bincount(y).tolist() == [50, 50]
    with pytest.raises(ValueError, match="even.*got 7"):
        make(7, rng=np.random.default_rng(10))
    with pytest.raises(TypeError, match="rng"):
        make(10)


def test_xor_labels():
    X, y = data.xor(200, rng=np.random.default_rng(11))
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(y.dtype))


def test_preprocessing_is_fitted_on_the_training_split():
    rng = np.random.default_rng(12)
    A = rng.normal(3.0, 2.0, size=(50, 3)) * [1.0, 5.0, 0.1]
    B = rng.normal(-1.0, 1.0, size=(20, 3))
    mu, sd = A.mean(axis=0), A.std(axis=0)
    a, b = data.centre(A, B)
    np.testing.assert_allclose(b, B - mu, rtol=1e-13)
    np.testing.assert_allclose(a, A - mu, rtol=1e-13)
    a, b = data.standardise(A, B)
    np.testing.assert_allclose(b, (B - mu) / sd, rtol=1e-12)
    np.testing.assert_allclose(a.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(a.std(axis=0), 1.0, rtol=1e-12)
    # a single array comes back alone, not as a 1-tuple
    assert isinstance(data.standardise(A), np.ndarray)


def test_whiten():
    rng = np.random.default_rng(13)
    mixing = rng.standard_normal((4, 4))
    A = rng.standard_normal((300, 4)) @ mixing + 2.0
    B = rng.standard_normal((10, 4)) @ mixing
    a, b = data.whiten(A, B)
    np.testing.assert_allclose(np.cov(a, rowvar=False, bias=True), np.eye(4), atol=1e-10)
    np.testing.assert_allclose(a.mean(axis=0), 0.0, atol=1e-12)
    # the test array is transformed with the training split's ZCA matrix
    lam, U = np.linalg.eigh(np.cov(A, rowvar=False, bias=True))
    np.testing.assert_allclose(b, (B - A.mean(axis=0)) @ (U / np.sqrt(lam)) @ U.T, rtol=1e-9,
                               atol=1e-12)


def test_standardise_leaves_constant_pixels_at_zero(digits):
    split, _, _ = digits
    constant = split.X_train.std(axis=0) == 0
    assert constant.any()  # digits has pixels that are always 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_train, X_test = data.standardise(split.X_train, split.X_test)
    assert np.isfinite(X_train).all() and np.isfinite(X_test).all()
    np.testing.assert_array_equal(X_train[:, constant], 0.0)
    np.testing.assert_array_equal(X_test[:, constant], 0.0)
    np.testing.assert_allclose(X_train[:, ~constant].std(axis=0), 1.0, rtol=1e-12)


def test_import_npnet_loads_numpy_only():
    """``import npnet`` (every submodule) brings in numpy and the standard library, nothing else:
    none of matplotlib, ipywidgets, scikit-learn or PIL, which only the book's layer needs."""
    code = ("import sys\n"
            "before = set(sys.modules)\n"
            "import npnet, npnet.data, npnet.gradcheck, npnet.meanfield, npnet.stats, npnet.walk\n"
            "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
            "print(sorted(new - set(sys.stdlib_module_names) - {'npnet', 'numpy'}))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in\n"
            "             ('matplotlib', 'ipywidgets', 'sklearn', 'PIL')))\n"
            "assert sorted(npnet.__all__) == sorted(set(npnet.__all__))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    third_party, presentation = result.stdout.splitlines()
    assert third_party == "[]", f"import npnet loaded {third_party} besides numpy"
    assert presentation == "[]", f"import npnet loaded {presentation}"


def test_npnet_modules_import_without_a_circle():
    """Every import between npnet's modules, including those inside functions, read from the
    source: the graph has no cycle (a module never needs itself, however indirectly)."""
    import ast
    from pathlib import Path

    lib = Path(npnet.__file__).parent
    graph = {}
    for path in lib.glob("*.py"):
        name = path.stem
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                targets = [node.module] if node.module else [a.name for a in node.names]
                edges |= {t.split(".")[0] for t in targets}
        graph[name] = edges - {name}
    assert "walk" in graph and graph["init"] <= {"_checks", "walk"}
    state = {}

    def visit(node, path):
        if state.get(node) == "open":
            raise AssertionError("import circle: " + " -> ".join(path + [node]))
        if state.get(node) == "done":
            return
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, path + [node])
        state[node] = "done"

    for module in sorted(graph):
        visit(module, [])


def test_library_size_and_line_length():
    """npnet stays small and readable: ≤ 2,000 lines in all, the six maths modules ≤ 1,100,
    no line over 100 characters."""
    from pathlib import Path

    lib = Path(npnet.__file__).parent
    lines = {p.stem: p.read_text(encoding="utf-8").splitlines() for p in lib.glob("*.py")}
    assert sum(map(len, lines.values())) <= 2000, {k: len(v) for k, v in lines.items()}
    maths = ("layers", "init", "losses", "model", "optim", "gradcheck")
    assert sum(len(lines[m]) for m in maths) <= 1100
    long = [f"{name}.py:{i}" for name, text in lines.items() for i, line in enumerate(text, 1)
            if len(line) > 100]
    assert long == [], f"lines over 100 characters: {long}"
