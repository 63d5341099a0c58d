"""npnet_book — the book's own companions to ``npnet``: the chapters' exercise checkers.

Kept out of ``npnet`` so that ``help(npnet)`` is about networks and the answers stay out of
the reader's toolkit; installing the repository installs both packages.
"""
