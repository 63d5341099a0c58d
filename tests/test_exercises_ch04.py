"""The chapter 4 checkers reject the stub and plausible wrong answers, accept the solutions."""

import math

import numpy as np
import pytest

from npnet_book.exercises import ch04

LN99 = math.log(99)


def stub(*args):
    raise NotImplementedError


# --- exercise 1: predicted share of saturated sigmoid outputs ------------------------------

def share(n, sigma_w, mean_sq_x, sigma_b):
    return math.erfc(LN99 / math.sqrt(2 * (n * sigma_w ** 2 * mean_sq_x + sigma_b ** 2)))


def share_no_sqrt2(n, sigma_w, mean_sq_x, sigma_b):
    return math.erfc(LN99 / math.sqrt(n * sigma_w ** 2 * mean_sq_x + sigma_b ** 2))


def share_with_variance(n, sigma_w, mean_sq_x, sigma_b):
    return math.erfc(LN99 / (math.sqrt(2) * (n * sigma_w ** 2 * mean_sq_x + sigma_b ** 2)))


def share_inside(*args):
    return 1 - share(*args)


def share_no_bias(n, sigma_w, mean_sq_x, sigma_b):
    return share(n, sigma_w, mean_sq_x, 0.0)


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
    (stub, "NotImplementedError"),
    (share_no_sqrt2, "sqrt(2)"),
    (share_with_variance, "standard deviation"),
    (share_inside, "INSIDE"),
    (share_no_bias, "bias"),
    (lambda *a: 0.5, "expected"),
])
def test_exercise1_rejects(wrong, words, capsys):
    assert ch04.check_saturated_share(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and words in out


def test_exercise1_accepts(capsys):
    assert ch04.check_saturated_share(share) is True
    assert capsys.readouterr().out.startswith("Correct:")


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
