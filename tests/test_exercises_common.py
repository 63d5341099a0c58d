"""The shared "predict, then measure" checker ``check_number``: each branch prints its own
message and returns the verdict."""

import numpy as np

from npnet_book.exercises import check_number

WANT = 2.0
WRONG = {4.0: "that is the variance; give the std.", 1.0: "off by one."}


def check(value, **kwargs):
    options = dict(success="2 it is.", missing="set x to a number.", wrong=WRONG,
                   nudge=" Start from the formula.", rtol=1e-6, rounded_rtol=0.01)
    return check_number(value, WANT, **{**options, **kwargs})


def test_none_asks_for_a_number(capsys):
    assert check(None) is False
    assert capsys.readouterr().out == "Not yet: set x to a number.\n"


def test_correct_and_rounded_answers_pass(capsys):
    for value in [2.0, 2, np.array([2.0]), 2.01, 1.99]:
        assert check(value) is True
        assert capsys.readouterr().out == "Correct: 2 it is.\n"


def test_a_known_wrong_answer_gets_its_hint_within_the_same_tolerance(capsys):
    for value, hint in [(4.0, WRONG[4.0]), (4.03, WRONG[4.0]), (1.0, WRONG[1.0])]:
        assert check(value) is False
        assert capsys.readouterr().out == f"Not yet: {hint}\n"
    # a sequence of pairs works too, tried in order: the first match wins
    assert check(4.0, wrong=[(4.0, "first."), (4.0, "second.")]) is False
    assert capsys.readouterr().out == "Not yet: first.\n"


def test_close_but_outside_the_tolerance_says_so_and_nudges(capsys):
    assert check(2.03) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet: close: expected 2, you returned 2.03 (off by 1.50%).")
    assert out.rstrip().endswith("Start from the formula.")


def test_far_answers_get_the_expected_value_and_the_nudge(capsys):
    assert check(3.0) is False
    assert capsys.readouterr().out == ("Not yet: expected about 2, you returned 3. Start from"
                                       " the formula.\n")
    assert check(3.0, wrong=None, nudge="") is False
    assert capsys.readouterr().out == "Not yet: expected about 2, you returned 3.\n"


def test_an_answer_that_is_not_one_finite_number(capsys):
    assert check([1.0, 2.0]) is False
    out = capsys.readouterr().out
    assert "return one number" in out and "Start from the formula." in out
    assert check(np.nan, nudge_invalid=False) is False
    assert capsys.readouterr().out == "Not yet: the answer is nan, not a finite number.\n"
    assert check("two", nudge_invalid=False) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet: give one number") and "Start from" not in out
