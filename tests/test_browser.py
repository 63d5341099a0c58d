"""The built site as a reader sees it, in headless Chromium with every non-local request blocked.

Every page the toc lists is served over HTTP from the build folder (asset paths break under
file://) and loaded once. A page fails on: a request to any other host; an internal link,
image or asset that does not load (links are followed, fragments looked up); a console error
or uncaught exception; maths that MathJax left unrendered or rendered as an error; an image
without alt text; a figure or Explore frame shown narrower than 90 % of the text column or
with fewer than twice its shown width in pixels (at a 1280 × 800 window). Every knob of every
Explore control (npnet_book.explore.explore) is moved with the keyboard (a slider to its other
end, a row of buttons to the next button): the visible frame and the readout must change, and
moving back must restore them.

Chromium is the one on the machine (Debian's `chromium` package); playwright drives it and
downloads no browser. Without one the tests skip, saying how to install it; `.ci/run` installs
it and sets BOOK_REQUIRE_BROWSER=1, which turns the skip into a failure. Set
BOOK_SCREENSHOTS=<folder> to save each Explore control before and after each knob moves.
"""

import functools
import http.server
import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # reported by the `browser` fixture
    PlaywrightError = Exception

from site_pages import HTML, missing, need_build, toc_documents

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL = ("no Chromium found on PATH: install Debian's package (`sudo apt-get install chromium`)"
           " or another Chromium as `chromium`, then re-run `make test`")
