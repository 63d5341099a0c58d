r"""Checkers for chapter 6 (Xavier/Glorot, He/Kaiming, LeCun, orthogonal, LSUV).

Exercise 1 asks for the variance of the outputs of one linear layer that narrows from 512 to 128
units, with Glorot-uniform weights U(−a, a), a = √(6/(n_in + n_out)), on unit-variance input:
n_in·Var(w) = n_in·2/(n_in + n_out) = 512·2/640 = 1.6. The hint names the usual wrong turns
(LeCun's 1, the backward factor n_out·Var(w), forgetting that U(−a, a) has variance a²/3, the std).

Exercise 3 asks for the fixed point of the ReLU variance map with biases, q* = σ_b²/(1 − σ_w²/2)
(σ_w = 1.2, σ_b = 0.5); exercise 4 for LSUV in a few lines, run beside ``npnet.init.lsuv`` on a
tanh and a ReLU network.
"""

import math

import numpy as np

from . import attempt, check_number, report

#: exercise 1's layer: inputs, outputs
N_IN, N_OUT = 512, 128


def funnel_variance():
    """The reference answer: n_in·Var(w) with Var(w) = 2/(n_in + n_out) (Glorot)."""
    return N_IN * 2.0 / (N_IN + N_OUT)


def check_funnel_variance(prediction):
    """Exercise 1: the predicted variance of x·W for x of unit variance, W Glorot-uniform of
    shape (512, 128). Prints a verdict or a hint; returns True only for a correct answer."""
    want = funnel_variance()
    bound = math.sqrt(6.0 / (N_IN + N_OUT))
    success = (f"Var(w) = a²/3 = 2/(n_in + n_out) = 2/{N_IN + N_OUT}, and each output sums"
               f" n_in = {N_IN} products, so Var(x·W) = {N_IN}·2/{N_IN + N_OUT} = {want:g}."
               " LeCun's rule would give exactly 1. Now run the measurement below.")
    wrong = {1.0: "that is LeCun's rule, Var(w) = 1/n_in. Glorot's variance is 2/(n_in + n_out),"
                  " which differs when n_in ≠ n_out.",
             N_OUT * 2.0 / (N_IN + N_OUT): "that is n_out·Var(w), the factor of the backward pass."
                                           " Forward, each output sums n_in products.",
             N_IN * bound ** 2: "U(−a, a) has variance a²/3, not a².",
             math.sqrt(want): "that is the standard deviation; the question asks for the variance.",
             bound ** 2 / 3: "that is Var(w) of one weight; each output sums n_in"
             " products of a unit-variance input and a weight."}
    return check_number(prediction, want, success=success, rounded_rtol=0.01, wrong=wrong,
                        missing="set `prediction` to a number (the variance of the layer's"
                        " outputs), then run the cell again.",
                        nudge=" Var(x·W) = n_in·Var(w)·Var(x) for independent,"
                        " zero-mean weights, and Glorot-uniform has Var(w) = 2/(n_in + n_out).")


# --- Exercise 3: the fixed point of a ReLU stack with biases --------------------------------

#: exercise 3's stack: weights N(0, SIGMA_W²/n), biases N(0, SIGMA_B²)
SIGMA_W, SIGMA_B = 1.2, 0.5


def relu_fixed_point(sigma_w=SIGMA_W, sigma_b=SIGMA_B):
    r"""q* of the ReLU variance map q ↦ σ_w²·q/2 + σ_b²: σ_b²/(1 − σ_w²/2), for σ_w² < 2."""
    return sigma_b ** 2 / (1.0 - sigma_w ** 2 / 2.0)


def check_relu_fixed_point(q_star):
    """Exercise 3: the reader's q* for ReLU layers with σ_w = 1.2, σ_b = 0.5. Prints a verdict
    or a hint; returns True only for a correct answer."""
    w2, b2 = SIGMA_W ** 2, SIGMA_B ** 2
    want = relu_fixed_point()
    success = (f"E[ReLU(√q·z)²] = q/2, so q* = σ_w²·q*/2 + σ_b² gives q* = σ_b²/(1 − σ_w²/2)"
               f" = {b2:g}/{1 - w2 / 2:.2f} = {want:.4f}, a pre-activation std of"
               f" {want ** 0.5:.3f}. It exists because σ_w²/2 = {w2 / 2:.2f} < 1: the map's"
               " slope is below 1. At He's σ_w² = 2 there is none, and q grows by σ_b² per"
               " layer. Now run the measurement below.")
    wrong = [(b2 / (1 - w2), "a ReLU passes only half the second moment: E[ReLU(√q·z)²] = q/2,"
                             " not q."),
             (SIGMA_B / (1 - w2 / 2), "σ_b is a standard deviation: the biases add σ_b² to q."),
             (b2 / (1 - SIGMA_W / 2), "the weights multiply q by σ_w², not σ_w."),
             (want ** 0.5, "that is √q*, the standard deviation; q is a variance."),
             (b2 / (1 - w2 / 4), "E[ReLU(√q·z)²] = q/2: the mean square, not the squared mean.")]
    return check_number(q_star, want, success=success, rounded_rtol=0.005, wrong=wrong,
                        missing="set `q_star` to a number (the fixed point of the variance"
                        " map), then run the cell again.",
                        nudge=" Write the map q_{l+1} = σ_w²·E[ReLU(√q_l·z)²] + σ_b², use"
                        " E[ReLU(√q·z)²] = q/2, and solve q = map(q).", nudge_invalid=False)


