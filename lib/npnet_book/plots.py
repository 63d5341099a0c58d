"""Figures the chapters share, the book's one palette, and how every figure becomes a PNG.

Every function draws into ``ax`` if given (else a new figure), labels its axes, keeps a white
background (legible in the site's dark theme) and returns the axes. In a notebook, assign the
result (``ax = ...``) so no object repr is printed.

**Colours.** ``PALETTE`` gives each recurring thing one colour in every figure (each
activation, each initialiser, batch norm or not, training or validation, theory and guide
lines); :func:`color` looks one up, :func:`shades` colours an ordered series (depth, a scale)
light to dark, :func:`series` gives distinct colours to one-off categories. Chapters use no
literal colours (the anatomy test refuses them); any two palette entries are at least ΔE 15
apart in CIELAB (a unit test).

**Sharp figures.** Importing this module makes IPython render every matplotlib figure with
:func:`figure_png`: at ``DENSITY`` × the text column's width in pixels (2 × 690), shown at the
column's width, so a figure is sharp on a high-density screen. A figure ``w`` inches wide then
shows a font of ``s`` points at ``s·690/(72·w)`` CSS px: design figures about ``FULL_WIDTH``
(6.9 in) wide, where 10-point tick labels are 13.9 px; the PNG records its smallest tick label's
size (``min-tick-css-px``), which the anatomy test holds at ``MIN_TICK_PX`` or more.
:func:`set_alt` attaches alt text made from the plotted values to a figure.
"""

import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

COLUMN_PX = 690     # the site's text column at a 1280-px window, in CSS px
DENSITY = 2         # PNG pixels per CSS px
FULL_WIDTH = 6.9    # inches: 100 CSS px per inch at the column's width
MIN_TICK_PX = 10    # smallest tick label a reader should have to read, in CSS px

PALETTE = {
    # activations
    "tanh": "#e66101", "relu": "#1f5fbf", "leaky_relu": "#4fa8e0", "elu": "#7b3fa0",
    "sigmoid": "#c2185b", "linear": "#6b4e16",
    # initialisers (and the all-zero start)
    "glorot": "#1a9850", "he": "#d62728", "lecun": "#b8a000", "orthogonal": "#00838f",
    "lsuv": "#e78ac3", "zeros": "#a0522d",
    # normalisation
    "bn": "#0b5d3b", "no_bn": "#f4a259",
    # data
    "train": "#17324d", "validation": "#8fbf3f",
    # theory and guides: the prediction's line, reference lines, background traces
    "theory": "#222222", "reference": "#777777", "faint": "#c4c4c4",
}
_ALIASES = {"xavier": "glorot", "kaiming": "he", "leaky relu": "leaky_relu", "identity": "linear",
            "batch norm": "bn", "no bn": "no_bn", "val": "validation", "test": "validation",
            "training": "train"}
# one-off categories (colour-blind-safe, Okabe & Ito 2008); no meaning carries between figures
_SERIES = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")

BOOK_STYLE = {
    "figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
    "figure.dpi": 100, "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
    "xtick.labelsize": 10, "ytick.labelsize": 10,
    "legend.fontsize": 9, "axes.spines.top": False, "axes.spines.right": False,
    "figure.figsize": (FULL_WIDTH, 3.6), "figure.constrained_layout.use": True,
    "axes.prop_cycle": plt.cycler(color=list(_SERIES)),
}
plt.rcParams.update(BOOK_STYLE)


def color(name):
    """The palette's colour for ``name`` (e.g. ``"relu"``, ``"he_normal"``, ``"validation"``):
    an initialiser's ``_normal``/``_uniform`` suffix and the aliases in ``_ALIASES`` are
    understood. Unknown names raise ``ValueError`` listing the known ones."""
    if not isinstance(name, str):
        raise TypeError(f"a palette entry is named by a string, got {type(name).__name__}")
    key = name.lower().replace("-", "_")
    for suffix in ("_normal", "_uniform"):
        key = key[: -len(suffix)] if key.endswith(suffix) else key
    key = _ALIASES.get(key.replace("_", " "), _ALIASES.get(key, key))
    if key not in PALETTE:
        raise ValueError(f"no palette colour for {name!r}; known: {', '.join(sorted(PALETTE))}")
    return PALETTE[key]


