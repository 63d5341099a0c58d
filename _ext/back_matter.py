"""The back matter's navigation and the site's accessibility fixes (issue 20, item 7).

Loaded by _config.yml ``sphinx.local_extensions``. Five pieces:

1. ``{glossary-az}``: an A–Z index, a ``<nav>`` of letters each linking to the first term of
   that letter in the page's ``{glossary}`` (letters with no term are shown, not linked). It is
   built from the glossary itself, so adding a term cannot leave it stale.

2. "Cited in" under each entry of a ``{bibliography}``. sphinxcontrib-bibtex links a citation
   back only within its own document; this reads the bibtex domain's citation references (the
   ``{cite}`` roles of every document) and adds, under each entry, links to the citing
   documents in reading order ("Cited in: 8. Batch normalisation, 9. Regularisation"), each
   to the first place the document cites the work.

3. ``.. api-modules:: PACKAGE`` (inside ``{eval-rst}``: docstrings are reStructuredText): a
   table of every public module of PACKAGE (names not starting with "_", found with pkgutil,
   subpackages included but not walked) linked to its API page, with its docstring's first
   sentence (its first line, continued if the sentence goes on). A module without a docstring
   is a build warning (``-W`` fails); the page depends on each module's file, so it is rebuilt
   when one changes.

4. Glossary previews. sphinx-tippy shows a term's definition when a ``{term}`` link is hovered
   or focused. Its defaults load popper and tippy from a CDN and fetch Wikipedia and DOI tips at
   build time; here both scripts are served from the site (``_ext/static/tippy-js``, the npm
   packages' UMD builds, MIT), remote tips are off, every link but a glossary term's is skipped,
   a page without term links loads none of it, and Escape closes an open preview.

5. Accessibility fixes axe-core asks for. docutils' HTML writer marks each bibliography entry
   ``role="doc-biblioentry"`` (deprecated in ARIA 1.3, and not allowed as a child of the
   ``role="list"`` it writes around them: axe's critical ``aria-required-children``); a
   translator mix-in writes ``role="listitem"`` instead. The theme's sidebar gives the
   ``<summary>`` that folds a toc entry's children no text (axe's serious ``summary-name``);
   it gets an ``aria-label`` naming the entry.
"""

import functools
import importlib
import inspect
import pkgutil
import re
import types
import unicodedata
from collections import defaultdict
from pathlib import Path
from string import ascii_uppercase

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
TIPPY_JS = ("tippy-js/popper.min.js", "tippy-js/tippy-bundle.umd.min.js")
# Escape hides an open preview (WCAG 1.4.13: content on hover or focus is dismissable)
ESCAPE_JS = ("document.addEventListener('keydown', e => { if (e.key === 'Escape' && window.tippy)"
             " tippy.hideAll({duration: 0}); });")
# sphinx-tippy's skip list: every href except a glossary term's (on any page, or in the glossary)
ONLY_TERMS = r"^(?!(?:(?:\.\./)*glossary\.html)?#term-)"


# --- 1. Glossary A–Z -------------------------------------------------------------------------

class az_index(nodes.General, nodes.Element):
    """Placeholder for the A–Z index; filled from the page's glossary when it is read."""


class GlossaryAZ(SphinxDirective):
    has_content = False

    def run(self):
        return [az_index()]


def _letter(text):
    base = unicodedata.normalize("NFD", text.strip())[:1]
    return base.upper()


def fill_az(app, doctree):
    placeholders = list(doctree.findall(az_index))
    if not placeholders:
        return
    first = {}
    for glossary in doctree.findall(addnodes.glossary):
        for term in glossary.findall(nodes.term):
            letter = _letter(term.astext())
            if term["ids"] and letter not in first:
                first[letter] = term["ids"][0]
    letters = list(ascii_uppercase) + sorted(set(first) - set(ascii_uppercase))
    for placeholder in placeholders:
        para = nodes.paragraph()
        for letter in letters:
            if letter in first:
                ref = nodes.reference("", "", internal=True, refid=first[letter])
                ref += nodes.Text(letter)
                para += ref
            else:
                para += nodes.inline(letter, letter, classes=["az-none"])
            para += nodes.Text(" ")
        placeholder += para


