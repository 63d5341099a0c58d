"""One helper for a chapter's *Explore* section: a control that works with and without a kernel.

``draw(ax, **knobs)`` draws one frame into ``ax``; a *sweep* gives each knob the values it
may take, e.g. ``explore(draw, lr=[0.01, 0.1, 1.0])``. :func:`explore` draws every
combination of knob values once, when the notebook executes, and shows them behind one control
per knob: a row of buttons for a knob whose values are names (an activation, an initialiser),
a slider showing its value for a knob whose values are numbers:

- in a live kernel (Jupyter, Binder, Colab) as ipywidgets ``ToggleButtons`` and
  ``SelectionSlider`` (both in ipywidgets 7 and 8) that swap the precomputed frames in an
  ``ipywidgets.Image`` (nothing is drawn through an ``Output`` widget);
- on the static site as HTML: a radio group (``<fieldset>``) or an ``<input type="range">`` per
  knob, the frames as ``<img>`` data URIs with alt text and a readout of the knob values and
  the number to watch,
  driven by ``_static/explore.js``. Both work from the keyboard (arrow keys) and carry labels.

Frames are byte-stable PNGs (:func:`npnet_book.plots.figure_png`: twice the text column's
width in pixels, shown at the column's width, a 256-colour palette, no date metadata), so strict
nbval compares the HTML form, frames included, exactly. :func:`static` draws the same sweep as
small multiples, for the rare figure that says something the control doesn't; it takes the
same arguments.
"""

import base64
import hashlib
import html
import itertools
import json
import numbers

import numpy as np
from matplotlib.figure import Figure

from .plots import COLUMN_PX, FULL_WIDTH, figure_png, grid

MAX_FRAMES = 30       # combinations per control: the page must stay light (≤ 2.5 MB per chapter)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FIGSIZE = (FULL_WIDTH, 3.7)   # inches: shown 690 × 370 CSS px, rendered 1380 × 740 px


def _check_sweep(sweep):
    if not sweep:
        raise ValueError("give at least one knob, e.g. explore(draw, scale=[0.1, 1, 10])")
    out = {}
    for name, values in sweep.items():
        if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
            raise TypeError(f"knob {name!r} needs a list of values, got {type(values).__name__} "
                            f"{values!r}")
        values = list(values)
        if len(values) < 1:
            raise ValueError(f"knob {name!r} needs a non-empty list of values, got {values!r}")
        out[name] = values
    return out


def _label(value):
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(int(value)) if isinstance(value, np.integer) else str(value)


def _readout(knobs, labels=None):
    labels = labels or {}
    return ", ".join(f"{labels.get(k, k)} = {_label(v)}" for k, v in knobs.items())


def _default_alt(ax, knobs, labels=None):
    """Alt text from what the frame says about itself: its title and axis labels."""
    title = ax.get_title() or (ax.figure._suptitle.get_text() if ax.figure._suptitle else "")
    xlabel, ylabel = ax.get_xlabel(), ax.get_ylabel()
    parts = [title.strip() or "Explore frame"]
    if xlabel and ylabel:
        parts.append(f"{ylabel} against {xlabel}")
    return f"{'; '.join(parts)}; at {_readout(knobs, labels)}"


def is_numeric(values):
    """True if every value is a real number (not a bool): such a knob is a slider; any other
    knob is a row of buttons."""
    return all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
               for v in values)


