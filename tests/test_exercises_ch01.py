"""The chapter 1 checkers reject the stub and plausible wrong answers and accept the solutions."""

import math

import numpy as np

from npnet_book.exercises import ch01


def stub(*args, **kwargs):
    raise NotImplementedError


# --- Exercise 1: the loss an all-zero network converges to -------------------------------

def final_loss_solution(y):
    p = float(np.mean(y))
    if p in (0.0, 1.0):
        return 0.0
    return -p * math.log(p) - (1 - p) * math.log(1 - p)


def test_zero_init_final_loss_rejects_the_stub(capsys):
    assert ch01.check_zero_init_final_loss(stub) is False
    assert "Not yet" in capsys.readouterr().out


def test_zero_init_final_loss_rejects_wrong_answers(capsys):
    assert ch01.check_zero_init_final_loss(lambda y: math.log(2)) is False
    assert "balanced" in capsys.readouterr().out
    # the entropy without the 0 ln 0 = 0 convention gives nan for a single class
    naive = lambda y: float(-np.mean(y) * np.log(np.mean(y)) - (1 - np.mean(y)) * np.log(1 - np.mean(y)))
    with np.errstate(divide="ignore", invalid="ignore"):
        assert ch01.check_zero_init_final_loss(naive) is False
    assert "0·ln 0" in capsys.readouterr().out
    assert ch01.check_zero_init_final_loss(lambda y: final_loss_solution(y) / math.log(2)) is False


def test_zero_init_final_loss_accepts_the_solution(capsys):
    assert ch01.check_zero_init_final_loss(final_loss_solution) is True
    assert capsys.readouterr().out.startswith("Correct")


# --- Exercise 2: the predicted share of saturated tanh outputs ----------------------------

def share_solution(X, sigma_w, sigma_b=0.0):
    std = np.sqrt(sigma_w ** 2 * np.sum(X ** 2, axis=1) + sigma_b ** 2)
    return float(np.mean([math.erfc(math.atanh(0.99) / (math.sqrt(2) * s)) for s in std]))


def shortcut(X, sigma_w, sigma_b=0.0):
    var = sigma_w ** 2 * np.mean(np.sum(X ** 2, axis=1)) + sigma_b ** 2
    return math.erfc(math.atanh(0.99) / math.sqrt(2 * var))


def test_saturated_share_rejects_the_stub(capsys):
    assert ch01.check_saturated_share(stub) is False
    assert "NotImplementedError" in capsys.readouterr().out


def test_saturated_share_rejects_wrong_answers(capsys):
    assert ch01.check_saturated_share(shortcut) is False
    assert "averaged the variance" in capsys.readouterr().out
    assert ch01.check_saturated_share(lambda X, w, b=0.0: share_solution(X, w, b) / 2) is False
    assert "two tails" in capsys.readouterr().out
    assert ch01.check_saturated_share(lambda X, w, b=0.0: share_solution(X, w)) is False  # bias ignored
    assert "Not yet" in capsys.readouterr().out


def test_saturated_share_accepts_the_solution(capsys):
    assert ch01.check_saturated_share(share_solution) is True
    assert capsys.readouterr().out.startswith("Correct")


def test_saturated_share_reference_matches_sampling():
    """The checker's reference is the expectation that sampling many weight draws estimates."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 3))
    sigma_w, sigma_b = 2.0, 0.5
    W = sigma_w * rng.standard_normal((3, 20000))
    b = sigma_b * rng.standard_normal(20000)
    sampled = np.mean(np.abs(np.tanh(X @ W + b)) > 0.99)
    assert abs(sampled - ch01._saturated_share(X, sigma_w, sigma_b)) < 0.01
