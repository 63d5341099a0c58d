"""axe-core on every page of the built site: no critical or serious accessibility violation.

Each page the toc lists is served over HTTP from the build folder and opened in the machine's
Chromium (playwright drives it and downloads no browser) at 1280 × 800, with every request to
another host blocked. Once the page has loaded and MathJax has typeset its maths, axe-core (the
copy bundled with axe-playwright-python, pinned in requirements-dev.txt) runs on the whole
document with its default rules: nothing is disabled or excluded. A page fails on any violation
whose impact is critical or serious (except the chapter-content ones NOT_YET lists); moderate
and minor ones are printed, not failed.

One browser serves every page, two tabs at a time (axe-core runs in one thread per page and the
machine has two cores): the whole run takes about a minute on an idle machine.
Without Chromium or playwright the tests skip, as tests/test_browser.py does;
BOOK_REQUIRE_BROWSER=1 (set by .ci/run) turns the skip into a failure. Set
BOOK_AXE_REPORT=<file> to write every violation of every page (all impacts) as JSON lines.

A last test focuses a glossary term link in chapter 1: its preview (sphinx-tippy, served by the
site) must show the definition, and Escape must hide it.

The file is named test_site_*.py so that `make test` runs it after building the site, with the
other site tests (the Makefile's tests/test_site*.py), and not in the first pass before the build.
"""

import json
import os
import time
from urllib.parse import urljoin, urlsplit

import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # reported by the `axe_results` fixture
    PlaywrightError = Exception

from site_pages import (FLAGS, HTML, chromium_executable, missing, need_build,
                        need_playwright, serve_build, toc_documents)

PAGES = toc_documents()
FAILING = {"critical", "serious"}
# Violations that come from a chapter's content, not from the site, and that the chapter's own
# work will remove (issue 20): reported, not failed. The list only shrinks; an entry that no
# longer occurs is reported as removable.
NOT_YET = {}
REPORT = os.environ.get("BOOK_AXE_REPORT")


@pytest.fixture(scope="module")
def server():
    need_build()
    with serve_build() as url:
        yield url


TABS = 2          # pages checked at once (axe-core is single-threaded; the machine has 2 cores)
OPTIONS = {"resultTypes": ["violations"]}     # axe-playwright-python's default options
START = """() => {
    window.__axeResult = null;
    axe.run(document, %s).then(
        r => { window.__axeResult = {violations: r.violations}; },
        e => { window.__axeResult = {error: String(e)}; });
}""" % json.dumps(OPTIONS)


def _open(page, url, script):
    """Load `url`, wait for MathJax to typeset it, start axe-core on it (without waiting)."""
    # generous timeouts: on a busy machine a chapter takes tens of seconds to load and typeset
    response = page.goto(url, wait_until="load", timeout=120000)
    if response is None or not response.ok:
        return f"{url} did not load"
    if page.locator("span.math, div.math").count():
        # axe must see the maths as the reader does: typeset by MathJax
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=120000)
        page.evaluate("() => MathJax.startup.promise")
    page.evaluate(script)
    page.evaluate(START)
    return None


