"""Checkers for the chapters' exercises (imported explicitly: ``import npnet_book.exercises``).

This package holds the shared framework; each chapter's checkers live in their own module
(``npnet_book.exercises.ch01`` ...), each unit-tested in ``tests/test_exercises_chNN.py``: the
checker must reject the stub and accept the worked solution.

A checker never raises: it prints ``Correct`` with what the result shows, or ``Not yet``
with a hint, and returns ``True``/``False`` — so a notebook with an unfinished stub still runs,
and nbval can prove that the checker rejects the stub and accepts the worked solution.
"""

import textwrap

import numpy as np


def report(ok, success, hint):
    """Print the verdict, wrapped to 72 columns so it stays readable in the book's narrow
    output boxes, and return ``ok``."""
    message = f"Correct: {success}" if ok else f"Not yet: {hint}"
    print(textwrap.fill(message, 72, subsequent_indent="    "))
    return bool(ok)


def _as_number(got):
    """``got`` as a float when it is one number (a float, an int, a 0-d or 1-element array),
    else ``None``."""
    if isinstance(got, (bool, np.bool_)):
        return None
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(arr.reshape(-1)[0]) if arr.size == 1 else None


def compare(got, want, *, rtol=1e-6, atol=0.0, rounded_rtol=5e-4):
    """Compare the reader's scalar answer ``got`` with ``want``; return ``(ok, hint)``.

    Accepted: a float, an int, a 0-d or 1-element array, within ``atol + rtol·|want|`` of
    ``want`` — or within ``rounded_rtol·|want|``, the precision the text's printed, rounded
    constants allow (e.g. artanh 0.99 ≈ 2.647). ``hint`` is ``""`` when accepted; otherwise it
    says what was expected: one number, a finite one, or — when the answer is close but
    outside the tolerance — that precision is the likely issue.
    """
    value = _as_number(got)
    if value is None:
        return False, (f"return one number (a float, or an array holding one value); got"
                       f" {type(got).__name__}{' of shape ' + str(np.shape(got)) if hasattr(got, 'shape') else ''}.")
    if not np.isfinite(value):
        return False, f"the answer is {value}, not a finite number."
    error = abs(value - want)
    if error <= atol + rtol * abs(want) or error <= rounded_rtol * abs(want):
        return True, ""
    if error <= 0.02 * abs(want):
        return False, (f"close: expected {want:.6g}, you returned {value:.6g} (off by"
                       f" {error / abs(want):.2%}). If you used a rounded constant, keep more"
                       " digits; otherwise check a factor or an off-by-one.")
    return False, f"expected about {want:.4g}, you returned {value:.4g}."


def check_number(value, want, *, success, missing, wrong=None, nudge="", rtol=1e-6, atol=0.0,
                 rounded_rtol=5e-4, nudge_invalid=True):
    """Check a "predict, then measure" answer: print the verdict (see :func:`report`) and
    return ``True``/``False``; never raises on ``value``.

    1. ``value is None`` (the stub): ``Not yet: <missing>``.
    2. :func:`compare` accepts ``value`` (``rtol``, ``atol``, ``rounded_rtol``):
       ``Correct: <success>``.
    3. ``value`` matches a known wrong answer — ``wrong`` is a dict ``{value: hint}`` or a
       sequence of ``(value, hint)`` pairs, tried in order, each matched by :func:`compare`
       with the same tolerances: that hint.
    4. Otherwise :func:`compare`'s hint followed by ``nudge`` (start ``nudge`` with a space).

    An answer that is not one finite number gets step 4's message; with
    ``nudge_invalid=False`` it gets :func:`compare`'s hint alone, phrased "give one number"
    (a prediction is given, not returned).
    """
    if value is None:
        return report(False, success, missing)
    tol = dict(rtol=rtol, atol=atol, rounded_rtol=rounded_rtol)
    ok, hint = compare(value, want, **tol)
    if ok:
        return report(True, success, "")
    if not nudge_invalid and (hint.startswith("return one number") or "finite" in hint):
        return report(False, success, hint.replace("return one number", "give one number"))
    pairs = wrong.items() if isinstance(wrong, dict) else (wrong or ())
    for candidate, why in pairs:
        if compare(value, candidate, **tol)[0]:
            return report(False, success, why)
    return report(False, success, hint + nudge)


def close_to(got, want, rtol=1e-6, atol=0.0):
    """Whether the reader's scalar ``got`` is within tolerance of ``want`` (see :func:`compare`)."""
    return compare(got, want, rtol=rtol, atol=atol, rounded_rtol=0.0)[0]


def attempt(fn, *args, **kwargs):
    """Call the reader's ``fn``; return ``(result, None)`` or ``(None, hint)`` if it raised."""
    try:
        return fn(*args, **kwargs), None
    except NotImplementedError:
        return None, "the function still raises NotImplementedError: fill in its body."
    except Exception as err:  # the reader's code may fail in any way; turn it into a hint
        return None, f"calling it raised {type(err).__name__}: {err}"

