"""Every chapter notebook has the anatomy of DESIGN.md §3, and every notebook keeps the
book's rules (stored outputs, alt text, widget tags, no global seeding, the Colab cell).

The checks are plain functions returning a list of problems, so the last test can prove they
catch a notebook that breaks each rule.
"""

import ast
import base64
import io
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import reading_path  # noqa: E402  (tools/reading_path.py: the reading path as DESIGN.md §3 counts it)
import not_yet  # noqa: E402  (tests/not_yet.py: chapters not yet under a newer rule)

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]
PARTS = ["question", "theory", "experiment", "claims checked", "explore", "exercises", "summary"]
GLOBAL_RANDOM = re.compile(r"\bnp\.random\.(?!default_rng\b|Generator\b)\w+\s*\(|\brandom\.seed\s*\(")
# Every draw comes from npnet_book.seeds (DESIGN.md §4): no generator or seed built by hand,
# whether its seed is a literal or a variable (chapter 7 once passed the weights' seed on).
HAND_SEEDED = re.compile(r"\b(default_rng|Generator|SeedSequence)\s*\(|\brandom_state\s*=\s*-?\d")
FIXED_SEED = re.compile(r"\bseeds\.fixed\s*\(")
ASSERT = re.compile(r"^\s*assert\b", re.M)
IGNORE = "nbval-ignore-output"
# Calls that train (or step an optimiser); a function the notebook defines that makes one
# trains too. A cell that iterates something else that amplifies rounding says so in a comment.
TRAINING_CALLS = {"fit", "train_step", "health_step", "step", "lsuv", "train", "health",
                  "gallery", "reference"}
# a cell that calls the clinic's checker retrains the fix (npnet_book.clinic.check)
CLINIC_CHECK = re.compile(r"\bclinic\.check\s*\(")
# a checker's cell (its "Not yet"/"Correct" output answers nothing) or a clinic case's
CHECKER = re.compile(r"\bexercises\.|\bclinic\.")
MUTATORS = {"append", "extend", "insert", "update", "add", "setdefault"}
AMPLIFIES = re.compile(r"#\s*amplifies rounding\b", re.I)
PRINTED_DECIMAL = re.compile(r"\d\.\d")
EXPLORE_CALL = re.compile(r"\bexplore\s*\(")
# interact/interactive redraw through a kernel callback: dead on the static site (issue 8)
KERNEL_ONLY = re.compile(r"\b(interact|interactive|interact_manual)\s*\(")
HIDDEN = {"hide-input", "hide-cell", "remove-input"}
# Notebooks exempt from the reading-path budget, the figure-first rule and the glossary links:
# the toolkit (a tour of the lib, DESIGN.md §3), the checklist (issue 11) and the clinic (issue
# 18), which gets the checklist's exemptions: it teaches a practice, not one failure.
BUDGET_EXEMPT = {"00_toolkit", "12_checklist", "13_clinic"}
# Parts a notebook may leave out: the checklist and the clinic have no question or theory of
# their own (DESIGN.md §3 parts 1 and 2); every other part and rule still applies, exercises
# included (both chapters' exercises are clinic cases).
EXEMPT_PARTS = {"12_checklist": {"question", "theory"}, "13_clinic": {"question", "theory"}}
MAX_WORDS = 2500


def repository_url():
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell):
    return set(cell.metadata.get("tags", []))


def _names(source):
    """(names the cell stores, names it loads, functions it calls) by its syntax tree; IPython
    magics and shell lines are dropped first. A cell that does not parse gives empty sets."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set(), set(), set()
    stored, loaded, called = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            stored.add(node.name)
        elif isinstance(node, ast.Call):
            func = node.func
            called.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
            if isinstance(func, ast.Attribute) and func.attr in MUTATORS:
                stored.add(_base(func.value))            # claims.append(x) changes claims
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            stored.add(_base(node.value))                # acc[lr] = x changes acc
    stored.discard(None)
    return stored, loaded, called


def _base(node):
    """The name at the root of ``a.b[c].d``, or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def training_cells(nb):
    """Indices of the code cells that train, or use what a training cell produced (names
    traced through the notebook in order), or say that they amplify rounding."""
    tainted, out = set(), set()
    for i, cell in enumerate(code_cells(nb)):
        stored, loaded, called = _names(cell.source)
        if (called & TRAINING_CALLS or (loaded | called) & tainted
                or AMPLIFIES.search(cell.source) or CLINIC_CHECK.search(cell.source)):
            out.add(i)
            tainted |= stored
    return out


