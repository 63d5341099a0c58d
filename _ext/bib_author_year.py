"""Author–year labels on the References page.

sphinxcontrib-bibtex writes "(Glorot and Bengio, 2010)" in the text with
``bibtex_reference_style: author_year``, but the bibliography keeps the labels of its pybtex
style ("[GB10]" with the default ``alpha``). This extension registers a pybtex style,
``book_author_year``, that formats entries as pybtex's ``unsrt`` does, sorts them by author,
year and title, and labels them "Glorot and Bengio, 2010", "He et al., 2015" or "Nielsen,
2015" (a, b, … appended when two entries would share a label). ``_config.yml`` loads it through
``sphinx.local_extensions`` and selects it with ``bibtex_default_style``.
"""
import re
from collections import Counter
from string import ascii_lowercase

import pybtex.plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle

NAME = "book_author_year"


def _surname(person):
    """Last name with its particles ("van", "de"), without BibTeX braces."""
    return re.sub(r"[{}]", "", " ".join(person.prelast_names + person.last_names))


def _names(entry):
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in persons]
    if not names:
        return re.sub(r"[{}]", "", entry.fields.get("organization", entry.key))
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels "Surname, year", "A and B, year" or "A et al., year"; duplicates get a, b, …"""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [f"{_names(e)}, {e.fields.get('year', 'n.d.')}" for e in entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield label + ascii_lowercase[seen[label] - 1]
            else:
                yield label


class AuthorYearStyle(UnsrtStyle):
    """pybtex's unsrt formatting, sorted by author, year and title, with author–year labels."""
    default_label_style = NAME
    default_sorting_style = "author_year_title"


pybtex.plugin.register_plugin("pybtex.style.labels", NAME, AuthorYearLabelStyle)
pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, AuthorYearStyle)


def setup(app):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
