"""Two site fixes the book needs (loaded by _config.yml `sphinx.local_extensions`).

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
"""

import importlib

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


def setup(app):
    output_alt_text()
    app.connect("missing-reference", missing_reference)
    app.connect("html-page-context", unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