def shades(n, light=0.85, dark=0.1):
    """``n`` colours for an ordered series (layers, depths, a scale's values), light to dark
    along viridis; the first is the lightest."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"shades needs a positive number of colours, got {n!r}")
    return [tuple(c) for c in plt.cm.viridis(np.linspace(light, dark, n))]


def series(n):
    """``n`` distinct colours for one-off categories that have no palette entry (at most 7)."""
    if not isinstance(n, (int, np.integer)) or not 1 <= n <= len(_SERIES):
        raise ValueError(f"series gives 1 to {len(_SERIES)} colours, got {n!r}")
    return list(_SERIES[:n])


def _min_tick_points(fig):
    sizes = [t.get_fontsize() for ax in fig.axes if ax.get_visible()
             for t in (*ax.get_xticklabels(), *ax.get_yticklabels()) if t.get_text()]
    return min(sizes) if sizes else None


def figure_png(fig, width_px=DENSITY * COLUMN_PX):
    """``fig`` as PNG bytes ``width_px`` pixels wide, byte-identical run to run: Agg raster on
    white (the figure's own constrained layout, no cropping), quantised to a 256-colour palette
    (3-4× smaller than RGBA, no visible loss for line plots), no date or software chunks, and
    one text chunk ``min-tick-css-px``: the smallest tick label's size in CSS px when the image
    is shown ``width_px / DENSITY`` wide."""
    from PIL import Image, PngImagePlugin

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    width_in, dpi = fig.get_figwidth(), fig.dpi
    fig.set_dpi((width_px + 0.5) / width_in)
    try:
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    finally:
        fig.set_dpi(dpi)
    img = Image.fromarray(rgb, mode="RGB").quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    info = PngImagePlugin.PngInfo()
    points = _min_tick_points(fig)
    if points is not None:
        info.add_text("min-tick-css-px", f"{points / 72 * img.width / DENSITY / width_in:.1f}")
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def min_tick_css_px(png):
    """The ``min-tick-css-px`` that :func:`figure_png` wrote into ``png`` (bytes), or ``None``."""
    from PIL import Image

    value = Image.open(io.BytesIO(png)).text.get("min-tick-css-px")
    return None if value is None else float(value)


def set_alt(fig, text):
    """Give ``fig`` its alt text, made from the values it plots (e.g. an f-string of the
    measured numbers): the notebook stores it with the figure's PNG, and the site uses it instead
    of a fixed text in the cell's metadata, so it cannot go stale. Returns ``fig``."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"alt text must be a non-empty string, got {text!r:.60}")
    fig.npnet_alt = text.strip()
    return fig


def _inline(fig):
    meta = {"width": COLUMN_PX}
    if getattr(fig, "npnet_alt", None):
        meta["alt"] = fig.npnet_alt
    return figure_png(fig), meta


def _use_for_inline_figures():
    """Make IPython (when running) render figures with :func:`figure_png`, shown at the text
    column's width."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    # load the backend now (matplotlib picks it lazily): the inline backend sets IPython's
    # figure formatter when it loads, and ours must come after it
    plt.switch_backend(plt.rcParams["backend"])
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, _inline)


_use_for_inline_figures()


def _axes(ax, figsize=(FULL_WIDTH, 3.6)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def grid(n, ncols=None, size=None, sharex=False, sharey=False):
    """A figure with ``n`` axes in rows of ``ncols`` (default up to 3), each ``size`` = (width,
    height) inches (default: the text column's width shared out, 2.3 in high); returns
    ``(fig, flat list of n axes)`` (unused trailing axes are hidden)."""
    ncols = ncols or min(n, 3)
    size = size or (FULL_WIDTH / ncols, 2.3)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows),
                             squeeze=False, sharex=sharex, sharey=sharey, layout="constrained")
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def loss_curve(history, ax=None, label="", metric="loss", color=None, **style):
    """Per-epoch training (solid) and, if recorded, validation (dashed) ``metric``
    (``"loss"`` or ``"acc"``) of a :class:`npnet.train.History`. ``label`` prefixes the legend
    entries; ``label=None`` adds none (for many runs in one panel)."""
    ax = _axes(ax)
    train = getattr(history, f"train_{metric}")
    epochs = np.arange(1, len(train) + 1)

    def entry(kind):
        return "_nolegend_" if label is None else f"{label} {kind}".strip()

    line, = ax.plot(epochs, train, color=color, label=entry("train"), **style)
    val = getattr(history, f"val_{metric}")
    if val:
        ax.plot(epochs, val, "--", color=line.get_color(), label=entry("validation"), **style)
    ax.set_xlabel("epoch")
    ax.set_ylabel({"loss": "loss", "acc": "accuracy"}.get(metric, metric))
    if metric == "loss":
        ax.set_yscale("log")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    return ax


def layer_histograms(rows, axes=None, title="", bins_range=None, coverage=0.995):
    """One histogram per activation layer from :func:`npnet.stats.activation_stats`, titled
    with the layer's mean, std and saturated or dead share. Unless ``bins_range`` is given,
    the x-axis stops where ``coverage`` of the outputs is reached, so a long tail does not
    squash the histogram."""
    if axes is None:
        fig, axes = grid(len(rows), sharey=False)
        if title:
            fig.suptitle(title)
    for ax, row in zip(axes, rows):
        edges = row["edges"]
        ax.stairs(row["hist"] / row["hist"].sum(), edges, fill=True, alpha=0.8)
        extra = ""
        if row["saturated"] is not None:
            extra = f", sat {100 * row['saturated']:.0f}%"
        elif row["dead"] is not None:
            extra = f", dead {100 * row['dead']:.0f}%"
        ax.set_title(f"layer {row['index']} {row['layer']}\nmean {row['mean']:.2f},"
                     f" std {row['std']:.2f}{extra}")
        ax.set_xlabel("activation value")
        ax.set_ylabel("share of outputs")
        if bins_range is None:
            share = np.cumsum(row["hist"]) / row["hist"].sum()
            ax.set_xlim(edges[0], edges[1 + np.searchsorted(share, coverage)])
        else:
            ax.set_xlim(*bins_range)
    return axes


def decision_boundary(model, X, y, ax=None, resolution=150, margin=0.5, cmap="RdBu"):
    """Points of a 2-D two-class set (``y`` in {0, 1}) over the model's predicted probability
    of class 1, with the 0.5 contour; the model outputs one logit or two-class logits."""
    ax = _axes(ax)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid_points = np.c_[g0.ravel(), g1.ravel()].astype(X.dtype)
    out = model.forward(grid_points, train=False)
    if out.shape[1] == 1:
        prob = 0.5 * (1 + np.tanh(0.5 * out[:, 0]))
    else:
        z = out - out.max(axis=1, keepdims=True)
        e = np.exp(z)
        prob = e[:, 1] / e.sum(axis=1)
    prob = prob.reshape(g0.shape)
    ax.contourf(g0, g1, prob, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.35)
    if prob.min() < 0.5 < prob.max():
        ax.contour(g0, g1, prob, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, s=8, edgecolors="none", vmin=-0.2, vmax=1.2)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    return ax


def theory_vs_measurement(x, measured, predicted, ax=None, xlabel="", ylabel="",
                          label_measured="measured", label_predicted="theory", logx=False,
                          logy=False, color=_SERIES[1]):
    """Measured values (markers) and the theory's prediction (line) on the same axes."""
    ax = _axes(ax)
    ax.plot(x, predicted, "-", color=PALETTE["theory"], label=label_predicted, zorder=1)
    ax.plot(x, measured, "o", color=color, label=label_measured, zorder=2, ms=5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.legend(frameon=False)
    return ax


def unit_lines(ax, W, b, styles=("--", ":"), colors=_SERIES[1:4:2], lw=1.6):
    """For each hidden unit j of a layer on 2-D inputs, the line where its pre-activation is
    zero, ``w_j·x + b_j = 0`` (``w_j`` = column j of ``W``), across the axes' current limits,
    which are kept. ``W`` has shape ``(2, k)``, ``b`` shape ``(k,)``; unit j gets
    ``styles[j % len(styles)]`` and ``colors[j % len(colors)]``; a unit with ``w_j = 0`` has no
    line and is skipped. Draw the data first (e.g. :func:`decision_boundary`)."""
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    if W.ndim != 2 or W.shape[0] != 2 or b.shape != (W.shape[1],):
        raise ValueError(f"expected W of shape (2, k) and b of shape (k,), got {W.shape} and "
                         f"{b.shape}")
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for j in range(W.shape[1]):
        w, c = W[:, j], b[j]
        if not np.any(w):
            continue
        if abs(w[1]) >= abs(w[0]):                 # steeper in x: solve for x2 at both x1 ends
            xs = np.array([x0, x1])
            ys = -(c + w[0] * xs) / w[1]
        else:
            ys = np.array([y0, y1])
            xs = -(c + w[1] * ys) / w[0]
        ax.plot(xs, ys, styles[j % len(styles)], color=colors[j % len(colors)], lw=lw)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return ax


# --- chapter 03 ---

def seed_strip(results, ax=None, ylabel="test accuracy", threshold=None, colors=None):
    """One column per setting: every seed's value as a dot (jittered sideways) and the mean as a
    bar. ``results`` maps a setting's label to a 1-D array of per-seed values. With
    ``threshold``, a dotted line marks it and each label gets "k of n ≥ threshold"."""
    ax = _axes(ax)
    if not isinstance(results, dict) or not results:
        raise ValueError(f"results must be a non-empty dict label -> per-seed values, got {results!r}")
    labels = []
    for i, (label, values) in enumerate(results.items()):
        values = np.asarray(values, dtype=float).ravel()
        color = (colors or _SERIES)[i % len(colors or _SERIES)]
        jitter = np.linspace(-0.15, 0.15, values.size) if values.size > 1 else np.zeros(1)
        ax.plot(i + jitter, values, "o", color=color, ms=4, alpha=0.75)
        ax.plot([i - 0.28, i + 0.28], [values.mean()] * 2, color=color, lw=2.5)
        if threshold is not None:
            label = f"{label}\n{int(np.sum(values >= threshold))} of {values.size} ≥ {threshold:g}"
        labels.append(label)
    if threshold is not None:
        ax.axhline(threshold, color=PALETTE["reference"], ls=":", lw=1)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylabel(ylabel)
    return ax


# --- chapter 01 ---

def seed_curves(curves, ax=None, label="", color=None, band=True, lw=2, x=None):
    """The median over seeds (thick line) and, if ``band``, the interquartile range (shaded)
    of per-seed curves ``curves`` of shape ``(seeds, steps)``, against the step 0, 1, ...
    (or against ``x``, e.g. the epochs 1, 2, ..., when given; the x label is then the caller's).
    The median, not the mean, so that a curve read against a threshold shows the typical seed
    (a mean mixes seeds that have crossed it with seeds that have not)."""
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2 or curves.shape[0] < 1 or curves.shape[1] < 2:
        raise ValueError(f"expected curves of shape (seeds, steps) with at least 2 steps, got "
                         f"shape {curves.shape}")
    ax = _axes(ax)
    steps = np.arange(curves.shape[1]) if x is None else np.asarray(x, dtype=float)
    if steps.shape != (curves.shape[1],):
        raise ValueError(f"x must have shape ({curves.shape[1]},), got {steps.shape}")
    line, = ax.plot(steps, np.median(curves, axis=0), color=color, lw=lw, label=label or None)
    if band and curves.shape[0] > 1:
        lo, hi = np.percentile(curves, [25, 75], axis=0)
        ax.fill_between(steps, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    if x is None:
        ax.set_xlabel("step")
    return ax


# --- chapter 05 ---

HEALTH_COLUMNS = (("loss", "loss"), ("saturated", "saturated\nshare"), ("dead", "dead\nshare"),
                  ("grad_norm", "‖∂L/∂W‖\nper layer"), ("update_ratio", "update / data\nper layer"))


def training_health(runs, n_classes=None, size=(None, 1.45), title=""):
    """The statistics a practitioner watches over the first steps, one column per run.

    ``runs`` maps a run's label to a list of records, one per step, as returned by
    :func:`npnet.stats.health_step`. Rows: the loss (with ln C dashed when ``n_classes`` = C
    is given: the loss of a network that predicts every class with probability 1/C), the
    saturated share of each tanh/sigmoid layer, the dead share of each ReLU layer, the gradient
    norm ‖∂L/∂W‖ of each weight layer and the update-to-data ratio of each weight layer (10⁻³
    dotted). Per-layer curves run from light (first layer) to dark (last). Each row shares its
    y-axis across runs; a panel with nothing to show says so. ``size`` is (width of the figure,
    default the text column's; height of a row) in inches. Returns the axes as an array of
    shape ``(len(runs), 5)``, ``axes[run, statistic]``; the figure is ``axes[0, 0].figure``.
    """
    if not isinstance(runs, dict) or not runs:
        raise ValueError(f"runs must be a non-empty dict {{label: records}}, got {runs!r:.80}")
    for label, records in runs.items():
        if not records or not all(isinstance(r, dict) and "loss" in r for r in records):
            raise ValueError(f"run {label!r}: expected a non-empty list of records from"
                             " npnet.stats.health_step")
    fig, grid_axes = plt.subplots(len(HEALTH_COLUMNS), len(runs), squeeze=False, sharex=True,
                                  sharey="row", layout="constrained",
                                  figsize=(size[0] or FULL_WIDTH, size[1] * len(HEALTH_COLUMNS)))
    axes = grid_axes.T
    if title:
        fig.suptitle(title)
    for column, (label, records) in zip(axes, runs.items()):
        steps = np.arange(len(records))
        column[0].set_title(label)
        for ax, (key, name) in zip(column, HEALTH_COLUMNS):
            if ax is axes[0, HEALTH_COLUMNS.index((key, name))]:
                ax.set_ylabel(name)
            if key == "loss":
                ax.plot(steps, [r["loss"] for r in records], color=PALETTE["train"], label="loss")
                if n_classes:
                    ax.axhline(np.log(n_classes), ls="--", color=PALETTE["reference"], lw=1,
                               label=f"ln {n_classes}")
                ax.legend(frameon=False, fontsize=8)
                continue
            layers = sorted(records[0][key])
            if not layers:
                ax.text(0.5, 0.5, "no such layers", ha="center", va="center",
                        transform=ax.transAxes, color=PALETTE["reference"])
                continue
            for j, (index, colour) in enumerate(zip(layers, shades(len(layers), dark=0.0))):
                depth = f"layer {j + 1}" if j in (0, len(layers) - 1) else None
                ax.plot(steps, [r[key][index] for r in records], color=colour, lw=1.1,
                        label=depth)
            if key in ("grad_norm", "update_ratio"):
                ax.set_yscale("log")
            else:
                ax.set_ylim(-0.03, 1.03)                   # shares
            if key == "update_ratio":
                ax.axhline(1e-3, ls=":", color=PALETTE["reference"], lw=1)
            ax.legend(frameon=False, fontsize=8)
    for ax in grid_axes[-1]:
        ax.set_xlabel("step")
    return axes


def layer_ridge(samples, ax=None, value_range=None, bins=60, height=0.9, color=_SERIES[0],
                xlabel="activation value", title=""):
    """Per-layer histograms stacked as a ridgeline: layer l (1 = first) sits at height l and
    its histogram, scaled to its own peak, rises by ``height``. ``samples`` is a list of arrays
    (any shape), one per layer. Bins cover ``value_range`` (default: all samples); values
    outside it are not drawn. A layer whose values all fall in one bin shows as a spike."""
    ax = _axes(ax)
    if not len(samples):
        raise ValueError("samples must hold one array per layer, got none")
    if value_range is None:
        value_range = (min(float(np.min(s)) for s in samples),
                       max(float(np.max(s)) for s in samples))
    edges = np.linspace(*value_range, bins + 1)
    for depth, s in enumerate(samples, start=1):
        counts, _ = np.histogram(np.ravel(s), bins=edges)
        peak = counts.max() if counts.max() > 0 else 1
        top = depth + height * counts / peak
        ax.stairs(top, edges, baseline=depth, fill=True, color=color, alpha=0.55, lw=0)
        ax.stairs(top, edges, baseline=depth, color=color, lw=0.8)
    ax.set_yticks(range(1, len(samples) + 1))
    ax.set_ylim(0.8, len(samples) + 1)
    ax.set_xlim(*value_range)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("layer")
    if title:
        ax.set_title(title)
    return ax
