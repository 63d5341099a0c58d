"""Optimisers against updates computed by hand (PyTorch's formulas), weight decay on "W" only,
and argument validation."""

import copy
import math
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import npnet


def small_model(seed=0):
    """Linear(3, 2) -> BatchNorm(2): parameters W, b, gamma, beta, all non-trivial."""
    rng = np.random.default_rng(seed)
    model = npnet.Sequential(npnet.Linear(3, 2, rng=rng), npnet.BatchNorm(2))
    for layer in model:
        for p in layer.params.values():
            p[...] = rng.standard_normal(p.shape)
    return model


def gradients(model, seed):
    """A fixed set of gradients, one per parameter: ``[(layer, name, g), ...]``."""
    rng = np.random.default_rng(seed)
    return [(layer, name, rng.standard_normal(p.shape))
            for layer in model for name, p in layer.params.items()]


def set_grads(grads):
    for layer, name, g in grads:
        layer.grads[name][...] = g


def params(model):
    return [p.copy() for layer in model for p in layer.params.values()]


def test_sgd_momentum_two_steps_by_hand():
    model = small_model()
    lr, mu = 0.1, 0.9
    opt = npnet.SGD(model, lr=lr, momentum=mu)
    w0 = params(model)
    g1, g2 = gradients(model, 1), gradients(model, 2)
    set_grads(g1)
    opt.step()
    set_grads(g2)
    opt.step()
    for w, (_, _, a), (_, _, b), now in zip(w0, g1, g2, params(model)):
        v1 = a                    # v = mu * 0 + g
        w1 = w - lr * v1
        v2 = mu * v1 + b
        w2 = w1 - lr * v2
        np.testing.assert_allclose(now, w2, rtol=1e-13, atol=1e-15)


def test_plain_sgd_step():
    model = small_model()
    opt = npnet.SGD(model, lr=0.05)
    w0 = params(model)
    g = gradients(model, 3)
    set_grads(g)
    opt.step()
    for w, (_, _, grad), now in zip(w0, g, params(model)):
        np.testing.assert_allclose(now, w - 0.05 * grad, rtol=1e-14, atol=1e-16)


