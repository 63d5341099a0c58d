"""The chapter 1 checkers reject the stub and plausible wrong answers and accept the solutions."""

import math

import numpy as np

from npnet_book.exercises import ch01


def stub(*args, **kwargs):
    raise NotImplementedError


# --- Exercise 1: the loss an all-zero network converges to -------------------------------

def final_loss_solution(y):
    p = float(np.mean(y))
    if p in (0.0, 1.0):
        return 0.0
    return -p * math.log(p) - (1 - p) * math.log(1 - p)


def test_zero_init_final_loss_rejects_the_stub(capsys):
    assert ch01.check_zero_init_final_loss(stub) is False
    assert "Not yet" in capsys.readouterr().out


def test_zero_init_final_loss_rejects_wrong_answers(capsys):
    assert ch01.check_zero_init_final_loss(lambda y: math.log(2)) is False
    assert "balanced" in capsys.readouterr().out
    # the entropy without the 0 ln 0 = 0 convention gives nan for a single class
    naive = lambda y: float(-np.mean(y) * np.log(np.mean(y)) - (1 - np.mean(y)) * np.log(1 - np.mean(y)))
    with np.errstate(divide="ignore", invalid="ignore"):
        assert ch01.check_zero_init_final_loss(naive) is False
    assert "0·ln 0" in capsys.readouterr().out
    assert ch01.check_zero_init_final_loss(lambda y: final_loss_solution(y) / math.log(2)) is False


def test_zero_init_final_loss_accepts_the_solution(capsys):
    assert ch01.check_zero_init_final_loss(final_loss_solution) is True
    assert capsys.readouterr().out.startswith("Correct")


# --- Exercise 2: the predicted share of saturated tanh outputs ----------------------------

def share_solution(X, sigma_w, sigma_b=0.0):
    std = np.sqrt(sigma_w ** 2 * np.sum(X ** 2, axis=1) + sigma_b ** 2)
    return float(np.mean([math.erfc(math.atanh(0.99) / (math.sqrt(2) * s)) for s in std]))


def shortcut(X, sigma_w, sigma_b=0.0):
    var = sigma_w ** 2 * np.mean(np.sum(X ** 2, axis=1)) + sigma_b ** 2
    return math.erfc(math.atanh(0.99) / math.sqrt(2 * var))


def test_saturated_share_rejects_the_stub(capsys):
    assert ch01.check_saturated_share(stub) is False
    assert "NotImplementedError" in capsys.readouterr().out


def test_saturated_share_rejects_wrong_answers(capsys):
    assert ch01.check_saturated_share(shortcut) is False
    assert "averaged the variance" in capsys.readouterr().out
    assert ch01.check_saturated_share(lambda X, w, b=0.0: share_solution(X, w, b) / 2) is False
    assert "two tails" in capsys.readouterr().out
    assert ch01.check_saturated_share(lambda X, w, b=0.0: share_solution(X, w)) is False  # bias ignored
    assert "Not yet" in capsys.readouterr().out


def test_saturated_share_accepts_the_solution(capsys):
    assert ch01.check_saturated_share(share_solution) is True
    assert capsys.readouterr().out.startswith("Correct")


def test_saturated_share_reference_matches_sampling():
    """The checker's reference is the expectation that sampling many weight draws estimates."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 3))
    sigma_w, sigma_b = 2.0, 0.5
    W = sigma_w * rng.standard_normal((3, 20000))
    b = sigma_b * rng.standard_normal(20000)
    sampled = np.mean(np.abs(np.tanh(X @ W + b)) > 0.99)
    assert abs(sampled - ch01._saturated_share(X, sigma_w, sigma_b)) < 0.01


def said(capsys):
    """The checker's printed verdict with its line wrapping undone."""
    return " ".join(capsys.readouterr().out.split())


def test_saturated_share_accepts_the_texts_rounded_constant_and_names_a_coarser_one(capsys):
    def with_a(a):
        def share(X, sigma_w, sigma_b=0.0):
            std = np.sqrt(sigma_w ** 2 * np.sum(X ** 2, axis=1) + sigma_b ** 2)
            return float(np.mean([math.erfc(a / (math.sqrt(2) * s)) for s in std]))
        return share
    assert ch01.check_saturated_share(with_a(2.647)) is True          # the text's 2.647
    assert "rounded a = 2.647" in said(capsys)
    assert ch01.check_saturated_share(with_a(2.65)) is False
    out = said(capsys)
    assert "rounded constant" in out and "2.65" in out
    assert ch01.check_saturated_share(lambda X, w, b=0.0: np.array([share_solution(X, w, b)])) is True
    said(capsys)
    assert ch01.check_saturated_share(lambda X, w, b=0.0: [0.1, 0.2]) is False
    assert "one number" in said(capsys)


def test_zero_init_final_loss_takes_arrays_and_the_texts_rounding(capsys):
    assert ch01.check_zero_init_final_loss(lambda y: np.array(final_loss_solution(y))) is True
    # printed to four digits, as the text prints it: within the rounded-constant tolerance
    assert ch01.check_zero_init_final_loss(lambda y: round(final_loss_solution(y), 4)) is True
    capsys.readouterr()
    assert ch01.check_zero_init_final_loss(lambda y: 1.01 * final_loss_solution(y)) is False
    assert "close" in said(capsys)
    assert ch01.check_zero_init_final_loss(lambda y: [0.1, 0.2]) is False
    assert "one number" in said(capsys)


# --- Exercise 3: dropout and symmetry -----------------------------------------------------

def test_dropout_prediction_rejects_the_stub_and_wrong_predictions(capsys):
    assert ch01.check_dropout_prediction({"input dropout": None, "hidden dropout": None}) is False
    assert "before you measure" in said(capsys)
    assert ch01.check_dropout_prediction({"input dropout": True, "hidden dropout": True}) is False
    assert "same masked x" in said(capsys)
    assert ch01.check_dropout_prediction({"input dropout": False, "hidden dropout": False}) is False
    assert "independently" in said(capsys)
    assert ch01.check_dropout_prediction({"hidden": True}) is False
    assert "keys" in said(capsys)


def test_dropout_prediction_accepts_the_answer(capsys):
    assert ch01.check_dropout_prediction({"input dropout": False, "hidden dropout": True}) is True
    assert said(capsys).startswith("Correct")


# --- Stubs: a checker says what is missing and never raises --------------------------------

STUBS = [None, ..., lambda *args, **kwargs: None, lambda *args, **kwargs: ..., stub]


def test_checkers_never_raise_on_a_stub(capsys):
    for check in (ch01.check_zero_init_final_loss, ch01.check_saturated_share):
        for s in STUBS:
            assert check(s) is False
            assert "Not yet" in capsys.readouterr().out
    template = {"input dropout": None, "hidden dropout": None}     # the stub cell's dict
    for s in STUBS + [template, {}, {"input dropout": ...}]:
        assert ch01.check_dropout_prediction(s) is False
        assert "Not yet" in capsys.readouterr().out
