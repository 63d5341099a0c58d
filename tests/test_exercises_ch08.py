"""The chapter 8 checkers reject the stub and plausible wrong answers, and accept the worked
solutions (the same code as the notebook's hidden solution cells)."""

import numpy as np
import pytest

from npnet_book.exercises import ch08

BATCH = [1.0, 2.0, 3.0, 4.0]


def stub(*args):
    raise NotImplementedError


def bn_backward(dout, xhat, inv_std, gamma):
    g = dout * gamma
    return inv_std * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))


def test_running_var_accepts_the_answer_in_every_form(capsys):
    want = 0.9 + 0.1 * np.var(BATCH, ddof=1)
    for got in [want, np.array(want), np.array([want]), round(want, 4)]:
        assert ch08.check_running_var(got, BATCH) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("got, words", [(None, "replace None"),
                                        (0.9 + 0.1 * np.var(BATCH), "biased variance"),
                                        (np.var(BATCH, ddof=1), "10 %"),
                                        (1.5, "expected about"),
                                        ([1.0, 1.1], "one number")])
def test_running_var_rejects_with_a_hint(capsys, got, words):
    assert ch08.check_running_var(got, BATCH) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out


def test_running_var_refuses_a_bad_batch():
    with pytest.raises(ValueError, match="at least 2"):
        ch08.check_running_var(1.0, [3.0])


def test_backward_accepts_the_solution(capsys):
    assert ch08.check_bn_backward(bn_backward) is True
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("fn, words", [
    (stub, "First step"),
    (lambda dout, xhat, inv_std, gamma: dout * gamma * inv_std, "evaluation-mode"),
    (lambda dout, xhat, inv_std, gamma: inv_std * (dout * gamma - (dout * gamma).mean(axis=1, keepdims=True)), "differs"),
    (lambda dout, xhat, inv_std, gamma: 0.0, "shape"),
    (lambda dout, xhat, inv_std, gamma: dout[0], "shape"),
])
def test_backward_rejects_with_a_hint(capsys, fn, words):
    assert ch08.check_bn_backward(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out
