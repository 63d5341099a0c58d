"""npnet_book.explore.explore: every combination precomputed once, byte-stable frames, an HTML form
with one range input per knob and alt text on every frame, and clear errors for bad input."""

import hashlib
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


def test_frames_are_png_without_software_or_time_chunks():
    e = explore(draw, scale=[1.0])
    png = e.frames[0]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME"):
        assert chunk not in png


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
    slider, image = box.children
    assert image.value == e.frames[1]
    slider.value = 2
    assert image.value == e.frames[2]
    assert hashlib.sha1(image.value).digest() != hashlib.sha1(e.frames[1]).digest()


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
