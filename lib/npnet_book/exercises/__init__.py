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


def close_to(got, want, rtol=1e-6, atol=0.0):
    """Whether the reader's scalar ``got`` is finite and within ``atol + rtol·|want|`` of
    ``want`` (``False`` for anything that is not a number)."""
    try:
        got = float(got)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(got) and abs(got - want) <= atol + rtol * abs(want))


def attempt(fn, *args, **kwargs):
    """Call the reader's ``fn``; return ``(result, None)`` or ``(None, hint)`` if it raised."""
    try:
        return fn(*args, **kwargs), None
    except NotImplementedError:
        return None, "the function still raises NotImplementedError: fill in its body."
    except Exception as err:  # the reader's code may fail in any way; turn it into a hint
        return None, f"calling it raised {type(err).__name__}: {err}"

