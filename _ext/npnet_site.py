"""Three site fixes the book needs (loaded by _config.yml `sphinx.local_extensions`).

1. Each page loads each script once. Jupyter Book 1.x registers sphinx-thebe's inline
   configuration script twice (``const THEBE_JS_URL`` declared twice: an uncaught SyntaxError
   in every page's console); identical script entries are dropped after the first. The
   notebooks' stored widget state is dropped too: no widget manager loads on the site.

2. References to npnet names resolve to where the object is defined.

The library re-exports names (``npnet.Linear`` is ``npnet.layers.Linear``; ``npnet.train``
imports ``DivergenceError`` from ``npnet.losses``), and docstrings and chapters use the short
forms. The API reference documents each object once, under its defining module; this handler
imports the name a reference gives (as written, or relative to the current module) and, when
it is an npnet object, points the reference at its documented home. Anything else stays a
missing reference, so ``-n`` still fails on a real typo.

3. Every image carries its width and height (``size_images``, run on the built pages), so the
   page does not jump as images arrive; with ``npnet_lazy_images: true`` (a Sphinx config
   value) the file images after each page's first load lazily. FontAwesome's web fonts are
   cut down to the icons the site shows (``subset_icon_fonts``).
"""

import base64
import importlib
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.util.nodes import make_refnode


def _lookup(dotted):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    candidates = [target]
    if node.get("py:module"):
        candidates.insert(0, f"{node['py:module']}.{target}")
    domain = env.get_domain("py")
    for name in candidates:
        obj = _lookup(name) if name.startswith("npnet") else None
        module = getattr(obj, "__module__", None) or ""
        qualname = getattr(obj, "__qualname__", None)
        if not module.startswith("npnet") or not qualname:
            continue
        home = f"{module}.{qualname}"
        if home in domain.objects:
            entry = domain.objects[home]
            return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id,
                                contnode, home)
    return None


def unique_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, kept = set(), []
        for js in scripts:
            key = (str(getattr(js, "filename", js) or ""),
                   tuple(sorted(getattr(js, "attributes", {}).items())))
            # no widget manager loads on the site (nb_ipywidgets_js: {}), so the widget state
            # stored in a notebook would be dead weight in its page
            if getattr(js, "attributes", {}).get("type") == "application/vnd.jupyter.widget-state+json":
                continue
            if key not in seen:
                seen.add(key)
                kept.append(js)
        scripts[:] = kept


def skip_to_explore(html):
    """A page with an Explore control gets a second skip link, "Skip to Explore", right after
    the theme's "Skip to main content" (hidden like it until focused): from the top of the page
    Tab, Tab, Enter, Tab reaches the first control's first knob (tests/test_browser.py)."""
    import re

    box = re.search(r'<div class="npnet-explore" id="([^"]+)"', html)
    if not box or "npnet-skip-explore" in html:
        return html
    link = ('<div class="skip-link d-print-none npnet-skip-explore">'
            f'<a href="#{box.group(1)}">Skip to Explore</a></div>')
    return re.sub(r'<div id="pst-skip-link"[^>]*>.*?</div>',
                  lambda m: m.group(0) + "\n  " + link, html, count=1, flags=re.S)


def add_skip_links(app, exception):
    from pathlib import Path

    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).glob("**/*.html"):
        html = path.read_text(encoding="utf-8")
        if 'class="npnet-explore"' in html:
            fixed = skip_to_explore(html)
            if fixed != html:
                path.write_text(fixed, encoding="utf-8")


COLUMN_PX = 690     # the text column at 1280 px; figures are drawn 6.9 in wide for it
_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_PX = re.compile(r"([\d.]+)(?:px)?$")


def _attributes(tag):
    return {m.group(1).lower(): (m.group(2) or "").strip("\"'")
            for m in _ATTR.finditer(tag[4:-1].rstrip("/"))}


def _svg_size(text):
    svg = re.search(r"<svg\b[^>]*>", text)
    if not svg:
        return None
    attrs = _attributes("<img" + svg.group(0)[4:])
    width, height = (_PX.match(attrs.get(k, "").strip()) for k in ("width", "height"))
    if width and height:
        return float(width.group(1)), float(height.group(1))
    box = attrs.get("viewbox", "").replace(",", " ").split()
    return (float(box[2]), float(box[3])) if len(box) == 4 else None


def _intrinsic_size(src, folder):
    """(width, height) in pixels of a local or data-URI image, or None."""
    from PIL import Image

    if src.startswith("data:"):
        head, _, payload = src.partition(",")
        if ";base64" not in head or "svg" in head:
            return None
        return Image.open(io.BytesIO(base64.b64decode(payload))).size
    url = urlsplit(src)
    if url.scheme or url.netloc:
        return None
    path = (folder / unquote(url.path)).resolve()
    if not path.is_file():
        return None
    if path.suffix.lower() == ".svg":
        return _svg_size(path.read_text(encoding="utf-8", errors="replace"))
    with Image.open(path) as image:
        return image.size


