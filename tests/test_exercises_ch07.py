"""The chapter 7 checker rejects the stub and plausible wrong answers, accepts the solution."""

import numpy as np

from npnet_book.exercises import ch07

FACTOR = ch07.GAIN * ch07.SLOPE
WANT = FACTOR ** (ch07.DEPTH - 1)


def test_gradient_ratio_accepts_the_prediction_and_its_rounded_forms(capsys):
    assert ch07.check_gradient_ratio(WANT)
    assert ch07.check_gradient_ratio(0.2 ** 5)
    assert ch07.check_gradient_ratio(np.array([3.2e-4]))
    assert ch07.check_gradient_ratio(np.float64(0.00032))
    assert "Correct" in capsys.readouterr().out


def test_gradient_ratio_rejects_the_stub_and_wrong_turns(capsys):
    for wrong, word in [(None, "set `prediction`"), (0.25 ** 5, "slope alone"),
                        (0.8 ** 5, "g^5"), (FACTOR ** 6, "off by one"),
                        (FACTOR ** 4, "off by one"), (FACTOR ** 10, "squared norms"),
                        ((0.8 * 0.5) ** 5, "not ½"),
                        (0.3, "expected about"), ([1e-3, 1e-3], "one number"),
                        (np.nan, "finite")]:
        assert not ch07.check_gradient_ratio(wrong)
        assert word in capsys.readouterr().out


def test_gradient_ratio_never_raises_on_odd_input(capsys):
    for odd in [object(), {}, np.zeros((2, 2)), True]:
        assert ch07.check_gradient_ratio(odd) is False
    capsys.readouterr()
