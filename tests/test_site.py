"""The built site, read as files (tests/test_browser.py loads it in Chromium): each chapter page
within its weight budgets, launch buttons that open the right notebook, one API page per public
npnet module, no asset from another host, Explore controls shown as their HTML form, and what a
page loads: no FontAwesome script, the search index only on the search page, every image with
its width and height."""

import gzip
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from site_pages import HTML, ROOT, chapter_documents, need_build, toc_documents

MAX_PAGE_BYTES = 2.5e6      # a chapter's HTML plus its own images (issue 8)
MAX_REST_GZ = 1e6           # everything else a chapter loads, gzip-compressed (issue 20)
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = urlsplit(CONFIG["repository"]["url"]).path.strip("/")       # owner/name
BRANCH = CONFIG["repository"]["branch"]
# every public module of both packages: npnet's and npnet_book's modules and npnet_book's
# exercises package (its per-chapter checker modules are documented by the chapters)
PUBLIC_MODULES = sorted([f"{package}.{p.stem}" for package in ("npnet", "npnet_book")
                         for p in (ROOT / "lib" / package).glob("*.py")
                         if not p.stem.startswith("_")] + ["npnet_book.exercises"])


WEIGHTS = {}
REST = {}


@pytest.fixture(scope="module", autouse=True)
def _built(request):
    need_build()
    yield
    if WEIGHTS:   # shown in `make test`'s output, not only on failure
        lines = "".join(f"  {doc}: {w / 1e6:.2f} MB\n" for doc, w in WEIGHTS.items())
        heaviest = max(WEIGHTS, key=WEIGHTS.get)
        lines += f"  heaviest: {heaviest}, {WEIGHTS[heaviest] / 1e6:.2f} MB\n"
        if REST:
            lines += "what else a chapter loads, gzipped (scripts, styles, fonts, HTML text):\n"
            lines += "".join(f"  {doc}: {w / 1e6:.2f} MB\n" for doc, w in REST.items())
        with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
            request.config.pluginmanager.get_plugin("terminalreporter").write(
                f"\nchapter page weights (HTML + images):\n{lines}")


def page(doc):
    path = HTML / f"{doc}.html"
    assert path.is_file(), f"{doc} is in the toc but {path.name} was not built"
    return path, path.read_text(encoding="utf-8")


def page_weight(doc):
    """Bytes of the page's HTML plus every local image it shows (data URIs are in the HTML)."""
    path, html = page(doc)
    total = path.stat().st_size
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)):
        if src.startswith("data:") or urlsplit(src).netloc:
            continue
        total += (path.parent / unquote(src.split("?")[0])).resolve().stat().st_size
    return total


@pytest.mark.parametrize("doc", chapter_documents())
def test_chapter_page_weight(doc):
    weight = page_weight(doc)
    WEIGHTS[doc] = weight
    assert weight <= MAX_PAGE_BYTES, (f"{doc}.html weighs {weight / 1e6:.2f} MB with its images;"
                                      f" the budget is {MAX_PAGE_BYTES / 1e6} MB (fewer or"
                                      " smaller Explore frames, smaller figures)")


@pytest.mark.parametrize("doc", chapter_documents())
def test_launch_buttons_open_this_notebook(doc):
    _, html = page(doc)
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{doc}.ipynb"
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{doc}.ipynb"
    assert CONFIG["launch_buttons"]["binderhub_url"].rstrip("/") == "https://mybinder.org"
    assert binder in hrefs, f"no Binder link {binder}"
    assert colab in hrefs, f"no Colab link {colab}"
    assert (ROOT / f"{doc}.ipynb").is_file()
    download = [h for h in hrefs if h.endswith(f"_sources/{doc}.ipynb")]
    assert download, "no download (.ipynb) link"
    target = (HTML / f"{doc}.html").parent / download[0]
    assert target.resolve().is_file(), f"the download link {download[0]} points at no file"
    assert nbformat.reads(target.read_text(), as_version=4).cells, "the download is no notebook"


def test_every_public_module_has_an_api_page():
    docs = toc_documents()
    for name in PUBLIC_MODULES:
        doc = f"api/{name}"
        assert (ROOT / f"{doc}.md").is_file(), f"no API page {doc}.md for {name}"
        assert doc in docs, f"{doc} is not in the toc"
        _, html = page(doc)
        assert f'id="module-{name}"' in html, f"{doc}.html documents no module {name}"
        assert html.count('class="sig sig-object py"') >= 1, f"{doc}.html documents no object"


@pytest.mark.parametrize("doc", toc_documents())
def test_no_asset_from_another_host(doc):
    """Scripts, styles, images, fonts and frames come from the site itself (links may leave)."""
    _, html = page(doc)
    assets = re.findall(r'<(?:script|img|iframe|source)\b[^>]*\bsrc="([^"]+)"', html)
    assets += re.findall(r'<link\b[^>]*\bhref="([^"]+)"', html)
    foreign = [a for a in assets if urlsplit(a).scheme in ("http", "https") or a.startswith("//")]
    assert foreign == [], f"{doc}.html loads from other hosts: {foreign}"
    assert "require.min.js" not in html and "embed-amd" not in html, "widget manager loaded"


