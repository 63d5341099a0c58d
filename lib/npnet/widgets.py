"""One helper for a chapter's *Explore* section: an interactive control and its static twin.

``draw(ax, **knobs)`` draws one frame into ``ax``; a *sweep* gives each knob the values it
may take, e.g. ``explore(draw, lr=[0.01, 0.1, 1.0])``. In a live kernel :func:`explore`
shows sliders (its callback only redraws: precompute anything slow before); on the static
site, where there is no kernel, :func:`static` draws the same sweep as small multiples.
Both take the same arguments, so a chapter writes its sweep once.
"""

import itertools
import time

import matplotlib.pyplot as plt
import numpy as np

from .plots import grid


def _check_sweep(sweep):
    if not sweep:
        raise ValueError("give at least one knob, e.g. explore(draw, scale=[0.1, 1, 10])")
    for name, values in sweep.items():
        if isinstance(values, (str, bytes)) or len(values) < 1:
            raise ValueError(f"knob {name!r} needs a non-empty list of values, got {values!r}")
    return {k: list(v) for k, v in sweep.items()}


def _label(value):
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


def explore(draw, figsize=(5, 3.4), **sweep):
    """An ipywidgets control with one selection slider per knob of ``sweep`` (starting at the
    middle value) that redraws ``draw(ax, **knobs)``. Returns the widget; the wall time of the
    last redraw (seconds) is kept in ``widget.last_draw_seconds``."""
    import ipywidgets as widgets

    sweep = _check_sweep(sweep)
    sliders = {name: widgets.SelectionSlider(options=[(_label(v), v) for v in values],
                                             value=values[len(values) // 2], description=name,
                                             continuous_update=False)
               for name, values in sweep.items()}
    out = widgets.Output()
    box = widgets.VBox([*sliders.values(), out])
    box.last_draw_seconds = None

    def redraw(_change=None):
        start = time.perf_counter()
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=figsize, layout="constrained")
            draw(ax, **{name: s.value for name, s in sliders.items()})
            plt.show()
        box.last_draw_seconds = time.perf_counter() - start

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return box


def static(draw, ncols=None, size=(2.8, 2.3), sharex=True, sharey=True, **sweep):
    """The sweep as small multiples: one panel per value of a single knob, a rows × columns
    grid for two knobs (first knob down, second across); further knobs stay at their middle
    value. Each panel is titled with its knob values. Returns the figure."""
    sweep = _check_sweep(sweep)
    names = list(sweep)
    varied = names[:2]
    fixed = {k: sweep[k][len(sweep[k]) // 2] for k in names[2:]}
    combos = list(itertools.product(*(sweep[k] for k in varied)))
    if ncols is None:
        ncols = len(sweep[varied[1]]) if len(varied) == 2 else min(len(combos), 3)
    fig, axes = grid(len(combos), ncols=ncols, size=size, sharex=sharex, sharey=sharey)
    for ax, combo in zip(axes, combos):
        knobs = dict(zip(varied, combo), **fixed)
        draw(ax, **knobs)
        ax.set_title(", ".join(f"{k} = {_label(v)}" for k, v in zip(varied, combo)))
    return fig
