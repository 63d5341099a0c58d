"""Re-execute the book's notebooks in place, storing outputs and widget state.

Usage (from the project root; `make execute` does this with BLAS pinned to one thread):

    .venv/bin/python tools/execute_notebooks.py                     # every chapters/*.ipynb
    .venv/bin/python tools/execute_notebooks.py chapters/00_toolkit.ipynb ...

Each notebook runs with its own folder as the working directory, as strict nbval does,
so relative paths resolve the same way in both. Per-cell timing metadata is not recorded
(and any already stored is removed), which keeps diffs to outputs that really changed
(widget model ids are fresh on every run; that is unavoidable).
"""

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from npnet_book import seeds

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds per cell; a chapter should take well under 30 s in total


def strip_timing(nb):
    """Remove the per-cell `execution` timing metadata that some front ends record."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def execute(path):
    """Execute the notebook at `path` in place; return its wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    strip_timing(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to execute (default: every chapters/*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    if not paths:
        sys.exit("no notebooks found in chapters/")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        sys.exit(f"not a file: {', '.join(missing)}")
    try:
        offset = seeds.offset()
    except ValueError as err:
        sys.exit(str(err))
    if offset != 0:
        sys.exit(f"stored outputs are those of seed offset 0; got BOOK_SEED_OFFSET={offset}."
                 " Unset it (`make replicate` runs other offsets without storing anything)")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var) != "1":
            print(f"warning: {var} is not 1; outputs may differ from what `make test` "
                  "compares (use `make execute`)", file=sys.stderr)
    total = 0.0
    for path in paths:
        path = path.resolve()
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"executing {shown}", flush=True)
        elapsed = execute(path)
        total += elapsed
        print(f"{shown}: {elapsed:.1f} s", flush=True)
    print(f"{len(paths)} notebook(s) in {total:.1f} s")


if __name__ == "__main__":
    main()