# --- Exercise 4: LSUV in a few lines --------------------------------------------------------

#: exercise 4's test networks: [64, WIDTH × DEPTH, 10], tanh or ReLU; BATCH unit-Gaussian examples
LSUV_WIDTH, LSUV_DEPTH, LSUV_BATCH, LSUV_TOL = 32, 8, 200, 0.1


def _lsuv_case(activation):
    """A fresh test network, its batch, and a generator for the orthogonal draws (all from
    the book's "exercise" streams, so the reader's function and npnet's see the same)."""
    import npnet
    from .. import seeds
    net = npnet.mlp([64] + [LSUV_WIDTH] * LSUV_DEPTH + [10], activation=activation,
                    rng=seeds.rng("exercise", "ch06 lsuv net", activation))
    x = seeds.rng("exercise", "ch06 lsuv data").standard_normal((LSUV_BATCH, 64))
    return net, x, seeds.rng("exercise", "ch06 lsuv draws", activation)


def _linear_outputs(net, x):
    """The variance of every Linear layer's output on x, first layer first."""
    import npnet
    out, h = [], x
    for layer in net:
        h = layer.forward(h, train=False)
        if isinstance(layer, npnet.Linear):
            out.append(float(np.var(h)))
    return out


def check_lsuv(my_lsuv):
    """Exercise 4: ``my_lsuv(net, x, rng)`` rescales ``net``'s Linear layers in place, from the
    input up, so that each one's outputs on ``x`` have variance 1 ± 0.1, starting from orthogonal
    weights drawn with ``rng``. Run on a tanh and a ReLU network beside npnet.init.lsuv; prints a
    verdict or a hint, returns True only when every layer's variance is within the tolerance and
    every weight matrix has npnet's scale (within 10 %)."""
    import npnet
    if my_lsuv is None:
        return report(False, "", "set `my_lsuv` to your function, then run the cell again.")
    if not callable(my_lsuv):
        return report(False, "", f"`my_lsuv` must be a function my_lsuv(net, x, rng), got"
                      f" {type(my_lsuv).__name__}.")
    lines = []
    for activation in ("tanh", "relu"):
        net, x, rng = _lsuv_case(activation)
        ref, _, ref_rng = _lsuv_case(activation)
        before = [layer.params["W"].copy() for layer in net if isinstance(layer, npnet.Linear)]
        _, error = attempt(my_lsuv, net, x, rng)
        if error:
            return report(False, "", error)
        npnet.init.lsuv(ref, x, rng=ref_rng, tol=LSUV_TOL)
        weights = [layer.params["W"] for layer in net if isinstance(layer, npnet.Linear)]
        if all(np.array_equal(w, b) for w, b in zip(weights, before)):
            return report(False, "", "the weights did not change: rescale each Linear layer's"
                          " W in place (W /= ..., or W[...] = ...), from the first layer up.")
        variances = _linear_outputs(net, x)
        if not np.all(np.isfinite(variances)):
            return report(False, "", f"with {activation}, some outputs are not finite:"
                          " did a division by a zero variance happen?")
        off = [(k + 1, v) for k, v in enumerate(variances) if abs(v - 1) >= LSUV_TOL]
        if off:
            k, v = off[0]
            return report(False, "", f"with {activation}, Linear layer {k}'s outputs have"
                          f" variance {v:.3g}, want 1 ± {LSUV_TOL:g}. Measure each layer on the"
                          " output of the layers below it *after* they were rescaled, divide W by"
                          " the standard deviation (not the variance), and repeat until within"
                          " the tolerance.")
        ref_w = [layer.params["W"] for layer in ref if isinstance(layer, npnet.Linear)]
        scale = [float(np.std(w) / np.std(r)) for w, r in zip(weights, ref_w)]
        bad = [(k + 1, s) for k, s in enumerate(scale) if abs(s - 1) > 0.1]
        if bad:
            k, s = bad[0]
            return report(False, "", f"with {activation}, every layer's outputs have variance"
                          f" near 1, but Linear layer {k}'s weights are {s:.2f} times npnet's:"
                          " start each layer from orthogonal weights drawn with `rng`.")
        lines.append(f"{activation}: variances {min(variances):.3f} to {max(variances):.3f},"
                     f" weight scale {min(scale):.3f} to {max(scale):.3f} x npnet's")
    return report(True, "every Linear layer's outputs have variance 1 ± 0.1 and its weights"
                  " npnet.init.lsuv's scale, on a tanh and a ReLU network of"
                  f" {LSUV_DEPTH} layers: " + "; ".join(lines) + ".", "")
