r"""Checkers for chapter 10 — Searching hyper-parameters.

* :func:`check_batch_noise` — the predicted mini-batch gradient noise
  E‖g_B − ḡ‖² for a batch of ``B`` of ``N`` examples whose per-example gradients have spread
  σ² = (1/N) Σ‖gᵢ − ḡ‖²: σ²/B with replacement, σ²/B · (N − B)/(N − 1) without.

The checker prints ``Correct: ...`` or ``Not yet: ...`` and returns ``True``/``False``; it never
raises on the reader's answer.
"""

import numpy as np

from . import _as_number, compare, report


def reference_batch_noise(sigma2, B, N, replace):
    """Equation (1) of chapter 10: σ²/B, times (N − B)/(N − 1) without replacement."""
    return sigma2 / B * (1.0 if replace else (N - B) / (N - 1))


def _diagnose(value, sigma2, B, N, replace):
    """A hint for a common wrong answer, or ``""``."""
    if value is None:
        return ""
    near = lambda x: abs(value - x) <= 0.01 * abs(x) + 1e-15
    right = reference_batch_noise(sigma2, B, N, replace)
    other = reference_batch_noise(sigma2, B, N, not replace)
    if near(other) and not near(right):
        return ("that is the value for the other kind of sampling: with replacement the draws are"
                " independent (σ²/B); without, multiply by (N − B)/(N − 1).")
    if near(sigma2 / np.sqrt(B)):
        return "the variance falls as 1/B, not 1/√B (it is the standard deviation that falls as 1/√B)."
    if near(sigma2 / B * (N - B) / N) or near(sigma2 / B * (N - B) / (N + 1)):
        return "close: the correction is (N − B)/(N − 1), with N − 1 in the denominator."
    if near(sigma2 * B) or near(sigma2):
        return "averaging B independent gradients divides the variance by B."
    return ""


def check_batch_noise(with_replacement, without_replacement, *, sigma2, B, N):
    """Check two predictions of E‖g_B − ḡ‖²: with replacement (σ²/B) and without
    (σ²/B · (N − B)/(N − 1)). Accepted to 0.5 % (a hand calculation from the printed σ²)."""
    if not (np.isfinite(sigma2) and sigma2 > 0 and isinstance(B, (int, np.integer))
            and isinstance(N, (int, np.integer)) and 1 <= B <= N and N >= 2):
        raise ValueError(f"need sigma2 > 0 and integers 1 <= B <= N, N >= 2; got sigma2={sigma2!r},"
                         f" B={B!r}, N={N!r}")
    if with_replacement is None or without_replacement is None:
        return report(False, "", "replace None with your two predictions. Start from σ² and B:"
                      " averaging B independent gradients divides their variance by B.")
    hints = []
    for name, got, replace in [("with replacement", with_replacement, True),
                               ("without replacement", without_replacement, False)]:
        want = reference_batch_noise(sigma2, B, N, replace)
        ok, hint = compare(got, want, rtol=1e-6, rounded_rtol=0.005)
        if not ok:
            hints.append(f"{name}: {_diagnose(_as_number(got), sigma2, B, N, replace) or hint}")
    if hints:
        return report(False, "", " ".join(hints))
    ratio = (N - B) / (N - 1)
    return report(True, f"σ²/B = {sigma2 / B:.4g} with replacement, and {sigma2 / B * ratio:.4g}"
                  f" without: the correction (N − B)/(N − 1) = {ratio:.3f} matters only when B is a"
                  " sizeable share of N. Now run the measurement.", "")