PAGES = toc_documents()
TIMES = {}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    need_build()
    handler = functools.partial(_Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: `make test` installs requirements-dev.txt")
    executable = shutil.which("chromium")
    if executable is None:
        missing(INSTALL)
    start = time.perf_counter()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        yield chromium
        chromium.close()
    TIMES["total"] = time.perf_counter() - start


@pytest.fixture(scope="module", autouse=True)
def _report_time(request):
    yield
    if "total" in TIMES:
        n = TIMES.get("pages", 0)
        line = f"\nbrowser test: {n} pages in {TIMES['total']:.1f} s (Chromium, requests to other hosts blocked)\n"
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            request.config.pluginmanager.get_plugin("terminalreporter").write(line)


_LINK_CACHE = {}


def _fetch(url):
    """Status and body of a local URL (cached across pages)."""
    if url not in _LINK_CACHE:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                _LINK_CACHE[url] = (r.status, r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            _LINK_CACHE[url] = (e.code, "")
    return _LINK_CACHE[url]


def _visible_frame(control):
    return control.evaluate("""c => {
        const img = Array.from(c.querySelectorAll('.npnet-explore-frames img')).find(i => !i.hidden
            && i.getBoundingClientRect().height > 0);
        return img ? [img.dataset.frame, img.src.length, img.src.slice(-64)] : null; }""")


def _state(control):
    return (_visible_frame(control), control.locator(".npnet-explore-readout").inner_text())


def _move_every_knob(control, c, doc):
    """Move each knob of one Explore control to another choice with the keyboard (a slider to
    its other end, a button group to the next button), check the frame and the readout changed,
    and put it back. With BOOK_SCREENSHOTS set, save the control before and after each move."""
    problems = []
    control.scroll_into_view_if_needed()
    knobs = control.locator("[data-knob]")
    if knobs.count() == 0:
        return [f"Explore control {c} has no knob"]
    shots = os.environ.get("BOOK_SCREENSHOTS")
    for k in range(knobs.count()):
        knob = knobs.nth(k)
        name = knob.get_attribute("data-knob")
        before = _state(control)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            stem = f"{shots}/{doc.replace('/', '_')}_explore{c}_{name}"
            control.screenshot(path=f"{stem}_before.png")
        is_group = knob.evaluate("e => e.tagName") == "FIELDSET"   # a row of buttons
        if is_group:
            radios = knob.locator("input[type=radio]")
            checked = next(i for i in range(radios.count()) if radios.nth(i).is_checked())
            radios.nth(checked).focus()
            key = "ArrowRight" if checked < radios.count() - 1 else "ArrowLeft"
            knob.page.keyboard.press(key)
            undo = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            moved = not radios.nth(checked).is_checked()
        else:
            start = int(knob.input_value())
            knob.focus()
            knob.press("Home" if start == int(knob.get_attribute("max")) else "End")
            moved = int(knob.input_value()) != start
        after = _state(control)
        if shots:
            control.screenshot(path=f"{stem}_after.png")
        if not moved:
            problems.append(f"Explore control {c}: the keyboard did not move {name!r}")
        if before[0] is None or after[0] is None:
            problems.append(f"Explore control {c}: no visible frame")
        elif before[0][0] == after[0][0] or before[0][1:] == after[0][1:]:
            problems.append(f"Explore control {c}: moving {name!r} did not change the frame")
        if before[1] == after[1]:
            problems.append(f"Explore control {c}: moving {name!r} did not change the readout")
        if is_group:
            knob.page.keyboard.press(undo)                   # back where it was
        else:
            knob.press("Home")
            for _ in range(start):
                knob.press("ArrowRight")
        if _state(control) != before:
            problems.append(f"Explore control {c}: moving {name!r} back did not restore it")
    return problems


@pytest.mark.parametrize("doc", PAGES)
def test_page(doc, server, browser):
    TIMES["pages"] = TIMES.get("pages", 0) + 1
    origin = urlsplit(server).netloc
    problems, external, local_failures = [], [], []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")

    def route(r):
        url = r.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != origin:
            external.append(url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
    page.on("response", lambda r: urlsplit(r.url).netloc == origin and r.status >= 400
            and local_failures.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: urlsplit(r.url).netloc == origin
            and local_failures.append(f"failed {r.url}: {r.failure}"))
    url = urljoin(server, doc + ".html")
    try:
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url} did not load"
        page.wait_for_load_state("networkidle")

        # maths: every Sphinx/MyST maths node rendered by MathJax, none as an error
        n_math = page.locator("span.math, div.math").count()
        if n_math:
            try:
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                       timeout=15000)
                page.evaluate("() => MathJax.startup.promise")
            except PlaywrightError:
                problems.append("MathJax did not start within 15 s")
            raw = page.evaluate("""() => Array.from(document.querySelectorAll('span.math, div.math'))
                .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60))""")
            errors = page.locator("mjx-merror").count()
            if raw:
                problems.append(f"{len(raw)} of {n_math} maths nodes unrendered, e.g. {raw[:3]}")
            if errors:
                problems.append(f"{errors} maths nodes rendered as MathJax errors")

        # images: loaded, with alt text
        for img in page.evaluate("""() => Array.from(document.images).map(i => ({
                src: i.currentSrc || i.src, alt: i.getAttribute('alt'),
                ok: i.complete && i.naturalWidth > 0,
                decorative: i.getAttribute('role') === 'presentation' || i.getAttribute('aria-hidden') === 'true'}))"""):
            short = img["src"][:80]
            if not img["ok"]:
                problems.append(f"image does not load: {short}")
            if not img["decorative"] and not (img["alt"] or "").strip():
                problems.append(f"image without alt text: {short}")

        # internal links: the target loads and holds the fragment
        hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        for href in sorted(set(hrefs)):
            if urlsplit(href).netloc != origin:
                continue
            target, fragment = urldefrag(href)
            status, body = _fetch(target)
            if status != 200:
                problems.append(f"broken link {href} ({status})")
            elif fragment and not re.search(r"""\bid=["']%s["']""" % re.escape(fragment), body):
                problems.append(f"link to a missing anchor {href}")

        # figures and Explore frames: shown at the text column's width, from twice the pixels
        column = page.evaluate("""() => {
            const a = document.querySelector('article.bd-article') || document.querySelector('main');
            const st = getComputedStyle(a);
            return a.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight); }""")
        for img in page.evaluate("""() => Array.from(document.querySelectorAll(
                '.cell_output img, .npnet-explore-frames img')).filter(i => !i.hidden).map(i => ({
                src: (i.currentSrc || i.src).slice(-48), natural: i.naturalWidth,
                shown: i.clientWidth}))"""):
            if img["shown"] < 0.9 * column:
                problems.append(f"figure shown {img['shown']} px wide in a {column:.0f}-px column"
                                f" (at least 90 %): {img['src']}")
            if img["natural"] < 2 * img["shown"]:
                problems.append(f"figure {img['natural']} px wide shown at {img['shown']} px (needs"
                                f" twice the pixels to be sharp): {img['src']}")

        # Explore controls: every knob moved to another choice, by keyboard; the frame and the
        # readout must change
        controls = page.locator(".npnet-explore")
        for c in range(controls.count()):
            problems += _move_every_knob(controls.nth(c), c, doc)
    finally:
        context.close()
    problems += [f"request to another host: {u}" for u in sorted(set(external))]
    problems += [f"local resource failed: {u}" for u in sorted(set(local_failures))]
    assert problems == [], f"{doc}.html:\n  " + "\n  ".join(problems)


def test_toc_pages_found():
    """The toc walk must find the pages it claims to test (guards against a silent empty run)."""
    assert "intro" in PAGES and any(p.startswith("chapters/") for p in PAGES)
    assert len(PAGES) == len(set(PAGES))
