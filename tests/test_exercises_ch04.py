"""The chapter 4 checkers reject the stub and plausible wrong answers, accept the solutions."""

import math

import numpy as np
import pytest

from npnet_book.exercises import ch04

LN99 = math.log(99)


def stub(*args):
    raise NotImplementedError


# --- exercise 1: predict the saturated share, then measure ----------------------------------

VAR = 256 * 0.2 ** 2 * 1.0 + 0.5 ** 2          # the exercise's layer
SHARE = math.erfc(LN99 / math.sqrt(2 * VAR))


# --- exercise 2: sigma_w from a batch -------------------------------------------------------

def sigma_w(X, sigma_b, target_var):
    return math.sqrt((target_var - sigma_b ** 2) / np.mean(np.sum(X ** 2, axis=1)))


def sigma_w_from_variance(X, sigma_b, target_var):
    return math.sqrt((target_var - sigma_b ** 2) / np.sum(X.var(axis=0)))


def sigma_w_ignoring_bias(X, sigma_b, target_var):
    return math.sqrt(target_var / np.mean(np.sum(X ** 2, axis=1)))


def sigma_w_mean_over_inputs(X, sigma_b, target_var):
    return math.sqrt((target_var - sigma_b ** 2) / np.mean(X ** 2))


def variance_not_std(X, sigma_b, target_var):
    return sigma_w(X, sigma_b, target_var) ** 2


@pytest.mark.parametrize("wrong, words", [
    (None, "my_prediction"),
    (math.erfc(LN99 / math.sqrt(VAR)), "sqrt(2)"),
    (math.erfc(LN99 / (math.sqrt(2) * VAR)), "standard deviation"),
    (1 - SHARE, "INSIDE"),
    (SHARE / 2, "both tails"),
    (math.erfc(LN99 / math.sqrt(2 * 256 * 0.04)), "bias"),
    (math.erfc(LN99 / math.sqrt(2 * (256 * 0.2 + 0.25))), "variance sigma_w^2"),
    (0.5, "expected"),
    ("about a sixth", "one number"),
    (np.array([0.1, 0.2]), "one number"),
    (float("nan"), "finite"),
])
def test_exercise1_rejects(wrong, words, capsys):
    assert ch04.check_saturated_prediction(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and words in " ".join(out.split())


@pytest.mark.parametrize("answer", [SHARE, np.array(SHARE), np.array([SHARE]), round(SHARE, 3),
                                    SHARE * 1.009])
def test_exercise1_accepts(answer, capsys):
    assert ch04.check_saturated_prediction(answer) is True
    out = capsys.readouterr().out
    assert out.startswith("Correct:") and "0.156" in out


def test_exercise1_rejects_just_outside_the_tolerance(capsys):
    assert ch04.check_saturated_prediction(SHARE * 1.015) is False
    assert "close" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, words", [
    (stub, "NotImplementedError"),
    (sigma_w_from_variance, "variance of the inputs"),
    (sigma_w_ignoring_bias, "sigma_b^2"),
    (sigma_w_mean_over_inputs, "sum E[x_i^2]"),
    (variance_not_std, "standard deviation"),
    (lambda X, b, t: "0.1", "expected"),
])
def test_exercise2_rejects(wrong, words, capsys):
    assert ch04.check_sigma_w(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and words in out


def test_exercise2_accepts(capsys):
    assert ch04.check_sigma_w(sigma_w) is True
    assert capsys.readouterr().out.startswith("Correct:")


def test_exercise2_does_not_let_the_reader_change_the_data(capsys):
    def mutating(X, sigma_b, target_var):
        X -= X.mean(axis=0)
        return sigma_w(X, sigma_b, target_var)
    # the checker passes a copy, so a mutating answer is judged on what it returns
    assert ch04.check_sigma_w(mutating) is False
    assert ch04.check_sigma_w(sigma_w) is True
    capsys.readouterr()


@pytest.mark.parametrize("stub_value", [None, ...])
def test_exercise1_never_raises_on_a_stub(stub_value, capsys):
    assert ch04.check_saturated_prediction(stub_value) is False
    assert capsys.readouterr().out.startswith("Not yet:")


def test_exercise1_solution_as_in_the_notebook(capsys):
    ex1_var = 256 * 0.2**2 * 1.0 + 0.5**2
    ex1_share = math.erfc(math.log(99) / math.sqrt(2 * ex1_var))
    assert ch04.check_saturated_prediction(ex1_share) is True
    capsys.readouterr()
