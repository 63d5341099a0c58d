"""The chapter 6 checker rejects the stub and plausible wrong answers, accepts the solution."""

import math

import numpy as np

from npnet_book.exercises import ch06


def test_funnel_accepts_the_answer_and_its_rounded_forms(capsys):
    assert ch06.funnel_variance() == 1.6
    for good in [1.6, 512 * 2 / 640, np.array([1.6]), np.float64(1.6), 512 * (6 / 640) / 3]:
        assert ch06.check_funnel_variance(good)
    assert "Correct" in capsys.readouterr().out


def test_funnel_rejects_the_stub_and_wrong_turns(capsys):
    for wrong, word in [(None, "set `prediction`"), (1.0, "LeCun"), (0.4, "backward"),
                        (4.8, "a²/3"), (math.sqrt(1.6), "standard deviation"),
                        (2 / 640, "one weight"), (3.0, "expected about"),
                        ([1.6, 1.6], "one number"), (np.nan, "finite")]:
        assert not ch06.check_funnel_variance(wrong)
        assert word in capsys.readouterr().out


def test_funnel_matches_a_measurement():
    rng = np.random.default_rng(0)
    from npnet.init import glorot_uniform
    x = rng.standard_normal((2000, ch06.N_IN))
    W = glorot_uniform((ch06.N_IN, ch06.N_OUT), rng=rng)
    assert abs((x @ W).var() / ch06.funnel_variance() - 1) < 0.05
