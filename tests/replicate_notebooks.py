"""The replication run: every notebook of the table of contents executed with the seed offset
in ``BOOK_SEED_OFFSET`` (``make test`` uses 1000, ``make replicate`` the offsets you give),
comparing nothing. Every random draw of a chapter moves with the offset (npnet_book.seeds),
so a cell that raises (an assert whose claim does not replicate) fails the run.

Not collected by the unit-test pass (its name does not start with ``test_``); run it as
``BOOK_SEED_OFFSET=1000 pytest -n 2 tests/replicate_notebooks.py``. The executed notebooks
are written to ``_build/replicate/offset-N/`` so their printed values can be read (calibration).

Chapters under the exercise rule (not on ``tests/not_yet.py``'s ``EXERCISES`` list) run with
every worked solution removed (cells tagged ``solution``): the reader's stubs stay as stored,
so the run proves that a chapter works for a reader who has answered nothing yet.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from npnet_book import seeds

import not_yet  # noqa: E402  (tests/not_yet.py, on the path as a sibling)

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds per cell


def toc_notebooks():
    """The chapter notebooks in the order ``_toc.yml`` lists them."""
    toc = (ROOT / "_toc.yml").read_text()
    names = re.findall(r"^\s*-\s*file:\s*(chapters/\S+)\s*$", toc, flags=re.M)
    return [ROOT / f"{name}.ipynb" for name in names]


NOTEBOOKS = toc_notebooks()


def required_offset():
    offset = seeds.offset()            # the helper's own parsing: a bad value raises there
    if offset == 0:
        pytest.fail("the replication run needs BOOK_SEED_OFFSET set to a positive integer")
    return offset


def test_toc_lists_every_notebook():
    on_disk = sorted((ROOT / "chapters").glob("*.ipynb"))
    assert sorted(NOTEBOOKS) == on_disk and len(NOTEBOOKS) >= 13


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_replicates(path):
    offset = required_offset()
    nb = nbformat.read(path, as_version=4)
    if path.stem not in not_yet.EXERCISES:
        nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    probe = ("import resource as _r, npnet_book.seeds as _s\n"
             "print('BOOK_SEED_OFFSET seen by the kernel:', _s.offset())\n"
             "_u = _r.getrusage(_r.RUSAGE_SELF)\n"
             "print(f'kernel CPU time: {_u.ru_utime + _u.ru_stime:.1f} s')")
    nb.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False)
    try:
        client.execute()   # raises CellExecutionError at the first cell that raises
    finally:
        out = ROOT / "_build" / "replicate" / f"offset-{offset}" / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == n_code + 1 and all(c.execution_count is not None for c in code)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    seen = "".join(o.get("text", "") for o in code[-1].outputs)
    assert f"seen by the kernel: {offset}" in seen, seen
    print(f"{path.stem}: {seen.splitlines()[-1]}")   # shown with -rA or -s; the budget is 25 s
