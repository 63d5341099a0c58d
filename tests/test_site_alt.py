"""Every figure on a built chapter page carries the alt text its notebook stored.

Figures store their alt text in the output's metadata (``npnet_book.plots.set_alt``) or in the
cell's ``mystnb.image.alt``. myst-nb 1.4 reads only the latter, and rendered the others with
alt="<file name>.png", which a non-empty-alt check in the browser accepts;
_ext/npnet_site.py's ``output_alt_text`` fixes that. This test reads the built HTML.
"""

import re

import pytest

from site_pages import HTML, chapter_documents, need_build

IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')
SRC = re.compile(r'\bsrc="([^"]*)"')


def figure_alts(page):
    """(src, alt) of the page's figure images: rendered outputs and Explore frames (not the
    launch buttons' logos)."""
    out = []
    for tag in IMG.findall(page):
        src = (SRC.search(tag) or [None, ""])[1]
        if "_images/" not in src and not src.startswith("data:image/png"):
            continue
        alt = ALT.search(tag)
        out.append((src[:60], alt[1] if alt else None))
    return out


@pytest.mark.parametrize("doc", chapter_documents())
def test_figures_carry_their_alt_text(doc):
    need_build()
    page = (HTML / f"{doc}.html").read_text(encoding="utf-8")
    figures = figure_alts(page)
    assert figures, f"{doc}: no figure found"
    bad = [(src, alt) for src, alt in figures
           if not alt or re.search(r"\.(png|svg|jpe?g)$", alt) or len(alt) < 40]
    assert not bad, f"{doc}: figures without their alt text (src, alt): {bad[:3]}"


def test_the_check_catches_a_file_name_for_alt():
    page = '<img alt="../_images/f64e9d.png" src="../_images/f64e9d.png">'
    (src, alt), = figure_alts(page)
    assert alt.endswith(".png")