def determinism_problems(nb):
    """DESIGN.md §4: stored outputs are compared unless a cell trains or amplifies rounding;
    what a training cell prints is machine-dependent, so it is not compared; seeds come from
    the seed helper; a fixed seed never carries an asserted claim."""
    problems = []
    trains = training_cells(nb)
    for i, cell in enumerate(code_cells(nb)):
        ignored = IGNORE in tags(cell)
        if HAND_SEEDED.search(cell.source):
            problems.append(f"code cell {i} builds a generator or seed by hand; draw from"
                            " npnet_book.seeds (seeds.rng(purpose, key), seeds.random_state)")
        if FIXED_SEED.search(cell.source) and ASSERT.search(cell.source):
            problems.append(f"code cell {i} asserts a claim on a fixed seed (seeds.fixed):"
                            " a claim must hold for every offset; use seeds.rng")
        if ignored and i not in trains:
            problems.append(f"code cell {i} is tagged {IGNORE} but neither trains nor uses a"
                            " training result: let nbval compare it (or say '# amplifies"
                            " rounding: why' in the cell)")
        if i in trains and not ignored:
            printed = "".join(o.get("text", "") for o in cell.outputs
                              if o.output_type == "stream")
            printed += "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs
                               if o.output_type in ("execute_result", "display_data"))
            html = any("npnet-explore" in o.get("data", {}).get("text/html", "")
                       for o in cell.outputs)
            if PRINTED_DECIMAL.search(printed) or html:
                problems.append(f"code cell {i} shows a training result (a decimal number or"
                                f" an Explore control): another CPU rounds differently, so tag"
                                f" it {IGNORE} and assert what the prose quotes from it")
    return problems


FOLDED_OUTPUT = {"hide-output", "hide-cell", "remove-output", "remove-cell"}
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.M)


def claims_table_problems(nb):
    """The Claims checked section holds the chapter's table of claims, folded: a markdown table
    inside a collapsed dropdown, or a code cell whose printed or HTML table (text/html with a
    <table>) is folded (hide-cell or hide-output)."""
    problems, inside, tables = [], False, 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            headings = re.findall(r"^## +(.+)$", cell.source, flags=re.M)
            if headings:
                inside = any(h.strip().lower().startswith("claims checked") for h in headings)
            if not inside:
                continue
            folded = reading_path.strip_dropdowns(cell.source)
            if TABLE_ROW.search(folded):
                problems.append("the claims table is on the reading path; fold it into a"
                                " ':::{dropdown}' in the Claims checked section")
            if re.search(r"^:open:", cell.source, flags=re.M):
                problems.append("the claims dropdown is open (:open:); it must start collapsed")
            tables += bool(TABLE_ROW.search(cell.source))
        elif inside:
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            shown = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
            if printed.count("\n") >= 3 or "<table" in shown:
                tables += 1
                if not tags(cell) & FOLDED_OUTPUT:
                    problems.append(f"cell {i} shows the claims table on the reading path; tag"
                                    " it hide-cell (or hide-output) so it starts folded")
    if not tables:
        problems.append("the Claims checked section has no table of the chapter's claims"
                        " (a markdown table in a ':::{dropdown}', or a printed one, folded)")
    return problems


COLOUR_KEYWORDS = {"color", "colors", "c", "facecolor", "edgecolor", "fc", "ec", "mfc", "mec",
                   "markerfacecolor", "markeredgecolor", "colour", "colours"}
