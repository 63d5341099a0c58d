"""The reading path of a chapter notebook, as DESIGN.md §3 defines it, and the checks on it.

- **Words**: whitespace-separated tokens containing a letter, in markdown cells not hidden on the
  site (tags `hide-cell`, `remove-cell`), after removing dropdown blocks (`{dropdown}` fences and
  directives with `:class: dropdown`), maths (`$…$`, `$$…$$`, `\\begin…\\end`), inline code and
  HTML tags.
- **Figure first**: a code cell with a stored image output before the markdown heading `Theory`.
- **Glossary links**: the first *use* of a Glossary term on the reading path is a {term} link.
  A use is a case-insensitive whole-word match of the term (plural -s/-es allowed; a hyphen
  counts as part of a word, so "activation" is not found in "pre-activation") in the prose outside
  maths, code, roles, links, URLs, directive options and headings.

tests/test_anatomy.py enforces these; run this file to see a chapter's numbers while writing it:

    python3 tools/reading_path.py chapters/01_symmetry.ipynb
"""
import json
import re
import sys
from pathlib import Path

FENCE = re.compile(r"^(?P<f>`{3,}|:{3,})\{(?P<d>[\w-]+)\}[^\n]*\n(?P<body>.*?)^(?P=f)\s*$", re.M | re.S)
HIDDEN_MD = {"hide-cell", "remove-cell"}
THEORY = re.compile(r"^#+\s*Theory\b", re.M)
IMAGES = ("image/png", "image/svg+xml")

# Pieces of prose in which a glossary word is not a use (in the order they are tried).
TERM_ROLE = r"\{term\}`(?P<term>[^`]*)`"
MASKED = [
    r"\{[\w:.-]+\}`[^`]*`",                  # any other role: {cite:p}`key`, {ref}`label`, ...
    r"``.*?``|`[^`\n]*`",                    # inline code
    r"!?\[[^\]\n]*\]\([^)\n]*\)",            # markdown links and images
    r"https?://\S+",                         # bare URLs
    r"<[^>]+>",                              # HTML tags
    r"^[ \t]*#+[ \t].*$",                    # headings
    r"^[ \t]*:[\w-]+:.*$",                   # directive options (:alt: ..., :class: ...)
    r"^[ \t]*\([\w.-]+\)=[ \t]*$",           # MyST labels
]
PIECE = re.compile(TERM_ROLE + "|" + "|".join(f"(?:{m})" for m in MASKED), re.M)


def strip_dropdowns(md):
    """Drop dropdown blocks; keep the bodies of other directives (their fence lines go)."""
    def repl(m):
        body = m.group("body")
        if m.group("d") == "dropdown" or re.search(r"^:class:.*\bdropdown\b", body, re.M):
            return ""
        return body
    prev = None
    while prev != md:
        prev, md = md, FENCE.sub(repl, md)
    return md


def strip_maths(md):
    md = re.sub(r"\$\$.*?\$\$", " ", md, flags=re.S)
    md = re.sub(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", " ", md, flags=re.S)
    md = re.sub(r"\$[^$\n]+\$", " ", md)
    return md


def prose_words(md):
    """Reading-path words of one markdown cell's source."""
    md = strip_maths(strip_dropdowns(md))
    md = re.sub(r"`[^`\n]*`", " ", md)
    md = re.sub(r"<[^>]+>", " ", md)
    return len([t for t in md.split() if re.search(r"[A-Za-z]", t)])


def _source(cell):
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def reading_cells(nb):
    """(index, source) of the markdown cells on the reading path, in order."""
    return [(i, _source(c)) for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "markdown" and not _tags(c) & HIDDEN_MD]


def word_count(nb):
    return sum(prose_words(src) for _, src in reading_cells(nb))


def figure_before_theory(nb):
    """True if a code cell before the Theory heading stores an image output."""
    for c in nb["cells"]:
        if c["cell_type"] == "markdown" and THEORY.search(_source(c)):
            return False
        if c["cell_type"] == "code" and any(
                any(k in o.get("data", {}) for k in IMAGES) for o in c.get("outputs", [])):
            return True
    return False


def glossary_terms(path):
    """The terms of the {glossary} directive in glossary.md: its unindented lines (several lines
    in a row name synonyms sharing one definition), lower-cased."""
    text = Path(path).read_text(encoding="utf-8")
    m = re.search(r"^(`{3,}|:{3,})\{glossary\}[^\n]*\n(.*?)^\1\s*$", text, re.M | re.S)
    if not m:
        raise ValueError(f"{path} has no {{glossary}} directive")
    return [line.strip().lower() for line in m.group(2).splitlines()
            if line.strip() and not line[0].isspace() and not line.startswith(":")]


def _term_pattern(term):
    words = [re.escape(w).replace("'", "['’]") for w in term.split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?:e?s)?(?![\w-])", re.I)


def term_events(md):
    """Walk one cell's reading-path prose: yield ("link", target, pos) for each {term} role and
    ("text", chunk, pos) for each stretch of plain prose between masked pieces."""
    md = strip_maths(strip_dropdowns(md))
    pos = 0
    for m in PIECE.finditer(md):
        yield "text", md[pos:m.start()], pos
        if m.group("term") is not None:
            target = m.group("term")
            inner = re.search(r"<([^<>]+)>\s*$", target)
            yield "link", " ".join((inner.group(1) if inner else target).split()).lower(), m.start()
        pos = m.end()
    yield "text", md[pos:], pos


def glossary_problems(nb, terms):
    """The glossary terms whose first use on the reading path is not a {term} link."""
    patterns = {t: _term_pattern(t) for t in terms}
    settled, problems = set(), []
    for i, src in reading_cells(nb):
        for kind, value, _ in term_events(src):
            if kind == "link":
                settled.add(value)
                continue
            for t, pat in patterns.items():
                if t in settled:
                    continue
                m = pat.search(value)
                if m:
                    settled.add(t)
                    context = " ".join(value[max(0, m.start() - 30):m.end() + 30].split())
                    problems.append(f"markdown cell {i}: the first use of the glossary term '{t}'"
                                    f" (… {context} …) is not a {{term}} link")
    return problems


def main(paths):
    root = Path(__file__).resolve().parents[1]
    terms = glossary_terms(root / "glossary.md")
    for p in paths:
        nb = json.loads(Path(p).read_text(encoding="utf-8"))
        print(f"{p}: {word_count(nb)} reading-path words, figure before Theory:"
              f" {figure_before_theory(nb)}")
        for problem in glossary_problems(nb, terms):
            print("  " + problem)


if __name__ == "__main__":
    main(sys.argv[1:])
