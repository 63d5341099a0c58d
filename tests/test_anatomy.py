"""Every chapter notebook has the anatomy of DESIGN.md §3, and every notebook keeps the
book's rules (stored outputs, alt text, widget tags, no global seeding, the Colab cell).

The checks are plain functions returning a list of problems, so the last test can prove they
catch a notebook that breaks each rule.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import reading_path  # noqa: E402  (tools/reading_path.py: the reading path as DESIGN.md §3 counts it)

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]
PARTS = ["question", "theory", "experiment", "claims checked", "explore", "exercises", "summary"]
GLOBAL_RANDOM = re.compile(r"\bnp\.random\.(?!default_rng\b|Generator\b)\w+\s*\(|\brandom\.seed\s*\(")
EXPLORE_CALL = re.compile(r"\bexplore\s*\(")
# interact/interactive redraw through a kernel callback: dead on the static site (issue 8)
KERNEL_ONLY = re.compile(r"\b(interact|interactive|interact_manual)\s*\(")
HIDDEN = {"hide-input", "hide-cell", "remove-input"}
# Notebooks exempt from the reading-path budget, the figure-first rule and the glossary links:
# the toolkit (a tour of the lib, DESIGN.md §3) and the checklist (issue 11).
BUDGET_EXEMPT = {"00_toolkit", "12_checklist"}
# Parts a notebook may leave out: the checklist (issue 11) has no question, theory or exercises
# of its own (DESIGN.md §3 parts 1, 2 and 6); every other part and rule still applies.
EXEMPT_PARTS = {"12_checklist": {"question", "theory", "exercises"}}
MAX_WORDS = 2500


def repository_url():
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell):
    return set(cell.metadata.get("tags", []))


def rule_problems(nb, url):
    """Rules for every notebook, the toolkit included."""
    problems = []
    cells = code_cells(nb)
    if not cells or "google.colab" not in cells[0].source or url not in cells[0].source:
        problems.append(f"the first code cell must be the Colab install cell naming {url}")
    for i, cell in enumerate(cells):
        if cell.execution_count is None:
            problems.append(f"code cell {i} has no stored execution (run `make execute`)")
        if any(o.output_type == "error" for o in cell.outputs):
            problems.append(f"code cell {i} stores an error")
        if GLOBAL_RANDOM.search(cell.source):
            problems.append(f"code cell {i} uses NumPy's global random state;"
                            " draw from np.random.default_rng(seed) instead")
        if KERNEL_ONLY.search(cell.source):
            problems.append(f"code cell {i} uses interact/interactive, which needs a kernel;"
                            " use npnet.widgets.explore (its sliders work on the static site)")
        if EXPLORE_CALL.search(cell.source):
            if "nbval-ignore-output" in tags(cell):
                problems.append(f"code cell {i} calls explore() but is tagged nbval-ignore-output:"
                                " its frames are byte-stable, let strict nbval compare them")
            if not any("text/html" in o.get("data", {}) and "npnet-explore" in o["data"]["text/html"]
                       for o in cell.outputs):
                problems.append(f"code cell {i} calls explore() but stores no HTML form of the"
                                " control (end the cell with the explore(...) call; `make execute`)")
        has_image = any("image/png" in o.get("data", {}) for o in cell.outputs)
        mystnb = cell.metadata.get("mystnb", {})
        has_alt = mystnb.get("image", {}).get("alt") or mystnb.get("figure", {}).get("caption")
        if has_image and not has_alt and "nbval-ignore-output" not in tags(cell):
            problems.append(f"code cell {i} draws a figure without alt text"
                            " (cell metadata mystnb.image.alt)")
        if cell.source.rstrip().endswith(";"):
            problems.append(f"code cell {i} ends with ';' — nbval runs without history, so the"
                            " semicolon does not hide the output; end with an assignment")
    return problems


def anatomy_problems(nb, exempt=frozenset()):
    """The parts of a chapter (DESIGN.md §3), in order, and what each must hold; parts named
    in ``exempt`` may be absent (if present, they are checked like any other)."""
    problems = []
    headings = [((i, m.start()), m.group(1).strip().lower())
                for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                for m in re.finditer(r"^## +(.+)$", c.source, flags=re.M)]
    first = {}
    for part in PARTS:
        hits = [i for i, h in headings if h.startswith(part)]
        if hits:
            first[part] = hits[0]
        elif part not in exempt:
            problems.append(f"missing the '## {part.capitalize()}' section")
    found = [p for p in PARTS if p in first]
    if [first[p] for p in found] != sorted(first[p] for p in found):
        problems.append(f"sections out of order: expected {PARTS}")
    source = "\n".join(c.source for c in code_cells(nb))
    n_asserts = len(re.findall(r"^\s*assert\b", source, flags=re.M))
    if n_asserts < 5:
        problems.append(f"only {n_asserts} asserted claims; a chapter needs at least 5")
    cells = code_cells(nb)
    if not any(EXPLORE_CALL.search(c.source) for c in cells):
        problems.append("no widget (npnet.widgets.explore) in the Explore section")
    if "exercises" in first:
        end = first["summary"][0] if "summary" in first else len(nb.cells)
        section = nb.cells[first["exercises"][0]:end]
        n_ex = sum(len(re.findall(r"^### +Exercise", c.source, flags=re.M))
                   for c in section if c.cell_type == "markdown")
        if not 2 <= n_ex <= 4:
            problems.append(f"{n_ex} exercises ('### Exercise ...' headings); expected 2 to 4")
        checks = [c for c in section if c.cell_type == "code" and "exercises." in c.source]
        if not any(tags(c) & HIDDEN for c in checks) or not any(not tags(c) & HIDDEN for c in checks):
            problems.append("a coding exercise needs a visible stub and a hidden worked solution,"
                            " both calling a checker from npnet_book.exercises")
    if "summary" in first:
        summary = "\n".join(c.source for c in nb.cells[first["summary"][0]:]
                             if c.cell_type == "markdown")
        if "{cite" not in summary:
            problems.append("the summary cites no reference ({cite}`key`)")
    return problems


def reading_path_problems(nb, terms):
    """DESIGN.md §3 budgets: words on the reading path, a figure before the Theory heading, and
    the first use of each glossary term (a list of lower-case terms) as a {term} link."""
    problems = []
    words = reading_path.word_count(nb)
    if words > MAX_WORDS:
        problems.append(f"{words} words on the reading path; the budget is {MAX_WORDS}"
                        " (fold derivations and second-order material into dropdowns)")
    if not reading_path.figure_before_theory(nb):
        problems.append("no figure (stored image output) before the '## Theory' heading")
    return problems + reading_path.glossary_problems(nb, terms)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_rules(path):
    assert rule_problems(nbformat.read(path, as_version=4), repository_url()) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_anatomy(path):
    exempt = EXEMPT_PARTS.get(path.stem, set())
    assert anatomy_problems(nbformat.read(path, as_version=4), exempt) == []


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem not in BUDGET_EXEMPT],
                         ids=lambda p: p.name)
def test_chapter_reading_path(path):
    terms = reading_path.glossary_terms(ROOT / "glossary.md")
    assert reading_path_problems(nbformat.read(path, as_version=4), terms) == []


def test_reading_path_counts_and_glossary_uses():
    md = ("Prose with $x^2$ and `code` <b>bold</b> 1,000 words.\n\n$$a = b$$\n\n"
          ":::{dropdown} Derivation\nfolded away here\n:::\n\n```{note}\nkept note\n```\n")
    assert reading_path.prose_words(md) == 7  # Prose with and bold words. kept note
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "## Dead units\n\nA unit's pre-activation, `dead_unit`, [dead unit](x.md), $\\text{dead unit}$"
        " and {cite:p}`dead unit` are not uses; then {term}`dead units <dead unit>`, dead units,"
        " the deadunit and Jensen’s inequality.")]
    problems = reading_path.glossary_problems(nb, ["dead unit", "activation", "jensen's inequality"])
    assert len(problems) == 1 and "'jensen's inequality'" in problems[0], problems
    terms = reading_path.glossary_terms(ROOT / "glossary.md")
    assert len(terms) == len(set(terms)) and "fan-in" in terms, "glossary terms must be unique"


def test_notebooks_are_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    for path in NOTEBOOKS:
        assert f"chapters/{path.stem}" in toc, f"{path.name} is not listed in _toc.yml"


def test_checks_catch_a_broken_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Theory\n\n## Question"),
        nbformat.v4.new_code_cell("import numpy as np\nnp.random.seed(0)\nx = np.random.randn(3)"),
        nbformat.v4.new_code_cell("explore(draw, scale=[1, 2])",
                                  metadata={"tags": ["nbval-ignore-output"]}),
        nbformat.v4.new_code_cell("interact(f, x=1)"),
        nbformat.v4.new_code_cell("plot();"),
    ]
    nb.cells[4].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AA=="})]
    problems = " | ".join(rule_problems(nb, "https://example.org/repo") + anatomy_problems(nb))
    for expected in ["Colab install cell", "no stored execution", "global random state",
                     "nbval-ignore-output", "alt text", "ends with ';'", "missing the '## Summary'",
                     "out of order", "asserted claims", "needs a kernel", "no HTML form"]:
        assert expected in problems, expected
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "word " * MAX_WORDS + "\n\nA dead unit, then {term}`dead unit`; saturated, then {term}`saturation`."))
    problems = " | ".join(reading_path_problems(nb, ["dead unit", "saturation"]))
    for expected in ["words on the reading path", "no figure", "glossary term 'dead unit'"]:
        assert expected in problems, expected
    assert "'saturation'" not in problems  # "saturated" is not a use of "saturation"
    # the checklist may leave out Question, Theory and Exercises, and nothing else
    problems = " | ".join(anatomy_problems(nb, EXEMPT_PARTS["12_checklist"]))
    for absent in ["'## Question'", "'## Theory'", "'## Exercises'"]:
        assert absent not in problems, absent
    for expected in ["missing the '## Experiment'", "missing the '## Summary'", "asserted claims"]:
        assert expected in problems, expected
