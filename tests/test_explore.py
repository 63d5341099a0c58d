"""npnet_book.explore.explore: every combination precomputed once, byte-stable frames, an HTML form
with one range input per knob and alt text on every frame, and clear errors for bad input."""

import hashlib
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from npnet_book.explore import MAX_FRAMES, explore

X = np.linspace(-3, 3, 50)


def draw(ax, scale, shift=0.0):
    ax.plot(X, np.tanh(scale * X + shift))
    ax.set(xlabel="z", ylabel="tanh", title=f"scale {scale:g}")


def test_every_combination_drawn_once_in_product_order():
    calls = []

    def spy(ax, a, b):
        calls.append((a, b))
        ax.plot([0, 1], [a, b])

    e = explore(spy, a=[1, 2, 3], b=[10, 20])
    assert calls == [(1, 10), (1, 20), (2, 10), (2, 20), (3, 10), (3, 20)]
    assert len(e.frames) == 6 and len(set(e.frames)) == 6
    assert e.start == [1, 1] and e.index([1, 1]) == 3


def test_html_form_ranges_frames_alt_and_readout():
    e = explore(draw, scale=[0.5, 1.0, 2.0], shift=[-1, 0, 1])
    page = e._repr_html_()
    assert len(re.findall(r'<input type="range" min="0" max="2"', page)) == 2
    imgs = re.findall(r"<img [^>]*>", page)
    assert len(imgs) == 9
    assert all('alt="scale ' in img and "src=\"data:image/png;base64," in img for img in imgs)
    assert sum(" hidden" in img for img in imgs) == 8          # only the middle frame shows
    assert 'data-frame="4"' in next(img for img in imgs if " hidden" not in img)
    assert "scale = 1, shift = 0" in page                     # readout of the start values
    assert e.alts[0] == "scale 0.5; tanh against z; at scale = 0.5, shift = -1"


def test_frames_byte_stable_across_processes():
    code = ("import hashlib, numpy as np\n"
            "from npnet_book.explore import explore\n"
            "x = np.linspace(-3, 3, 50)\n"
            "def draw(ax, s):\n"
            "    ax.plot(x, np.tanh(s * x)); ax.set(title=f's {s}', xlabel='z', ylabel='y')\n"
            "print(hashlib.sha256(explore(draw, s=[0.5, 2])._repr_html_().encode()).hexdigest())\n")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, timeout=120).stdout for _ in range(2)}
    assert len(runs) == 1


def test_frames_are_sharp_png_without_software_or_time_chunks():
    """Twice the text column's width in pixels; one text chunk, the smallest tick label's size
    at the column's width (a 6.9-inch frame shows 10-point ticks at 10·690/(72·6.9) = 13.9 px);
    nothing that changes run to run."""
    from PIL import Image

    from npnet_book.plots import COLUMN_PX, min_tick_css_px

    e = explore(draw, scale=[1.0])
    png = e.frames[0]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).width == 2 * COLUMN_PX
    assert png.count(b"tEXt") == 1 and min_tick_css_px(png) == pytest.approx(13.9, abs=0.05)
    for chunk in (b"iTXt", b"zTXt", b"tIME", b"Software", b"Creation"):
        assert chunk not in png
    assert f'width="{COLUMN_PX}"' in e._repr_html_()


def test_mimebundle_has_html_and_widget_view():
    bundle = explore(draw, scale=[1.0, 2.0])._repr_mimebundle_()
    assert "text/html" in bundle and "text/plain" in bundle
    assert "0x" not in bundle["text/plain"]                   # no address: nbval compares it
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_widget_view_needs_only_a_model_id(monkeypatch):
    """ipywidgets 7 (Colab) widgets have no _repr_mimebundle_; the view is built from the
    model id that 7 and 8 both expose, in the format both display."""
    e = explore(draw, scale=[1.0, 2.0])

    class Seven:                      # an ipywidgets-7-like widget: a model id, no bundle method
        model_id = "abc123"

    monkeypatch.setattr(e, "widget", lambda: Seven())
    view = e._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]
    assert view == {"version_major": 2, "version_minor": 0, "model_id": "abc123"}
    monkeypatch.setattr(e, "widget", lambda: (_ for _ in ()).throw(ImportError("no ipywidgets")))
    bundle = e._repr_mimebundle_()
    assert "text/html" in bundle and "application/vnd.jupyter.widget-view+json" not in bundle


