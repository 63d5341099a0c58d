"""What the site tests share: where the built site is, which pages the toc lists, and how a
missing prerequisite is reported (a visible skip locally, a failure where it is required), and a
local server for the build."""

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Chromium as the browser tests launch it, and what to say when there is none
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL = ("no Chromium found on PATH: install Debian's package (`sudo apt-get install chromium`)"
           " or another Chromium as `chromium`, then re-run `make test`")
# `make test` builds into _build/html; BOOK_HTML points the tests at another build folder.
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
# .ci/run sets BOOK_REQUIRE_BROWSER=1: there a skip (no build, no Chromium) is a failure.
REQUIRED = os.environ.get("BOOK_REQUIRE_BROWSER") == "1"


def missing(reason):
    """Skip with `reason`, or fail with it where the site tests are required (CI)."""
    if REQUIRED:
        pytest.fail(reason + " (BOOK_REQUIRE_BROWSER=1: required here)", pytrace=False)
    pytest.skip(reason)


def toc_documents():
    """Every document the toc lists, in reading order (source paths without suffix);
    `glob` entries are expanded as Jupyter Book does (sorted)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(str(Path(entry["file"]).with_suffix("")) if Path(entry["file"]).suffix
                            in (".md", ".ipynb") else entry["file"])
            if "glob" in entry:
                hits = sorted({p.relative_to(ROOT).with_suffix("").as_posix()
                               for ext in (".md", ".ipynb") for p in ROOT.glob(entry["glob"] + ext)})
                docs.extend(h for h in hits if h not in docs)
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return docs


def chapter_documents():
    return [d for d in toc_documents() if d.startswith("chapters/")]


def need_build():
    if not (HTML / "index.html").is_file():
        missing(f"no built site at {HTML}: run `make book` first")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_build():
    """Serve the build folder over HTTP on a free local port (as a reader's browser would load
    it; file:// URLs change what scripts may do) and yield its base URL."""
    handler = functools.partial(_Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def need_playwright():
    """playwright's ``sync_playwright``, or a skip/failure saying how to install it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: `make test` installs requirements-dev.txt")
    return sync_playwright


def chromium_executable():
    """The machine's Chromium (playwright cannot download its own here), or a skip/failure
    saying how to install one."""
    executable = shutil.which("chromium")
    if executable is None:
        missing(INSTALL)
    return executable
