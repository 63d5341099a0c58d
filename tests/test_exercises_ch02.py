"""The chapter 2 checkers reject the stub and plausible wrong answers, accept the solutions."""

import numpy as np
import pytest

from npnet_book.exercises import ch02


def stub(*args):
    raise NotImplementedError


# --- exercise 2: the largest stable learning rate -----------------------------------------

def _A(X):
    return np.c_[X, np.ones(len(X))]


def lr_solution(X):
    A = _A(X)
    return 1.0 / np.linalg.eigvalsh(A.T @ A / len(X))[-1]


def lr_half_convention(X):          # 2 / lambda_max(A^T A / N): the bound for a loss with 1/2
    return 2 * lr_solution(X)


def lr_no_bias(X):                  # forgets the column of ones
    return 1.0 / np.linalg.eigvalsh(X.T @ X / len(X))[-1]


def lr_no_mean(X):                  # forgets the 1/N of the mean
    A = _A(X)
    return 1.0 / np.linalg.eigvalsh(A.T @ A)[-1]


def lr_centred(X):                  # uses the centred inputs' Hessian
    return lr_solution(X - X.mean(axis=0))


def lr_smallest(X):                 # smallest eigenvalue instead of the largest
    A = _A(X)
    return 1.0 / np.linalg.eigvalsh(A.T @ A / len(X))[0]


def lr_returns_array(X):
    return np.array([lr_solution(X), 0.0])


def lr_one_percent_off(X):         # e.g. a constant typed with too few digits
    return 1.01 * lr_solution(X)


def test_max_stable_lr_rejects_the_stub(capsys):
    assert ch02.check_max_stable_lr(stub) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, words", [
    (lr_half_convention, "1/2"), (lr_no_bias, "column of ones"), (lr_no_mean, "1/N"),
    (lr_centred, "centred"), (lr_smallest, "largest eigenvalue"), (lr_returns_array, "one number"),
    (lr_one_percent_off, "close"),
])
def test_max_stable_lr_names_the_mistake(wrong, words, capsys):
    assert ch02.check_max_stable_lr(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out


@pytest.mark.parametrize("answer", [
    lr_solution,
    lambda X: np.array(lr_solution(X)),                     # a 0-d array
    lambda X: np.array([[lr_solution(X)]]),                 # a 1-element array
    lambda X: float(f"{lr_solution(X):.4g}"),               # rounded as the text prints it
])
def test_max_stable_lr_accepts_the_solution(answer, capsys):
    assert ch02.check_max_stable_lr(answer) is True
    assert capsys.readouterr().out.startswith("Correct")


def test_max_stable_lr_is_the_divergence_threshold():
    """The checker's answer really separates converging from diverging gradient descent."""
    import npnet
    X = ch02._exercise2_data()[0]
    y = (X @ np.array([1.0, -1.0]) + 0.5)[:, None]
    bound = lr_solution(X)
    for factor, grows in [(0.9, False), (1.1, True)]:
        net = npnet.Linear(2, 1, init="zeros")
        opt = npnet.SGD(net, lr=factor * bound)
        losses = [npnet.train.train_step(net, X, y, npnet.mse, opt)[0] for _ in range(80)]
        assert (losses[-1] > 1e3 * losses[0]) is grows


# --- exercise 3: condition number of one offset feature -----------------------------------

def kappa_solution(m, s):
    tau = m ** 2 + s ** 2 + 1
    root = np.sqrt(tau ** 2 - 4 * s ** 2)
    return (tau + root) / (tau - root)


def kappa_approx(m, s):
    return (m ** 2 + s ** 2 + 1) ** 2 / s ** 2


def kappa_inverse(m, s):
    return 1 / kappa_solution(m, s)


def kappa_centred_only(m, s):
    return max(s * s, 1 / (s * s))


def kappa_sqrt(m, s):
    return np.sqrt(kappa_solution(m, s))


def test_condition_number_rejects_the_stub(capsys):
    assert ch02.check_condition_number(stub) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, words", [
    (kappa_approx, "approximation"), (kappa_inverse, ">= 1"), (kappa_centred_only, "centred"),
    (kappa_sqrt, "square root"), (lambda m, s: "many", "one number"),
    (lambda m, s: 1.01 * kappa_solution(m, s), "close"),
    (lambda m, s: 3 * kappa_solution(m, s), "expected about"),
])
def test_condition_number_names_the_mistake(wrong, words, capsys):
    assert ch02.check_condition_number(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out


@pytest.mark.parametrize("answer", [
    kappa_solution, lambda m, s: np.array([kappa_solution(m, s)]),
    lambda m, s: float(f"{kappa_solution(m, s):.4g}"),
])
def test_condition_number_accepts_the_solution(answer, capsys):
    assert ch02.check_condition_number(answer) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("check, arity", [(ch02.check_max_stable_lr, 1), (ch02.check_condition_number, 2)])
@pytest.mark.parametrize("value", [None, ...])
def test_checkers_answer_an_unfilled_stub_with_a_message(check, arity, value, capsys):
    fn = (lambda X: value) if arity == 1 else (lambda m, s: value)
    assert check(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "fill in its body" in out