def visit_az_index(self, node):
    self.body.append('<nav class="glossary-az" aria-label="Glossary, A to Z">\n')


def depart_az_index(self, node):
    self.body.append("</nav>\n")


def skip(self, node):
    raise nodes.SkipNode


# --- 2. Cited in -----------------------------------------------------------------------------

def _reading_order(env):
    from sphinxcontrib.bibtex.domain import get_docnames
    return list(get_docnames(env))


def _label(env, docname):
    """"8. Batch normalisation": the toc's number (if any) and the title, without a leading
    "Chapter 8 —" (the toc numbers chapters)."""
    title = env.titles[docname].astext() if docname in env.titles else docname
    title = re.sub(r"^Chapter\s+\d+\s*[—–:-]\s*", "", title)
    number = env.toc_secnumbers.get(docname, {}).get("")
    return f"{'.'.join(map(str, number))}. {title}" if number else title


def add_cited_in(app, doctree, docname):
    if app.builder.format != "html":
        return
    domain = app.env.get_domain("cite")
    keys = {c.citation_id: c.key for c in domain.citations
            if c.bibliography_key.docname == docname}
    if not keys:
        return
    citing = defaultdict(dict)        # key -> {citing docname: id of its first citation}
    for ref in domain.citation_refs:
        for target in ref.targets:
            citing[target.key].setdefault(ref.docname, ref.citation_ref_id)
    order = _reading_order(app.env)
    for citation in doctree.findall(nodes.citation):
        key = next((keys[i] for i in citation["ids"] if i in keys), None)
        docs = sorted((d for d in citing.get(key, {}) if d != docname), key=order.index)
        if not docs:
            continue
        para = nodes.paragraph(classes=["cited-in"])
        para += nodes.Text("Cited in: ")
        for i, doc in enumerate(docs):
            if i:
                para += nodes.Text(", ")
            uri = app.builder.get_relative_uri(docname, doc) + "#" + citing[key][doc]
            ref = nodes.reference("", "", internal=True, refuri=uri)
            ref += nodes.Text(_label(app.env, doc))
            para += ref
        citation += para


# --- 3. API module index ---------------------------------------------------------------------