class Explore:
    """The precomputed control :func:`explore` returns. ``frames`` holds the PNG bytes in
    ``itertools.product`` order of the knobs; ``alts`` the matching alt texts; ``start`` the
    index of each knob's initial value (its middle value)."""

    def __init__(self, sweep, frames, alts, start, figsize, labels=None, readouts=None):
        self.sweep = sweep
        self.frames = frames
        self.alts = alts
        self.start = start
        self.figsize = figsize
        self.labels = {k: (labels or {}).get(k, k) for k in sweep}
        self.readouts = readouts or [""] * len(frames)
        self._widget = None

    def readout(self, i):
        """The line under the knobs for frame ``i``: the knob values (by their labels), then
        the watched number that ``explore(..., watch=...)`` gave, if any."""
        combo = np.unravel_index(i, [len(v) for v in self.sweep.values()])
        knobs = {k: v[j] for (k, v), j in zip(self.sweep.items(), combo)}
        text = _readout(knobs, self.labels)
        return f"{text}: {self.readouts[i]}" if self.readouts[i] else text

    def __repr__(self):
        knobs = ", ".join(f"{k}: {len(v)} values" for k, v in self.sweep.items())
        return f"<npnet_book.explore.Explore ({knobs}; {len(self.frames)} frames)>"

    def index(self, positions):
        """Frame index for one position (value index) per knob."""
        return int(np.ravel_multi_index(tuple(positions), [len(v) for v in self.sweep.values()]))

    # --- the live view: ipywidgets -------------------------------------------------------
    def widget(self):
        """The ipywidgets view (built once): per knob a ``ToggleButtons`` row (names) or a
        ``SelectionSlider`` (numbers), above an ``Image`` as wide as the text column."""
        if self._widget is None:
            import ipywidgets as widgets

            controls = []
            for k, (name, values) in enumerate(self.sweep.items()):
                options = [(_label(v), i) for i, v in enumerate(values)]
                common = dict(options=options, value=self.start[k],
                              description=self.labels[name],
                              style={"description_width": "initial"})
                controls.append(widgets.SelectionSlider(continuous_update=True, **common)
                                if is_numeric(values) else widgets.ToggleButtons(**common))
            first = self.index(self.start)
            image = widgets.Image(value=self.frames[first], format="png",
                                  layout=widgets.Layout(width="100%", max_width=f"{COLUMN_PX}px"))
            readout = widgets.Label(value=self.readout(first))

            def show(_change=None):
                i = self.index([c.value for c in controls])
                image.value, readout.value = self.frames[i], self.readout(i)

            for c in controls:
                c.observe(show, names="value")
            self._widget = widgets.VBox([*controls, readout, image])
        return self._widget

    # --- the static view: HTML + _static/explore.js ----------------------------------------
    def _knob_html(self, k, name, uid):
        labels = [_label(v) for v in self.sweep[name]]
        start, knob, shown = self.start[k], html.escape(name), html.escape(self.labels[name])
        if not is_numeric(self.sweep[name]):
            buttons = "".join(
                f'<label><input type="radio" name="{uid}-{k}" value="{i}"'
                f'{" checked" if i == start else ""}><span>{html.escape(text)}</span></label>'
                for i, text in enumerate(labels))
            return (f'<fieldset class="npnet-explore-knob npnet-explore-choice" '
                    f'data-knob="{knob}"><legend>{shown}</legend>{buttons}</fieldset>')
        return (f'<label class="npnet-explore-knob"><span>{shown}</span> '
                f'<input type="range" min="0" max="{len(labels) - 1}" step="1" '
                f'value="{start}" data-knob="{knob}" '
                f"data-labels='{html.escape(json.dumps(labels), quote=True)}' "
                f'aria-valuetext="{html.escape(labels[start])}"> '
                f'<output>{html.escape(labels[start])}</output></label>')

    def _repr_html_(self):
        names = list(self.sweep)
        first = self.index(self.start)
        digest = hashlib.sha1(json.dumps([names, self.alts]).encode())
        for png in self.frames:
            digest.update(png)
        uid = "npnet-explore-" + digest.hexdigest()[:10]
        rows = [self._knob_html(k, name, uid) for k, name in enumerate(names)]
        width, height = COLUMN_PX, round(COLUMN_PX * self.figsize[1] / self.figsize[0])
        imgs = []
        for i, (png, alt) in enumerate(zip(self.frames, self.alts)):
            data = base64.b64encode(png).decode("ascii")
            hidden = "" if i == first else " hidden"
            imgs.append(f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
                        f'width="{width}" height="{height}" data-frame="{i}" '
                        f'data-readout="{html.escape(self.readout(i))}"{hidden}>')
        return (
            f'<div class="npnet-explore" id="{uid}">\n'
            '<div class="npnet-explore-knobs">\n' + "\n".join(rows) + "\n</div>\n"
            f'<p class="npnet-explore-readout" aria-live="polite">{html.escape(self.readout(first))}</p>\n'
            '<div class="npnet-explore-frames">\n' + "\n".join(imgs) + "\n</div>\n</div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self._repr_html_()}
        try:
            model_id = self.widget().model_id
        except Exception:  # no ipywidgets or no comm: the HTML form still works
            model_id = None
        if model_id:
            # the widget view as ipywidgets 7 (Colab) and 8 both display it; 7 has no
            # _repr_mimebundle_ on widgets, only _ipython_display_, which a bundle can't call
            bundle[WIDGET_VIEW] = {"version_major": 2, "version_minor": 0, "model_id": model_id}
        return bundle


def explore(draw, figsize=FIGSIZE, alt=None, labels=None, watch=None, **sweep):
    """Precompute ``draw(ax, **knobs)`` for every combination of the knobs' values (at most
    30) and return an :class:`Explore` control: buttons or sliders that swap those frames, live in a
    kernel and as plain HTML on the static site. Each knob starts at its middle value.

    ``alt`` is the frames' alt text: a string (the knob values are appended) or a function
    ``alt(**knobs) -> str``; by default it is made from each frame's title and axis labels.
    ``labels`` maps a knob's Python name to what the reader sees, e.g.
    ``{"sigma_w": "σ_w", "lr": "learning rate"}``. ``watch(**knobs) -> str`` gives the number
    the reader should watch, e.g. ``"χ = 1.02"``; the readout under the knobs shows it after
    the knob values. ``draw`` runs once per frame and must not train: precompute anything slow
    first."""
    if not callable(draw):
        raise TypeError(f"draw must be a function draw(ax, **knobs), got {type(draw).__name__}")
    if alt is not None and not (isinstance(alt, str) or callable(alt)):
        raise TypeError(f"alt must be a string or a function alt(**knobs) -> str, got "
                        f"{type(alt).__name__}")
    try:
        figsize = tuple(float(s) for s in figsize)
    except TypeError:
        raise TypeError(f"figsize must be (width, height) in inches, got {figsize!r}") from None
    if len(figsize) != 2 or min(figsize) <= 0:
        raise ValueError(f"figsize must be two positive numbers (inches), got {figsize!r}")
    if watch is not None and not callable(watch):
        raise TypeError(f"watch must be a function watch(**knobs) -> str, got "
                        f"{type(watch).__name__}")
    sweep = _check_sweep(sweep)
    if labels is not None:
        if not isinstance(labels, dict):
            raise TypeError(f"labels must be a dict knob name -> label, got {type(labels).__name__}")
        unknown = sorted(set(labels) - set(sweep))
        if unknown:
            raise ValueError(f"labels names knobs {unknown} that are not in the sweep "
                             f"{sorted(sweep)}")
    n = int(np.prod([len(v) for v in sweep.values()]))
    if n > MAX_FRAMES:
        sizes = " × ".join(f"{len(v)} {k}" for k, v in sweep.items())
        raise ValueError(f"explore precomputes every combination and allows at most {MAX_FRAMES}; "
                         f"got {sizes} = {n}: thin a knob or split the control in two")
    frames, alts, readouts = [], [], []
    shown = {k: (labels or {}).get(k, k) for k in sweep}
    for combo in itertools.product(*sweep.values()):
        knobs = dict(zip(sweep, combo))
        fig = Figure(figsize=figsize, layout="constrained", facecolor="white")
        ax = fig.add_subplot()
        draw(ax, **knobs)
        frames.append(figure_png(fig))
        if alt is None:
            alts.append(_default_alt(ax, knobs, shown))
        elif isinstance(alt, str):
            alts.append(f"{alt}; at {_readout(knobs, shown)}")
        else:
            alts.append(str(alt(**knobs)))
        readouts.append("" if watch is None else str(watch(**knobs)))
    start = [len(v) // 2 for v in sweep.values()]
    return Explore(sweep, frames, alts, start, figsize, labels, readouts)


def static(draw, ncols=None, size=None, sharex=True, sharey=True, labels=None, **sweep):
    """The sweep as small multiples: one panel per value of a single knob, a rows × columns
    grid for two knobs (first knob down, second across); further knobs stay at their middle
    value. Each panel is titled with its knob values. Returns the figure. Use it only where the
    side-by-side view says something the :func:`explore` control doesn't."""
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
        ax.set_title(_readout(dict(zip(varied, combo)), labels))
    return fig
