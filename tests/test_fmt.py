"""npnet_book.fmt: the one way chapters print a result over seeds (sample sd, ddof = 1)."""

import numpy as np
import pytest

from npnet_book import fmt


def test_mean_sd_uses_the_sample_sd():
    x = [1.0, 2.0, 3.0, 4.0]                     # sd with ddof = 1: √(5/3) = 1.291
    assert fmt.mean_sd(x) == "2.500 ± 1.291"
    assert fmt.sd(x) == pytest.approx(np.sqrt(5 / 3))
    assert fmt.mean_sd(x, digits=1) == "2.5 ± 1.3"


def test_k_of_n():
    assert fmt.k_of_n([True, False, True]) == "2 of 3"
    assert fmt.k_of_n(np.array([0.2, 0.7]) > 0.5) == "1 of 2"


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2 values"):
        fmt.mean_sd([1.0])
    with pytest.raises(ValueError, match="finite"):
        fmt.mean_sd([1.0, np.nan])


def test_html_table_escapes_cells_and_keeps_label_columns_whole():
    table = fmt.html_table(["", "claim"], [["ok", "a < b & c"]], caption="1 of 1", nowrap=1).data
    assert "<caption>1 of 1</caption>" in table and "a &lt; b &amp; c" in table
    assert table.count('style="white-space: nowrap"') == 2      # header and body, column 1
    assert "<td>a &lt; b" in table
