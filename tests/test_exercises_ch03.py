"""The chapter 3 checkers reject the stub and plausible wrong answers, and accept the worked
solutions (the same code as the notebook's hidden solution cells)."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from npnet_book.exercises import ch03


def stub(*args):
    raise NotImplementedError


# --- exercise 1: bias for a chosen active fraction ---------------------------------------

def bias_for_fraction(w, mu, s, q):
    return s * np.linalg.norm(w) * NormalDist().inv_cdf(q) - w @ mu


def bias_sign_flipped(w, mu, s, q):
    return s * np.linalg.norm(w) * NormalDist().inv_cdf(q) + w @ mu


def bias_unscaled(w, mu, s, q):
    return NormalDist().inv_cdf(q) - w @ mu


def test_bias_checker_rejects_the_stub(capsys):
    assert ch03.check_bias_for_fraction(stub) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and "First step: start from equation (1)" in out


def test_bias_checker_gives_no_first_step_once_started(capsys):
    def broken(w, mu, s, q):
        return w @ mu @ q                      # raises: a scalar has no matmul

    assert ch03.check_bias_for_fraction(broken) is False
    out = capsys.readouterr().out
    assert "raised" in out and "First step" not in out


def test_bias_checker_rejects_wrong_answers(capsys):
    assert ch03.check_bias_for_fraction(bias_sign_flipped) is False
    assert "sign" in capsys.readouterr().out
    assert ch03.check_bias_for_fraction(bias_unscaled) is False
    assert "standard deviation" in capsys.readouterr().out
    assert ch03.check_bias_for_fraction(lambda w, mu, s, q: "0.5 please") is False
    assert "one number" in capsys.readouterr().out


def test_bias_checker_accepts_the_solution(capsys):
    assert ch03.check_bias_for_fraction(bias_for_fraction) is True
    out = capsys.readouterr().out
    assert out.startswith("Correct") and "target 90 %" in out


# --- exercise 2: an affine map from a bias-free ReLU layer -------------------------------

def affine_from_relus(a, c):
    W1 = np.c_[a, -a]
    W2 = np.array([[1.0], [-1.0]])
    return W1, W2, np.array([c])


def affine_missing_minus(a, c):
    return np.c_[a, -a], np.array([[1.0], [1.0]]), np.array([c])


def affine_one_unit(a, c):
    return a.reshape(2, 1), np.array([[1.0]]), np.array([c])


def test_affine_checker_rejects_the_stub(capsys):
    assert ch03.check_affine_from_relus(stub) is False
    out = capsys.readouterr().out
    assert "NotImplementedError" in out and "relu(z) - relu(-z) = z" in out


def test_affine_checker_rejects_wrong_answers(capsys):
    assert ch03.check_affine_from_relus(affine_missing_minus) is False
    assert "Not yet" in capsys.readouterr().out
    assert ch03.check_affine_from_relus(affine_one_unit) is False
    assert "x·a < 0" in capsys.readouterr().out
    assert ch03.check_affine_from_relus(lambda a, c: (np.c_[a, -a], np.ones((3, 1)), np.zeros(1))) is False
    assert "shape" in capsys.readouterr().out
    assert ch03.check_affine_from_relus(lambda a, c: a) is False
    assert "tuple" in capsys.readouterr().out


def test_affine_checker_accepts_the_solution(capsys):
    assert ch03.check_affine_from_relus(affine_from_relus) is True
    assert capsys.readouterr().out.startswith("Correct")


# --- exercise 1: predict the share of dead zero-bias units (equation (2)) -----------------

def test_dead_share_checker_accepts_the_formula_and_a_hand_value(capsys):
    exact = 0.5 - math.asin(1 / 3) / math.pi
    assert ch03.check_dead_share(exact, d=3.0, R=1.0) is True
    assert ch03.check_dead_share(np.array([0.39]), d=3.0, R=1.0) is True     # two digits by hand
    assert capsys.readouterr().out.startswith("Correct")
    assert ch03.reference_dead_share(2 * math.sqrt(2), 1.0) == pytest.approx(0.3850, abs=1e-4)
    assert ch03.reference_dead_share(0.5, 1.0) == 0.0                         # origin inside the data


@pytest.mark.parametrize("wrong, words", [
    (None, "replace None"),
    (39.18, "not a percentage"),
    (0.5 - math.asin(1 / 3), "radians"),
    (2 * math.asin(1 / 3) / math.pi, "split the data"),
    (1 - 2 * math.asin(1 / 3) / math.pi, "dead *or* always on"),
    (math.asin(1 / 3) / math.pi, "1/2 minus"),
    (0.2, "expected about 0.3918"),
    ("about 0.4", "one number"),
])
def test_dead_share_checker_names_the_likely_mistake(capsys, wrong, words):
    assert ch03.check_dead_share(wrong, d=3.0, R=1.0) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in " ".join(out.split())


def test_dead_share_checker_rejects_bad_geometry():
    with pytest.raises(ValueError, match="positive distances"):
        ch03.check_dead_share(0.4, d=0.0, R=1.0)


@pytest.mark.parametrize("stub_value", [None, ...])
def test_dead_share_checker_never_raises_on_a_stub(capsys, stub_value):
    assert ch03.check_dead_share(stub_value, d=3.0, R=1.0) is False
    assert capsys.readouterr().out.startswith("Not yet")


def test_dead_share_solution_as_in_the_notebook(capsys):
    dead_share = 0.5 - math.asin(1 / 3) / math.pi     # the notebook's solution cell
    assert ch03.check_dead_share(dead_share, d=3.0, R=1.0) is True
    assert capsys.readouterr().out.startswith("Correct")