@pytest.mark.parametrize("doc", chapter_documents())
def test_explore_controls_are_html_forms(doc):
    """A chapter that calls explore() shows its HTML form (sliders that work without a kernel),
    not an empty widget view."""
    source = (ROOT / f"{doc}.ipynb").read_text()
    _, html = page(doc)
    n_calls = len(re.findall(r"\bexplore\(", source))
    if n_calls == 0:
        pytest.skip(f"{doc} has no Explore control")
    assert html.count('class="npnet-explore"') >= 1, f"{doc}.html shows no Explore control"
    assert "application/vnd.jupyter.widget-view+json" not in html


# ---- what a page loads (issue 20, lighter pages) -------------------------------------------

IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
DATA_IMAGE = re.compile(r"data:image/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+")
SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc="([^"]+)\"""")
LINK = re.compile(r"<link\b[^>]*>")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?["']?([^"')\s;]+)""")
# The MathJax web fonts the book's TeX draws from (tools/page_weight.py lists what a page
# fetches: these, as needed). A page with maths is charged all of them.
MATHJAX_FONTS = ["Main-Regular", "Main-Bold", "Math-Italic", "Math-BoldItalic", "Calligraphic-Regular",
                 "AMS-Regular", "Size1-Regular", "Size2-Regular", "Size3-Regular", "Size4-Regular",
                 "Zero"]
# FontAwesome's web fonts cut down to the site's icons (_ext/npnet_site.py, declared by
# _templates/layout.html after the theme's full fonts), by the classes that use them
FONTAWESOME_FONTS = {"fa-solid-900.subset.woff": r"\b(fa-solid|fas)\b",
                     "fa-regular-400.subset.woff": r"\b(fa-regular|far)\b",
                     "fa-brands-400.subset.woff": r"\b(fa-brands|fab)\b"}


def built_pages():
    """Every HTML page of the build (not the theme's template copies in _static)."""
    return sorted(p for p in HTML.rglob("*.html")
                  if p.relative_to(HTML).parts[0] not in ("_static", "_sources", "_images"))


def attributes(tag):
    return {m.group(1).lower(): (m.group(2) or "").strip("\"'")
            for m in ATTR.finditer(tag[4:-1].rstrip("/"))}


def local_file(page_path, url):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("data:"):
        return None
    return (page_path.parent / unquote(parts.path)).resolve()


def gz(data):
    return len(gzip.compress(data, 9, mtime=0))


def test_no_page_loads_the_fontawesome_script():
    """The icons come from FontAwesome's web fonts, not from its 1.49 MB script (which turns them
    into inline SVG; _templates/static/webpack-macros.html drops it); the fonts are cut down to
    the icons the pages show, and every icon a page names has its glyph."""
    from fontTools.ttLib import TTFont

    need_build()
    css = (HTML / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    for family in ("Font Awesome\\ 6 Free", "Font Awesome\\ 6 Brands"):
        assert f"font-family:{family}" in css, f"the theme's stylesheet no longer declares {family}"
    glyph = {name: int(code, 16) for selectors, code in re.findall(
                 r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]{4,5})"\}', css)
             for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors)}
    webfonts = HTML / "_static" / "vendor" / "fontawesome" / "webfonts"
    covered = set()
    for font in FONTAWESOME_FONTS:
        assert (webfonts / font).is_file(), f"{font} was not made"
        covered |= set(TTFont(webfonts / font).getBestCmap())
    problems = []
    for p in built_pages():
        html = p.read_text()
        name = p.relative_to(HTML).as_posix()
        if re.search(r"""<(?:script|link)\b[^>]*fontawesome[^>]*\.js""", html):
            problems.append(f"{name} loads FontAwesome's script")
        themed = "pydata-sphinx-theme.css" in html     # not index.html, a bare redirect
        if themed and any(f"{font}\")" not in html for font in FONTAWESOME_FONTS):
            problems.append(f"{name} does not declare the cut-down icon fonts")
        icons = {c for c in re.findall(r"\bfa-[a-z0-9-]+", " ".join(re.findall(
            r'class="([^"]*)"', html))) if c in glyph}
        problems += [f"{name}: no glyph for {c}" for c in sorted(icons) if glyph[c] not in covered]
    assert problems == [], "\n".join(problems[:20])