def test_adam_two_steps_by_hand():
    model = small_model()
    lr, b1, b2, eps = 0.01, 0.8, 0.95, 1e-6
    opt = npnet.Adam(model, lr=lr, betas=(b1, b2), eps=eps)
    w0 = params(model)
    steps = [gradients(model, 4), gradients(model, 5)]
    for g in steps:
        set_grads(g)
        opt.step()
    for k, w in enumerate(w0):
        m = v = 0.0
        for t, g in enumerate(steps, start=1):  # torch.optim.Adam, weight_decay = 0
            grad = g[k][2]
            m = b1 * m + (1 - b1) * grad
            v = b2 * v + (1 - b2) * grad ** 2
            m_hat = m / (1 - b1 ** t)
            v_hat = v / (1 - b2 ** t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(params(model)[k], w, rtol=1e-12, atol=1e-15)


def test_adam_first_step_is_about_lr():
    # with bias correction, |first step| = lr * |g| / (|g| + eps) ~ lr for every parameter
    model = small_model()
    opt = npnet.Adam(model, lr=1e-3)
    w0 = params(model)
    set_grads(gradients(model, 6))
    opt.step()
    for w, now in zip(w0, params(model)):
        np.testing.assert_allclose(np.abs(now - w), 1e-3, rtol=1e-4)


def test_sgd_weight_decay_only_on_W():
    lr, wd = 0.1, 0.01
    plain, decayed = small_model(), small_model()
    w0 = params(plain)
    for model, decay in [(plain, 0.0), (decayed, wd)]:
        set_grads(gradients(model, 7))
        npnet.SGD(model, lr=lr, weight_decay=decay).step()
    names = [name for layer in plain for name in layer.params]
    assert names == ["W", "b", "gamma", "beta"]
    for name, w, a, b in zip(names, w0, params(plain), params(decayed)):
        if name == "W":
            # w - lr (g + wd w) = (w - lr g) - lr wd w
            np.testing.assert_allclose(a - b, lr * wd * w, rtol=1e-10, atol=1e-17)
        else:
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_weight_decay_leaves_biases_and_batchnorm_alone(momentum):
    for make in [lambda m: npnet.SGD(m, lr=0.1, momentum=momentum, weight_decay=0.5),
                 lambda m: npnet.Adam(m, lr=0.1, weight_decay=0.5)]:
        plain, decayed = small_model(), small_model()
        opt_plain = make(plain)
        opt_plain.weight_decay = 0.0
        opt_decayed = make(decayed)
        for step in range(3):
            for model, opt in [(plain, opt_plain), (decayed, opt_decayed)]:
                set_grads(gradients(model, 8 + step))
                opt.step()
        names = [name for layer in plain for name in layer.params]
        for name, a, b in zip(names, params(plain), params(decayed)):
            if name == "W":
                assert not np.allclose(a, b)
            else:
                np.testing.assert_array_equal(a, b)


def test_step_updates_in_place_and_zero_grad_is_not_needed():
    model = small_model()
    arrays = [p for layer in model for p in layer.params.values()]
    opt = npnet.SGD(model, lr=0.1, momentum=0.5)
    set_grads(gradients(model, 11))
    opt.step()
    assert all(a is b for a, b in zip(arrays, [p for layer in model for p in layer.params.values()]))
    # zero_grad is a no-op: backward overwrites every gradient, so stale values never leak
    stale = [g.copy() for layer in model for g in layer.grads.values()]
    opt.zero_grad()
    assert all(np.array_equal(a, g) for a, g in
               zip(stale, [g for layer in model for g in layer.grads.values()]))
    x = np.random.default_rng(1).standard_normal((4, model[0].fan_in))
    out = model.forward(x)
    model.backward(np.ones_like(out))
    fresh = [g.copy() for layer in model for g in layer.grads.values()]
    set_grads(gradients(model, 12))
    model.forward(x)
    model.backward(np.ones_like(out))
    assert all(np.array_equal(a, g) for a, g in
               zip(fresh, [g for layer in model for g in layer.grads.values()]))


def test_optimizer_accepts_a_single_layer_and_copies_nothing():
    layer = npnet.Linear(2, 2, rng=np.random.default_rng(0))
    before = copy.deepcopy(layer.params)
    layer.grads["W"][...] = 1.0
    layer.grads["b"][...] = 1.0
    npnet.SGD(layer, lr=0.5).step()
    np.testing.assert_allclose(layer.params["W"], before["W"] - 0.5)
    np.testing.assert_allclose(layer.params["b"], before["b"] - 0.5)


@pytest.mark.parametrize("lr", [0, 0.0, -1.0, math.nan, math.inf])
def test_bad_learning_rate(lr):
    for opt in (npnet.SGD, npnet.Adam):
        with pytest.raises(ValueError, match=r"learning rate lr must be in \(0\.0, inf\), got"):
            opt(small_model(), lr=lr)


@pytest.mark.parametrize("momentum", [1.0, 1.5, -0.1, math.nan])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0\.0, 1\.0\), got"):
        npnet.SGD(small_model(), lr=0.1, momentum=momentum)


@pytest.mark.parametrize("betas, which", [((1.0, 0.999), "beta1"), ((0.9, 1.0), "beta2"),
                                          ((-0.1, 0.999), "beta1"), ((0.9, 1.5), "beta2")])
def test_bad_betas(betas, which):
    with pytest.raises(ValueError, match=rf"{which} must be in \[0\.0, 1\.0\), got"):
        npnet.Adam(small_model(), betas=betas)


