"""The built site, read as files (tests/test_browser.py loads it in Chromium): each chapter page
within its weight budget, launch buttons that open the right notebook, one API page per public
npnet module, no asset from another host, and Explore controls shown as their HTML form."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from site_pages import HTML, ROOT, chapter_documents, need_build, toc_documents

MAX_PAGE_BYTES = 2.5e6      # a chapter's HTML plus its own images (issue 8)
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = urlsplit(CONFIG["repository"]["url"]).path.strip("/")       # owner/name
BRANCH = CONFIG["repository"]["branch"]
# every public module of both packages: npnet's and npnet_book's modules and npnet_book's
# exercises package (its per-chapter checker modules are documented by the chapters)
PUBLIC_MODULES = sorted([f"{package}.{p.stem}" for package in ("npnet", "npnet_book")
                         for p in (ROOT / "lib" / package).glob("*.py")
                         if not p.stem.startswith("_")] + ["npnet_book.exercises"])


WEIGHTS = {}


@pytest.fixture(scope="module", autouse=True)
def _built(request):
    need_build()
    yield
    if WEIGHTS:   # shown in `make test`'s output, not only on failure
        lines = "".join(f"  {doc}: {w / 1e6:.2f} MB\n" for doc, w in WEIGHTS.items())
        heaviest = max(WEIGHTS, key=WEIGHTS.get)
        lines += f"  heaviest: {heaviest}, {WEIGHTS[heaviest] / 1e6:.2f} MB\n"
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