# a matplotlib colour written out: "C3", "#1f77b4", a grey level "0.4", a named colour
COLOUR_STRING = re.compile(r"^(C\d|#[0-9a-fA-F]{3,8}|0?\.\d+|[01]|[a-z]+(grey|gray)?)$")
# a format string that carries a colour: "k--", "C1o", "r:"
FORMAT_WITH_COLOUR = re.compile(r"^[-.:o^v<>sp*+xdDhH|_1-4,]*(C\d|[bgrcmykw])[-.:o^v<>sp*+xdDhH|_1-4,]*$")


def colour_literals(source):
    """Literal colours in code: a string or f-string given to a colour keyword, a "C<digit>" or
    "#rrggbb" string anywhere, a plot format string that names a colour."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in COLOUR_KEYWORDS:
            value = node.value
            if isinstance(value, ast.JoinedStr) or (
                    isinstance(value, ast.Constant) and isinstance(value.value, str)
                    and value.value not in ("none", "white")):
                found.append(f"{node.arg}={ast.unparse(value)}")
            elif isinstance(value, (ast.List, ast.Tuple)) and any(
                    isinstance(e, (ast.Constant, ast.JoinedStr)) for e in value.elts):
                found.append(f"{node.arg}={ast.unparse(value)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                r"C\d|#[0-9a-fA-F]{6}", node.value):
            found.append(repr(node.value))
        elif isinstance(node, ast.JoinedStr) and re.match(r"^C\{", ast.unparse(node)[2:]):
            found.append(ast.unparse(node))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) in ("plot", "semilogy", "semilogx", "loglog", "errorbar"):
            found += [repr(a.value) for a in node.args if isinstance(a, ast.Constant)
                      and isinstance(a.value, str) and FORMAT_WITH_COLOUR.match(a.value)]
    return sorted(set(found))


def image_problems(i, cell):
    """Stored figures and Explore frames: rendered at twice the text column's width in pixels
    (npnet_book.plots.figure_png), tick labels at least MIN_TICK_PX CSS px at that width."""
    from npnet_book.plots import COLUMN_PX, DENSITY, MIN_TICK_PX, min_tick_css_px
    from PIL import Image

    pngs = []
    for o in cell.outputs:
        data = o.get("data", {})
        if "image/png" in data:
            pngs.append(base64.b64decode(data["image/png"]))
        pngs += [base64.b64decode(m) for m in re.findall(
            r'src="data:image/png;base64,([^"]+)"', data.get("text/html", ""))[:3]]
    problems = []
    for png in pngs:
        try:
            width = Image.open(io.BytesIO(png)).width
        except Exception:
            problems.append(f"code cell {i} stores an image that is not a PNG")
            continue
        tick = min_tick_css_px(png)
        if width < DENSITY * COLUMN_PX:
            problems.append(f"code cell {i} stores a figure {width} px wide; figures are drawn at"
                            f" {DENSITY * COLUMN_PX} px (import npnet_book.plots before drawing)")
        elif tick is not None and tick < MIN_TICK_PX:
            problems.append(f"code cell {i}: tick labels are {tick} CSS px at the column's width"
                            f" (at least {MIN_TICK_PX}): make the figure narrower (about 6.9 in)")
    return problems


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
                            " draw from npnet_book.seeds instead")
        if KERNEL_ONLY.search(cell.source):
            problems.append(f"code cell {i} uses interact/interactive, which needs a kernel;"
                            " use npnet_book.explore.explore (its sliders work on the static site)")
        if EXPLORE_CALL.search(cell.source):
            if not any("text/html" in o.get("data", {}) and "npnet-explore" in o["data"]["text/html"]
                       for o in cell.outputs):
                problems.append(f"code cell {i} calls explore() but stores no HTML form of the"
                                " control (end the cell with the explore(...) call; `make execute`)")
        has_image = any("image/png" in o.get("data", {}) for o in cell.outputs)
        mystnb = cell.metadata.get("mystnb", {})
        has_alt = (mystnb.get("image", {}).get("alt")
                   or all(o.get("metadata", {}).get("image/png", {}).get("alt")
                          for o in cell.outputs if "image/png" in o.get("data", {})))
        if has_image and not has_alt:
            problems.append(f"code cell {i} draws a figure without alt text"
                            " (npnet_book.plots.set_alt(fig, text), or cell metadata"
                            " mystnb.image.alt)")
        problems += image_problems(i, cell)
        colours = colour_literals(cell.source)
        if colours:
            problems.append(f"code cell {i} writes colours by hand ({', '.join(colours[:4])}):"
                            " use npnet_book.plots.color(name), shades(n) or series(n)")
        if cell.source.rstrip().endswith(";"):
            problems.append(f"code cell {i} ends with ';' — nbval runs without history, so the"
                            " semicolon does not hide the output; end with an assignment")
    return problems + determinism_problems(nb)


LEAN_WORDS = 2000
LEAN_CODE_LINES = {"04_variance": 90}      # chapter 4 leaves 10 lines for the clinic's case
LEAN_DEFAULT_LINES = 100
LEAN_LINE_CHARS = 75
LEAN_CHAPTERS = {"01_symmetry", "02_centring", "03_bias", "04_variance"}


def visible_code_lines(nb):
    """Lines of code a reader sees without opening anything: code cells not tagged hide-* or
    remove-* (blank lines not counted)."""
    return [line for c in code_cells(nb) if not any(t.startswith(("hide-", "remove-"))
                                                    for t in tags(c))
            for line in c.source.splitlines() if line.strip()]


def lean_problems(nb, stem):
    """Part I's budget: a student finishes the chapter in about ten minutes."""
    problems = []
    words = reading_path.word_count(nb)
    if words > LEAN_WORDS:
        problems.append(f"{words} words on the reading path; Part I's budget is {LEAN_WORDS}")
    lines = visible_code_lines(nb)
    budget = LEAN_CODE_LINES.get(stem, LEAN_DEFAULT_LINES)
    if len(lines) > budget:
        problems.append(f"{len(lines)} visible code lines; the budget is {budget} (fold setup"
                        " code: hide-input / hide-cell)")
    long = [line for line in lines if len(line) > LEAN_LINE_CHARS]
    if long:
        problems.append(f"{len(long)} visible code lines over {LEAN_LINE_CHARS} characters,"
                        f" e.g. {long[0].strip()[:60]!r}")
    return problems


