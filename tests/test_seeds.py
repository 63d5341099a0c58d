"""npnet_book.seeds: independent streams per purpose, an offset that moves every draw, and
clear errors for a bad offset, purpose or key."""

import numpy as np
import pytest

from npnet_book import seeds


def draws(purpose, *key, n=2000):
    return seeds.rng(purpose, *key).standard_normal(n)


@pytest.fixture(autouse=True)
def no_offset(monkeypatch):
    monkeypatch.delenv(seeds.ENV, raising=False)


def test_same_arguments_same_stream():
    assert np.array_equal(draws("weights", 3), draws("weights", 3))
    assert seeds.random_state("data", 0) == seeds.random_state("data", 0)


def test_purposes_and_keys_give_independent_streams():
    # the chapter-7 bug: weights and probe inputs drawn with the same seed were equal
    streams = {(p, k): draws(p, k) for p in seeds.PURPOSES for k in range(4)}
    streams[("weights", "1,0")] = draws("weights", 1, 0)   # a padded key is another key
    streams[("weights", "str")] = draws("weights", "1")    # a string is not the int
    values = np.array(list(streams.values()))
    corr = np.corrcoef(values)
    off_diagonal = corr[~np.eye(len(values), dtype=bool)]
    # 2000 draws: independent streams correlate like N(0, 1/2000); 5 sd = 0.11
    assert np.abs(off_diagonal).max() < 0.11
    firsts = {v[0] for v in streams.values()}
    assert len(firsts) == len(streams), "two purposes or keys share a stream"


def test_offset_changes_every_draw(monkeypatch):
    base = {p: draws(p, 0, n=50) for p in seeds.PURPOSES}
    base_state = seeds.random_state("data", 0)
    monkeypatch.setenv(seeds.ENV, "1000")
    assert seeds.offset() == 1000
    for purpose, values in base.items():
        shifted = draws(purpose, 0, n=50)
        assert not np.any(shifted == values), purpose
    assert seeds.random_state("data", 0) != base_state
    # the offset is its own word, not added to a key: offset 1000 with key 0 is not
    # offset 0 with key 1000
    at_1000_key_0 = draws("weights", 0)
    monkeypatch.setenv(seeds.ENV, "0")
    assert not np.array_equal(at_1000_key_0, draws("weights", 1000))


def test_fixed_ignores_the_offset_and_is_recorded(monkeypatch):
    a = seeds.fixed("one picture").standard_normal(5)
    monkeypatch.setenv(seeds.ENV, "2000")
    b = seeds.fixed("one picture").standard_normal(5)
    assert np.array_equal(a, b)
    assert seeds.FIXED_USED[-2:] == ["one picture", "one picture"]
    assert not np.array_equal(a, seeds.rng("weights", 0).standard_normal(5))
    with pytest.raises(TypeError, match="name"):
        seeds.fixed(0)


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "1e3", "0x10"])
def test_bad_offset_is_refused(monkeypatch, bad):
    monkeypatch.setenv(seeds.ENV, bad)
    with pytest.raises(ValueError, match=f"BOOK_SEED_OFFSET must be a non-negative integer.*{bad!r}"):
        seeds.rng("weights", 0)


def test_unknown_purpose_and_bad_keys():
    with pytest.raises(ValueError, match="unknown seed purpose 'wieghts'.*weights"):
        seeds.rng("wieghts", 0)
    with pytest.raises(ValueError, match=">= 0"):
        seeds.rng("weights", -1)
    with pytest.raises(TypeError, match="int or a str, got float"):
        seeds.rng("weights", 0.5)
    with pytest.raises(TypeError, match="got bool"):
        seeds.rng("weights", True)


def test_purpose_numbers_are_fixed_and_distinct():
    assert len(set(seeds.PURPOSES.values())) == len(seeds.PURPOSES)
    assert seeds.PURPOSES["weights"] == 1 and seeds.PURPOSES["probe"] == 5
    assert 0 <= seeds.random_state("data", 7) < 2**31