def size_images(html, folder, lazy=True):
    """Give every <img> of a built page width and height attributes (its pixel size scaled to
    the width its style gives it, or to the text column if it is wider), so that the browser
    reserves its box before it loads; and mark the page's file images after the article's
    first as loading="lazy". The first is the chapter's opening figure, 695-1441 px from the top
    at 1280 x 800; every later one is at least 2,000 px down."""
    article = html.find('<article class="bd-article"')
    seen_in_article = 0

    def fix(match):
        nonlocal seen_in_article
        tag = match.group(0)
        attrs = _attributes(tag)
        extra = []
        src = attrs.get("src", "")
        if not ("width" in attrs and "height" in attrs):
            size = _intrinsic_size(src, folder)
            if size and size[0] > 0:
                styled = re.search(r"(?:^|;)\s*width\s*:\s*([\d.]+)px", attrs.get("style", ""))
                width = float(styled.group(1)) if styled else min(size[0], COLUMN_PX)
                extra += [f'width="{round(width)}"',
                          f'height="{round(width * size[1] / size[0])}"']
        if 0 <= article < match.start() and src and not src.startswith("data:"):
            seen_in_article += 1
            if lazy and seen_in_article > 1 and "loading" not in attrs:
                extra.append('loading="lazy"')
        if not extra:
            return tag
        closing = " />" if tag.endswith("/>") else ">"
        return tag[:-len(closing.strip())].rstrip() + " " + " ".join(extra) + closing

    return _IMG.sub(fix, html)


def size_built_images(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for path in outdir.rglob("*.html"):
        if path.relative_to(outdir).parts[0] in ("_static", "_sources", "_images"):
            continue
        html = path.read_text(encoding="utf-8")
        fixed = size_images(html, path.parent, lazy=app.config.npnet_lazy_images)
        if fixed != html:
            path.write_text(fixed, encoding="utf-8")


def output_alt_text():
    """myst-nb 1.4 takes an image output's width and height from its output metadata but not
    its alt text (only the cell-level ``mystnb.image.alt``), so a figure whose alt text
    ``npnet_book.plots.set_alt`` stored with the output rendered alt="<file name>". Wrap its
    image renderer to copy the output's alt text onto the image node (cell metadata wins)."""
    from myst_nb.core.render import NbElementRenderer

    original = NbElementRenderer.render_image
    if getattr(original, "npnet_output_alt", False):
        return

    def render_image(self, data):
        rendered = original(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        for node in rendered:
            if alt and not node.get("alt"):
                node["alt"] = str(alt)
        return rendered

    render_image.npnet_output_alt = True
    NbElementRenderer.render_image = render_image


FONTAWESOME_FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")


def icon_codepoints(outdir):
    """The FontAwesome code points the built site can show: those of the fa-* classes its pages
    and scripts name, and those the theme's stylesheet uses itself (admonition icons, ...)."""
    css = (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    rule = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]{4,5})"\}')
    by_class = {}
    for selectors, code in rule.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors):
            by_class[name] = int(code, 16)
    rest = rule.sub("", css)
    points = {int(c, 16) for c in re.findall(r"\\([ef][0-9a-f]{3})\b", rest)}
    points |= {ord(ch) for ch in rest if 0xE000 <= ord(ch) <= 0xF8FF}
    sources = [p for p in outdir.rglob("*.html") if p.relative_to(outdir).parts[0] != "_sources"]
    sources += [p for p in (outdir / "_static").rglob("*.js") if "fontawesome" not in p.name]
    for path in sources:
        for name in set(re.findall(r"\bfa-[a-z0-9-]+", path.read_text(errors="replace"))):
            if name in by_class:
                points.add(by_class[name])
    return points


def subset_icon_fonts(app, exception):
    """FontAwesome's web fonts cut down to the icons the site shows (fa-*.subset.woff, a few kB
    each instead of 118-156 kB); _templates/layout.html declares them after the theme's fonts,
    so the browser fetches only these."""
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    outdir = Path(app.outdir)
    webfonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    points = icon_codepoints(outdir)
    for name in FONTAWESOME_FONTS:
        options = subset.Options()
        options.flavor = "woff"          # woff2 would need brotli, which the book does not pin
        options.layout_features = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(webfonts / f"{name}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points)
        subsetter.subset(font)
        subset.save_font(font, str(webfonts / f"{name}.subset.woff"), options)


def setup(app):
    output_alt_text()
    app.connect("missing-reference", missing_reference)
    app.connect("html-page-context", unique_scripts, priority=900)
    app.connect("build-finished", add_skip_links)   # "Skip to Explore"
    # loading="lazy" on file images after a page's first; off until tests/test_browser.py
    # scrolls a page through before it checks that every image loaded
    app.add_config_value("npnet_lazy_images", False, "html")
    app.connect("build-finished", size_built_images)
    app.connect("build-finished", subset_icon_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