def test_bad_optimizer_arguments():
    with pytest.raises(TypeError, match="betas must be a pair"):
        npnet.Adam(small_model(), betas=0.9)
    with pytest.raises(ValueError, match=r"eps must be in \(0\.0, inf\)"):
        npnet.Adam(small_model(), eps=0.0)
    with pytest.raises(ValueError, match=r"weight_decay must be in \[0\.0, inf\), got -0\.1"):
        npnet.SGD(small_model(), lr=0.1, weight_decay=-0.1)
    with pytest.raises(ValueError, match="no parameters"):
        npnet.SGD(npnet.Sequential(npnet.ReLU()), lr=0.1)


# --- clip_grad_norm: as torch.nn.utils.clip_grad_norm_ ----------------------------------------

def test_clip_grad_norm_returns_the_norm_before_clipping_and_scales_all_gradients():
    model = small_model()
    grads = gradients(model, 21)
    set_grads(grads)
    total = math.sqrt(sum(float(np.sum(g * g)) for _, _, g in grads))
    assert npnet.optim.clip_grad_norm(model, max_norm=0.5) == pytest.approx(total, rel=1e-12)
    coef = 0.5 / (total + 1e-6)
    for layer, name, g in grads:
        np.testing.assert_allclose(layer.grads[name], g * coef, rtol=1e-12)
    after = math.sqrt(sum(float(np.sum(layer.grads[n] ** 2)) for layer, n, _ in grads))
    assert after == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_norm_leaves_small_gradients_alone():
    model = small_model()
    grads = gradients(model, 22)
    set_grads(grads)
    total = npnet.optim.clip_grad_norm(model, max_norm=1e6)
    for layer, name, g in grads:
        np.testing.assert_array_equal(layer.grads[name], g)
    assert total > 0
    with pytest.raises(ValueError, match="max_norm"):
        npnet.optim.clip_grad_norm(model, max_norm=0.0)


# --- flat runs: the same bits as an update parameter by parameter -----------------------------
# The reference is the update as it was before the flat runs: benchmarks/per_parameter.py, which
# the benchmark times against the flat update too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from per_parameter import PerParameter  # noqa: E402

FLAT_CASES = {  # name: (npnet optimiser, keyword arguments of both)
    "sgd": (npnet.SGD, dict(lr=0.1)),
    "sgd-decay": (npnet.SGD, dict(lr=0.1, weight_decay=0.05)),
    "sgd-momentum": (npnet.SGD, dict(lr=0.05, momentum=0.9)),
    "sgd-momentum-decay": (npnet.SGD, dict(lr=0.05, momentum=0.9, weight_decay=0.05)),
    "adam": (npnet.Adam, dict(lr=0.01, betas=(0.9, 0.999))),
    "adam-decay": (npnet.Adam, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.05)),
}


def bn_mlp(dtype=np.float64, seed=0):
    """6-13-11-7-3 with BatchNorm: W, b, gamma, beta, with padding between them (odd sizes)."""
    return npnet.mlp([6, 13, 11, 7, 3], batch_norm=True, rng=np.random.default_rng(seed),
                     dtype=dtype)


def train_together(models, optimisers, steps, seed=0, between=None):
    """Real forward/backward steps of every model on the same batches; after each step the
    parameters of all models must be equal bit for bit (np.array_equal)."""
    rng = np.random.default_rng(seed)
    dtype = models[0][0].dtype
    for step in range(steps):
        x = rng.standard_normal((12, models[0][0].fan_in)).astype(dtype)
        y = rng.integers(0, 3, 12)
        for model, opt in zip(models, optimisers):
            _, dout = npnet.softmax_cross_entropy(model.forward(x), y)
            model.backward(dout, input_grad=False)
            opt.step()
        first = params(models[0])
        for other in models[1:]:
            assert all(np.array_equal(a, b) for a, b in zip(first, params(other))), step
        if between:
            between(step)
    return first


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", FLAT_CASES)
def test_flat_update_equals_the_per_parameter_update_bit_for_bit(case, dtype):
    make, kwargs = FLAT_CASES[case]
    flat_model, ref_model = bn_mlp(dtype), bn_mlp(dtype)
    opt = make(flat_model, **kwargs)
    assert len(opt._runs) == 2 < len(opt.slots)  # all weights in one run, the rest in another
    ref = PerParameter(ref_model, **kwargs)
    before = params(flat_model)
    after = train_together([flat_model, ref_model], [opt, ref], steps=6)
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))  # every array moved


