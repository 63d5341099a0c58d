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

Reading on any screen (issue 20), on every page:
- keyboard: no element has a positive tabindex, and no natively focusable element (link,
  button, input, summary, ...) is taken out of the tab order (tabindex=-1) except inside
  MathJax's output; no formula is in the tab order (MathJax's inTabOrder: false); a copy
  button reached by the keyboard is shown with a strong outline; on a page with an Explore
  control, "Skip to Explore" takes the keyboard from the top of the page to the first control
  in at most 5 presses (Tab, Tab, Enter, Tab).
- Explore: at 1280 x 800, after a control's first knob is scrolled to the top of the window,
  the knob and the visible frame are both fully on screen and uncovered; every button and
  slider is at least 24 px tall (WCAG 2.5.8).
- nothing cut off: after every dropdown and toggle is opened, no output block, code cell, table
  or display equation of a chapter scrolls sideways at 1280 x 800; at 390 x 844 (a phone) no
  output block or table does (code and equations: counted and reported). Chapters still on
  tests/not_yet.py's SITE list are measured and reported, not failed. The counts of every
  chapter are printed at the end of the run.

Chromium is the one on the machine (Debian's `chromium` package); playwright drives it and
downloads no browser. Without one the tests skip, saying how to install it; `.ci/run` installs
it and sets BOOK_REQUIRE_BROWSER=1, which turns the skip into a failure. Set
BOOK_SCREENSHOTS=<folder> to save each Explore control before and after each knob moves.
"""

import os
import re
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

from not_yet import SITE
from site_pages import (FLAGS, HTML, chromium_executable, missing, need_build,
                        need_playwright, serve_build, toc_documents)

PAGES = toc_documents()
TIMES = {}
OVERFLOW = {}     # chapter -> {width: {kind: (overflowing, of)}}, printed at the end
SPENT = {}        # seconds per group of checks, printed at the end
KINDS = ("code", "outputs", "tables", "equations")
PHONE_FAILS = ("outputs", "tables")   # at 390 px only these fail; code and maths are reported


@pytest.fixture(scope="module")
def server():
    need_build()
    with serve_build() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    sync_playwright = need_playwright()
    executable = chromium_executable()
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
        if SPENT:
            line += "  of which " + ", ".join(f"{k} {v:.1f} s" for k, v in SPENT.items()) + "\n"
        if OVERFLOW:
            line += ("scrolling sideways after opening every toggle, overflowing/all"
                     " (code, outputs, tables, equations); * = on not_yet.SITE, reported only\n")
            line += "  keys: presses from page load to the first Explore control\n"
            for doc, widths in OVERFLOW.items():
                cells = "   ".join(f"{w}: " + " ".join(f"{widths[w][k][0]}/{widths[w][k][1]}"
                                                          for k in KINDS) for w in widths)
                mark = "*" if Path(doc).name in SITE else " "
                keys = TIMES.get("keys", {}).get(doc, "-")
                line += f"  {mark} {Path(doc).name:<20} {cells}   keys: {keys}\n"
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


# Elements a browser puts in the tab order by themselves; tabindex=-1 takes them out of it.
_NATIVE = ('a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, '
           'iframe, [contenteditable=""], [contenteditable="true"], audio[controls], video[controls]')

_TAB_ORDER = """native => {
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + ((e.getAttribute('class') || '').trim() ? '.' + e.getAttribute('class').trim().split(/\\s+/).join('.') : '')
        + ' ' + JSON.stringify((e.textContent || '').trim().slice(0, 30));
    const positive = [], removed = [];
    document.querySelectorAll('[tabindex]').forEach(e => {
        const t = parseInt(e.getAttribute('tabindex'), 10);
        if (t > 0) positive.push(name(e));
        else if (t < 0 && e.matches(native) && !e.closest('mjx-container')) removed.push(name(e));
    });
    const maths = Array.from(document.querySelectorAll('mjx-container'));
    return {positive, removed, maths: maths.length,
            mathsInOrder: maths.filter(e => e.tabIndex >= 0).length}; }"""

_FOCUS_IN = """sel => { const a = document.activeElement, t = document.querySelector(sel);
    return !!a && !!t && (a === t || t.contains(a)); }"""

_COPY_BUTTON = """() => {
    const b = Array.from(document.querySelectorAll('button.copybtn')).find(b => b.checkVisibility());
    if (b) b.focus();
    return !!b; }"""

_FOCUSED_STYLE = """() => {
    const b = document.activeElement, st = getComputedStyle(b);
    const r = {button: b.matches('button.copybtn'), focusVisible: b.matches(':focus-visible'),
               opacity: parseFloat(st.opacity),
               outline: st.outlineStyle === 'none' ? 0 : parseFloat(st.outlineWidth)};
    b.blur();
    return r; }"""


def _spent(what, started):
    SPENT[what] = SPENT.get(what, 0) + time.perf_counter() - started


def _keyboard(page, doc):
    """The tab-order rules, the copy buttons' focus, and the presses from the top of the page
    to the first Explore control through "Skip to Explore" (at most 5)."""
    problems, copy = [], None
    order = page.evaluate(_TAB_ORDER, _NATIVE)
    if order["positive"]:
        problems.append(f"positive tabindex (breaks the reading order): {order['positive'][:5]}")
    if order["removed"]:
        problems.append(f"focusable elements taken out of the tab order (tabindex=-1):"
                        f" {order['removed'][:5]}")
    if order["mathsInOrder"]:
        problems.append(f"{order['mathsInOrder']} of {order['maths']} formulas in the tab order"
                        " (MathJax's menu setting inTabOrder: false)")
    if page.locator(".npnet-explore").count():
        presses, skipped = 0, False
        while presses < 5 and not page.evaluate(_FOCUS_IN, ".npnet-explore [data-knob]"):
            on_skip = page.evaluate(_FOCUS_IN, ".npnet-skip-explore")
            if on_skip and not skipped:
                link = page.locator(".npnet-skip-explore a")
                page.wait_for_function("a => a.getBoundingClientRect().top >= 0",
                                       arg=link.element_handle(), timeout=2000)
            key = "Enter" if on_skip and not skipped else "Tab"
            skipped = skipped or key == "Enter"
            page.keyboard.press(key)
            presses += 1
        TIMES.setdefault("keys", {})[doc] = presses
        if not page.evaluate(_FOCUS_IN, ".npnet-explore [data-knob]"):
            problems.append("the first Explore control is not reached from the top of the page in"
                            " 5 presses through 'Skip to Explore'"
                            + ("" if skipped else " (no skip link was focused)"))
    if page.evaluate(_COPY_BUTTON):      # the first visible copy button, reached by the keyboard
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        copy = page.evaluate(_FOCUSED_STYLE)
    if copy is not None and not (copy["button"] and copy["opacity"] == 1 and copy["outline"] >= 2):
        problems.append(f"a copy button reached by the keyboard is not shown with a strong outline: {copy}")
    return problems


_KNOB_IN_VIEW = """box => {
    const knob = box.querySelector('[data-knob]');
    knob.scrollIntoView({block: 'start'});
    const frame = Array.from(box.querySelectorAll('.npnet-explore-frames img')).find(i => !i.hidden);
    const H = window.innerHeight, W = document.documentElement.clientWidth;
    const shown = e => {
        const r = e.getBoundingClientRect();
        if (!(r.height > 0 && r.top >= -0.5 && r.left >= -0.5 && r.bottom <= H + 0.5 && r.right <= W + 0.5))
            return false;
        return [[r.left + r.width / 2, r.top + 3], [r.left + r.width / 2, r.bottom - 3],
                [r.left + 3, r.top + r.height / 2], [r.right - 3, r.top + r.height / 2]].every(([x, y]) => {
            const hit = document.elementFromPoint(x, y);
            return hit && (hit === e || e.contains(hit) || hit.contains(e)); }); };
    const small = [];
    box.querySelectorAll('input[type=range]').forEach(i => {
        const h = i.getBoundingClientRect().height;
        if (h < 24) small.push(`slider ${i.dataset.knob}: ${h.toFixed(1)} px`); });
    box.querySelectorAll('fieldset[data-knob] label').forEach(l => {
        const h = l.getBoundingClientRect().height;
        if (h < 24) small.push(`button ${l.textContent.trim()}: ${h.toFixed(1)} px`); });
    return {knob: shown(knob), frame: !!frame && shown(frame), small}; }"""


def _knob_and_frame(control, c):
    """At 1280 x 800: the first knob scrolled to the top of the window and the visible frame
    are both fully on screen (nothing covers them); every touch target is >= 24 px tall."""
    problems = []
    seen = control.evaluate(_KNOB_IN_VIEW)
    if not (seen["knob"] and seen["frame"]):
        hidden = [k for k in ("knob", "frame") if not seen[k]]
        problems.append(f"Explore control {c}: with its first knob scrolled into view, not fully"
                        f" on screen: {' and '.join(hidden)}")
    if seen["small"]:
        problems.append(f"Explore control {c}: touch targets under 24 px tall: {seen['small'][:4]}")
    return problems


_OVERFLOW = """() => {
    const art = document.querySelector('article.bd-article') || document.querySelector('main');
    art.querySelectorAll('details').forEach(d => { d.open = true; });
    art.querySelectorAll('button.toggle-button').forEach(b => {
        if (b.getAttribute('aria-expanded') === 'false') b.click(); });
    const over = e => e.scrollWidth > e.clientWidth + 1;
    const right = art.getBoundingClientRect().right;
    const groups = {
        code: Array.from(art.querySelectorAll('pre')).filter(e => !e.closest('.cell_output')),
        outputs: Array.from(art.querySelectorAll('.cell_output > .output')),
        tables: Array.from(art.querySelectorAll('table')),
        equations: Array.from(art.querySelectorAll('div.math, mjx-container[display="true"]'))
            .filter(e => !(e.matches('mjx-container') && e.closest('div.math'))),
    };
    const test = {
        code: over, equations: e => over(e) || Array.from(e.querySelectorAll('mjx-container')).some(over),
        outputs: e => over(e) || Array.from(e.querySelectorAll('pre')).some(over),
        tables: e => over(e) || over(e.parentElement) || e.getBoundingClientRect().right > right + 1,
    };
    const out = {};
    for (const [k, els] of Object.entries(groups)) {
        const bad = els.filter(test[k]);
        out[k] = [bad.length, els.length, bad.slice(0, 2).map(e =>
            (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60))];
    }
    return out; }"""


def _overflow(page, doc):
    """After every dropdown and toggle is opened: what scrolls sideways at 1280 x 800 and at
    390 x 844. A chapter not on not_yet.SITE fails on anything at 1280 px, and on outputs or
    tables at 390 px; the counts of every chapter are kept for the summary."""
    if not doc.startswith("chapters/"):
        return []
    problems, counts = [], {}
    for width, height, failing in ((1280, 800, KINDS), (390, 844, PHONE_FAILS)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        found = page.evaluate(_OVERFLOW)
        counts[width] = {k: tuple(found[k][:2]) for k in KINDS}
        for kind in failing:
            n, of, examples = found[kind]
            if n and Path(doc).name not in SITE:
                problems.append(f"at {width} px {n} of {of} {kind} scroll sideways, e.g. {examples}")
    OVERFLOW[doc] = counts
    return problems


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
            width = knob.evaluate("e => e.getBoundingClientRect().width")
            knob.focus()
            knob.press("Home" if start == int(knob.get_attribute("max")) else "End")
            moved = int(knob.input_value()) != start
            if abs(knob.evaluate("e => e.getBoundingClientRect().width") - width) > 0.5:
                problems.append(f"Explore control {c}: the slider {name!r} changed width as its"
                                " value changed (its track must keep a fixed width)")
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

        # images that load lazily below the first screen (loading="lazy") arrive as a reader
        # scrolls: scroll the page through and back; any still waiting (in a closed dropdown)
        # is asked for now, so that every image's file is checked below
        page.evaluate("""async () => {
            const step = Math.max(innerHeight, 1500);
            for (let y = step; y < document.documentElement.scrollHeight; y += step) {
                scrollTo(0, y);
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            }
            scrollTo(0, 0);
            document.querySelectorAll('img[loading=lazy]').forEach(i => {
                if (!i.complete) i.loading = 'eager'; }); }""")
        try:
            page.wait_for_function("() => Array.from(document.images).every(i => i.complete)",
                                   timeout=15000)
        except PlaywrightError:
            pass                                   # reported image by image below

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

        # keyboard: tab order, copy buttons, "Skip to Explore" from the top of the page
        started = time.perf_counter()
        problems += _keyboard(page, doc)
        _spent("keyboard", started)

        # Explore controls: the first knob and the frame on screen together, touch targets;
        # every knob moved to another choice, by keyboard; the frame and the readout must change
        controls = page.locator(".npnet-explore")
        for c in range(controls.count()):
            started = time.perf_counter()
            problems += _knob_and_frame(controls.nth(c), c)
            _spent("Explore on screen", started)
            problems += _move_every_knob(controls.nth(c), c, doc)

        # nothing scrolls sideways (chapters), at 1280 and at 390 px
        started = time.perf_counter()
        problems += _overflow(page, doc)
        _spent("sideways scrolling", started)
    finally:
        context.close()
    problems += [f"request to another host: {u}" for u in sorted(set(external))]
    problems += [f"local resource failed: {u}" for u in sorted(set(local_failures))]
    assert problems == [], f"{doc}.html:\n  " + "\n  ".join(problems)


def test_toc_pages_found():
    """The toc walk must find the pages it claims to test (guards against a silent empty run)."""
    assert "intro" in PAGES and any(p.startswith("chapters/") for p in PAGES)
    assert len(PAGES) == len(set(PAGES))
