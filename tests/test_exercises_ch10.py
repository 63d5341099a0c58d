"""The chapter 10 checker rejects the stub and plausible wrong answers, and accepts the worked
solution (the same code as the notebook's hidden solution cell)."""

import numpy as np
import pytest

from npnet_book.exercises import ch10

SIGMA2, B, N = 111.8891, 32, 500
WITH = SIGMA2 / B
WITHOUT = SIGMA2 / B * (N - B) / (N - 1)


def check(a, b, capsys):
    ok = ch10.check_batch_noise(a, b, sigma2=SIGMA2, B=B, N=N)
    return ok, " ".join(capsys.readouterr().out.split())      # undo the 72-column wrapping


def test_rejects_the_stub(capsys):
    ok, out = check(None, None, capsys)
    assert ok is False and out.startswith("Not yet") and "replace None" in out


def test_accepts_the_solution_as_float_array_or_rounded(capsys):
    ok, out = check(WITH, WITHOUT, capsys)
    assert ok is True and out.startswith("Correct") and "0.938" in out
    ok, _ = check(np.array([WITH]), np.float64(WITHOUT), capsys)
    assert ok is True
    ok, _ = check(round(WITH, 2), round(WITHOUT, 2), capsys)        # as a hand calculation gives
    assert ok is True


def test_swapped_answers_get_the_sampling_hint(capsys):
    ok, out = check(WITHOUT, WITH, capsys)
    assert ok is False and "other kind of sampling" in out


def test_common_mistakes_get_specific_hints(capsys):
    ok, out = check(SIGMA2 / np.sqrt(B), WITHOUT, capsys)
    assert ok is False and "1/√B" in out
    n = 50                                         # small N: (N − B)/N and (N − B)/(N − 1) differ by 2 %
    assert ch10.check_batch_noise(WITH, SIGMA2 / B * (n - B) / n, sigma2=SIGMA2, B=B, N=n) is False
    assert "N − 1" in " ".join(capsys.readouterr().out.split())
    ok, out = check(SIGMA2, WITHOUT, capsys)
    assert ok is False and "divides the variance by B" in out


def test_rejects_a_non_number_without_raising(capsys):
    ok, out = check("3.5", [1.0, 2.0], capsys)
    assert ok is False and "one number" in out


def test_the_reference_is_equation_1():
    assert ch10.reference_batch_noise(2.0, 4, 10, replace=True) == 0.5
    assert ch10.reference_batch_noise(2.0, 10, 10, replace=False) == 0.0
    assert ch10.reference_batch_noise(2.0, 1, 10, replace=False) == 2.0


@pytest.mark.parametrize("kwargs", [dict(sigma2=-1.0, B=4, N=10), dict(sigma2=1.0, B=11, N=10),
                                    dict(sigma2=1.0, B=2.5, N=10)])
def test_bad_problem_raises_value_error(kwargs):
    with pytest.raises(ValueError, match="sigma2"):
        ch10.check_batch_noise(1.0, 1.0, **kwargs)
