"""Chapters that do not yet follow a newer rule. Work that brings a chapter up to a rule
removes it from the list; the lists only shrink.

- ``EXERCISES``: the exercise rule (tests/test_anatomy.py ``exercise_problems`` and the
  replication run without solutions, tests/replicate_notebooks.py). Every worked solution is
  a code cell tagged ``solution`` (and ``hide-cell``); with every solution cell removed the
  chapter still runs, because solution cells bind their own names, later cells use the book's
  values, and checkers never raise on a stub; and no measurement that answers an exercise is
  visible on the stored page until the reader opens it.
- ``LEAN``: Part I's reading budget (≤ 2,000 words, ≤ 100 visible code lines of ≤ 75 characters,
  chapter 4 ≤ 90 to leave room for the clinic's case).
- ``SITE``: the reader-site rules (tests/test_anatomy.py ``site_problems``): numbered,
  captioned figures cited with {numref}, no hand-written figure/equation numbers, no "note"
  the reader cannot see, folded Explore cells with labelled knobs and a watched readout, code
  lines ≤ 75 characters.
"""

EXERCISES = set()

LEAN = set()

SITE = set()
