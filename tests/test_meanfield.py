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


# --- the correlation map and χ₁ -------------------------------------------------------------

from npnet.meanfield import chi1, correlation_map  # noqa: E402


def test_correlation_map_matches_monte_carlo_for_tanh():
    rng = np.random.default_rng(0)                   # a local stream: this test only
    z1, z2 = rng.standard_normal((2, 2_000_000))
    for c, q, sw2, sb2 in [(0.5, 2.0, 2.25, 0.09), (-0.3, 6.4, 9.0, 0.09), (0.99, 1.0, 1.0, 0.0)]:
        u1, u2 = math.sqrt(q) * z1, math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
        prod = np.tanh(u1) * np.tanh(u2)
        den = sw2 * np.mean(np.tanh(u1) ** 2) + sb2
        mc = (sw2 * prod.mean() + sb2) / den
        se = sw2 * prod.std() / math.sqrt(prod.size) / den
        assert abs(correlation_map(np.tanh, c, q, sw2, sb2) - mc) < 5 * se + 1e-4


def test_correlation_map_relu_arc_cosine_and_fixed_points():
    relu = lambda u: np.maximum(u, 0)                # closed form (Cho and Saul's arc-cosine)
    for c in [-0.9, 0.0, 0.5, 0.99]:
        exact = (math.sqrt(1 - c * c) + (math.pi - math.acos(c)) * c) / math.pi
        assert abs(correlation_map(relu, c, 2.0, 2.0, 0.0) - exact) < 2e-4
    assert correlation_map(np.tanh, 1.0, 3.0, 2.25, 0.09) == pytest.approx(1.0, abs=1e-12)
    assert abs(correlation_map(np.tanh, 0.0, 3.0, 2.25, 0.0)) < 1e-12   # odd φ, no bias


def test_chi1_is_the_correlation_maps_slope_at_one():
    sw2, sb2, q = 2.25, 0.09, 1.0
    for _ in range(200):                             # iterate the variance map to q*
        q = sw2 * expect(lambda u: np.tanh(u) ** 2, q) + sb2
    dtanh = lambda u: 1 - np.tanh(u) ** 2
    chi = chi1(dtanh, q, sw2)
    eps = 1e-4
    slope = (1 - correlation_map(np.tanh, 1 - eps, q, sw2, sb2)) / eps
    assert abs(slope / chi - 1) < 2e-3 and abs(chi - 1.06) < 0.01   # chaotic, barely
    var_slope = sw2 * expect(lambda u: dtanh(u) ** 2 - 2 * np.tanh(u) ** 2 * dtanh(u), q)
    assert abs(var_slope - 0.43) < 0.01              # the variance map's slope is different
    he = chi1(lambda u: (u > 0).astype(float), 5.0, 2.0)   # ReLU, He: 1 (a step: O(Δz) error)
    assert abs(he - 1) < 3e-4
    with pytest.raises(ValueError, match="correlation"):
        correlation_map(np.tanh, 1.5, 1.0, 1.0, 0.0)
    with pytest.raises(TypeError, match="function"):
        chi1(2.0, 1.0, 1.0)