def exercise_problems(nb):
    """Exercises that ask before they answer: each has a worked solution in a cell tagged
    ``solution`` (folded: hide-cell); every other code cell of the section either is the
    reader's stub (visible, calling a checker) or keeps its output folded, so the stored page
    shows no measurement that answers the question until the reader opens it."""
    problems = []
    heads = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
             and re.search(r"^##\s+Exercises\b", c.source, re.M)]
    if not heads:
        return problems
    start = heads[0]
    end = next((i for i in range(start + 1, len(nb.cells)) if nb.cells[i].cell_type == "markdown"
                and re.search(r"^##\s+(?!#)", nb.cells[i].source, re.M)), len(nb.cells))
    exercise = 0
    solved = {}
    for i in range(start, end):
        cell = nb.cells[i]
        if cell.cell_type == "markdown":
            exercise += len(re.findall(r"^###\s+Exercise", cell.source, re.M))
            continue
        t = tags(cell)
        if "solution" in t:
            solved[exercise] = True
            if "hide-cell" not in t and "remove-cell" not in t:
                problems.append(f"cell {i}: a solution cell must be folded (hide-cell)")
        elif cell.outputs and not t & FOLDED_OUTPUT and not CHECKER.search(cell.source):
            problems.append(f"cell {i} shows its output under exercise {exercise} before the"
                            " reader answers: fold it (hide-output) or move it into the solution")
    missing = [k for k in range(1, exercise + 1) if k not in solved]
    if missing:
        problems.append(f"exercises {missing} have no worked solution (a cell tagged 'solution')")
    return problems


