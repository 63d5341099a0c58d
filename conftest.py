"""Project-wide pytest hooks (loaded for tests/ and for nbval's run over chapters/)."""

import pytest

from npnet_book import seeds


def pytest_configure(config):
    """Stored outputs are those of seed offset 0: strict nbval refuses any other offset."""
    nbval = config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False)
    if not nbval:
        return
    try:
        offset = seeds.offset()
    except ValueError as err:            # "abc", "-1": the helper's own message
        raise pytest.UsageError(str(err)) from None
    if offset != 0:
        raise pytest.UsageError(
            f"nbval compares the stored outputs, which are those of BOOK_SEED_OFFSET=0; got "
            f"BOOK_SEED_OFFSET={offset}. Unset it, or use `make replicate` to run other offsets.")
