"""The chapter 9 checkers reject the stub and plausible wrong answers, accept the solutions."""

import math

import numpy as np
import pytest

from npnet_book.exercises import ch09

LR, WD, K = 0.1, 0.05, 40
FACTOR = (1 - LR * WD) ** K
PENALTY = 0.5 / (1 - 0.5) * (4 * 1.0 + 1 * 4.0 + 9 * 0.25)


def shrink(value):
    return ch09.check_shrink_factor(value, lr=LR, weight_decay=WD, steps=K)


@pytest.mark.parametrize("good", [FACTOR, np.array(FACTOR), np.array([FACTOR]), round(FACTOR, 3)])
def test_shrink_accepts_the_factor(good, capsys):
    assert shrink(good) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, words", [
    (None, "my_prediction"),
    (math.exp(-K * LR * WD), "approximation"),
    (1 - K * LR * WD, "multiply"),
    ((1 - WD) ** K, "learning rate"),
    ((1 - LR * WD / 2) ** K, "no 1/2"),
    ((1 - 2 * LR * WD) ** K, "not 2 lambda"),
    (1 - LR * WD, "power k"),
    (0.5, "expected about"),
    ("eighty percent", "give one number"),
    (float("nan"), "finite"),
    ([FACTOR, FACTOR], "give one number"),
])
def test_shrink_rejects_with_a_hint(wrong, words, capsys):
    assert shrink(wrong) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and words in " ".join(out.split())


def test_shrink_measured_by_the_optimiser_matches():
    import npnet
    layer = npnet.Linear(8, 5, rng=np.random.default_rng(0))
    W0 = layer.params["W"].copy()
    opt = npnet.SGD(layer, lr=LR, weight_decay=WD)
    layer.grads["W"][...] = 0.0
    layer.grads["b"][...] = 0.0
    for _ in range(K):
        opt.step()
    assert abs(np.linalg.norm(layer.params["W"]) / np.linalg.norm(W0) - FACTOR) < 1e-12


@pytest.mark.parametrize("good", [PENALTY, np.array([PENALTY]), 10.25])
def test_penalty_accepts_the_formula(good, capsys):
    assert ch09.check_dropout_penalty(good) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, words", [
    (None, "my_penalty"),
    (0.5 * 10.25, "1/(1 - p)"),
    (2 * 1 + 1 * 4 + 3 * 0.25, "second moment"),
    (4 * 1 - 2 + 9 * 0.5, "squared"),
    (4 + 2 + 4.5, "not |w_j|"),
    (1 + 4 + 0.25, "data-weighted"),
    (3.0, "expected about"),
    (None, "my_penalty"),
])
def test_penalty_rejects_with_a_hint(wrong, words, capsys):
    assert ch09.check_dropout_penalty(wrong) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and words in " ".join(out.split())


def test_penalty_matches_a_monte_carlo_measurement():
    import npnet
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200_000, 3)) * np.array([2.0, 1.0, 3.0])
    w = np.array([1.0, -2.0, 0.5])
    extra = np.mean((X @ w - npnet.Dropout(0.5, rng=rng).forward(X) @ w) ** 2)
    assert abs(extra - PENALTY) < 0.02 * PENALTY
