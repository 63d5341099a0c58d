"""What each chapter page of a build transfers when a reader opens it and scrolls to the end.

    .venv/bin/python tools/page_weight.py [BUILD_HTML] [--json OUT.json] [--top N] [--pages ...]

BUILD_HTML defaults to _build/html. The folder is served on 127.0.0.1 (as tests/test_browser.py
does) and each chapter page is opened in headless Chromium (the machine's `chromium`, through
playwright) at 1280 x 800 in a fresh context (empty cache), with every request to another host
aborted. The page is scrolled to its end one screen at a time, so that lazily loaded images
load, and then left until the network is idle.

Every response is a file of the build, so its bytes are the file's size on disk ("raw") and the
size of the file compressed with gzip -9 ("gz"), as a server compressing text would send it
(already-compressed formats, PNG and woff2, barely shrink). Bytes are split into images and the
rest. Images are image responses plus the base64 data-URI images inside the HTML (Explore
frames): their raw bytes are the payload's characters, their compressed bytes the difference
between the compressed HTML and the compressed HTML without those payloads.

It also reports the cumulative layout shift (the sum of the page's layout-shift entries, as
Chromium's PerformanceObserver gives them): once the page has loaded, and after the scroll.
"""

import argparse
import functools
import gzip
import http.server
import json
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from site_pages import chapter_documents  # noqa: E402

DATA_IMAGE = re.compile(rb"data:image/[a-z0-9.+-]+;base64,([A-Za-z0-9+/=\s]+)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"}
WATCH_SHIFTS = """window.__shift = 0;
new PerformanceObserver(list => { for (const e of list.getEntries())
    if (!e.hadRecentInput) window.__shift += e.value; })
  .observe({type: "layout-shift", buffered: true});"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def gz(data):
    return len(gzip.compress(data, 9, mtime=0))


@functools.lru_cache(maxsize=None)
def file_weight(path):
    data = Path(path).read_bytes()
    return len(data), gz(data)


def html_split(path):
    """(rest_raw, rest_gz, img_raw, img_gz) of an HTML file whose data-URI images are images."""
    data = Path(path).read_bytes()
    stripped = DATA_IMAGE.sub(b"data:image/png;base64,", data)
    img_raw = len(data) - len(stripped)
    full_gz, rest_gz = gz(data), gz(stripped)
    return len(stripped), rest_gz, img_raw, full_gz - rest_gz


def settle(page):
    """Wait until the network is idle (at most a minute: a busy machine can take that long)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_load_state("networkidle", timeout=60000)
    except PlaywrightTimeout:
        print(f"  (network not idle after 60 s on {page.url}; measured as it stood)")


def measure(page, base, html_dir, doc):
    """Load one page, scroll to its end; its transfers [(path, kind), ...] and layout shifts."""
    seen = []

    def on_response(response):
        url = urlsplit(response.url)
        if url.scheme in ("http", "https") and response.url.startswith(base):
            seen.append((unquote(url.path), response.request.resource_type))

    page.on("response", on_response)
    page.goto(base + doc + ".html", wait_until="load")
    settle(page)
    shift_load = page.evaluate("window.__shift")
    height = page.evaluate("document.documentElement.scrollHeight")
    y = 0
    while y < height:
        y += 800
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(60)
        height = page.evaluate("document.documentElement.scrollHeight")
    settle(page)
    page.wait_for_timeout(300)
    return seen, (shift_load, page.evaluate("window.__shift"))


def weigh(seen, html_dir):
    totals = {"img_raw": 0, "img_gz": 0, "rest_raw": 0, "rest_gz": 0}
    files = {}
    for path, kind in seen:
        if path in files:
            continue        # one transfer per file (a fresh context, then the cache)
        local = (html_dir / path.lstrip("/")).resolve()
        if not local.is_file():
            continue
        if local.suffix == ".html":
            rest_raw, rest_gz, img_raw, img_gz = html_split(local)
            files[path] = (kind, rest_raw + img_raw, rest_gz + img_gz)
            totals["rest_raw"] += rest_raw
            totals["rest_gz"] += rest_gz
            totals["img_raw"] += img_raw
            totals["img_gz"] += img_gz
            continue
        raw, packed = file_weight(str(local))
        files[path] = (kind, raw, packed)
        part = "img" if kind == "image" or local.suffix.lower() in IMAGE_SUFFIXES else "rest"
        totals[part + "_raw"] += raw
        totals[part + "_gz"] += packed
    return totals, files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--json", help="write the per-page numbers and files here")
    parser.add_argument("--top", type=int, default=0, help="list each page's N heaviest files")
    parser.add_argument("--pages", nargs="*", help="documents (default: every chapter)")
    args = parser.parse_args()
    html_dir = Path(args.html).resolve()
    docs = args.pages or chapter_documents()
    missing = [d for d in docs if not (html_dir / f"{d}.html").is_file()]
    if missing:
        print(f"not in this build (skipped): {', '.join(missing)}")
        docs = [d for d in docs if d not in missing]

    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    blocked = []

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    results = {}
    start = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        for doc in docs:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", route)
            context.add_init_script(WATCH_SHIFTS)
            page = context.new_page()
            seen, (shift_load, shift) = measure(page, base, html_dir, doc)
            context.close()
            totals, files = weigh(seen, html_dir)
            results[doc] = {**totals, "cls_load": shift_load, "cls": shift, "files": files}
        browser.close()
    httpd.shutdown()

    mb = lambda n: f"{n / 1e6:6.3f}"   # noqa: E731
    print(f"{html_dir}: {len(docs)} pages in {time.perf_counter() - start:.0f} s,"
          f" {len(blocked)} requests to other hosts blocked")
    print(f"{'page':28s} {'total raw':>9s} {'total gz':>9s} | {'rest raw':>8s} {'rest gz':>8s}"
          f" | {'img raw':>8s} {'img gz':>8s} (MB) | {'CLS load':>8s} {'scrolled':>8s}")
    for doc, t in results.items():
        print(f"{doc:28s} {mb(t['rest_raw'] + t['img_raw']):>9s} {mb(t['rest_gz'] + t['img_gz']):>9s}"
              f" | {mb(t['rest_raw']):>8s} {mb(t['rest_gz']):>8s} | {mb(t['img_raw']):>8s}"
              f" {mb(t['img_gz']):>8s}      | {t['cls_load']:8.3f} {t['cls']:8.3f}")
        if args.top:
            heavy = sorted(t["files"].items(), key=lambda kv: -kv[1][1])[:args.top]
            for path, (kind, raw, packed) in heavy:
                print(f"    {raw / 1e3:8.1f} kB raw {packed / 1e3:8.1f} kB gz  {kind:10s} {path}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