def test_a_deep_mlp_is_two_runs_whatever_its_depth():
    for depth in (1, 6, 20):
        model = npnet.mlp([64] + [32] * depth + [10], rng=np.random.default_rng(0))
        assert len(npnet.Adam(model)._runs) == 2


@pytest.mark.parametrize("case", ["sgd-momentum-decay", "adam-decay"])
def test_deepcopied_models_and_rebound_arrays_train_identically(case):
    make, kwargs = FLAT_CASES[case]
    flat_model, ref_model = bn_mlp(), bn_mlp()
    copied = copy.deepcopy(flat_model)  # its arrays live outside the flat buffers
    opts = [make(flat_model, **kwargs), PerParameter(ref_model, **kwargs), make(copied, **kwargs)]
    assert len(opts[2]._runs) == len(opts[2].slots)  # a run per array: slower, same values
    W = flat_model[0].params["W"]  # taken before a rebinding: must stay the live array

    def rebind(step):
        if step == 1:  # state (velocity, m, v) must carry over to the new grouping
            flat_model[3].params["W"] = flat_model[3].params["W"].copy()
            flat_model[0].grads["b"] = np.zeros_like(flat_model[0].grads["b"])
        if step == 3:
            flat_model[3].params["W"] = flat_model[3].params["W"].copy()
    train_together([flat_model, ref_model, copied], opts, steps=6, between=rebind)
    assert len(opts[0]._runs) > 2 and W is flat_model[0].params["W"]
    W[...] = 0.0  # writes through the old handle reach the layer, hence the optimiser
    assert not flat_model[0].params["W"].any()


@pytest.mark.parametrize("case", ["sgd-momentum", "adam-decay"])
def test_a_deepcopied_optimiser_updates_its_own_model(case):
    make, kwargs = FLAT_CASES[case]
    model, ref_model = bn_mlp(), bn_mlp()
    opt, ref = make(model, **kwargs), PerParameter(ref_model, **kwargs)
    train_together([model, ref_model], [opt, ref], steps=2)
    model2, opt2 = copy.deepcopy((model, opt))  # state (velocity, m, v) copied along
    model3, opt3 = pickle.loads(pickle.dumps((model, opt)))
    ref_model2, ref2 = copy.deepcopy((ref_model, ref))
    train_together([model2, ref_model2, model3, model], [opt2, ref2, opt3, opt], steps=3)
    assert not np.shares_memory(model2[0].params["W"], model[0].params["W"])


@pytest.mark.parametrize("case", FLAT_CASES)
def test_padding_between_parameters_stays_zero(case):
    make, kwargs = FLAT_CASES[case]
    model = bn_mlp()
    assert all(p.__array_interface__["data"][0] % 64 == 0 for p in params_live(model))
    opt = make(model, **kwargs)
    train_together([model], [opt], steps=4)
    for p in params_live(model) + [g for layer in model for g in layer.grads.values()]:
        p[...] = 0.0
    for name in opt._state:
        for s in getattr(opt, name):
            assert s.any() or not getattr(opt, "momentum", 1)  # the state moved ...
            s[...] = 0.0
    for run in opt._runs:  # ... and nothing but the parameters' own entries did
        w, g, _, *state = run
        assert not w.any() and not g.any()
        assert all(not s.any() for s in state[:len(opt._state)])


def params_live(model):
    return [p for layer in model for p in layer.params.values()]
