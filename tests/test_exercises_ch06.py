"""The chapter 6 checker rejects the stub and plausible wrong answers, accepts the solution."""

import math

import numpy as np

from npnet_book.exercises import ch06


def test_funnel_accepts_the_answer_and_its_rounded_forms(capsys):
    assert ch06.funnel_variance() == 1.6
    for good in [1.6, 512 * 2 / 640, np.array([1.6]), np.float64(1.6), 512 * (6 / 640) / 3]:
        assert ch06.check_funnel_variance(good)
    assert "Correct" in capsys.readouterr().out


def test_funnel_rejects_the_stub_and_wrong_turns(capsys):
    for wrong, word in [(None, "set `prediction`"), (1.0, "LeCun"), (0.4, "backward"),
                        (4.8, "a²/3"), (math.sqrt(1.6), "standard deviation"),
                        (2 / 640, "one weight"), (3.0, "expected about"),
                        ([1.6, 1.6], "one number"), (np.nan, "finite")]:
        assert not ch06.check_funnel_variance(wrong)
        assert word in capsys.readouterr().out


def test_funnel_matches_a_measurement():
    rng = np.random.default_rng(0)
    from npnet.init import glorot_uniform
    x = rng.standard_normal((2000, ch06.N_IN))
    W = glorot_uniform((ch06.N_IN, ch06.N_OUT), rng=rng)
    assert abs((x @ W).var() / ch06.funnel_variance() - 1) < 0.05


def test_relu_fixed_point_accepts_the_answer(capsys):
    want = 0.25 / (1 - 1.44 / 2)
    assert abs(ch06.relu_fixed_point() - want) < 1e-12
    for good in [want, 0.893, np.array([want]), 0.5 ** 2 / (1 - 1.2 ** 2 / 2)]:
        assert ch06.check_relu_fixed_point(good)
    assert "Correct" in capsys.readouterr().out


def test_relu_fixed_point_rejects_the_stub_and_wrong_turns(capsys):
    for wrong, word in [(None, "set `q_star`"), (0.25 / (1 - 1.44), "half the second"),
                        (0.5 / 0.28, "standard deviation: the biases"),
                        (0.25 / (1 - 0.6), "σ_w², not σ_w"),
                        (math.sqrt(0.25 / 0.28), "√q*"), (0.25 / (1 - 0.36), "mean square"),
                        (2.0, "expected about"), ([1, 2], "one number"), (np.inf, "finite")]:
        assert not ch06.check_relu_fixed_point(wrong)
        assert word in capsys.readouterr().out


def test_relu_fixed_point_matches_a_wide_stack():
    """q* is where a wide, deep ReLU stack with these biases settles."""
    import npnet
    settled = []                          # 4 networks: one wanders by about 10 %
    for seed in range(4):
        rng = np.random.default_rng(seed)
        n, q = 1000, []
        h = rng.standard_normal((300, n))
        for _ in range(30):
            z = h @ (rng.standard_normal((n, n)) * ch06.SIGMA_W / math.sqrt(n)) \
                + rng.standard_normal(n) * ch06.SIGMA_B
            q.append(np.mean(z ** 2))
            h = np.maximum(z, 0)
        settled.append(np.mean(q[-10:]))
    assert abs(np.mean(settled) / ch06.relu_fixed_point() - 1) < 0.1


def lsuv_solution(net, x, rng, tol=0.1):
    import npnet
    h = x
    for layer in net:
        if isinstance(layer, npnet.Linear):
            W = layer.params["W"]
            W[...] = npnet.init.orthogonal(W.shape, rng=rng)
            while abs(layer.forward(h, train=False).var() - 1) >= tol:
                W /= layer.forward(h, train=False).std()
        h = layer.forward(h, train=False)


def test_lsuv_accepts_a_solution(capsys):
    assert ch06.check_lsuv(lsuv_solution)
    assert "Correct" in capsys.readouterr().out


def test_lsuv_rejects_the_stub_and_wrong_turns(capsys):
    import npnet

    def unchanged(net, x, rng):
        ...

    def by_variance(net, x, rng):          # divides by the variance, not the std
        h = x
        for layer in net:
            if isinstance(layer, npnet.Linear):
                W = layer.params["W"]
                W[...] = npnet.init.orthogonal(W.shape, rng=rng)
                W /= layer.forward(h, train=False).var()
            h = layer.forward(h, train=False)

    def all_at_once(net, x, rng):          # measures every layer before rescaling any
        import npnet.stats as stats
        zs = [z for _, layer, z in stats.trace(net, x, train=False)
              if isinstance(layer, npnet.Linear)]
        for layer, z in zip([l for l in net if isinstance(l, npnet.Linear)], zs):
            layer.params["W"] /= z.std()

    def no_orthogonal(net, x, rng):        # rescales the He weights; no orthogonal start
        h = x
        for layer in net:
            if isinstance(layer, npnet.Linear):
                layer.params["W"] *= 3.0
            h = layer.forward(h, train=False)

    def raises(net, x, rng):
        raise NotImplementedError

    for wrong, word in [(None, "set `my_lsuv`"), (3, "must be a function"),
                        (unchanged, "did not change"), (by_variance, "variance"),
                        (all_at_once, "they were rescaled"),
                        (no_orthogonal, "variance"), (raises, "NotImplementedError")]:
        assert not ch06.check_lsuv(wrong)
        assert word in " ".join(capsys.readouterr().out.split())
