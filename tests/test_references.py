"""references.bib holds exactly the works the book cites.

The References page lists every entry (``:all:``), so an entry that no page cites would appear
there without a reason; a citation of a missing key fails the strict build.
"""
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]*)`")


def bib_keys():
    return re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M)


def cited_keys():
    texts = [p.read_text(encoding="utf-8") for p in ROOT.glob("*.md")]
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts += [c.source for c in nb.cells if c.cell_type == "markdown"]
    return {key.strip() for text in texts for m in CITE.finditer(text) for key in m.group(1).split(",")}


def test_bib_keys_are_unique():
    keys = bib_keys()
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_every_entry_is_cited():
    uncited = sorted(set(bib_keys()) - cited_keys())
    assert not uncited, f"entries cited nowhere (cite them or remove them): {uncited}"
