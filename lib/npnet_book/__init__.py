"""npnet_book — the book's layer on top of ``npnet``: what a chapter needs besides a network.

- ``npnet_book.plots``: the figures several chapters share, and the book's one palette;
- ``npnet_book.explore``: the Explore controls (precomputed frames behind buttons and sliders,
  live in a kernel and as plain HTML on the static site);
- ``npnet_book.seeds``: every random stream a chapter draws from, one per purpose;
- ``npnet_book.fmt``: how a result over seeds is printed (mean ± sample sd, "k of n");
- ``npnet_book.exercises``: the chapters' exercise checkers.

Kept out of ``npnet`` so that the network library needs NumPy only and ``help(npnet)`` is about
networks; installing the repository installs both packages. Submodules are imported explicitly.
"""
