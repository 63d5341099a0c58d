"""Project-wide pytest hooks (loaded for tests/ and for nbval's run over chapters/)."""

import os

import pytest


def pytest_configure(config):
    """Stored outputs are those of seed offset 0: strict nbval refuses any other offset."""
    nbval = config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False)
    offset = os.environ.get("BOOK_SEED_OFFSET", "").strip()
    if nbval and offset not in ("", "0"):
        raise pytest.UsageError(
            f"nbval compares the stored outputs, which are those of BOOK_SEED_OFFSET=0; got "
            f"BOOK_SEED_OFFSET={offset!r}. Unset it, or use `make replicate` to run other offsets.")