def _summary(doc):
    """The docstring's first sentence: its first line, continued to the end of the sentence
    if the line breaks inside it (never past the first paragraph)."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    sentence = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return sentence.group(1) if sentence else paragraph


class ApiModules(SphinxDirective):
    """``.. api-modules:: npnet``: every public module of the package, with its summary."""
    required_arguments = 1
    has_content = False
    option_spec = {"class": directives.class_option}

    def run(self):
        package = importlib.import_module(self.arguments[0])
        table = nodes.table(classes=["api-modules", "colwidths-auto"])
        group = nodes.tgroup(cols=2)
        table += group
        group += nodes.colspec(colwidth=1)
        group += nodes.colspec(colwidth=1)
        head, body = nodes.thead(), nodes.tbody()
        head += self._row([nodes.paragraph(text="Module")], [nodes.paragraph(text="Summary")])
        group += head
        group += body
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            name = f"{package.__name__}.{info.name}"
            module = importlib.import_module(name)
            if getattr(module, "__file__", None):
                self.env.note_dependency(module.__file__)
            summary = _summary(inspect.getdoc(module) or "")
            if not summary:
                LOGGER.warning(f"{name} has no module docstring for the API index",
                               location=(self.env.docname, self.lineno))
            body += self._row(self._parse(f":py:mod:`{name}`", name),
                              self._parse(summary, name))
        return [table]

    def _parse(self, text, module):
        """reStructuredText as if it were written in `module` (so that `name` and
        :func:`name` in a docstring resolve as they do on the module's own page)."""
        context = self.env.ref_context
        saved = context.get("py:module")
        context["py:module"] = module
        try:
            box = nodes.container()
            self.state.nested_parse(StringList([text], source=self.env.docname),
                                    self.content_offset, box)
        finally:
            if saved is None:
                context.pop("py:module", None)
            else:
                context["py:module"] = saved
        return box.children

    @staticmethod
    def _row(*cells):
        row = nodes.row()
        for content in cells:
            entry = nodes.entry()
            entry.extend(content)
            row += entry
        return row


# --- 4. Glossary previews (sphinx-tippy, served from the site) -------------------------------

def configure_tippy(app, config):
    config.html_static_path = list(config.html_static_path) + [str(STATIC)]
    config.tippy_js = TIPPY_JS
    config.tippy_enable_wikitips = False
    config.tippy_enable_doitips = False
    config.tippy_rtd_urls = []
    config.tippy_skip_urls = (ONLY_TERMS,)
    config.tippy_anchor_parent_selector = "article.bd-article"


def clean_stale_tips(app, pagename, templatename, context, doctree):
    """sphinx-tippy writes each page's tips to a new _static/tippy/<page>.<uuid>.js and removes
    the old ones only for top-level pages: remove them for every page (before it writes)."""
    path = Path(app.outdir, "_static", "tippy", *pagename.split("/"))
    stale = re.compile(re.escape(path.name) + r"\.[0-9a-f-]{36}\.js")
    for old in path.parent.glob(path.name + ".*.js"):
        if stale.fullmatch(old.name):
            old.unlink()


def _is_tippy(js):
    name = str(getattr(js, "filename", js) or "")
    return name.removeprefix("_static/").startswith(("tippy/", "tippy-js/"))


def page_assets(app, pagename, templatename, context, doctree):
    """Tippy's scripts only where there is a term to preview; the back matter's CSS only on
    the pages that use it."""
    body = context.get("body") or ""
    scripts = context.get("script_files")
    if scripts is not None:
        if "#term-" in body:
            app.add_js_file(None, body=ESCAPE_JS)
        else:
            scripts[:] = [js for js in scripts if not _is_tippy(js)]
    if any(c in body for c in ('class="glossary-az"', 'class="cited-in"', "api-modules", "#term-")):
        app.add_css_file("back-matter.css")


# --- 5. Accessibility: bibliography roles, sidebar toggles -----------------------------------

class CitationListItems:
    """Bibliography entries as list items of docutils' ``role="list"`` wrapper, instead of the
    deprecated ``doc-biblioentry`` role (not a permitted child of a list)."""

    def visit_citation(self, node):
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def set_translator(app):
    if app.builder.format != "html":
        return
    base = app.registry.translators.get(app.builder.name) or app.builder.default_translator_class
    app.set_translator(app.builder.name,
                       types.new_class("BookHTMLTranslator", (CitationListItems, base), {}),
                       override=True)


def _label_summaries(html):
    from bs4 import BeautifulSoup
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(str(html), "html.parser")
    for summary in soup.select("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.parent.parent if summary.parent is not None else None
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else "this section"
        summary["aria-label"] = f"Pages under {title}"
    return soup if isinstance(html, BeautifulSoup) else str(soup)


def label_toc_toggles(app, pagename, templatename, context, doctree):
    original = context.get("generate_toctree_html")
    if original is None or getattr(original, "labels_summaries", False):
        return

    @functools.wraps(original)
    def generate_toctree_html(*args, **kwargs):
        return _label_summaries(original(*args, **kwargs))

    generate_toctree_html.labels_summaries = True
    context["generate_toctree_html"] = generate_toctree_html


def setup(app):
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("sphinx_tippy")
    app.add_node(az_index, html=(visit_az_index, depart_az_index), latex=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_directive("glossary-az", GlossaryAZ)
    app.add_directive("api-modules", ApiModules)
    app.connect("config-inited", configure_tippy)
    app.connect("doctree-read", fill_az)
    app.connect("doctree-resolved", add_cited_in)
    app.connect("builder-inited", set_translator, priority=400)
    # after the theme puts generate_toctree_html into the context (priority 500), after
    # sphinx-tippy adds its scripts (450), before npnet_site drops duplicate scripts (900)
    app.connect("html-page-context", clean_stale_tips, priority=440)
    app.connect("html-page-context", label_toc_toggles, priority=600)
    app.connect("html-page-context", page_assets, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