def test_only_the_search_page_loads_the_search_index():
    """searchindex.js (and Sphinx's search scripts) load on search.html only; other pages prefetch
    them when a search box gets focus (_templates/layout.html)."""
    need_build()
    eager = {}
    for p in built_pages():
        scripts = [src for src in SCRIPT_SRC.findall(p.read_text())
                   if re.search(r"(^|/)(searchindex|searchtools|language_data)\.js", src)]
        if scripts:
            eager[p.relative_to(HTML).as_posix()] = scripts
    search = eager.pop("search.html", [])
    assert eager == {}, f"pages other than search.html load the search index: {eager}"
    assert any(s.split("?")[0].endswith("searchindex.js") for s in search), \
        "search.html does not load searchindex.js"
    assert (HTML / "searchindex.js").is_file()


def test_every_image_has_width_and_height():
    """Every <img> says its size, so that the page does not jump as images arrive: width and
    height attributes in CSS pixels, in the proportions of the image file (_ext/npnet_site.py)."""
    need_build()
    problems = []
    for p in built_pages():
        name = p.relative_to(HTML).as_posix()
        for tag in IMG.findall(p.read_text(encoding="utf-8")):
            a = attributes(tag)
            src = a.get("src", "")
            short = src[:60]
            if not (a.get("width", "").isdigit() and a.get("height", "").isdigit()):
                problems.append(f"{name}: <img> without width and height: {short}")
                continue
            path = local_file(p, src)
            if path is None or path.suffix.lower() != ".png":
                continue
            from PIL import Image

            with Image.open(path) as image:
                w, h = image.size
            if abs(int(a["width"]) * h / w - int(a["height"])) > 1:
                problems.append(f"{name}: {short} is {w}x{h} px but says"
                                f" {a['width']}x{a['height']}")
    assert problems == [], "\n".join(problems)


def lazy_images_on():
    return bool((CONFIG.get("sphinx", {}).get("config") or {}).get("npnet_lazy_images", False))


@pytest.mark.parametrize("doc", chapter_documents())
def test_file_images_below_the_first_screen_load_lazily(doc):
    """With npnet_lazy_images on, a chapter's file images after its first (its opening figure,
    at or near the first screen) carry loading="lazy"."""
    if not lazy_images_on():
        pytest.skip("npnet_lazy_images is off in _config.yml (it waits for the browser test to"
                    " scroll through a page before it checks that every image loaded)")
    path, html = page(doc)
    article = html.index('<article class="bd-article"')
    files = [attributes(t) for t in IMG.findall(html[article:])
             if not attributes(t).get("src", "").startswith("data:")]
    assert all(a.get("loading") != "lazy" for a in files[:1]), "the opening figure loads lazily"
    eager = [a["src"] for a in files[1:] if a.get("loading") != "lazy"]
    assert eager == [], f"file images after the first that do not load lazily: {eager}"


def rest_weight(doc):
    """Compressed bytes of everything but images that the chapter page loads: its HTML (without
    its data-URI images), the scripts and stylesheets it names (preloads included), the
    FontAwesome fonts its icon classes use, and with maths, MathJax's fonts (MATHJAX_FONTS).
    The search scripts and anything fetched only on demand are not loaded by the page."""
    path, html = page(doc)
    total = gz(DATA_IMAGE.sub("", html).encode("utf-8"))
    assets = set()
    # scripts, stylesheets (and what they @import), scripts preloaded to be run later
    urls = [(path, url) for url in SCRIPT_SRC.findall(html)]
    urls += [(path, a["href"]) for a in map(attributes, LINK.findall(html))
             if a.get("rel") in ("stylesheet", "preload") and "href" in a]
    while urls:
        base, url = urls.pop()
        file = local_file(base, url.replace("&amp;", "&"))
        if file is None or file in assets:
            continue
        assert file.is_file(), f"{doc}.html loads {url}, which was not built"
        assets.add(file)
        if file.suffix == ".css":
            urls += [(file, u) for u in CSS_IMPORT.findall(file.read_text(errors="replace"))]
    webfonts = HTML / "_static" / "vendor" / "fontawesome" / "webfonts"
    classes = " ".join(re.findall(r'class="([^"]*)"', html))
    assets |= {webfonts / font for font, used in FONTAWESOME_FONTS.items()
               if re.search(used, classes)}
    if "mathjax" in html and re.search(r'class="[^"]*\bmath\b', html):
        fonts = HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
        assets |= {fonts / f"MathJax_{name}.woff" for name in MATHJAX_FONTS}
    return total + sum(gz(a.read_bytes()) for a in sorted(assets))


@pytest.mark.parametrize("doc", chapter_documents())
def test_chapter_loads_at_most_1_mb_compressed_besides_images(doc):
    weight = rest_weight(doc)
    REST[doc] = weight
    assert weight <= MAX_REST_GZ, (
        f"{doc}.html loads {weight / 1e6:.2f} MB gzipped besides its images; the budget is"
        f" {MAX_REST_GZ / 1e6:.0f} MB (tools/page_weight.py lists what it loads, heaviest first)")
