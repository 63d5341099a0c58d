"""npnet.meanfield: the quadrature and the variance map against closed forms."""

import math

import numpy as np
import pytest

from npnet.meanfield import expect, variance_map


def test_expect_matches_closed_forms():
    assert abs(expect(lambda u: u ** 2, 2.5) - 2.5) < 1e-9            # E[(√q z)²] = q
    for q in [0.01, 1.0, 50.0]:
        assert abs(expect(lambda u: np.maximum(u, 0) ** 2, q) - q / 2) < 1e-6 * q
    assert abs(expect(np.abs, 1.0) - math.sqrt(2 / math.pi)) < 1e-7   # E|z| (a kink at 0)
    assert abs(expect(lambda u: np.ones_like(u), 3.0) - 1.0) < 1e-9


def test_expect_resolves_tanh_at_large_q():
    # E[tanh(√q z)²] → 1 − E[sech²] ≈ 1 − 2/√(2πq) for large q (sech² integrates to 2)
    q = 500.0
    assert abs(expect(lambda u: np.tanh(u) ** 2, q) - (1 - 2 / math.sqrt(2 * math.pi * q))) < 1e-4


def test_variance_map_linear_and_relu():
    q = variance_map(lambda u: u, 1.0, 0.5, 0.0, 6)
    assert np.allclose(q, 0.5 ** np.arange(6))
    q = variance_map(lambda u: np.maximum(u, 0), 5.0, 1.0, 0.09, 200)   # fixed point 0.18
    assert q.shape == (200,) and abs(q[-1] - 0.18) < 1e-9
    assert np.allclose(np.diff(variance_map(lambda u: np.maximum(u, 0), 1.0, 2.0, 0.09, 5)), 0.09)


def test_bad_input_raises():
    with pytest.raises(TypeError, match="function"):
        expect(3.0, 1.0)
    with pytest.raises(ValueError, match="variance"):
        expect(np.tanh, -1.0)
    with pytest.raises(ValueError, match="depth"):
        variance_map(np.tanh, 1.0, 1.0, 0.0, 0)
    with pytest.raises(TypeError, match="depth"):
        variance_map(np.tanh, 1.0, 1.0, 0.0, 2.5)