def test_widget_slider_swaps_image():
    e = explore(draw, scale=[0.5, 1.0, 2.0])
    box = e.widget()
    slider, readout, image = box.children
    assert image.value == e.frames[1]
    assert readout.value == "scale = 1"
    slider.value = 2
    assert image.value == e.frames[2]
    assert readout.value == "scale = 2"
    assert hashlib.sha1(image.value).digest() != hashlib.sha1(e.frames[1]).digest()


def test_labels_and_the_watched_number():
    """Knobs show the reader's label, not the Python name, and the readout of every frame
    states the watched number: in the page's HTML, in each frame's data-readout, and live."""
    e = explore(draw, labels={"scale": "σ_w"}, watch=lambda scale, shift: f"χ = {scale ** 2:g}",
                scale=[0.5, 1.0, 2.0], shift=[0.0, 1.0])
    page = e._repr_html_()
    assert "<span>σ_w</span>" in page and ">scale<" not in page
    assert 'data-knob="scale"' in page                 # the script still keys on the name
    assert "σ_w = 1, shift = 1: χ = 1</p>" in page      # start values: middle of each knob
    assert 'data-readout="σ_w = 2, shift = 0: χ = 4"' in page
    assert "σ_w = 0.5" in e.alts[0]
    slider, _, readout, _ = e.widget().children
    slider.value = 0
    assert readout.value == "σ_w = 0.5, shift = 1: χ = 0.25"
    with pytest.raises(ValueError, match=r"\['sigma'\]"):
        explore(draw, labels={"sigma": "σ"}, scale=[1.0])
    with pytest.raises(TypeError, match="watch must be a function"):
        explore(draw, watch="χ", scale=[1.0])


def test_too_many_combinations():
    with pytest.raises(ValueError, match="at most 30"):
        explore(draw, scale=list(range(7)), shift=list(range(5)))
    assert MAX_FRAMES == 30


@pytest.mark.parametrize("kwargs, err, match", [
    ({}, ValueError, "at least one knob"),
    ({"scale": []}, ValueError, "non-empty"),
    ({"scale": "abc"}, TypeError, "list of values"),
    ({"scale": 3}, TypeError, "list of values"),
    ({"scale": [1], "figsize": (0, 3)}, ValueError, "figsize"),
    ({"scale": [1], "alt": 5}, TypeError, "alt"),
])
def test_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        explore(draw, **kwargs)


def test_draw_must_be_callable():
    with pytest.raises(TypeError, match="draw must be a function"):
        explore("draw", scale=[1])


def test_alt_string_and_function():
    e = explore(draw, alt="A tanh curve", scale=[1.0, 2.0])
    assert e.alts == ["A tanh curve; at scale = 1", "A tanh curve; at scale = 2"]
    e = explore(draw, alt=lambda scale: f"slope {scale:g}", scale=[1.0])
    assert e.alts == ["slope 1"]


def test_names_are_buttons_and_numbers_are_sliders():
    """A knob of names is a radio group showing every choice (one checked, the middle one), a
    knob of numbers a range input with its value in an <output>; names are unique per control."""
    def draw2(ax, activation, scale):
        ax.plot(X, scale * (np.tanh(X) if activation == "tanh" else np.maximum(X, 0)))

    e = explore(draw2, activation=["tanh", "relu", "elu"], scale=[0.5, 1.0])
    page = e._repr_html_()
    group = re.search(r'<fieldset class="[^"]*npnet-explore-choice[^"]*" data-knob="activation">'
                      r'<legend>activation</legend>(.*?)</fieldset>', page)
    assert group, page[:400]
    radios = re.findall(r'<input type="radio" name="([^"]+)" value="(\d)"( checked)?>'
                        r'<span>(\w+)</span>', group.group(1))
    assert [(v, c, t) for _, v, c, t in radios] == [("0", "", "tanh"), ("1", " checked", "relu"),
                                                    ("2", "", "elu")]
    assert len({name for name, *_ in radios}) == 1
    assert 'type="range"' in page and 'data-knob="scale"' in page and "<output>1</output>" in page
    assert 'type="radio"' not in explore(draw, scale=[1, 2, 3])._repr_html_()


def test_live_view_uses_buttons_for_names():
    widgets = pytest.importorskip("ipywidgets")

    def draw2(ax, activation, scale):
        ax.plot(X, scale * (np.tanh(X) if activation == "tanh" else np.maximum(X, 0)))

    view = explore(draw2, activation=["tanh", "relu"], scale=[0.5, 1.0]).widget()
    kinds = [type(w) for w in view.children]
    assert kinds == [widgets.ToggleButtons, widgets.SelectionSlider, widgets.Label, widgets.Image]
    image = view.children[3]
    before = image.value
    view.children[0].value = 0
    assert image.value != before