@pytest.fixture(scope="module")
def axe_results(server, request):
    """{doc: list of axe violations, or an error message} for every page selected (all of them
    unless -k picks some), TABS at a time in one Chromium, every request to another host
    blocked."""
    sync_playwright = need_playwright()
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing("axe-playwright-python is not installed: `make test` installs requirements-dev.txt")
    executable = chromium_executable()
    origin = urlsplit(server).netloc
    script = Axe().axe_script        # the axe-core build axe-playwright-python bundles

    def route(r):
        if urlsplit(r.request.url).netloc != origin:
            r.abort()
        else:
            r.continue_()

    results, start = {}, time.perf_counter()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        context = chromium.new_context(viewport={"width": 1280, "height": 800},
                                       service_workers="block")
        context.route("**/*", route)
        tabs = [context.new_page() for _ in range(TABS)]
        selected = {item.callspec.params["doc"] for item in request.session.items
                    if item.module is request.module and hasattr(item, "callspec")}
        busy, todo = {}, [doc for doc in PAGES if doc in selected]   # busy: tab -> (doc, started)
        while todo or busy:
            for i, tab in enumerate(tabs):
                if i not in busy and todo:
                    doc = todo.pop(0)
                    try:
                        error = _open(tab, urljoin(server, doc + ".html"), script)
                    except PlaywrightError as e:
                        error = f"{doc} did not open: {e}"
                    if error:
                        results[doc] = error
                    else:
                        busy[i] = (doc, time.perf_counter())
            for i, (doc, started) in list(busy.items()):
                try:
                    done = tabs[i].evaluate("() => window.__axeResult")
                except PlaywrightError as e:
                    done = {"error": f"axe-core failed: {e}"}
                if done is not None:
                    results[doc] = done.get("violations", done.get("error"))
                    del busy[i]
                elif time.perf_counter() - started > 600:
                    results[doc] = "axe-core did not finish within 600 s"
                    del busy[i]
            if busy:
                time.sleep(0.1)
        chromium.close()
    print(f"\naxe: {len(results)} pages in {time.perf_counter() - start:.1f} s ({TABS} tabs)")
    return results


def _summary(violation):
    targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
    more = f" (+{len(targets) - 3} more)" if len(targets) > 3 else ""
    return (f"{violation['impact']} {violation['id']}: {violation['help']} — "
            f"{len(targets)} element(s): {'; '.join(targets[:3])}{more}")


@pytest.mark.parametrize("doc", PAGES)
def test_axe(doc, axe_results):
    violations = axe_results[doc]
    assert not isinstance(violations, str), f"{doc}: {violations}"
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as f:
            for v in violations:
                f.write(json.dumps({"page": doc, "id": v["id"], "impact": v["impact"],
                                    "help": v["help"],
                                    "nodes": [{"target": n["target"], "html": n["html"][:300]}
                                              for n in v["nodes"]]}) + "\n")
    waived = NOT_YET.get(doc, set())
    for v in violations:
        if v["impact"] not in FAILING or v["id"] in waived:
            print(f"{doc}: {_summary(v)}" + (" (not yet: NOT_YET)" if v["id"] in waived else ""))
    for rule in sorted(waived - {v["id"] for v in violations}):
        print(f"{doc}: {rule} no longer occurs: remove it from NOT_YET in tests/test_site_axe.py")
    failing = [_summary(v) for v in violations if v["impact"] in FAILING and v["id"] not in waived]
    assert not failing, f"{doc}: axe-core found\n  " + "\n  ".join(failing)


def test_glossary_preview_on_focus_and_escape(server):
    """A glossary term link shows its definition when focused (sphinx-tippy, scripts served by
    the site) and Escape hides it (WCAG 1.4.13: dismissable without moving focus)."""
    sync_playwright = need_playwright()
    executable = chromium_executable()
    origin = urlsplit(server).netloc
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.route("**/*", lambda r: r.abort() if urlsplit(r.request.url).netloc != origin
                   else r.continue_())
        page.goto(urljoin(server, "chapters/01_symmetry.html"), wait_until="load", timeout=120000)
        link = page.locator('article.bd-article a[href*="glossary.html#term-"]').first
        term = link.inner_text().strip()
        link.focus()
        tip = page.locator("[data-tippy-root] .tippy-content")
        tip.first.wait_for(state="visible", timeout=10000)
        text = tip.first.inner_text()
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('[data-tippy-root]'))
            .filter(e => getComputedStyle(e).visibility !== 'hidden').length""")
        chromium.close()
    assert term.lower() in text.lower() and len(text) > len(term) + 20, \
        f"the preview of {term!r} does not show its definition: {text[:120]!r}"
    assert shown == 0, "Escape did not hide the glossary preview"
