"""The chapter 11 checker rejects the stub and plausible wrong answers, accepts the solution."""

import math

import numpy as np
import pytest

from npnet_book.exercises import ch11

K, EPS = 400, 1e-6
GD = math.log(1 / EPS) / math.log((K + 1) / (K - 1))
HB = math.log(1 / EPS) / math.log((math.sqrt(K) + 1) / (math.sqrt(K) - 1))


def test_the_numbers_are_the_rates():
    assert abs(GD - 2763.1) < 0.5 and abs(HB - 138.04) < 0.05
    assert ch11.predicted_steps() == pytest.approx({"gradient descent": GD, "heavy ball": HB})


@pytest.mark.parametrize("answer", [
    {"gradient descent": GD, "heavy ball": HB},
    {"gradient descent": round(GD), "heavy ball": round(HB)},                # rounded, as printed
    {"gradient descent": np.array([GD]), "heavy ball": np.float64(HB)},      # 1-element array
    {"gradient descent": K / 2 * math.log(1 / EPS), "heavy ball": math.sqrt(K) / 2 * math.log(1 / EPS)},
])
def test_accepts_the_solution(answer, capsys):
    assert ch11.check_steps_prediction(answer) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("answer, words", [
    ({"gradient descent": None, "heavy ball": None}, "fill in"),
    ({"gradient descent": GD, "heavy ball": None}, "'heavy ball'"),
    ([GD, HB], "dict"),
    ({"gd": GD, "hb": HB}, "keys"),
    ({"gradient descent": GD / 2, "heavy ball": HB}, "LOSS"),
    ({"gradient descent": 2 * GD, "heavy ball": HB}, "factor of 2"),
    ({"gradient descent": GD, "heavy ball": math.log(1 / EPS) / math.log(20 / 19)}, "factor of 2"),
    ({"gradient descent": HB, "heavy ball": GD}, "swapped"),
    ({"gradient descent": GD * math.log10(math.e), "heavy ball": HB}, "logarithms"),
    ({"gradient descent": GD, "heavy ball": float("nan")}, "finite"),
    ({"gradient descent": GD, "heavy ball": np.ones(2)}, "one number"),
    ({"gradient descent": GD, "heavy ball": 1.015 * HB}, "close"),
    ({"gradient descent": 10.0, "heavy ball": HB}, "expected about"),
])
def test_rejects_wrong_answers_with_a_hint(answer, words, capsys):
    assert ch11.check_steps_prediction(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out.replace("\n    ", " "), out


def test_never_raises_on_odd_input(capsys):
    odd_inputs = [None, "many", 3, {"gradient descent": "x", "heavy ball": "y"},
                  {"gradient descent": [100.0], "heavy ball": [50.0]}]   # one-element lists, wrong
    for odd in odd_inputs:
        assert ch11.check_steps_prediction(odd) is False
    assert capsys.readouterr().out.count("Not yet") == len(odd_inputs)
