"""The chapter 5 checkers reject the stub and plausible wrong answers, accept the solutions."""

import math

import numpy as np

from npnet_book.exercises import ch05

GAIN = ch05.WEIGHT_STD * math.sqrt(ch05.WIDTH)


# --- exercise 1: predicted std after ten layers -----------------------------------------------

def test_layer10_accepts_the_prediction_and_its_rounded_forms(capsys):
    assert ch05.check_layer10_std(GAIN ** 10)
    assert ch05.check_layer10_std(0.5 ** 10)
    assert ch05.check_layer10_std(np.array([9.77e-4]))
    assert ch05.check_layer10_std(np.float64(0.000977))
    assert "Correct" in capsys.readouterr().out


def test_layer10_rejects_the_stub_and_wrong_turns(capsys):
    for wrong, word in [(None, "set `prediction`"), (ch05.WEIGHT_STD ** 10, "√n"),
                        ((ch05.WEIGHT_STD * ch05.WIDTH) ** 10, "not by n"),
                        (GAIN ** 9, "off by one"), (GAIN ** 20, "variance"),
                        (0.3, "expected about"), ([1e-3, 1e-3], "one number"), (np.nan, "finite")]:
        assert not ch05.check_layer10_std(wrong)
        assert word in capsys.readouterr().out


# --- exercise 2: E[tanh(sqrt(q) z)^2] by Gauss-Hermite -------------------------------------------

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(101)


def second_moment(q):
    return float(np.sum(WEIGHTS * np.tanh(math.sqrt(q) * NODES) ** 2) / math.sqrt(2 * math.pi))


def unnormalised(q):
    return float(np.sum(WEIGHTS * np.tanh(math.sqrt(q) * NODES) ** 2))


def scaled_by_q(q):
    return second_moment(q * q)


def physicists(q):
    x, w = np.polynomial.hermite.hermgauss(101)
    return float(np.sum(w * np.tanh(math.sqrt(q) * x) ** 2) / math.sqrt(math.pi))


def at_one(q):
    return math.tanh(math.sqrt(q)) ** 2


def stub(q):
    raise NotImplementedError


def test_second_moment_reference_is_accurate():
    assert abs(ch05.tanh_second_moment(1.0) - second_moment(1.0)) < 1e-8
    assert ch05.tanh_second_moment(0.0) == 0.0


def test_second_moment_accepts_gauss_hermite(capsys):
    assert ch05.check_second_moment(second_moment)
    assert "Correct" in capsys.readouterr().out


def test_second_moment_rejects_the_stub_and_wrong_turns(capsys):
    for wrong, word in [(stub, "NotImplementedError"), (unnormalised, "√(2π)"),
                        (scaled_by_q, "scaled by √q"), (physicists, "hermegauss"),
                        (at_one, "average"), (lambda q: [1.0, 2.0], "one number"),
                        (lambda q: 0.5, "at q =")]:
        assert not ch05.check_second_moment(wrong)
        assert word in capsys.readouterr().out