HAND_FIGURE = re.compile(
    r"(?<!paper's )(?<!their )(?<!\bof )\b(fig(?:ure|\.)?\s*\d+|equation\s*\(\d+\)|eq\.\s*\(\d+\)"
    r"|the (?:first|second|last|next|previous) figure|the figure (?:above|below))", re.I)
HAND_TAG = re.compile(r"\\tag\{|\(\d+\)\s*$")
UNSEEN_NOTE = re.compile(r"\bnotes?\b", re.I)
PYTHON_NAME = re.compile(r"^[A-Za-z]+_[A-Za-z_]+$")
SITE_CODE_CHARS = 75
# a knob's label: a button row's <legend>, a slider's first <span> (not the buttons' values)
EXPLORE_LABEL = re.compile(r'<legend>([^<]*)</legend>|class="npnet-explore-knob"><span>([^<]*)</span>')
READOUT = re.compile(r'class="npnet-explore-readout"[^>]*>([^<]*)<')


def display_maths(md):
    return re.findall(r"\$\$(.*?)\$\$", md, flags=re.S)


def site_problems(nb):
    """The reader-site rules (issue 20): numbered, captioned figures cited with {numref}; no
    figure or equation numbers written by hand; no notes the reader cannot see; Explore cells
    folded, with knobs labelled in words or symbols and a readout stating the watched number;
    code lines that fit the code box (75 characters) once every toggle is open."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            if re.search(r"^#\s+Chapter\s+\d", cell.source, re.M):
                problems.append(f"cell {i}: the title says 'Chapter N'; the toc numbers the"
                                " chapters (numbered Parts), so the title is just the topic")
            text = re.sub(r"\{numref\}`[^`]*`|\{eq\}`[^`]*`|\]\([^)]*\)", " ", cell.source)
            for m in HAND_FIGURE.finditer(reading_path.strip_maths(text)):
                problems.append(f"cell {i}: {m.group(0)!r} written by hand; label it and cite"
                                " it with {numref} or {eq}")
            for maths in display_maths(cell.source):
                if any(HAND_TAG.search(line) for line in maths.splitlines()):
                    problems.append(f"cell {i}: a hand-written equation tag in display maths;"
                                    " label the equation ($$ ... $$ (label)) instead")
            if "hide-cell" not in tags(cell) and "remove-cell" not in tags(cell):
                prose = reading_path.strip_maths(reading_path.strip_dropdowns(cell.source))
                prose = re.sub(r"`[^`\n]*`|\{note\}|\([^)]*\)=", " ", prose)
                for m in UNSEEN_NOTE.finditer(prose):
                    problems.append(f"cell {i}: {m.group(0)!r} in reading-path prose: cite a"
                                    " published source or a chapter, never a note the reader"
                                    " cannot see (say 'remark', 'mind', ... for the verb)")
            continue
        long = [line for line in cell.source.splitlines() if len(line) > SITE_CODE_CHARS]
        if long:
            problems.append(f"code cell {i}: {len(long)} lines over {SITE_CODE_CHARS} characters"
                            f" (the code box holds {SITE_CODE_CHARS}), e.g. {long[0][:50]!r}")
        pngs = sum("image/png" in o.get("data", {}) for o in cell.outputs)
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if pngs > 1:
            problems.append(f"code cell {i} stores {pngs} figures; one figure per cell")
        if pngs and not (figure.get("name") and figure.get("caption")):
            problems.append(f"code cell {i} stores a figure without a number: give it cell"
                            " metadata mystnb.figure {name, caption} and cite it with {numref}")
        html_out = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
        if "npnet-explore" in html_out:
            if not tags(cell) & {"hide-input", "remove-input"}:
                problems.append(f"code cell {i}: fold the Explore cell's code (hide-input) so"
                                " the control sits under its text")
            named = [a or b for a, b in EXPLORE_LABEL.findall(html_out)
                     if PYTHON_NAME.match(a or b)]
            if named:
                problems.append(f"code cell {i}: knobs labelled with Python names {named}:"
                                " explore(..., labels={'sigma_w': 'σ_w'})")
            readout = READOUT.search(html_out)
            if not readout or ": " not in readout.group(1):
                problems.append(f"code cell {i}: the readout states only the knob values:"
                                " explore(..., watch=lambda **knobs: 'χ = 1.02')")
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
        problems.append("no widget (npnet_book.explore.explore) in the Explore section")
    if "exercises" in first:
        end = first["summary"][0] if "summary" in first else len(nb.cells)
        section = nb.cells[first["exercises"][0]:end]
        n_ex = sum(len(re.findall(r"^### +Exercise", c.source, flags=re.M))
                   for c in section if c.cell_type == "markdown")
        if not 2 <= n_ex <= 4:
            problems.append(f"{n_ex} exercises ('### Exercise ...' headings); expected 2 to 4")
        checks = [c for c in section if c.cell_type == "code" and CHECKER.search(c.source)]
        if not any(tags(c) & HIDDEN for c in checks) or not any(not tags(c) & HIDDEN for c in checks):
            problems.append("a coding exercise needs a visible stub and a hidden worked solution,"
                            " both calling a checker from npnet_book.exercises")
    if "claims checked" in first:
        problems += claims_table_problems(nb)
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


def unless_not_yet(problems, stem, listed, rule):
    """Fail on ``problems`` unless the chapter is on a not-yet list (tests/not_yet.py)."""
    if stem in listed:
        pytest.skip(f"{stem} is on the not-yet list for {rule} ({len(problems)} problems)")
    assert problems == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_rules(path):
    assert rule_problems(nbformat.read(path, as_version=4), repository_url()) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_exercises_ask_first(path):
    unless_not_yet(exercise_problems(nbformat.read(path, as_version=4)), path.stem,
                   not_yet.EXERCISES, "the exercise rule")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_part_one_is_lean(path):
    if path.stem not in LEAN_CHAPTERS:
        pytest.skip("the lean budget applies to Part I (chapters 1-4)")
    unless_not_yet(lean_problems(nbformat.read(path, as_version=4), path.stem), path.stem,
                   not_yet.LEAN, "the lean budget")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_site_rules(path):
    unless_not_yet(site_problems(nbformat.read(path, as_version=4)), path.stem,
                   not_yet.SITE, "the site rules")


def test_not_yet_lists_name_real_chapters():
    stems = {p.stem for p in CHAPTERS}
    assert all(isinstance(s, set) for s in (not_yet.EXERCISES, not_yet.LEAN, not_yet.SITE)), \
        "write an empty list as set(), not {} (a dict)"
    assert not_yet.EXERCISES <= stems and not_yet.LEAN <= LEAN_CHAPTERS
    assert not_yet.SITE <= {p.stem for p in NOTEBOOKS}


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


def test_each_part_ends_with_a_clinic_case_from_that_part():
    """Issue 18: the last chapter of Parts I-III has an exercise that is a numbered clinic case
    (clinic.case(k)) whose fault(s) the Part's own chapters explain."""
    from npnet_book import clinic

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = [p for p in toc["parts"] if p["caption"].startswith("Part I")
             and "clinic" not in p["caption"].lower()]
    assert len(parts) == 3, [p["caption"] for p in parts]
    for part in parts:
        stems = [Path(c["file"]).name for c in part["chapters"]]
        nb = nbformat.read(ROOT / "chapters" / f"{stems[-1]}.ipynb", as_version=4)
        heads = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                 and re.search(r"^##\s+Exercises\b", c.source, re.M)]
        assert heads, f"{stems[-1]} has no Exercises section"
        source = "\n".join(c.source for c in nb.cells[heads[0]:] if c.cell_type == "code")
        numbers = [int(k) for k in re.findall(r"\bclinic\.case\((\d+)\)", source)]
        assert numbers, f"{stems[-1]}'s exercises hold no clinic case (clinic.case(k))"
        for k in numbers:
            chapters = {clinic._BY_NAME[f].chapter for f in clinic._NUMBERED[k]}
            assert chapters <= set(stems), (part["caption"], k, chapters)


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
        nbformat.v4.new_code_cell("plot(x, y, 'k--', color='C3');"),
        nbformat.v4.new_code_cell("w = npnet.mlp([2, 2], rng=np.random.default_rng(seed))\n"
                                  "x = npnet.data.blob(random_state=0)"),
        nbformat.v4.new_code_cell("h = fit(w, x)\nprint(h.acc)"),
        nbformat.v4.new_code_cell("acc = h.acc\nprint(acc)", metadata={"tags": [IGNORE]}),
        nbformat.v4.new_code_cell("z = seeds.fixed('x').normal()\nassert z < 9"),
        nbformat.v4.new_code_cell("rows = []"),
        nbformat.v4.new_code_cell("rows.append(acc)"),
        nbformat.v4.new_code_cell("print(rows)"),
        nbformat.v4.new_markdown_cell("## Claims checked\n\n| claim | tolerance |\n|---|---|"),
    ]
    nb.cells[4].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AA=="})]
    nb.cells[6].outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.93\n")]
    nb.cells[11].outputs = [nbformat.v4.new_output("stream", name="stdout", text="[0.93]\n")]
    problems = " | ".join(rule_problems(nb, "https://example.org/repo") + anatomy_problems(nb))
    for expected in ["Colab install cell", "no stored execution", "global random state",
                     "nbval-ignore-output", "alt text", "ends with ';'", "missing the '## Summary'",
                     "out of order", "asserted claims", "needs a kernel", "no HTML form",
                     "code cell 4 builds a generator", "code cell 5 shows a training result",
                     "code cell 7 asserts a claim on a fixed seed", "claims table",
                     "code cell 10 shows a training result", "code cell 3 writes colours by hand",
                     "'k--'", "color='C3'", "code cell 3 stores an image that is not a PNG"]:   # rows changed by rows.append
        assert expected in problems, expected
    # the explore cell (1) neither trains nor uses a training result; cell 6 uses one
    assert "code cell 1 is tagged" in problems and "code cell 6 is tagged" not in problems
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "word " * MAX_WORDS + "\n\nA dead unit, then {term}`dead unit`; saturated, then {term}`saturation`."))
    problems = " | ".join(reading_path_problems(nb, ["dead unit", "saturation"]))
    for expected in ["words on the reading path", "no figure", "glossary term 'dead unit'"]:
        assert expected in problems, expected
    assert "'saturation'" not in problems  # "saturated" is not a use of "saturation"
    # the checklist and the clinic may leave out Question and Theory, and nothing else
    for stem in ("12_checklist", "13_clinic"):
        problems = " | ".join(anatomy_problems(nb, EXEMPT_PARTS[stem]))
        for absent in ["'## Question'", "'## Theory'"]:
            assert absent not in problems, absent
        for expected in ["missing the '## Experiment'", "missing the '## Exercises'",
                         "missing the '## Summary'", "asserted claims"]:
            assert expected in problems, expected


def test_exercise_rule_catches_answers_shown_early():
    """A measurement under an exercise must have its output folded (hide-input folds only the
    code), and every exercise needs a cell tagged 'solution'."""
    def code(source, tags=(), text="0.000771\n"):
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        return cell

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercises\n\n### Exercise 1"),
                code("ok = npnet_book.exercises.ch05.check(guess)", text="Not yet\n"),
                code("print(measured)", ["hide-input"]),
                nbformat.v4.new_markdown_cell("### Exercise 2"),
                code("print(measured)", ["hide-output"]),
                code("guess = 0.5", ["solution", "hide-cell"]),
                nbformat.v4.new_markdown_cell("## Summary")]
    problems = " | ".join(exercise_problems(nb))
    assert "cell 2 shows its output under exercise 1" in problems
    assert "cell 4" not in problems and "cell 1" not in problems
    assert "exercises [1] have no worked solution" in problems
